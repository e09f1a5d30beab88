import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, KIND_MESSAGE } from '../../src/kernel/event-queue.js';

interface Ev { time: number; dst: number; src: number; seq: number }

function drain(events: Ev[]): string[] {
  const q = new EventQueue();
  events.forEach((e, i) => q.push(e.time, e.dst, e.src, e.seq, KIND_MESSAGE, 0, i));
  const out: string[] = [];
  while (q.size > 0) {
    const s = q.pop();
    out.push(`${q.time[s]}/${q.destination(s)}/${q.source(s)}/${q.seq[s]}`);
    q.release(s);
  }
  return out;
}

const event = fc.record({
  time: fc.integer({ min: 0, max: 50 }),
  dst: fc.integer({ min: 0, max: 5 }),
  src: fc.integer({ min: -1, max: 5 }),
  seq: fc.integer({ min: 0, max: 1_000_000 }),
});

describe('EventQueue order', () => {
  it('is the same whatever the insertion order (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(event, { selector: (e) => `${e.dst}/${e.src}/${e.seq}`, maxLength: 300 }), fc.integer(), (evs, seed) => {
        const shuffled = [...evs];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(drain(shuffled)).toEqual(drain(evs));
      }),
      { numRuns: 300 },
    );
  });

  it('orders by time, then destination, then source, then sequence', () => {
    const order = drain([
      { time: 2, dst: 0, src: 0, seq: 0 },
      { time: 1, dst: 3, src: 0, seq: 0 },
      { time: 1, dst: 1, src: 4, seq: 9 },
      { time: 1, dst: 1, src: 2, seq: 7 },
      { time: 1, dst: 1, src: 2, seq: 3 },
      { time: 1, dst: 1, src: -1, seq: 50 },
    ]);
    expect(order).toEqual(['1/1/-1/50', '1/1/2/3', '1/1/2/7', '1/1/4/9', '1/3/0/0', '2/0/0/0']);
  });

  it('grows past its initial capacity and recycles slots', () => {
    const q = new EventQueue();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++) q.push(5000 - i, 0, 0, round * 5000 + i, KIND_MESSAGE, 0, i);
      let last = -1;
      while (q.size > 0) {
        const s = q.pop();
        expect(q.time[s]).toBeGreaterThanOrEqual(last);
        last = q.time[s]!;
        q.release(s);
      }
    }
  });
});
