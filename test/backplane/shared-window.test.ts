// The same-host transport without a run (src/backplane/shared-window.ts, sync.ts promiseBound): the promise
// arithmetic; a simulated world of partitions that follow the protocol step by step, in any interleaving, never
// delivers an event in a receiver's past and runs everything to the end; channels carry events of any payload in
// order, wrap around their ring and split a batch larger than half of it; the floor rises only when all are idle
// with empty channels, and the run's end only moves earlier; two real threads stream through a
// channel that fills up, both ways at once, and see a promise only after the events sent before it.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RING_BYTES, sharedLayout, SharedWindow } from '../../src/backplane/shared-window.js';
import { promiseBound, promiseOf } from '../../src/backplane/sync.js';
import type { WireEvent } from '../../src/backplane/protocol.js';

describe('promiseBound', () => {
  it('is the earliest time anything from another partition can arrive: its promise plus its link', () => {
    const lat = Float64Array.from([Infinity, 10, 50, 10, Infinity, Infinity, 50, 30, Infinity]); // 1 -> 2: no link
    expect(promiseBound(Float64Array.from([Infinity, 100, 70]), lat, 0)).toBe(110); // min(100 + 10, 70 + 50)
    expect(promiseBound(Float64Array.from([5, Infinity, 70]), lat, 1)).toBe(15); // min(5 + 10, 70 + 30)
    expect(promiseBound(Float64Array.from([5, 0, Infinity]), lat, 2)).toBe(55); // 1 has no link to 2
    expect(promiseBound(Float64Array.from([Infinity, Infinity, Infinity]), lat, 0)).toBe(Infinity); // all finished
  });

  it('a promise is the next event or the bound, whichever comes first', () => {
    expect(promiseOf(40, 110)).toBe(40);
    expect(promiseOf(Infinity, 110)).toBe(110);
  });
});

// A world of partitions that follow thread-worker.ts's loop one step at a time, the steps of all partitions
// interleaved in an order fast-check picks: read the promises (and the floor), drain the channels, run a few
// events before the bound (each may send one to another partition after the link's latency, or make one of its
// own), flush, publish; then, when it ran nothing, say it is idle and look for quiescence (SharedWindow.quiesce)
// in its three reads: the idle words, the channels, the words again. What a thread does between two
// shared-memory operations is one step here.
type Step = 'read' | 'drain' | 'run' | 'flush' | 'publish' | 'words' | 'channels' | 'again';
const STEPS: Step[] = ['read', 'drain', 'run', 'flush', 'publish', 'words', 'channels', 'again'];

