// The main thread of a partitioned run on one host (shared-window.ts says why threads and how they synchronise):
// starts one worker thread per partition with the shared memory they synchronise through, merges their trace
// chunks and what their instruments saw (capture points, replay, timelines: instrument-parts.ts), watches their
// heartbeats, and assembles the end of the run as the ZeroMQ coordinator does (outcomes, then report parts).
// It is not in the threads' loop: they synchronise among themselves.

import type { Worker } from 'node:worker_threads';
import { RunError } from '../errors.js';
import type { TraceSink } from '../kernel/index.js';
import { formatTime } from '../kernel/time.js';
import type { ReportPart } from '../run/run-scenario.js';
import type { CoordinatorResult, PartitionProgress } from './coordinator.js';
import type { MergedInstruments, Observed } from './instrument-parts.js';
import { describeMembers, type Plan } from './plan.js';
import type { Outcome } from './protocol.js';
import { sharedLayout, SharedWindow } from './shared-window.js';
import type { FromThread, ThreadPlan, ThreadSetup, ToThread } from './thread-worker.js';
import { early } from './thread-start.js';
import { CHECK_MS, SILENCE_MS } from './timing.js';
import { MergedTrace } from './trace-chunks.js';

export interface ThreadRunOptions {
  /** The partition threads, started early (startThreads) and set up (setUpThreads): they load their code and
   *  build their graphs while this one plans. */
  threads: Worker[];
  plan: Plan;
  untilPs: number;
  trace?: string;
  /** Every sink of the merged trace (the instruments' among them). */
  sinks: readonly TraceSink[];
  /** Where what the partitions' instruments saw is merged into files and the report (none: no instruments). */
  instruments?: MergedInstruments;
  displays: readonly string[];
  onProgress?: (state: readonly PartitionProgress[], virtualPs: number) => void;
}

interface Part {
  readonly index: number;
  readonly label: string;
  readonly thread: Worker;
  ready: boolean;
  beats: number;
  lastBeat: number;
  horizon: number;
  /** What its instruments saw at the end, held until every partition has finished (as the coordinator's stages). */
  outcomes: Observed | null;
  finished: { notCompleted: Outcome[]; rounds: number; waits: number; waitMs: number; cpuMs: number; ranToPs: number } | null;
  summary: { delivered: number; part: unknown; displays: (string | null)[] } | null;
  exited: boolean;
}

/** What the threads need to build their graphs (the same for all; the trace is wanted when a file or a sink takes
 *  it): sent before this thread plans. */
export function setUpThreads(threads: readonly Worker[], s: Omit<ThreadSetup, 'partition'>): void {
  threads.forEach((t, partition) => t.postMessage({ type: 'setup', setup: { ...s, partition } } satisfies ToThread));
}

