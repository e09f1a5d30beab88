import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksumAdjust16,
  checksumAdjust32,
  internetChecksum,
  onesComplementSum,
} from '../../src/net/checksum.js';

// A slow, obviously right reference: 16-bit words, fold after every add.
function referenceChecksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) {
    sum += (b[i]! << 8) | (i + 1 < b.length ? b[i + 1]! : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
}

describe('Internet checksum', () => {
  it('matches the RFC 1071 worked example', () => {
    // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (folded), checksum 0x220d.
    const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(onesComplementSum(b, 0, b.length)).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('agrees with a word-at-a-time reference on any bytes, odd lengths included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        expect(internetChecksum(b)).toBe(referenceChecksum(b));
      }),
    );
  });

  it('sums to 0xffff over data that includes its own checksum', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 300 }), (b) => {
        const d = Uint8Array.from(b.length % 2 ? [...b, 0] : b);
        d[0] = 0;
        d[1] = 0;
        const c = internetChecksum(d);
        d[0] = c >>> 8;
        d[1] = c & 0xff;
        expect(onesComplementSum(d, 0, d.length)).toBe(0xffff);
      }),
    );
  });

  it('chains partial sums like one pass over the concatenation (even split)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (a, b) => {
        const a2 = a.length % 2 ? Uint8Array.from([...a, 0]) : a;
        const all = new Uint8Array(a2.length + b.length);
        all.set(a2);
        all.set(b, a2.length);
        const chained = onesComplementSum(b, 0, b.length, onesComplementSum(a2, 0, a2.length));
        expect(chained).toBe(onesComplementSum(all, 0, all.length));
      }),
    );
  });

  it('incremental updates (RFC 1624) equal a full recomputation', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 12, maxLength: 64 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (raw, word, u32) => {
          const b = Uint8Array.from(raw.length % 2 ? [...raw, 0] : raw);
          const before = internetChecksum(b);
          const oldWord = (b[2]! << 8) | b[3]!;
          b[2] = word >>> 8;
          b[3] = word & 0xff;
          const after16 = checksumAdjust16(before, oldWord, word);
          // Incremental results may differ from a fresh sum only in the 0x0000/0xffff representation of zero.
          const full16 = internetChecksum(b);
          expect(after16 === full16 || (after16 | full16) === 0xffff).toBe(true);
          const fresh = full16;
          const oldU32 = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
          b[4] = u32 >>> 24;
          b[5] = (u32 >>> 16) & 0xff;
          b[6] = (u32 >>> 8) & 0xff;
          b[7] = u32 & 0xff;
          const after32 = checksumAdjust32(fresh, oldU32, u32);
          const full = internetChecksum(b);
          expect(after32 === full || (after32 | full) === 0xffff).toBe(true);
        },
      ),
    );
  });
});

describe('onesComplementSum against a word-by-word reference', () => {
  const reference = (b: Uint8Array, off: number, len: number, initial: number): number => {
    let sum = initial;
    for (let i = 0; i < len; i += 2) sum += (b[off + i]! << 8) | (i + 1 < len ? b[off + i + 1]! : 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
    return sum;
  };
  it('agrees for any bytes, range and view offset (the 32-bit word path included)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000, size: 'max' }),
        fc.nat(7),
        fc.nat(),
        fc.nat(),
        fc.nat(0xffff),
        (data, viewOffset, a, b, initial) => {
          // The bytes sit at an arbitrary (often odd) offset inside a larger buffer, as packets in slabs do.
          const backing = new Uint8Array(data.length + viewOffset + 3).fill(0xee);
          backing.set(data, viewOffset);
          const view = backing.subarray(viewOffset, viewOffset + data.length);
          const off = data.length === 0 ? 0 : a % data.length;
          const len = data.length - off === 0 ? 0 : b % (data.length - off + 1);
          expect(onesComplementSum(view, off, len, initial)).toBe(reference(view, off, len, initial));
        },
      ),
      { numRuns: 400, seed: 0xc5 },
    );
  });
});