function world(n: number, latency: Float64Array, seeds: [number, number][], until: number, pick: number[], budget: number, floors = true): { ran: number[][]; steps: number } {
  const queues: number[][] = Array.from({ length: n }, () => []);
  for (const [p, t] of seeds) queues[p % n]!.push(t);
  const channels: number[][] = Array.from({ length: n * n }, () => []);
  const promises = new Float64Array(n);
  const read = Array.from({ length: n }, () => new Float64Array(n).fill(Infinity));
  const out: number[][][] = Array.from({ length: n }, () => Array.from({ length: n }, () => []));
  const step = new Array<number>(n).fill(0);
  const ranTo = new Float64Array(n);
  const done = new Uint8Array(n);
  const ran: number[][] = Array.from({ length: n }, () => []);
  // The floor: idle words (0 busy, else a generation; finished partitions stay idle), the next event each
  // published with its word, and what each checker has read so far.
  let floor = 0;
  const words = new Array<number>(n).fill(0);
  const nexts = new Float64Array(n).fill(Infinity);
  let generation = 0;
  const ranNothing = new Uint8Array(n);
  const looked: ({ words: number[]; earliest: number; empty: boolean } | null)[] = new Array(n).fill(null);
  const nextOf = (p: number): number => (queues[p]!.length === 0 ? Infinity : Math.min(...queues[p]!));
  let steps = 0;
  for (let k = 0; !done.every((d) => d === 1); k++) {
    steps++;
    if (steps > 200_000) throw new Error('no progress');
    // fast-check's order, but every third turn goes round robin: no partition starves (threads don't).
    const p = k % 3 === 2 ? Math.floor(k / 3) % n : pick[k % pick.length]! % n;
    if (done[p] === 1) continue;
    const s = STEPS[step[p]!]!;
    step[p] = (step[p]! + 1) % STEPS.length;
    const bound = promiseBound(read[p]!, latency, p);
    const last = bound > until;
    const end = last ? until : bound - 1;
    if (s === 'read') {
      for (let q = 0; q < n; q++) read[p]![q] = q === p ? Infinity : Math.max(promises[q]!, floor);
      ranNothing[p] = 1;
    } else if (s === 'drain') {
      if (Array.from({ length: n }, (_, q) => channels[q * n + p]!.length).some((k) => k > 0)) words[p] = 0;
      for (let q = 0; q < n; q++) {
        for (const t of channels[q * n + p]!.splice(0)) {
          expect(t, `partition ${p} ran to ${ranTo[p]} before an event for ${t} came`).toBeGreaterThanOrEqual(ranTo[p]!);
          queues[p]!.push(t);
        }
      }
    } else if (s === 'run') {
      queues[p]!.sort((a, b) => a - b);
      if (queues[p]!.length > 0 && queues[p]![0]! <= end) {
        words[p] = 0;
        ranNothing[p] = 0;
      }
      let delivered = 0;
      while (queues[p]!.length > 0 && queues[p]![0]! <= end && delivered < budget) {
        const t = queues[p]!.shift()!;
        delivered++;
        ran[p]!.push(t);
        const to = (t + p) % n;
        if (to !== p && latency[p * n + to]! < Infinity) out[p]![to]!.push(t + latency[p * n + to]! + (t % 5));
        else if (t % 4 === 0) {
          queues[p]!.push(t + 1 + (t % 13));
          queues[p]!.sort((a, b) => a - b);
        }
      }
      if (queues[p]!.length === 0 || queues[p]![0]! > end) ranTo[p] = end + 1;
    } else if (s === 'flush') {
      for (let q = 0; q < n; q++) {
        channels[p * n + q]!.push(...out[p]![q]!.filter((t) => t <= until)); // past the end: never delivered
        out[p]![q] = [];
      }
    } else if (s === 'publish') {
      const next = nextOf(p);
      if (last && !(next <= until)) {
        promises[p] = Infinity;
        done[p] = 1;
        words[p] = -1;
      } else {
        const promise = promiseOf(next, bound);
        expect(promise, 'a promise never goes back').toBeGreaterThanOrEqual(promises[p]!);
        promises[p] = promise;
        if (ranNothing[p] === 1 && words[p] === 0) {
          nexts[p] = next;
          words[p] = ++generation;
        }
      }
    } else if (!floors || ranNothing[p] === 0) {
      looked[p] = null;
    } else if (s === 'words') {
      const w = [...words];
      looked[p] = w.includes(0) ? null : { words: w, earliest: Math.min(...w.map((x, q) => (x > 0 ? nexts[q]! : Infinity))), empty: false };
    } else if (s === 'channels') {
      // (A channel to a finished partition does not count: what is left in it never runs.)
      if (looked[p] !== null) looked[p]!.empty = channels.every((c, i) => c.length === 0 || words[i % n] === -1);
    } else {
      const l = looked[p];
      looked[p] = null;
      if (l !== null && l.empty && l.words.every((w, q) => words[q] === w) && l.earliest > floor) {
        // Nothing may happen before the floor: no event is in a channel or queued before it (but for what a partition
        // that has finished never runs).
        const pending = [...channels.filter((_, i) => done[i % n] !== 1).flat(), ...queues.flatMap((queue, q) => (done[q] === 1 ? [] : queue))];
        for (const t of pending) expect(t, 'an event below the floor').toBeGreaterThanOrEqual(l.earliest);
        floor = l.earliest;
      }
    }
  }
  return { ran, steps };
}