export async function runThreads(o: ThreadRunOptions): Promise<CoordinatorResult> {
  const n = o.plan.partitions;
  const layout = sharedLayout(n, o.untilPs);
  const win = new SharedWindow(layout);
  const trace = new MergedTrace(o.trace, o.sinks);
  let settled = false;
  let resolve!: (r: CoordinatorResult) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<CoordinatorResult>((res, rej) => ((resolve = res), (reject = rej)));

  const virtualTime = (): string => {
    const t = Math.min(...parts.map((p) => win.readProgress(p.index).nowPs), o.untilPs);
    return t < 1000 ? `${t} ps` : `${formatTime(t)} (${t} ps)`;
  };
  const fail = (err: RunError): void => {
    if (settled) return;
    settled = true;
    win.abort();
    reject(err);
  };

  const plan: ThreadPlan = { assignment: o.plan.assignment, byId: o.plan.byId, latency: o.plan.latency, layout };
  const parts: Part[] = Array.from({ length: n }, (_, index) => {
    const thread = o.threads[index]!;
    thread.postMessage({ type: 'plan', plan } satisfies ToThread);
    const now = performance.now();
    return { index, label: `partition ${index} (${describeMembers(o.plan.members[index]!)})`, thread, ready: false, beats: 0, lastBeat: now, horizon: 0, outcomes: null, finished: null, summary: null, exited: false };
  });
  const observed = (p: Part, m: Observed): void => o.instruments?.observed(p.index, m, Math.min(...parts.map((q) => q.horizon)));
  /** The run's end: the one asked for, or where a replay that is over moved it. */
  const endPs = (): number => Math.min(o.untilPs, win.runEnd());

  const onMessage = (p: Part, m: FromThread): void => {
    if (settled) return;
    switch (m.type) {
      case 'ready':
        p.ready = true;
        p.lastBeat = performance.now();
        return;
      case 'trace': {
        if (m.chunk !== undefined) trace.push(p.index, m.chunk);
        p.horizon = m.horizon;
        const horizon = Math.min(...parts.map((q) => q.horizon));
        trace.release(horizon);
        o.instruments?.traceReleased(horizon);
        o.instruments?.release(horizon);
        return;
      }
      case 'observed':
        if (m.stage === 'outcomes') p.outcomes = m.observed;
        else observed(p, m.observed);
        return;
      case 'error':
        fail(new RunError(`${p.label}: ${m.message}`));
        return;
      case 'finished':
        p.finished = m;
        if (parts.every((q) => q.finished !== null)) {
          const end = endPs();
          const ahead = parts.find((q) => q.finished!.ranToPs > end);
          if (ahead !== undefined) return fail(new RunError(`backplane: the replay ended the run at ${end} ps, but ${ahead.label} had run to ${ahead.finished!.ranToPs} ps (internal error)`));
          trace.release(Infinity);
          o.instruments?.traceReleased(Infinity);
          for (const q of parts) if (q.outcomes !== null) observed(q, q.outcomes);
          progress(true);
          const notCompleted = parts.flatMap((q) => q.finished!.notCompleted);
          const replayFlows = o.instruments?.replayFlows();
          for (const q of parts) q.thread.postMessage({ type: 'summarize', notCompleted, displays: [...o.displays], ...(replayFlows !== undefined ? { replayFlows } : {}) } satisfies ToThread);
        }
        return;
      case 'summary':
        p.summary = m;
        if (parts.every((q) => q.summary !== null)) {
          settled = true;
          const rounds = parts.reduce((sum, q) => sum + q.finished!.rounds, 0);
          resolve({
            parts: parts.map((q) => q.summary!.part as ReportPart),
            displays: o.displays.map((_, i) => parts.map((q) => q.summary!.displays[i]).find((d): d is string => typeof d === 'string') ?? null),
            events: parts.reduce((s, q) => s + q.summary!.delivered, 0),
            external: [],
            windows: rounds,
            dropped: 0,
            waitMs: parts.map((q) => q.finished!.waitMs),
            waits: parts.map((q) => q.finished!.waits),
            cpuMs: parts.map((q) => q.finished!.cpuMs),
            endPs: endPs(),
          });
        }
        return;
    }
  };
  for (const p of parts) {
    p.thread.on('message', (m: FromThread) => onMessage(p, m));
    p.thread.on('error', (err: Error) => fail(new RunError(`${p.label}: ${err.message} (at virtual time ${virtualTime()})`)));
    p.thread.on('exit', (code) => {
      p.exited = true;
      if (!settled && p.summary === null) fail(new RunError(`${p.label} exited with status ${code} at virtual time ${virtualTime()}`));
    });
  }

  for (const p of parts) {
    const what = early.get(p.thread);
    if (what !== undefined) fail(new RunError(`${p.label}: ${what} before it started`));
  }

  let lastProgress = 0;
  const progress = (final: boolean): void => {
    if (o.onProgress === undefined) return;
    const now = performance.now();
    if (now - lastProgress < 200 && !final) return;
    lastProgress = now;
    const state = parts.map((p) => ({ partition: p.index, label: `P${p.index}`, ...win.readProgress(p.index) }));
    o.onProgress(state, Math.min(...state.map((s) => s.nowPs), o.untilPs));
  };
  // A thread that stops beating (a model in an endless loop) ends the run like a silent worker process.
  const timer = setInterval(() => {
    const now = performance.now();
    for (const p of parts) {
      const beats = win.beats(p.index);
      if (beats !== p.beats || !p.ready || p.finished !== null) {
        p.beats = beats;
        p.lastBeat = now;
      } else if (now - p.lastBeat > SILENCE_MS) {
        fail(new RunError(`${p.label} stopped answering (nothing for ${(SILENCE_MS / 1000).toFixed(1)} s) at virtual time ${virtualTime()}`));
      }
    }
    progress(false);
  }, CHECK_MS);

  try {
    const r = await result;
    trace.close();
    return r;
  } catch (err) {
    trace.abandon();
    throw err;
  } finally {
    clearInterval(timer);
    await Promise.all(parts.map((p) => (p.exited ? undefined : p.thread.terminate())));
  }
}
