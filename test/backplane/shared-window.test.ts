// The same-host transport without a run (src/backplane/shared-window.ts, sync.ts roundBounds): the windows every
// thread computes after a barrier are syncRound's windows with everyone idle; a simulated world driven round by
// round to the end never delivers an event in a receiver's past; mailboxes carry events of any size (they grow)
// and keep the rounds of the two parities apart; the barrier holds threads together (two real threads).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedLayout, SharedWindow } from '../../src/backplane/shared-window.js';
import { roundBounds, syncRound } from '../../src/backplane/sync.js';
import type { WireEvent } from '../../src/backplane/protocol.js';

const both = (ps: number) => Float64Array.from([Infinity, ps, ps, Infinity]);

describe('roundBounds', () => {
  it('gives each participant the window syncRound would grant it with everyone idle', () => {
    const bounds = new Float64Array(2);
    const horizon = roundBounds(Float64Array.from([0, 100]), new Uint8Array(2), new Float64Array(2), both(10), bounds);
    expect(horizon).toBe(0);
    expect([...bounds]).toEqual([20, 10]); // P0 up to what P1 could send after hearing from P0; P1 up to 0 + 10
    const r = syncRound([0, 100].map((next) => ({ next, pendingAt: Infinity, running: false, finished: false, floor: 0, granted: 0 })), both(10), 1000);
    expect(r.grants.map((g) => g.bound)).toEqual([20]); // P1 has nothing before 10: syncRound skips it
  });

  it('skips empty time, never moves a bound back, and finished participants no longer count', () => {
    const bounds = new Float64Array(3);
    const lat = Float64Array.from([Infinity, 10, 50, 10, Infinity, 50, 50, 50, Infinity]);
    roundBounds(Float64Array.from([1_000_000, 5_000_000, 0]), Uint8Array.from([0, 0, 1]), Float64Array.from([0, 2_000_000, 0]), lat, bounds);
    expect(bounds[0]).toBe(1_000_020);
    expect(bounds[1]).toBe(2_000_000); // its own grant already went further
  });

  it('a world of two partitions driven round by round: every event lands at or after its receiver\'s bound and all before the end run', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 30 }), fc.integer({ min: 5, max: 200 }), (seeds, latency) => {
        const until = 10_000;
        const queues: number[][] = [[], []];
        for (const [p, t] of seeds) queues[p]!.push(t);
        const granted = new Float64Array(2);
        const finished = new Uint8Array(2);
        const bounds = new Float64Array(2);
        let ran = 0;
        let sent: number[][] = [[], []];
        for (let round = 0; round < 100_000 && !finished.every((f) => f === 1); round++) {
          for (let q = 0; q < 2; q++) {
            for (const t of sent[q]!) {
              expect(t).toBeGreaterThanOrEqual(granted[q]!);
              queues[q]!.push(t);
            }
          }
          sent = [[], []];
          const next = Float64Array.from(queues, (qs) => (qs.length === 0 ? Infinity : Math.min(...qs)));
          roundBounds(next, finished, granted, both(latency), bounds);
          for (let q = 0; q < 2; q++) {
            if (finished[q] === 1) continue;
            const last = bounds[q]! > until;
            const end = last ? until : bounds[q]! - 1;
            const due = queues[q]!.filter((t) => t <= end).sort((a, b) => a - b);
            queues[q] = queues[q]!.filter((t) => t > end);
            for (const t of due) {
              ran++;
              // every third event answers the other partition after the link's latency
              if (t % 3 === 0 && t + latency <= until) sent[1 - q]!.push(t + latency + (t % 7));
            }
            granted[q] = last ? until + 1 : bounds[q]!;
            if (last) finished[q] = 1;
          }
        }
        expect(finished.every((f) => f === 1)).toBe(true);
        expect(ran).toBeGreaterThanOrEqual(seeds.filter(([, t]) => t <= until).length);
      }),
    );
  });
});

