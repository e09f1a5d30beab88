// What the replay reads is never trusted: real frames with bytes flipped, and random datagrams from the "server",
// are classified and fed to flows without an exception; each frame lands in exactly one category.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readCaptureBytes } from '../../src/capture/index.js';
import { ClassifiedFrame, classifyFrame, ClosedFlow, FrameKind, type FlowHost } from '../../src/capture/replay/index.js';
import { buildIpv4Tcp } from '../../src/net/index.js';
import { readAll } from './read-all.js';

const DVIPA = 0x0a01010a;
const isDvipa = (ip: number) => ip === DVIPA;
const bytes = new Uint8Array(readFileSync('fixtures/captures/http-echo-8-clients.pcap'));
const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
/** File offsets of each record's data. */
const records: [number, number][] = [];
for (let p = 24; p + 16 <= bytes.length; ) {
  const n = dv.getUint32(p + 8, true);
  records.push([p + 16, n]);
  p += 16 + n;
}

describe('replay input is never trusted', () => {
  test('flipped bytes inside frames: every frame gets one kind, nothing throws', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(records.length - 1), fc.nat(20000), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 40 }), (flips) => {
        const copy = bytes.slice();
        for (const [r, at, x] of flips) {
          const [start, n] = records[r]!;
          copy[start + (at % n)]! ^= x;
        }
        const frames = readAll(readCaptureBytes(copy));
        expect(frames).toHaveLength(records.length);
        const cf = new ClassifiedFrame();
        const counts = new Map<number, number>();
        for (const f of frames) {
          const k = classifyFrame(f, isDvipa, cf).kind;
          counts.set(k, (counts.get(k) ?? 0) + 1);
          if (k === FrameKind.ToDvipaTcp || k === FrameKind.FromDvipaTcp) {
            expect(cf.payloadOffset + cf.payloadLength).toBe(cf.packet.length);
            expect(cf.tcpHeaderLength).toBeGreaterThanOrEqual(20);
          }
        }
        expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(records.length);
      }),
      { numRuns: 100 },
    );
  });

  test('random datagrams and segments reach a flow without an exception', () => {
    const host: FlowHost = { send: () => {}, wake: () => {}, decided: () => {}, progress: () => {} };
    const syn = buildIpv4Tcp({ src: 0xc6336415, dst: DVIPA }, { srcPort: 40000, dstPort: 80, seq: 1, flags: 2, window: 1000, options: { mss: 1460, timestamp: { value: 1, echo: 0 }, windowScale: 3 } });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ minLength: 40, maxLength: 120 }), fc.record({ seq: fc.nat(), ack: fc.nat(), flags: fc.nat(255), len: fc.nat(3000) })), { maxLength: 60 }),
        (inputs) => {
          const flow = new ClosedFlow(host, 0xc6336415, 40000, DVIPA, 80, syn, 20, syn.length - 20, 0);
          flow.start(0);
          let now = 0;
          for (const x of inputs) {
            now += 1_000_000;
            if (x instanceof Uint8Array) {
              x[0] = 0x45;
              flow.fromServer(x, 20, x.length, now);
            } else {
              const seg = buildIpv4Tcp({ src: 0xc6336415, dst: DVIPA }, { srcPort: 40000, dstPort: 80, seq: x.seq, ack: x.ack, flags: x.flags, window: 100 }, new Uint8Array(x.len));
              flow.recordClient(x.seq, x.ack, x.flags, seg, 40, x.len, now);
            }
            flow.onTimer(now);
          }
          expect(flow.buffered).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
