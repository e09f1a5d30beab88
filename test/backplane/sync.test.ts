// The synchronisation arithmetic without processes (src/backplane/sync.ts): windows, bounds, the last grant, and a
// simulated world of participants that send each other events, driven to the end by syncRound in every order the
// answers may come in: nobody ever receives an event in its past, every event before the end is run, in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SyncParticipant, syncRound } from '../../src/backplane/sync.js';

const idle = (next: number, more: Partial<SyncParticipant> = {}): SyncParticipant => ({ next, pendingAt: Infinity, running: false, finished: false, floor: 0, granted: 0, ...more });
const both = (ps: number) => Float64Array.from([Infinity, ps, ps, Infinity]);

describe('syncRound', () => {
  it('grants the participant whose events come first a window up to what the other could send it', () => {
    const r = syncRound([idle(0), idle(100)], both(10), 1000);
    expect([...r.floors]).toEqual([0, 10]); // P1 may hear from P0 at 0 + 10
    expect(r.horizon).toBe(0);
    expect(r.grants).toEqual([{ index: 0, bound: 20, last: false, through: 19, granted: 20 }]);
    expect(r.active).toBe(1);
  });

  it('skips empty time: the window goes straight to the next events, not lookahead by lookahead', () => {
    const r = syncRound([idle(1_000_000), idle(5_000_000)], both(10), 10_000_000);
    expect(r.grants).toEqual([{ index: 0, bound: 1_000_020, last: false, through: 1_000_019, granted: 1_000_020 }]);
    expect(r.horizon).toBe(1_000_000);
  });

  it('events held for a participant count as its next event', () => {
    const r = syncRound([idle(Infinity, { pendingAt: 50 }), idle(Infinity)], both(10), 1000);
    expect(r.grants).toEqual([{ index: 0, bound: 70, last: false, through: 69, granted: 70 }]); // P1 may hear from it at 60
  });

  it('with nothing left to do, everyone gets the last window, which includes the end time', () => {
    const r = syncRound([idle(Infinity), idle(Infinity)], both(10), 1000);
    expect(r.grants).toEqual([
      { index: 0, bound: 1000, last: true, through: 1000, granted: 1001 },
      { index: 1, bound: 1000, last: true, through: 1000, granted: 1001 },
    ]);
  });

  it('a participant at work keeps the bound it had; finished ones no longer count; bounds never move back', () => {
    const r = syncRound([idle(0, { running: true, floor: 40 }), idle(0, { floor: 30, granted: 60 }), idle(0, { finished: true })], Float64Array.from([Infinity, 10, 1, 10, Infinity, 1, 1, 1, Infinity]), 1000);
    expect(r.floors[0]).toBe(40);
    expect(r.floors[1]).toBe(30); // its own event at 0 is below the floor it had: the floor stays
    expect(r.grants).toEqual([{ index: 1, bound: 60, last: false, through: 59, granted: 60 }]); // 40 + 10 < 60 granted before
    expect(r.active).toBe(2);
  });

  it('participants without links between them run independently', () => {
    const r = syncRound([idle(5), idle(7)], both(Infinity), 100);
    expect(r.grants.map((g) => g.last)).toEqual([true, true]);
  });
});

/** A small world: each event at (p, t) may schedule a local event and send one to another participant, decided by
 *  a hash of (p, t), so the world is the same whichever order the windows run in. */
function hash(p: number, t: number, salt: number): number {
  let h = (p * 0x9e3779b1) ^ (t * 0x85ebca6b) ^ (salt * 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

describe('a simulated world driven by syncRound', () => {
  it('never delivers an event in a participant’s past, and runs every event before the end in time order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 16, maxLength: 16 }),
        fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
        fc.nat(),
        (n, lats, picks, salt) => {
          const until = 200;
          const latency = new Float64Array(n * n).fill(Infinity);
          for (let q = 0; q < n; q++) for (let p = 0; p < n; p++) if (p !== q && lats[q * 4 + p]! < 35) latency[q * n + p] = lats[q * 4 + p]!;
          const queues: number[][] = Array.from({ length: n }, (_, p) => [hash(p, 0, salt) % 20]);
          const state = Array.from({ length: n }, () => ({ running: false, finished: false, floor: 0, granted: 0, window: null as null | { through: number } }));
          const ran: number[][] = Array.from({ length: n }, () => []);
          let pick = 0;
          for (let steps = 0; steps < 5_000; steps++) {
            const r = syncRound(
              state.map((s, p) => ({ ...s, next: Math.min(...queues[p]!, Infinity), pendingAt: Infinity })),
              latency,
              until,
            );
            state.forEach((s, p) => !s.finished && (s.floor = r.floors[p]!));
            for (const g of r.grants) Object.assign(state[g.index]!, { running: true, granted: g.granted, window: { through: g.through }, last: g.last });
            if (r.active === 0) break;
            // One of those at work answers (any of them: they run concurrently).
            const busy = state.map((s, p) => (s.running ? p : -1)).filter((p) => p >= 0);
            const p = busy[picks[pick++ % picks.length]! % busy.length]!;
            const s = state[p]!;
            const q = queues[p]!;
            for (;;) {
              q.sort((a, b) => a - b);
              if (q.length === 0 || q[0]! > s.window!.through) break;
              const t = q.shift()!;
              ran[p]!.push(t);
              const h = hash(p, t, salt);
              if (h % 3 !== 0) q.push(t + 1 + (h % 17));
              const to = (p + 1 + (h >>> 4) % (n - 1)) % n;
              const lat = latency[p * n + to]!;
              if (lat !== Infinity && h % 2 === 0) {
                const at = t + lat + ((h >>> 8) % 5);
                expect(at, `event for ${to} at ${at} after it ran to ${state[to]!.granted}`).toBeGreaterThanOrEqual(state[to]!.granted);
                queues[to]!.push(at);
              }
            }
            s.running = false;
            if ((s as { last?: boolean }).last) s.finished = true;
          }
          expect(state.every((s) => s.finished)).toBe(true);
          for (let p = 0; p < n; p++) {
            expect(ran[p]).toEqual([...ran[p]!].sort((a, b) => a - b));
            expect(queues[p]!.every((t) => t > until)).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