describe('SharedWindow mailboxes', () => {
  it('carry the events of a round, keep the two parities apart, and grow for a large window', () => {
    const win = new SharedWindow(sharedLayout(2));
    const frame = new Uint8Array(1500).fill(9);
    const many: WireEvent[] = Array.from({ length: 200 }, (_, i) => [1000 + i, 3, 5, i, 1, { kind: 'frame', frame }]);
    win.post(0, 0, 1, many); // 300 KB: past the first 64 KiB
    win.post(1, 0, 1, [[7, 3, 5, 0, 0, { kind: 'x' }]]);
    expect(win.minSent(0, 0, 1)).toBe(1000);
    expect(win.minSent(1, 0, 1)).toBe(7);
    const got = win.take(0, 0, 1);
    expect(got).toHaveLength(200);
    expect(got[199]![0]).toBe(1199);
    expect([...(got[5]![5] as { frame: Uint8Array }).frame]).toEqual([...frame]);
    expect(win.take(1, 0, 1)).toEqual([[7, 3, 5, 0, 0, { kind: 'x' }]]);
    win.post(0, 0, 1, []);
    expect(win.take(0, 0, 1)).toEqual([]);
    expect(win.minSent(0, 0, 1)).toBe(Infinity);
  });

  it('carry packets and frames as their bytes and any other payload as msgpack, in the order posted', () => {
    const win = new SharedWindow(sharedLayout(2));
    const packet = Uint8Array.from({ length: 60 }, (_, i) => i);
    const big = 2 ** 40 + 3; // picoseconds past 2^32
    const sent: WireEvent[] = [
      [big, 7, 2, 11, 0, { kind: 'ipv4', packet: packet.subarray(20) }],
      [big, 7, 2, 12, 1, { kind: 'frame', frame: new Uint8Array(0) }],
      [big + 1, 0, 9, 2 ** 33, 3, { kind: 'ipv4', packet, ttl: 4 }], // a look-alike with a third key: msgpack keeps it
      [big + 2, 4, 4, 0, 0, { kind: 'ipv4', packet: 'not bytes' }],
      [big + 3, 4, 4, 1, 2, 17],
    ];
    win.post(1, 1, 0, sent);
    const got = win.take(1, 1, 0);
    expect(got.map((e) => e.slice(0, 5))).toEqual(sent.map((e) => e.slice(0, 5)));
    expect([...(got[0]![5] as { packet: Uint8Array }).packet]).toEqual([...packet.subarray(20)]);
    expect(Object.keys(got[0]![5] as object)).toEqual(['kind', 'packet']);
    expect((got[1]![5] as { frame: Uint8Array }).frame).toHaveLength(0);
    const lookAlike = got[2]![5] as { kind: string; packet: Uint8Array; ttl: number };
    expect([lookAlike.kind, [...lookAlike.packet], lookAlike.ttl]).toEqual(['ipv4', [...packet], 4]);
    expect(got[3]![5]).toEqual({ kind: 'ipv4', packet: 'not bytes' });
    expect(got[4]![5]).toBe(17);
  });

  it('the barrier holds two threads together round by round (each sees what the other posted before it)', async () => {
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ SharedWindow }) => {
        const win = new SharedWindow(workerData.layout);
        const me = workerData.p, other = 1 - me;
        const seen = [];
        for (let r = 0; r < 200; r++) {
          win.post(r & 1, me, other, [[r * 10 + me, 0, 0, r, 0, null]]);
          win.barrier(me);
          seen.push(win.take(r & 1, other, me)[0][0]);
        }
        parentPort.postMessage(seen);
      });`;
    const layout = sharedLayout(2);
    const module = new URL('../../dist/src/backplane/shared-window.js', import.meta.url).href;
    expect(fileURLToPath(module)).toMatch(/shared-window\.js$/);
    const seen = await Promise.all(
      [0, 1].map((p) => new Promise<number[]>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { p, layout, module } });
        w.once('message', resolve);
        w.once('error', reject);
      })),
    );
    expect(seen[0]).toEqual(Array.from({ length: 200 }, (_, r) => r * 10 + 1));
    expect(seen[1]).toEqual(Array.from({ length: 200 }, (_, r) => r * 10));
  }, 60_000);
});