describe('the promise protocol, any interleaving', () => {
  it('every event lands at or after what its receiver ran to, each partition runs in time order, and all before the end run', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: 5, max: 400 }), { minLength: 16, maxLength: 16 }),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 4 }),
        (n, lats, linked, seeds, pick, budget) => {
          const until = 8000;
          const latency = new Float64Array(n * n).fill(Infinity);
          for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) if (p !== q && (linked[p * 4 + q] || q === (p + 1) % n)) latency[p * n + q] = lats[p * 4 + q]!;
          const { ran } = world(n, latency, seeds, until, pick, budget);
          for (const times of ran) expect(times, 'a partition runs its events in time order').toEqual([...times].sort((a, b) => a - b));
          // Everything seeded before the end ran (and whatever it caused).
          const seeded = seeds.filter(([, t]) => t <= until).length;
          expect(ran.flat().length).toBeGreaterThanOrEqual(seeded);
          for (const [p, t] of seeds) if (t <= until) expect(ran[p % n]).toContain(t);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('idle partitions jump to the next event (the floor), where promises alone climb by the lookahead', () => {
    const latency = Float64Array.from([Infinity, 100, 100, Infinity]);
    const seeds: [number, number][] = [[0, 0], [1, 9_001]];
    const creep = world(2, latency, seeds, 10_000, [0, 1], 1, false);
    const jump = world(2, latency, seeds, 10_000, [0, 1], 1);
    for (const w of [creep, jump]) expect(w.ran).toEqual([[0, 1, 9_102], [102, 9_001]]); // the seeds, 0's follow-up (t % 4 === 0), what each sends the other
    // Without the floor each exchange (8 steps of each) lifts both promises by the lookahead: about 90 exchanges
    // to reach 9,001 ps. With it, a few exchanges to go idle, one jump to 9,001, and one to the end.
    expect(creep.steps).toBeGreaterThan(1_300);
    expect(jump.steps).toBeLessThan(150);
  });
});

describe('SharedWindow floor and end', () => {
  // Each partition's view of one shared layout (in one thread here: the words are the same shared memory).
  const views = (n: number): SharedWindow[] => {
    const layout = sharedLayout(n);
    return Array.from({ length: n }, () => new SharedWindow(layout));
  };
  const ev = (t: number): WireEvent => [t, 1, 0, 0, 0, { kind: 'frame', frame: new Uint8Array(4) }];

  it('rises to the earliest next event once every partition is idle and every channel empty, and only then', () => {
    const [a, b, c] = views(3);
    expect(a!.floor()).toBe(0);
    a!.idle(0, 500);
    b!.idle(1, 300);
    expect(a!.quiesce(), 'partition 2 is busy').toBe(false);
    c!.idle(2, Infinity); // nothing of its own
    const epoch = a!.epoch();
    expect(a!.quiesce()).toBe(true);
    expect(a!.floor()).toBe(300);
    expect(a!.epoch(), 'the waiters wake').not.toBe(epoch);
    expect(b!.quiesce(), 'it only rises').toBe(false);
    // Something in a channel: not quiescent until its receiver takes it (and is busy while it does).
    b!.busy(1);
    b!.send(1, 0, [ev(900)], () => {});
    b!.idle(1, 700);
    expect(c!.quiesce()).toBe(false);
    a!.drain(0, () => {});
    expect(c!.quiesce(), 'partition 0 took events: busy until it says it is idle again').toBe(false);
    a!.idle(0, 400);
    expect(c!.quiesce()).toBe(true);
    expect(c!.floor()).toBe(400);
  });

  it('leaves out a finished partition and what is left in its channels; all finished: nothing more happens', () => {
    const [a, b] = views(2);
    a!.send(0, 1, [ev(5_000)], () => {}); // sent before partition 1 finished, past the end: never run
    b!.finish(1);
    a!.idle(0, 2_000);
    expect(a!.quiesce()).toBe(true);
    expect(b!.floor()).toBe(2_000);
    a!.send(0, 1, [ev(6_000)], () => {}); // nothing reaches a finished partition any more
    a!.finish(0);
    expect(a!.quiesce()).toBe(true);
    expect(a!.floor()).toBe(Infinity);
    const left: number[] = [];
    b!.drain(1, (e) => left.push(e[0]));
    expect(left, 'only what was sent before it finished').toEqual([5_000]);
  });

  it('the run\'s end only moves earlier', () => {
    const [a, b] = views(2);
    expect(b!.runEnd()).toBe(Infinity);
    a!.endRun(9_000_000);
    a!.endRun(12_000_000);
    expect(b!.runEnd()).toBe(9_000_000);
  });
});

