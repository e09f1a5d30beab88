// Instruments in a partitioned run: capture points, replay and timelines. Every partition builds the same
// instruments from plain-data specs (instrument-specs.ts; a worker process gets them with its welcome, a thread
// with its setup); each sees only what its own components do, and sends it in `observed` messages to the
// coordinator or the threads' main thread (threads.ts), which merges them into the files and the report a single
// process would write.
//
// Capture points: a tap fires when a component sends, while the kernel delivers one of its events (or in its
// start()). A worker records each frame with the order key of that delivery: its virtual time t and the sending
// component's id (offset by the number of components outside start(), since every start() comes before every
// delivery). A process delivers its events in (time, destination) order and a component lives in one process,
// so merging the workers' records by (t, key), each worker's in its own order, gives back the order in which a
// single process calls its point writers, and the same pcapng bytes. Records are final once every partition is
// past their time (the trace's horizon).
//
// Replay: the injector behind the LAN's router runs in the partition the plan gives the router's far end; it
// tells when the replay is over (the run's end time moves there: the coordinator moves it, or on threads the
// partition itself, in shared memory), its counters and the flows that did not complete; the LPARs' partitions
// count those flows per target for the report's `lost`.

import type { Port } from '../kernel/index.js';
import type { Component } from '../kernel/index.js';
import { InputError } from '../errors.js';
import { asInputError, closePointWriters, openPointWriters, resolveCapturePoints, tapPoints } from '../capture/capture-points.js';
import type { PointWriter } from '../capture/point-writer.js';
import { CaptureFormatError } from '../capture/errors.js';
import { addLost, replayInjector, replayLostAt, type ReplayInjector } from '../capture/replay/index.js';
import { tapReplay, tapReplayReport, type TapReplay } from '../capture/replay/tap-frames.js';
import type { Report } from '../run/report.js';
import type { Instrument, Prepared } from '../run/run-scenario.js';
import type { LanSpec, Scenario } from '../scenario/types.js';
import type { InstrumentSpecs } from './instrument-specs.js';
import type { CaptureChunk, ObservedMsg, ReplayOutcome } from './protocol.js';
import { MergedTimeline } from './timeline-merge.js';
import { WorkerTimeline } from './timeline-worker.js';
import type { TimelineFiles } from '../viz/instrument.js';
import type { TraceSink } from '../kernel/trace.js';
import type { WorkloadLatencyData } from '../../hw-models/lan/clients.js';

export type { InstrumentSpecs } from './instrument-specs.js';

/** What a partition's instruments saw: an observed message's content, without its envelope. */
export type Observed = Omit<ObservedMsg, 'v' | 'type' | 'partition' | 'stage'>;

/** Whether a run with these specs needs the observed messages at all. */
export function hasInstruments(specs: InstrumentSpecs): boolean {
  return (specs.captures?.length ?? 0) > 0 || specs.replay !== undefined || specs.tapReplay !== undefined || specs.timelines !== undefined;
}

// ---- the worker's side ----------------------------------------------------------------------------------

export class WorkerInstruments {
  private readonly injector: ReplayInjector | null = null;
  private readonly tap: TapReplay | null = null;
  private end: number | undefined;
  /** The run's end as the replay set it (Infinity until it does): this worker runs no further. */
  endPs = Infinity;
  private chunk: CaptureChunk = [[], [], [], [], []];
  /** The timelines' local sampler, or null. */
  readonly timeline: WorkerTimeline | null = null;

  constructor(private readonly specs: InstrumentSpecs, scenario: Scenario, untilPs = Infinity) {
    if (specs.timelines !== undefined) this.timeline = new WorkerTimeline(specs.timelines.sampleIntervalPs, untilPs, specs.timelines.calls === true);
    if (specs.replay !== undefined) {
      this.injector = replayInjector(specs.replay, (endPs) => {
        this.end = endPs;
        this.endPs = Math.min(this.endPs, endPs);
      });
    }
    if (specs.tapReplay !== undefined) this.tap = tapReplay(scenario, specs.tapReplay.capture);
  }

  /** Frames in the tap recording being replayed (0 when none is). */
  get tapFramesRead(): number {
    return this.tap?.framesRead ?? 0;
  }

  /** What sits behind a LAN's router instead of the client hosts (prepare's clientsFor). */
  readonly clientsFor = (lan: LanSpec): Component | null => {
    if (this.injector !== null && lan.name === this.specs.replay!.lan) return this.injector;
    return this.tap?.clientsFor(lan) ?? null;
  };

