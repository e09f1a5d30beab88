// BySequence (src/kernel/by-sequence.ts), the XCF requests in flight by id: it answers as a Map would, whatever
// the order entries leave in, also for ids past 2^31 and for stragglers the ring comes round to again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BySequence } from '../../src/kernel/by-sequence.js';

describe('BySequence', () => {
  it('answers as a Map for any order of arrivals, departures and clean-ups', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.oneof(fc.constant('add' as const), fc.nat({ max: 50 }), fc.constant('clean' as const)), { maxLength: 600 }),
        (first, slots, ops) => {
          const ring = new BySequence<number>(slots);
          const map = new Map<number, number>();
          let id = first;
          for (const op of ops) {
            if (op === 'add') {
              ring.set(id, id * 2);
              map.set(id, id * 2);
              id += 1 + (id % 3); // increasing, with gaps
            } else if (op === 'clean') {
              ring.deleteWhere((v) => v % 4 === 0);
              for (const [k, v] of map) if (v % 4 === 0) map.delete(k);
            } else {
              // Leave from anywhere in what is in flight: mostly the oldest, sometimes one far behind stays.
              const keys = [...map.keys()];
              if (keys.length === 0) continue;
              const k = keys[op % keys.length]!;
              expect(ring.delete(k)).toBe(true);
              map.delete(k);
              expect(ring.delete(k)).toBe(false);
            }
            expect(ring.size).toBe(map.size);
          }
          for (const [k, v] of map) expect(ring.get(k)).toBe(v);
          for (let k = first; k < id; k++) if (!map.has(k)) expect(ring.get(k)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a request never answered stays found while thousands come and go past it, and the ring does not grow for it', () => {
    const ring = new BySequence<string>(8);
    ring.set(0, 'stuck');
    for (let id = 1; id < 10_000; id++) {
      ring.set(id, `r${id}`);
      if (id > 2) expect(ring.delete(id - 2)).toBe(true);
    }
    expect(ring.get(0)).toBe('stuck');
    expect(ring.size).toBe(3); // the straggler and the two newest
    expect((ring as unknown as { ids: Float64Array }).ids.length, 'two in flight at a time: the ring stays as it was').toBe(8);
  });

  it('grows when more than half of it is in flight', () => {
    const ring = new BySequence<number>(4);
    for (let id = 0; id < 100; id++) ring.set(id, id);
    for (let id = 0; id < 100; id++) expect(ring.get(id)).toBe(id);
    expect((ring as unknown as { ids: Float64Array }).ids.length).toBeGreaterThanOrEqual(128);
  });
});
