// A partition as a worker thread of the `run` process (the same-host transport, shared-window.ts): builds the same
// component graph as every other partition, runs its own components as far as the others' promises allow, and
// exchanges the events for other partitions through channels in shared memory: no coordinator is in the loop,
// and no thread waits for a round to end. It talks to the main thread (postMessage) only for what
// is not on the critical path: trace chunks, what its instruments saw (capture points, replay, timelines:
// instrument-parts.ts, as a worker process sends them), the end of the run, the report part, a failure.

import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { type Component, type RemoteEvent, SimulationError } from '../kernel/index.js';
import { formatTime } from '../kernel/time.js';
import { notCompletedOf, prepare, reportPart } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import type { Observed, WorkerInstruments } from './instrument-parts.js';
import type { InstrumentSpecs } from './instrument-specs.js';
import type { ObservedMsg, Outcome, WireEvent } from './protocol.js';
import { RunAborted, type SharedLayout, SharedWindow } from './shared-window.js';
import { promiseBound, promiseOf } from './sync.js';
import { SLICE_EVENTS } from './timing.js';
import { TraceChunkSink } from './trace-chunks.js';
import { HeapWatch } from '../run/memory-budget.js';
import { SAMPLER_NAME } from '../viz/instrument.js';

/** What the main thread gives a partition thread (threads.ts) as soon as it has the scenario: the thread builds its
 *  graph while the main thread plans. */
export interface ThreadSetup {
  partition: number;
  scenario: unknown;
  seed: number;
  untilPs: number;
  trace: boolean;
  /** Capture points, a replay, timelines riding along (absent: none). */
  instruments?: InstrumentSpecs;
}

/** Then the plan: where each component runs, and the shared memory. */
export interface ThreadPlan {
  assignment: Record<string, number>;
  byId: Int32Array;
  latency: Float64Array;
  layout: SharedLayout;
}

/** Thread -> main. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'trace'; chunk?: [number[], string[], string[]]; horizon: number }
  | { type: 'observed'; observed: Observed; stage: ObservedMsg['stage'] }
  | { type: 'finished'; notCompleted: Outcome[]; rounds: number; waits: number; waitMs: number; cpuMs: number; ranToPs: number }
  | { type: 'summary'; delivered: number; part: unknown; displays: (string | null)[] }
  | { type: 'error'; message: string; timePs: number };

/** Main -> thread: the setup first (the thread builds its graph while the main thread still plans), then the plan,
 *  the summary at the end. */
export type ToThread =
  | { type: 'setup'; setup: ThreadSetup }
  | { type: 'plan'; plan: ThreadPlan }
  | { type: 'summarize'; notCompleted: Outcome[]; displays: string[]; replayFlows?: [number, number, number][] };

/** A trace chunk (and what the instruments saw) goes to the main thread at least this often (in windows), so that
 *  it can write what is final. */
const TRACE_EVERY = 256;

const port = parentPort!;
let setup!: ThreadSetup;
let plan: ThreadPlan | undefined;
let planned!: (p: ThreadPlan) => void;
const planning = new Promise<ThreadPlan>((resolve) => (planned = resolve));
const post = (m: FromThread): void => port.postMessage(m);
/** The virtual time of this partition, for a failure message. */
let nowPs = (): number => 0;

/** Events a partition runs between looks at the others' promises (publishing its own after each run): the others
 *  follow it this closely. 16 ran sysplex32 fastest on two cores (64: a third more waiting; 4 and 8: no less
 *  waiting, more looking). */
const SLICE = 16;