describe('SharedWindow channels', () => {
  const frame = new Uint8Array(1500).fill(9);

  it('carry packets and frames as their bytes and any other payload as msgpack, in the order sent', () => {
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
    win.send(1, 0, sent, () => {});
    const got: WireEvent[] = [];
    win.drain(0, (e) => got.push(e));
    expect(got.map((e) => e.slice(0, 5))).toEqual(sent.map((e) => e.slice(0, 5)));
    expect([...(got[0]![5] as { packet: Uint8Array }).packet]).toEqual([...packet.subarray(20)]);
    expect(Object.keys(got[0]![5] as object)).toEqual(['kind', 'packet']);
    expect((got[1]![5] as { frame: Uint8Array }).frame).toHaveLength(0);
    const lookAlike = got[2]![5] as { kind: string; packet: Uint8Array; ttl: number };
    expect([lookAlike.kind, [...lookAlike.packet], lookAlike.ttl]).toEqual(['ipv4', [...packet], 4]);
    expect(got[3]![5]).toEqual({ kind: 'ipv4', packet: 'not bytes' });
    expect(got[4]![5]).toBe(17);
    const again: WireEvent[] = [];
    win.drain(0, (e) => again.push(e));
    expect(again).toEqual([]); // drained once
  });

  it('wrap around the ring many times, and split a batch larger than half of it', () => {
    const win = new SharedWindow(sharedLayout(3));
    let sent = 0;
    const got: number[] = [];
    for (let batch = 0; batch < 120; batch++) {
      const size = 1 + ((batch * 37) % 90); // 1 to 90 frames: up to 135 KB a batch, never a multiple of the ring
      const events: WireEvent[] = Array.from({ length: size }, () => [sent++, 1, 2, 0, 0, { kind: 'frame', frame: frame.subarray(0, 1000 + (sent % 500)) }]);
      win.send(2, 1, events, () => {
        throw new Error('the ring was drained after every batch: it never fills');
      });
      win.drain(1, (e) => {
        expect((e[5] as { frame: Uint8Array }).frame.length).toBe(1000 + ((e[0] + 1) % 500));
        got.push(e[0]);
      });
    }
    expect(sent * 1100).toBeGreaterThan(3 * RING_BYTES); // it went round the ring
    expect(got).toEqual(Array.from({ length: sent }, (_, i) => i));
    // A batch of 1.5 x the ring's half goes as two frames, both in an empty ring.
    const large: WireEvent[] = Array.from({ length: Math.ceil((0.75 * RING_BYTES) / 1545) }, (_, i) => [i, 1, 2, 0, 0, { kind: 'frame', frame }]);
    win.send(0, 1, large, () => {});
    const out: WireEvent[] = [];
    win.drain(1, (e) => out.push(e));
    expect(out.map((e) => e[0])).toEqual(large.map((e) => e[0]));
  });

  it('refuse one event larger than half a ring with a message that says so', () => {
    const win = new SharedWindow(sharedLayout(2));
    expect(() => win.send(0, 1, [[0, 1, 2, 0, 0, { kind: 'frame', frame: new Uint8Array(RING_BYTES / 2) }]], () => {})).toThrow(/more than a channel carries/);
  });

  it('two threads stream 40 MB each way through full rings at once, in order, and see a promise only after the events sent before it', async () => {
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ SharedWindow }) => {
        const win = new SharedWindow(workerData.layout);
        const me = workerData.p, other = 1 - me, frame = new Uint8Array(4000).fill(me + 1);
        let expect = 0, bad = 0, late = 0;
        const take = (e) => {
          if (e[0] !== expect++ || e[5].frame[0] !== other + 1) bad++;
        };
        const nap = new Int32Array(new SharedArrayBuffer(4));
        for (let batch = 0; batch < 500; batch++) {
          if (me === 1 && batch % 25 === 0) Atomics.wait(nap, 0, 0, 20); // the other fills the ring meanwhile
          const events = [];
          for (let i = 0; i < 20; i++) events.push([batch * 20 + i, 0, 0, 0, 0, { kind: 'frame', frame }]);
          win.send(me, other, events, () => win.drain(me, take)); // 80 KB a batch: the 1 MiB ring fills
          win.publish(me, (batch + 1) * 20); // everything before this promise has been sent
          // The promise read first, then the channel: every event below the promise must be there.
          const promised = win.promiseOf(other);
          win.drain(me, take);
          if (promised !== Infinity && expect < Math.min(promised, 10000)) late++;
        }
        win.publish(me, Infinity);
        while (expect < 10000) { const seen = win.epoch(); win.drain(me, take); if (expect < 10000) win.waitPast(me, seen); }
        parentPort.postMessage({ expect, bad, late });
      });`;
    const layout = sharedLayout(2);
    const module = new URL('../../dist/src/backplane/shared-window.js', import.meta.url).href;
    expect(fileURLToPath(module)).toMatch(/shared-window\.js$/);
    const results = await Promise.all(
      [0, 1].map((p) => new Promise<{ expect: number; bad: number; late: number }>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { p, layout, module } });
        w.once('message', resolve);
        w.once('error', reject);
      })),
    );
    expect(results).toEqual([{ expect: 10000, bad: 0, late: 0 }, { expect: 10000, bad: 0, late: 0 }]);
  }, 120_000);
});
