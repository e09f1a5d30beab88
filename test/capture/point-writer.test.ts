// PointWriter: frames from several taps, each stamped with when its first bit leaves (possibly later than the
// moment of the tap), come out of the pcapng in time order, ties in tap order, as nanoseconds.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { PcapngWriter, readCaptureBytes } from '../../src/capture/index.js';
import { PointWriter } from '../../src/capture/point-writer.js';
import { readAll } from './read-all.js';

function writer(): { w: PointWriter; bytes: () => Uint8Array } {
  const png = PcapngWriter.toMemory({ pointName: 'OSA1' });
  return { w: new PointWriter('OSA1', 'mem', png), bytes: () => png.sink.bytes() };
}

const frame = (id: number) => Uint8Array.from({ length: 60 }, (_, i) => (i === 0 ? id : 0));

describe('PointWriter', () => {
  test('merges taps into time order, ties in the order they were tapped', () => {
    const { w, bytes } = writer();
    // At now=0 the OSA queues three frames back to back (0, 1.2 us, 2.4 us); at now=1 us the switch sends one.
    w.add(frame(1), 0, 0);
    w.add(frame(2), 1_200_000, 0);
    w.add(frame(3), 2_400_000, 0);
    w.add(frame(4), 1_000_000, 1_000_000);
    w.add(frame(5), 2_400_000, 2_000_000); // same stamp as frame 3, tapped later
    w.close();
    const frames = readAll(readCaptureBytes(bytes()));
    expect(frames.map((f) => f.data[0])).toEqual([1, 4, 2, 3, 5]);
    expect(frames.map((f) => f.timestampNs)).toEqual([0, 1000, 1200, 2400, 2400]);
    expect(w.written).toBe(5);
  });

  test('any interleaving of monotonic taps comes out sorted', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ tap: fc.nat(3), gap: fc.nat(5000), busy: fc.nat(20000) }), { maxLength: 200 }), (events) => {
        const { w, bytes } = writer();
        const free = [0, 0, 0, 0];
        let now = 0;
        let id = 0;
        for (const e of events) {
          now += e.gap * 1000;
          const start = Math.max(now, free[e.tap]!);
          free[e.tap] = start + e.busy * 1000;
          w.add(frame(id++ & 0xff), start, now);
        }
        w.close();
        const ts = readAll(readCaptureBytes(bytes())).map((f) => f.timestampNs);
        expect(ts).toHaveLength(events.length);
        for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
      }),
      { numRuns: 100 },
    );
  });
});