  /** The instruments to build into the graph. */
  instruments(): Instrument[] {
    const out: Instrument[] = [];
    const specs = this.specs.captures ?? [];
    if (specs.length > 0) {
      let resolved: ReturnType<typeof resolveCapturePoints> = [];
      out.push({
        build: (p) => (resolved = resolveCapturePoints(p, specs)),
        attach: (p) => {
          const sim = p.sim;
          const n = sim.components.length;
          tapPoints(resolved, (point: number, frame: Uint8Array, stamp: number, port: Port) => {
            const c = this.chunk;
            c[0].push(sim.now);
            c[1].push(sim.events === 0 ? port.owner.id : n + port.owner.id);
            c[2].push(point);
            c[3].push(stamp);
            c[4].push(frame);
          });
        },
      });
    }
    if (this.tap !== null) {
      const tap = this.tap;
      out.push({ attach: (p) => tap.post(p) });
    }
    if (this.timeline !== null) out.push(this.timeline.instrument());
    return out;
  }

  /** What the window (or the start) saw, for an observed message before its done (or ready); null: nothing. */
  window(): Observed | null {
    const out: Observed = {};
    if (this.chunk[0].length > 0) {
      out.capture = this.chunk;
      this.chunk = [[], [], [], [], []];
    }
    if (this.end !== undefined) {
      out.end = this.end;
      this.end = undefined;
    }
    const tl = this.timeline?.take();
    if (tl != null) Object.assign(out, tl);
    return Object.keys(out).length > 0 ? out : null;
  }

  /** Events this worker delivered that one process would not count: every worker runs a sampler, and only the
   *  partition the plan gives it counts its ticks. */
  extraEvents(ownsSampler: boolean): number {
    return this.timeline === null || ownsSampler ? 0 : this.timeline.sampler.ticks;
  }

  /** At the end, before the outcomes: the replay's, from the partition that runs the injector or TAP ports. */
  outcomes(p: Prepared): Observed | null {
    const out: Observed = {};
    const inj = this.injector;
    if (inj !== null && p.sim.isLocal(inj)) {
      const f = inj.failure;
      const failure = f === null ? null : { file: (f as { file?: string }).file ?? p.scenario.file, message: f.message, ...(f instanceof CaptureFormatError ? { offset: f.offset } : {}) };
      out.replay = { counters: { ...inj.finalCounters() } as unknown as Record<string, unknown>, flows: inj.notCompletedFlows(), failure };
    }
    if (this.tap !== null) out.tapFramesIn = this.tap.framesIn();
    if (this.timeline !== null) {
      this.timeline.final(p.sim.now);
      const tl = this.timeline.take();
      if (tl !== null) Object.assign(out, tl);
    }
    return Object.keys(out).length > 0 ? out : null;
  }

  /** At the summary: the replayed flows (from the injector's partition) counted per local LPAR. */
  summary(p: Prepared, flows: readonly [number, number, number][] | undefined): Observed | null {
    if (flows === undefined || flows.length === 0) return null;
    const services = [...new Set(flows.map(([, ip, port]) => ip * 65536 + port))].sort((a, b) => a - b);
    const lost: NonNullable<Observed['lost']> = [];
    for (const l of p.sysplex.lpars) {
      if (!p.sim.isLocal(l)) continue;
      for (const s of services) {
        const ip = Math.floor(s / 65536);
        const port = s % 65536;
        const n = replayLostAt(p, l.name, ip, port, flows);
        if (n !== undefined) lost.push([l.name, ip, port, n]);
      }
    }
    return { lost };
  }
}

// ---- the coordinator's side -----------------------------------------------------------------------------

/** Merges the capture records of the partitions by (t, key), each partition's in its own order. */
class CaptureMerger {
  private readonly queues: { chunks: CaptureChunk[]; pos: number }[] = [];

  push(partition: number, chunk: CaptureChunk): void {
    while (this.queues.length <= partition) this.queues.push({ chunks: [], pos: 0 });
    this.queues[partition]!.chunks.push(chunk);
  }

  /** Hands on, in order, every record with t < horizon. */
  drain(horizon: number, emit: (t: number, point: number, stamp: number, frame: Uint8Array) => void): void {
    const qs = this.queues.filter((q) => q.chunks.length > 0);
    for (;;) {
      let best = -1;
      let bt = 0;
      let bk = 0;
      for (let i = 0; i < qs.length; i++) {
        const q = qs[i]!;
        const head = q.chunks[0];
        if (head === undefined) continue;
        const t = head[0][q.pos]!;
        if (t >= horizon) continue;
        const k = head[1][q.pos]!;
        if (best < 0 || t < bt || (t === bt && k < bk)) {
          best = i;
          bt = t;
          bk = k;
        }
      }
      if (best < 0) return;
      const q = qs[best]!;
      const head = q.chunks[0]!;
      emit(bt, head[2][q.pos]!, head[3][q.pos]!, head[4][q.pos]!);
      if (++q.pos >= head[0].length) {
        q.chunks.shift();
        q.pos = 0;
      }
    }
  }
}