async function main(): Promise<void> {
  const { partition: me, untilPs } = setup;
  const specs = setup.instruments;
  // With timelines every partition runs a sampler of its own (timeline-worker.ts); the plan gives one its ticks.
  const sampler = specs?.timelines !== undefined ? SAMPLER_NAME : undefined;
  const isLocalOnce = planning.then(({ assignment }) => (c: Component): boolean => assignment[c.name] === me || c.name === sampler);
  const traceSink = setup.trace ? new TraceChunkSink() : null;
  const cpu0 = threadCpuMs();
  // Loaded only when instruments ride along: a plain run's threads load fewer modules.
  const wi: WorkerInstruments | null = specs === undefined ? null : new (await import('./instrument-parts.js')).WorkerInstruments(specs, setup.scenario as Scenario, untilPs);
  const p = await prepare(setup.scenario as Scenario, {
    seed: setup.seed,
    untilPs,
    isLocal: isLocalOnce,
    ...(traceSink !== null ? { sinks: [traceSink] } : {}),
    ...(wi !== null ? { instruments: wi.instruments(), clientsFor: wi.clientsFor } : {}),
  });
  const { assignment, byId, latency, layout } = await planning;
  const isLocal = await isLocalOnce;
  const ownsSampler = sampler === undefined || assignment[sampler] === me;
  const observe = (stage: ObservedMsg['stage'], observed: Observed | null | undefined): void => {
    if (observed !== null && observed !== undefined) post({ type: 'observed', stage, observed });
  };
  const win = new SharedWindow(layout, latency);
  const n = win.n;
  const sim = p.sim;
  const heap = new HeapWatch();
  nowPs = () => sim.now;
  /** The run's end (inclusive): the one asked for, or earlier once a replay is over (its injector's partition
   *  sets it in shared memory, where every partition reads it). */
  let endPs = untilPs;
  const out: WireEvent[][] = Array.from({ length: n }, () => []);
  sim.remote = (e: RemoteEvent) => {
    if (e.time > endPs) return; // past the end of the run: never delivered
    out[byId[e.dst]!]!.push([e.time, e.dst, e.src, e.seq, e.port, e.payload]);
  };
  post({ type: 'ready' });
  sim.start();
  observe('window', wi?.window());

  /** Every local event before this has run: anything arriving earlier breaks causality (a bug in the bound). */
  let ranTo = 0;
  const inject = (e: WireEvent): void => {
    if (e[0] < ranTo) throw new Error(`internal error (lookahead): an event for ${e[0]} ps arrived after this partition ran to ${ranTo} ps`);
    sim.inject({ time: e[0], dst: e[1], src: e[2], seq: e[3], port: e[4], payload: e[5] });
  };
  const drain = (): void => win.drain(me, inject);
  const flush = (): void => {
    for (let q = 0; q < n; q++) {
      if (q === me || out[q]!.length === 0) continue;
      const events = out[q]!;
      out[q] = [];
      win.send(me, q, events, drain);
    }
  };
  /** What this partition knows of each other's bounds (only grows): their promises, and for those idle, what
   *  it works out itself (shared-window.ts, `bounds`). */
  const known = new Float64Array(n);
  known[me] = Infinity;
  let windows = 0;
  /** Times this partition had nothing to run before its bound and waited for the others. */
  let waits = 0;
  let sinceTrace = 0;
  for (;;) {
    // The signal word, then the bounds, the run's end, then the channels (shared-window.ts says why in this order).
    const seen = win.signals(me);
    win.bounds(me, known);
    endPs = Math.min(endPs, win.runEnd());
    drain();
    const bound = promiseBound(known, latency, me);
    const last = bound > endPs;
    const until = last ? endPs : bound - 1;
    // Also when nothing is due: the clock then moves to `until` (the end of the run's report reads it).
    const before = sim.events;
    if (sim.nextEventTime() <= until) win.busy(me);
    const stop = sim.runUntil(until, last ? SLICE_EVENTS : SLICE);
    const reached = stop === 'until' || stop === 'idle';
    if (reached) ranTo = until + 1;
    const ran = sim.events !== before;
    if (ran) windows++;
    // A replay that is over ends the run at least its grace period (10 ms) after this partition's clock: no
    // other partition can have run that far ahead of it. Set before this partition's next promise, so that
    // whoever reads that promise also reads the end. The injector pauses the run at that instant.
    if (wi !== null && wi.endPs < endPs) {
      endPs = wi.endPs;
      win.endRun(endPs);
    }
    flush();
    const done = last && reached && until === endPs;
    const promise = done ? Infinity : promiseOf(sim.nextEventTime(), bound);
    win.publish(me, promise); // (also when it did not grow: it wakes those that can run what was sent)
    win.progress(me, done ? endPs : Math.min(sim.now, promise), sim.events);
    win.beat(me);
    // A partition about to run out of memory fails with one line (exit 3), as a worker process does.
    if ((ran && (windows & 255) === 0) || done) heap.check();
    if ((traceSink !== null || wi !== null) && (++sinceTrace >= TRACE_EVERY || done)) {
      sinceTrace = 0;
      observe('window', wi?.window());
      const chunk = traceSink?.take();
      // Every record this partition still writes is at or after its promise.
      post({ type: 'trace', ...(chunk !== undefined ? { chunk } : {}), horizon: promise });
    }
    if (done) {
      win.finish(me);
      break;
    }
    if (!ran) {
      // Idle: the others now work out this partition's bound themselves, and wake it when it can run. Said
      // before the last look, so that any change made meanwhile is seen here or wakes it.
      const next = sim.nextEventTime();
      win.idle(me, next);
      if (win.mayRun(me, next, endPs)) continue;
      win.sleep(me, seen, () => win.mayRun(me, next, Math.min(endPs, win.runEnd())));
      waits++;
    }
  }
  observe('outcomes', wi?.outcomes(p));
  post({ type: 'finished', notCompleted: notCompletedOf(p, isLocal), rounds: windows, waits, waitMs: win.waitMs, cpuMs: threadCpuMs() - cpu0, ranToPs: ranTo - 1 });
  port.once('message', (m: ToThread) => {
    if (m.type !== 'summarize') return;
    try {
      const part = reportPart(p, m.notCompleted, isLocal);
      const displays = m.displays.map((cmd) => p.sysplex.operatorDisplay(cmd) ?? null);
      observe('summary', wi?.summary(p, m.replayFlows));
      // Events delivered as one process counts them (the sampler's ticks once in the whole run).
      post({ type: 'summary', delivered: sim.events - (wi?.extraEvents(ownsSampler) ?? 0), part, displays });
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
  if (plan !== undefined) new SharedWindow(plan.layout).abort();
}

port.once('message', (m: ToThread) => {
  if (m.type !== 'setup') return;
  setup = m.setup;
  port.once('message', (m2: ToThread) => {
    if (m2.type !== 'plan') return;
    plan = m2.plan;
    planned(plan);
  });
  main().catch((err: unknown) => {
    if (err instanceof RunAborted) return;
    fail(err);
  });
});
