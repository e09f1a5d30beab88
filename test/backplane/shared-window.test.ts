// The same-host transport without a run (src/backplane/shared-window.ts, sync.ts promiseBound): the promise
// arithmetic; a world of partitions that follow the protocol call by call, in any interleaving, never delivers an
// event in a receiver's past, never loses a wake-up and runs everything to the end; an idle partition's bound is
// worked out by the others, and it is woken only when it can run; channels carry events of any payload in order,
// wrap around their ring and split a batch larger than half of it; the run's end only moves earlier; two real
// threads stream through a channel that fills up, both ways at once, and see a promise only after the events sent
// before it.
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

// A world of partitions that run thread-worker.ts's loop on real SharedWindow views of one shared layout (in this
// one thread: the words are the same shared memory), one call at a time, the calls of all partitions interleaved
// in an order fast-check picks. A partition that goes to sleep is stepped again only once its signal word has
// moved: a wake-up the protocol loses leaves every partition asleep, and the world stops with "lost wake-up".
// Each event a partition runs may send one to another partition after the link's latency, or make one of its own.
function world(n: number, latency: Float64Array, seeds: [number, number][], until: number, pick: number[], budget: number): { ran: number[][]; steps: number; loops: number } {
  const layout = sharedLayout(n, until);
  const queues: number[][] = Array.from({ length: n }, () => []);
  for (const [p, t] of seeds) queues[p % n]!.push(t);
  const ran: number[][] = Array.from({ length: n }, () => []);
  let loops = 0;
  const nextOf = (p: number): number => (queues[p]!.length === 0 ? Infinity : Math.min(...queues[p]!));
  function* partition(p: number): Generator<number | undefined, void> {
    const win = new SharedWindow(layout, latency);
    const known = new Float64Array(n);
    known[p] = Infinity;
    let ranTo = 0;
    let seq = 0;
    const take = (e: WireEvent): void => {
      expect(e[0], `partition ${p} ran to ${ranTo} before an event for ${e[0]} came`).toBeGreaterThanOrEqual(ranTo);
      queues[p]!.push(e[0]);
    };
    for (;;) {
      loops++;
      const seen = win.signals(p);
      yield;
      win.bounds(p, known);
      yield;
      win.drain(p, take);
      yield;
      const bound = promiseBound(known, latency, p);
      const last = bound > until;
      const end = last ? until : bound - 1;
      if (nextOf(p) <= end) win.busy(p);
      const out: WireEvent[][] = Array.from({ length: n }, () => []);
      let delivered = 0;
      queues[p]!.sort((a, b) => a - b);
      while (queues[p]!.length > 0 && queues[p]![0]! <= end && delivered < budget) {
        const t = queues[p]!.shift()!;
        delivered++;
        ran[p]!.push(t);
        const to = (t + p) % n;
        const at = t + latency[p * n + to]! + (t % 5);
        if (to !== p && latency[p * n + to]! < Infinity) {
          if (at <= until) out[to]!.push([at, to, p, seq++, 0, t]); // past the end: never delivered
        } else if (t % 4 === 0) {
          queues[p]!.push(t + 1 + (t % 13));
          queues[p]!.sort((a, b) => a - b);
        }
      }
      if (queues[p]!.length === 0 || queues[p]![0]! > end) ranTo = end + 1;
      yield;
      for (let q = 0; q < n; q++) {
        if (out[q]!.length === 0) continue;
        win.send(p, q, out[q]!, () => win.drain(p, take));
        yield;
      }
      const done = last && ranTo === until + 1;
      win.publish(p, done ? Infinity : promiseOf(nextOf(p), bound));
      yield;
      if (done) {
        win.finish(p);
        return;
      }
      if (delivered === 0) {
        const next = nextOf(p);
        win.idle(p, next);
        yield;
        if (win.mayRun(p, next, until)) continue;
        yield seen; // asleep until its signal word moves
      }
    }
  }
  const parts = Array.from({ length: n }, (_, p) => partition(p));
  const asleep: (number | null)[] = new Array(n).fill(null);
  const done = new Uint8Array(n);
  const probe = new SharedWindow(layout);
  let steps = 0;
  for (let k = 0; !done.every((d) => d === 1); k++) {
    const awake = Array.from({ length: n }, (_, p) => p).filter((p) => done[p] === 0 && (asleep[p] === null || probe.signals(p) !== asleep[p]));
    if (awake.length === 0) throw new Error(`lost wake-up: every partition asleep (ran ${ran.map((r) => r.length).join(', ')})`);
    steps++;
    if (steps > 200_000) throw new Error('no progress');
    // fast-check's order, but every third turn goes round robin: no partition starves (threads don't).
    const p = awake[(k % 3 === 2 ? Math.floor(k / 3) : pick[k % pick.length]!) % awake.length]!;
    asleep[p] = null;
    const r = parts[p]!.next();
    if (r.done === true) done[p] = 1;
    else if (r.value !== undefined) asleep[p] = r.value;
  }
  return { ran, steps, loops };
}