export class MergedInstruments {
  private writers: PointWriter[] = [];
  private readonly capture = new CaptureMerger();
  private replay: ReplayOutcome | null = null;
  private tapFramesIn = 0;
  private readonly lost: NonNullable<Observed['lost']> = [];
  private timeline: MergedTimeline | null = null;

  /** `prepared`: the coordinator's graph (built with a WorkerInstruments' clientsFor, like every worker's). */
  constructor(
    readonly specs: InstrumentSpecs,
    private readonly prepared: Prepared,
    private readonly tapFramesRead: number,
    private readonly timelineFiles: TimelineFiles = {},
    private readonly workers = 1,
  ) {}

  /** The sinks of the merged trace this needs (the timelines' trace-driven part). */
  traceSinks(): TraceSink[] {
    return this.timeline === null ? [] : [this.timeline.sink];
  }

  /** Checks the capture points against the graph and creates their files (bad input: before any worker starts). */
  open(): void {
    if (this.specs.timelines !== undefined) {
      try {
        this.timeline = new MergedTimeline(this.timelineFiles, this.specs.timelines.sampleIntervalPs, this.prepared, this.workers);
      } catch (e) {
        throw asInputError(e);
      }
    }
    const specs = this.specs.captures ?? [];
    if (specs.length === 0) return;
    try {
      resolveCapturePoints(this.prepared, specs);
      this.writers = openPointWriters(this.prepared, specs);
    } catch (e) {
      this.abandon();
      throw asInputError(e);
    }
  }

  observed(partition: number, m: Observed, horizon: number): void {
    if (m.capture !== undefined) {
      if (m.capture[4].some((_, i) => m.capture![2][i]! >= this.writers.length)) throw new Error(`partition ${partition} sent a frame for a capture point the run does not have`);
      this.capture.push(partition, m.capture);
    }
    if (m.replay !== undefined) this.replay = m.replay;
    if (m.tapFramesIn !== undefined) this.tapFramesIn += m.tapFramesIn;
    if (m.lost !== undefined) this.lost.push(...m.lost);
    if (this.timeline !== null) this.timeline.observed(partition, m);
    this.release(horizon);
  }

  /** Writes every frame seen before `horizon` (Infinity at the end). */
  release(horizon: number): void {
    if (this.writers.length === 0) return;
    this.capture.drain(horizon, (t, point, stamp, frame) => this.writers[point]!.add(frame, stamp, t));
  }

  /** The merged trace was written up to `horizon`: the timelines' ticks before it can be taken. */
  traceReleased(horizon: number): void {
    this.timeline?.release(horizon);
  }

  /** What the summarize tells the workers: the replayed flows that did not complete. */
  replayFlows(): [number, number, number][] | undefined {
    return this.replay?.flows;
  }

  /** The run is over: the files completed, report.captures and report.replay as one process writes them.
   *  `latency`: the clients' distributions from the partitions' parts (the HTML page's latency plot). */
  finish(report: Report, latency: readonly WorkloadLatencyData[] = []): void {
    const r = this.replay;
    if (r?.failure != null) {
      this.abandon();
      throw new InputError(r.failure.file, r.failure.message, r.failure.offset !== undefined ? { offset: r.failure.offset } : {});
    }
    if (this.specs.replay !== undefined && r !== null) {
      report.replay = r.counters as unknown as Report['replay'];
      const lost = new Map(this.lost.map(([lpar, ip, port, n]) => [`${lpar}/${ip}:${port}`, n]));
      addLost(report, r.flows, new Set(this.specs.replay.dvipas), (stack, ip, port) => lost.get(`${stack}/${ip}:${port}`));
    }
    if (this.specs.tapReplay !== undefined) {
      report.replay = tapReplayReport(this.tapFramesRead, this.tapFramesIn);
    }
    if (this.writers.length > 0) {
      this.release(Infinity);
      try {
        report.captures = closePointWriters(this.writers);
      } catch (e) {
        this.abandon();
        throw e;
      }
    }
    // Last: the HTML page shows the report's replay.
    if (this.timeline !== null) {
      try {
        this.timeline.finish(report.virtualTimePs, report, latency);
      } catch (e) {
        this.abandon();
        throw e;
      }
      this.timeline = null;
    }
  }

  abandon(): void {
    this.timeline?.abandon();
    this.timeline = null;
    for (const w of this.writers) w.abort();
    this.writers = [];
  }
}
