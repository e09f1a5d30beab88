// A partition as a worker thread of the `run` process (the same-host transport, shared-window.ts): builds the same
// component graph as every other partition, runs its own components window by window, and exchanges the events
// for other partitions through shared memory. Every thread computes the same windows from what all published
// after the barrier, so no coordinator is in the loop. It talks to the main thread (postMessage) only for what
// is not on the critical path: trace chunks, the end of the run, the report part, a failure.

import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { type Component, type RemoteEvent, SimulationError } from '../kernel/index.js';
import { formatTime } from '../kernel/time.js';
import { notCompletedOf, prepare, reportPart } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import type { Outcome, WireEvent } from './protocol.js';
import { RunAborted, type SharedLayout, SharedWindow } from './shared-window.js';
import { roundBounds } from './sync.js';
import { SLICE_EVENTS } from './timing.js';
import { TraceChunkSink } from './trace-chunks.js';
import { HeapWatch } from '../run/memory-budget.js';

/** What the main thread gives a partition thread (threads.ts). */
export interface ThreadSetup {
  partition: number;
  scenario: unknown;
  seed: number;
  untilPs: number;
  assignment: Record<string, number>;
  byId: Int32Array;
  latency: Float64Array;
  trace: boolean;
  layout: SharedLayout;
}

/** Thread -> main. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'trace'; chunk?: [number[], string[], string[]]; horizon: number }
  | { type: 'finished'; notCompleted: Outcome[]; rounds: number; waitMs: number; cpuMs: number }
  | { type: 'summary'; delivered: number; part: unknown; displays: (string | null)[] }
  | { type: 'error'; message: string; timePs: number };

/** Main -> thread: the setup first (the thread starts while the main thread still plans), the summary at the end. */
export type ToThread = { type: 'setup'; setup: ThreadSetup } | { type: 'summarize'; notCompleted: Outcome[]; displays: string[] };

/** A trace chunk goes to the main thread at least this often (in rounds), so that it can write what is final. */
const TRACE_EVERY = 64;

const port = parentPort!;
let setup!: ThreadSetup;
const post = (m: FromThread): void => port.postMessage(m);
/** The virtual time of this partition, for a failure message. */
let nowPs = (): number => 0;

async function main(): Promise<void> {
  const { partition: me, untilPs, assignment, byId, latency } = setup;
  const win = new SharedWindow(setup.layout);
  const n = win.n;
  const isLocal = (c: Component): boolean => assignment[c.name] === me;
  const traceSink = setup.trace ? new TraceChunkSink() : null;
  const cpu0 = threadCpuMs();
  const p = await prepare(setup.scenario as Scenario, { seed: setup.seed, untilPs, isLocal, ...(traceSink !== null ? { sinks: [traceSink] } : {}) });
  const sim = p.sim;
  const heap = new HeapWatch();
  nowPs = () => sim.now;
  const out: WireEvent[][] = Array.from({ length: n }, () => []);
  sim.remote = (e: RemoteEvent) => {
    if (e.time > untilPs) return; // past the end of the run: never delivered
    out[byId[e.dst]!]!.push([e.time, e.dst, e.src, e.seq, e.port, e.payload]);
  };
  post({ type: 'ready' });
  sim.start();

  const next = new Float64Array(n);
  const granted = new Float64Array(n);
  const bounds = new Float64Array(n);
  const finished = new Uint8Array(n);
  const scratch = new Float64Array(n);
  let left = n; // partitions that have not had their last window
  let parity = 0;
  let rounds = 0;
  let sinceTrace = 0;
  for (;;) {
    for (let q = 0; q < n; q++) {
      if (q === me) continue;
      win.post(parity, me, q, out[q]!);
      if (out[q]!.length > 0) out[q] = [];
    }
    win.publishNext(parity, me, sim.nextEventTime());
    win.barrier(me);
    for (let q = 0; q < n; q++) {
      if (q === me) continue;
      for (const e of win.take(parity, q, me)) {
        if (e[0] < granted[me]!) throw new Error(`internal error (lookahead): an event for ${e[0]} ps arrived after this partition ran to ${granted[me]} ps`);
        sim.inject({ time: e[0], dst: e[1], src: e[2], seq: e[3], port: e[4], payload: e[5] });
      }
    }
    for (let q = 0; q < n; q++) {
      let t = win.next(parity, q);
      for (let r = 0; r < n; r++) if (r !== q) t = Math.min(t, win.minSent(parity, r, q));
      next[q] = t;
    }
    roundBounds(next, finished, granted, latency, bounds, scratch);
    rounds++;
    let moved = false;
    for (let q = 0; q < n; q++) {
      if (finished[q] === 1) continue;
      const last = bounds[q]! > untilPs;
      if (last || bounds[q]! > granted[q]!) moved = true;
      if (q === me) {
        const until = last ? untilPs : bounds[q]! - 1;
        // A partition about to run out of memory fails with one line (exit 3), as a worker process does.
        while (sim.runUntil(until, SLICE_EVENTS) === 'budget') {
          win.beat(me);
          heap.check();
        }
        heap.check();
        win.progress(me, until, sim.events);
      }
      granted[q] = last ? untilPs + 1 : bounds[q]!;
      if (last) {
        finished[q] = 1;
        left--;
      }
    }
    if (!moved) throw new Error(`internal error: no partition can make progress at ${Math.min(...granted)} ps`);
    win.beat(me);
    const done = left === 0;
    if (traceSink !== null && (++sinceTrace >= TRACE_EVERY || done)) {
      sinceTrace = 0;
      const chunk = traceSink.take();
      post({ type: 'trace', ...(chunk !== undefined ? { chunk } : {}), horizon: finished[me] === 1 ? Infinity : granted[me]! });
    }
    if (done) break;
    parity ^= 1;
  }
  post({ type: 'finished', notCompleted: notCompletedOf(p, isLocal), rounds, waitMs: win.waitMs, cpuMs: threadCpuMs() - cpu0 });
  port.once('message', (m: ToThread) => {
    if (m.type !== 'summarize') return;
    try {
      const part = reportPart(p, m.notCompleted, isLocal);
      const displays = m.displays.map((cmd) => p.sysplex.operatorDisplay(cmd) ?? null);
      post({ type: 'summary', delivered: sim.events, part, displays });
    } catch (err) {
      fail(err);
    }
  });
}

/** CPU time of this thread, ms (Linux: /proc/thread-self/stat, in clock ticks of 10 ms; -1 elsewhere). */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime and stime, fields 14 and 15
  } catch {
    return -1;
  }
}

function fail(err: unknown): void {
  const timePs = err instanceof SimulationError ? err.timePs : nowPs();
  const message = err instanceof SimulationError ? err.message : `${(err as Error).message ?? String(err)} (at virtual time ${formatTime(timePs)})`;
  post({ type: 'error', message, timePs });
  if (setup !== undefined) new SharedWindow(setup.layout).abort();
}

port.once('message', (m: ToThread) => {
  if (m.type !== 'setup') return;
  setup = m.setup;
  main().catch((err: unknown) => {
    if (err instanceof RunAborted) return;
    fail(err);
  });
});