describe('the promise protocol, any interleaving', () => {
  it('every event lands at or after what its receiver ran to, each partition runs in time order, all before the end run, and no wake-up is lost', () => {
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

  it('idle partitions cost nothing: the others work out their bounds, so nobody climbs by the lookahead', () => {
    const latency = Float64Array.from([Infinity, 100, 100, Infinity]);
    const seeds: [number, number][] = [[0, 0], [1, 9_001]];
    const { ran, loops } = world(2, latency, seeds, 10_000, [0, 1], 1);
    expect(ran).toEqual([[0, 1, 9_102], [102, 9_001]]); // the seeds, 0's follow-up (t % 4 === 0), what each sends the other
    // Promises alone climb 100 ps an exchange: about 90 exchanges of both to reach 9,001 ps. Here each partition
    // runs its loop a handful of times for each of its events.
    expect(loops).toBeLessThan(30);
  });
});

describe('SharedWindow bounds and wake-ups', () => {
  // Each partition's view of one shared layout (in one thread here: the words are the same shared memory).
  const views = (n: number, latency: Float64Array): SharedWindow[] => {
    const layout = sharedLayout(n);
    return Array.from({ length: n }, () => new SharedWindow(layout, latency));
  };
  const ev = (t: number, dst: number): WireEvent => [t, dst, 0, 0, 0, { kind: 'frame', frame: new Uint8Array(4) }];
  const L = 100;
  const line = Float64Array.from([Infinity, L, Infinity, L, Infinity, L, Infinity, L, Infinity]); // 0 - 1 - 2

  it('an idle partition counts with its next event, its mail or what can reach it, whichever comes first', () => {
    const [a, b, c] = views(3, line);
    const known = new Float64Array(3);
    a!.publish(0, 1_000);
    b!.publish(1, 1_000);
    c!.publish(2, 1_000);
    a!.bounds(0, known);
    expect([...known].slice(1), 'all busy: their promises').toEqual([1_000, 1_000]);
    b!.idle(1, 5_000);
    a!.bounds(0, known);
    expect(known[1], 'idle: the earliest anything reaches it (a promise + the link)').toBe(1_100);
    c!.idle(2, 3_000);
    a!.publish(0, 4_000);
    a!.bounds(0, known);
    // 2 idle too: 1 is reached no earlier than min(0's 4,000, 2's 3,000) + 100, 2 no earlier than its own 3,000.
    expect([...known].slice(1)).toEqual([3_100, 3_000]);
    a!.send(0, 1, [ev(2_500, 1)], () => {}); // (sent under an earlier promise: mail for 1 at 2,500)
    const fresh = new Float64Array(3);
    a!.bounds(0, fresh);
    expect(fresh[1], 'mail waiting for an idle partition').toBe(2_500);
    expect(known[1], 'what a partition knows only grows').toBe(3_100);
    b!.drain(1, () => {});
    const after = new Float64Array(3);
    a!.bounds(0, after);
    expect(after[1], 'it took its mail: busy, its promise alone').toBe(1_000);
    b!.finish(1);
    a!.bounds(0, after);
    expect(after[1]).toBe(Infinity);
  });

  it('wakes an idle partition only once it can run its next event or its mail', () => {
    const [a, b] = views(2, Float64Array.from([Infinity, L, L, Infinity]));
    b!.idle(1, 5_000);
    let seen = b!.signals(1);
    a!.publish(0, 4_000);
    expect(b!.signals(1), 'bound 4,100: its next event is at 5,000').toBe(seen);
    expect(b!.mayRun(1, 5_000, Infinity)).toBe(false);
    a!.publish(0, 4_950);
    expect(b!.signals(1), 'bound 5,050').not.toBe(seen);
    expect(b!.mayRun(1, 5_000, Infinity)).toBe(true);
    // It ran that event and is idle again, its next at 8,000. Mail at 5,200 wakes it once its bound passes 5,200.
    b!.busy(1);
    b!.idle(1, 8_000);
    seen = b!.signals(1);
    a!.send(0, 1, [ev(5_200, 1)], () => {});
    a!.publish(0, 5_000);
    expect(b!.signals(1), 'bound 5,100: the mail is later').toBe(seen);
    a!.publish(0, 5_150);
    expect(b!.signals(1), 'bound 5,250').not.toBe(seen);
    // The run's end wakes everyone: an idle partition may run to it.
    seen = b!.signals(1);
    a!.endRun(4_000);
    expect(b!.signals(1)).not.toBe(seen);
    expect(b!.mayRun(1, 5_000, 4_000), 'its bound is past the end').toBe(true);
  });

  it('a partition that goes idle wakes the one it held back', () => {
    const [a, b] = views(2, Float64Array.from([Infinity, L, L, Infinity]));
    a!.idle(0, 300); // 0 first, asleep: 1's promise (0) holds it back
    const seen = a!.signals(0);
    expect(a!.mayRun(0, 300, Infinity)).toBe(false);
    b!.idle(1, 900); // now 0's bound is 1's next (or 0's own 300 + 200 back), past 300
    expect(a!.signals(0)).not.toBe(seen);
    expect(a!.mayRun(0, 300, Infinity)).toBe(true);
    expect(b!.mayRun(1, 900, Infinity), '1 waits for what 0 may send it').toBe(false);
  });

  it('the run\'s end only moves earlier', () => {
    const [a, b] = views(2, Float64Array.from([Infinity, L, L, Infinity]));
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
          win.signal(other); // (a view without the links does not know when the other can run: wake it)
          win.publish(me, (batch + 1) * 20); // everything before this promise has been sent
          // The promise read first, then the channel: every event below the promise must be there.
          const promised = win.promiseOf(other);
          win.drain(me, take);
          if (promised !== Infinity && expect < Math.min(promised, 10000)) late++;
        }
        win.publish(me, Infinity);
        while (expect < 10000) { const seen = win.signals(me); win.drain(me, take); if (expect < 10000) win.sleep(me, seen); }
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
