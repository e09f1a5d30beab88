import { describe, expect, it } from 'vitest';
import { allocPacket } from '../../src/net/packet-alloc.js';

describe('allocPacket', () => {
  it('gives zero-filled buffers that never overlap, across slab boundaries', () => {
    const bufs: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) {
      const b = allocPacket(1 + ((i * 397) % 1600));
      expect(b.every((x) => x === 0)).toBe(true);
      b.fill(i & 0xff || 1);
      bufs.push(b);
    }
    // Writing every buffer left every other one intact.
    bufs.forEach((b, i) => expect(b.every((x) => x === (i & 0xff || 1))).toBe(true));
    expect(new Set(bufs.map((b) => b.buffer)).size).toBeGreaterThan(1);
  });

  it('gives large requests a buffer of their own', () => {
    const big = allocPacket(9000);
    expect(big.length).toBe(9000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(9000);
  });
});
