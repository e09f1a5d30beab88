// Timelines in a partitioned run, the coordinator's side (the workers' side and the split: timeline-worker.ts).
// The coordinator runs the trace-driven part (src/viz/trace-events.ts) on the merged trace, and at each tick, once
// every partition's readings for it are in and the trace is merged past it, a MergedSampler that does what the
// one-process sampler does with the merged readings: the same rates, the same schedule of view reads (so VCRT
// sizes between reads follow the trace the same way), the same owners. It keeps both ends' latest state of each
// XCF path for the path's `up`.

import { S } from '../kernel/time.js';
import type { TraceSink } from '../kernel/trace.js';
import type { Prepared } from '../run/run-scenario.js';
import { buildCatalogue, type Catalogue, type XcfProbe } from '../viz/catalogue.js';
import { ConnectionTracker } from '../viz/connections.js';
import type { TimelineFiles, TimelinesReport } from '../viz/instrument.js';
import { HtmlWriter } from '../viz/html/html-writer.js';
import { clientLatencyCurves } from '../viz/latency-curve.js';
import type { WorkloadLatencyData } from '../../hw-models/lan/clients.js';
import { PerfettoWriter } from '../viz/perfetto.js';
import { Timeline, type TimelineConsumer } from '../viz/timeline.js';
import { TraceEvents } from '../viz/trace-events.js';
import { VcdWriter } from '../viz/vcd.js';
import { ViewSchedule } from '../viz/view-schedule.js';
import { ClientSignals, r4 } from '../viz/sampler.js';
import type { Report } from '../run/report.js';
import type { FinalCall, PathFact, TickReading, TimelineCall, TimelineObserved } from './timeline-worker.js';

/** The process (LPAR) of a final call, to put the partitions' in the LPARs' order. */
function procOf(f: FinalCall): number {
  return (f[1] === 0 ? f[2] : f[3]) as number;
}

/** A view digest: VCRT size and ready targets per (DVIPA, port), or null (the LPAR was down). */
type Digest = { vcrt: number; ready: number[] } | null;

/** The one-process sampler's logic over the merged readings (kept step for step with src/viz/sampler.ts). */
export class MergedSampler {
  /** When views are read (the trace sink keeps its owners and VCRT changes): as in one process. */
  readonly views: ViewSchedule<Digest>;
  samples = 0;
  lastTick = -1;
  private readonly busy: Float64Array;
  private readonly xcfBytes: Float64Array;
  private readonly clientSignals: ClientSignals | null;
  /** LPAR index -> its view as its partition last read it (read here on the schedule). */
  private readonly latest: Digest[];
  /** (DVIPA index, ready index) -> position in a digest's ready list. */
  private readonly readyPos: number[][];

  constructor(private readonly cat: Catalogue, private readonly timeline: Timeline, readonly intervalPs: number) {
    const n = cat.lpars.length;
    this.busy = new Float64Array(n);
    this.xcfBytes = new Float64Array(cat.xcf.length);
    this.latest = cat.lpars.map(() => null);
    this.views = new ViewSchedule(cat, intervalPs);
    this.clientSignals = cat.clients === null ? null : new ClientSignals(cat.clients, timeline);
    let k = 0;
    this.readyPos = cat.dvipas.map((d) => d.ready.map(() => k++));
  }

  /** One tick from every partition's readings at `t`. */
  sample(t: number, parts: readonly TickReading[]): void {
    const cat = this.cat;
    const tl = this.timeline;
    const first = this.lastTick < 0;
    const dt = first ? 0 : t - this.lastTick;
    const lrows: (number[] | undefined)[] = cat.lpars.map(() => undefined);
    const orows: (number[] | undefined)[] = cat.osas.map(() => undefined);
    const xparts: [number[] | undefined, number[] | undefined][] = cat.xcf.map(() => [undefined, undefined]);
    let clients: number[] | null = null;
    for (const r of parts) {
      for (const row of r.l) lrows[row[0]!] = row;
      for (const row of r.o) orows[row[0]!] = row;
      for (const row of r.x) xparts[row[0]!]![row[1]!] = row;
      if (r.c !== null) {
        if (clients === null) clients = [0, 0, 0, 0];
        for (let k = 0; k < 4; k++) clients[k]! += r.c[k]!;
      }
    }
    // CPU and connections' peak, every LPAR, every tick.
    for (const l of cat.lpars) {
      const row = lrows[l.index];
      if (row === undefined) throw new Error(`timelines: no reading of ${l.host.name} at ${t} ps`);
      const done = row[1]!;
      if (dt > 0) tl.set(t, l.cpuBusy, r4((100 * (done - this.busy[l.index]!)) / (dt * l.host.cpu.processors)));
      this.busy[l.index] = done;
      tl.set(t, l.connections, row[2]!);
      if (row.length > 7) {
        const vcrt = row[7]!;
        this.latest[l.index] = vcrt < 0 ? null : { vcrt, ready: row.slice(8) };
      }
    }
    this.lparTables(t, first, lrows);
    for (let oi = 0; oi < cat.osas.length; oi++) {
      const o = cat.osas[oi]!;
      const row = orows[oi];
      if (row === undefined) continue;
      o.fill.forEach((f, k) => tl.set(t, f.signal, row[1 + k]!));
      tl.set(t, o.drops, row[1 + o.fill.length]!);
      tl.set(t, o.registered, row[2 + o.fill.length]!);
    }
    cat.xcf.forEach((x, i) => {
      const [a, b] = xparts[i]!;
      const bytes = (a?.[2] ?? 0) + (b?.[2] ?? 0);
      if (dt > 0) tl.set(t, x.mbps, r4(((bytes - this.xcfBytes[i]!) * S) / dt / 1e6));
      this.xcfBytes[i] = bytes;
      tl.set(t, x.inFlight, r4((a?.[3] ?? 0) + (b?.[3] ?? 0)));
    });
    if (this.clientSignals !== null && clients !== null) {
      const [opened, completed, reset, failed] = clients as [number, number, number, number];
      this.clientSignals.set(t, dt, opened, completed, reset, failed);
    }
    this.ready(t);
    this.samples++;
    this.lastTick = t;
    tl.tick(t);
  }

  private lparTables(t: number, first: boolean, rows: readonly (number[] | undefined)[]): void {
    const tl = this.timeline;
    const views = this.views;
    for (const l of this.cat.lpars) {
      const i = l.index;
      views.beginTick(i);
      const row = rows[i]!;
      if (row.length <= 3) continue; // no event reached it
      const work = { busyPs: row[3]!, ipls: row[4]!, up: row[5] === 1 };
      tl.set(t, l.runQueue, row[6]!);
      if (views.due(i, t, first, work)) {
        const view = work.up ? this.latest[i]! : null;
        views.read(i, t, work, view, view === null ? 0 : view.vcrt);
      }
      tl.set(t, l.vcrtSize, views.vcrtSize(i));
    }
  }

  private ready(t: number): void {
    const ds = this.cat.dvipas;
    for (let i = 0; i < ds.length; i++) {
      const r = this.views.readyView(i);
      if (r === undefined) continue;
      ds[i]!.ready.forEach((rp, k) => this.timeline.set(t, rp.signal, r.view === null ? 0 : r.view.ready[this.readyPos[i]![k]!]!));
    }
  }
}

/** The coordinator's part: the timeline and its writers, fed from the merged trace and the merged readings. */
export class MergedTimeline {
  readonly timeline: Timeline;
  /** The HTML page's writer, which also draws the clients' latency (null without --html). */
  private html: HtmlWriter | null = null;
  private readonly cat: Catalogue;
  private readonly sampler: MergedSampler;
  private readonly events: TraceEvents;
  /** Tick time -> the partitions' readings so far. */
  private readonly pending = new Map<number, TickReading[]>();
  private readonly facts = new Map<string, PathFact[]>();
  /** `component>peer>path` -> that end's path state, as its latest xcf.path record left it. */
  private readonly ends = new Map<string, boolean>();
  private readonly linkUp = new Map<XcfProbe, boolean>();
  private done = false;
  /** Per partition: the workers' timeline calls not yet made, in their order. */
  private readonly calls: { list: TimelineCall[]; pos: number }[] = [];
  private readonly finals: FinalCall[][] = [];
  /** The merged trace record being handled: [t, component, n]. */
  private current: [number, string, number] | null = null;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly files: TimelineFiles,
    private readonly intervalPs: number,
    p: Prepared,
    private readonly partitions: number,
  ) {
    const cat = buildCatalogue(p);
    this.cat = cat;
    const consumers: TimelineConsumer[] = [];
    try {
      if (files.vcd !== undefined) consumers.push(new VcdWriter(files.vcd));
      if (files.perfetto !== undefined) consumers.push(new PerfettoWriter(files.perfetto));
      if (files.html !== undefined) consumers.push((this.html = new HtmlWriter(files.html)));
    } catch (err) {
      for (const c of consumers) c.abandon();
      throw err;
    }
    this.timeline = new Timeline(cat.signals, consumers);
    this.sampler = new MergedSampler(cat, this.timeline, intervalPs);
    // The connections are followed in the workers; what they did while handling a record comes in here.
    const during = (): void => this.during();
    const noConnections = { opened: during, closed: during, down: during, check() {}, finish() {}, takePeak: () => 0 } as unknown as ConnectionTracker;
    this.events = new TraceEvents(cat, this.timeline, noConnections, this.sampler.views, (x) => this.pathUp(x));
    const cps = new Map(cat.lpars.map((l) => [l.process, l.host.cpu.processors]));
    this.timeline.open({ scenario: p.scenario.name, seed: p.seed, untilPs: p.untilPs, sampleIntervalPs: intervalPs, processes: cat.processes, cps });
    for (const x of cat.xcf) this.timeline.set(0, x.up, x.handle.link.up ? 1 : 0);
  }

  /** The merged trace's sink: ticks before the record first, then the record. */
  readonly sink: TraceSink = {
    record: (t, component, seq, kind, fields) => {
      const n = this.counts.get(component) ?? 0;
      this.counts.set(component, n + 1);
      this.advanceTo(t, component, n);
      this.current = [t, component, n];
      if (kind === 'xcf.path') this.fact(component);
      this.events.record(t, component, seq, kind, fields);
      this.during();
      this.current = null;
    },
  };

  /** A partition's readings, path facts and timeline calls (an observed message). */
  observed(partition: number, m: TimelineObserved): void {
    const readings = m.timeline, facts = m.pathFacts;
    while (this.calls.length <= partition) this.calls.push({ list: [], pos: 0 });
    while (this.finals.length <= partition) this.finals.push([]);
    if (m.timelineCalls !== undefined) {
      const q = this.calls[partition]!;
      if (q.pos > 4096 && q.pos * 2 > q.list.length) {
        q.list = q.list.slice(q.pos);
        q.pos = 0;
      }
      for (const c of m.timelineCalls) q.list.push(c);
    }
    if (m.timelineFinals !== undefined) this.finals[partition]!.push(...m.timelineFinals);
    for (const r of readings ?? []) {
      let list = this.pending.get(r.t);
      if (list === undefined) this.pending.set(r.t, (list = []));
      list.push(r);
    }
    for (const f of facts ?? []) {
      let q = this.facts.get(f[1]);
      if (q === undefined) this.facts.set(f[1], (q = []));
      q.push(f);
    }
  }

  /** The merged trace is complete before `horizon`: every tick and call before it can be made. */
  release(horizon: number): void {
    this.advanceTo(horizon, '', -1);
  }

  /** The head call of the partition whose call comes first in one process's order, or -1. */
  private firstCall(): number {
    let best = -1;
    let b: TimelineCall | undefined;
    for (let p = 0; p < this.calls.length; p++) {
      const q = this.calls[p]!;
      const c = q.list[q.pos];
      if (c === undefined) continue;
      if (b === undefined || c[0] < b[0] || (c[0] === b[0] && (c[1] < b[1] || (c[1] === b[1] && (c[2] < b[2] || (c[2] === b[2] && c[3] < b[3])))))) {
        best = p;
        b = c;
      }
    }
    return best;
  }

  /** Makes, in one process's order, every tick and call before the record (t, component, n): n -1 for
   *  everything before t. A tick at t comes after every call at t. */
  private advanceTo(t: number, component: string, n: number): void {
    for (;;) {
      const p = this.firstCall();
      const c = p < 0 ? undefined : this.calls[p]!.list[this.calls[p]!.pos]!;
      const callOk = c !== undefined && (c[0] < t || (n >= 0 && c[0] === t && (c[1] < component || (c[1] === component && (c[2] < n || (c[2] === n && c[3] === 0))))));
      const tick = this.nextTick();
      const tickOk = tick !== undefined && tick < t;
      if (callOk && (!tickOk || c[0] <= tick)) {
        this.calls[p]!.pos++;
        this.make(c.slice(4));
      } else if (tickOk) this.takeTick(tick);
      else return;
    }
  }

  /** The calls made while the current record was handled (a connection opened or ended). */
  private during(): void {
    const r = this.current;
    if (r === null) return;
    for (const q of this.calls) {
      for (let c = q.list[q.pos]; c !== undefined && c[0] === r[0] && c[1] === r[1] && c[2] === r[2] && c[3] === 1; c = q.list[q.pos]) {
        q.pos++;
        this.make(c.slice(4));
      }
    }
  }

  private make(call: unknown[]): void {
    const a = call as number[];
    if (call[0] === 0) this.timeline.cpuSlice(a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    else this.timeline.connection(a[1]!, a[2]!, a[3]!, call[4] as string, call[5] as string | null);
  }

  private nextTick(): number | undefined {
    let m: number | undefined;
    for (const t of this.pending.keys()) if (m === undefined || t < m) m = t;
    return m;
  }

  private takeTick(x: number): void {
    const parts = this.pending.get(x)!;
    if (parts.length < this.partitions) throw new Error(`timelines: the readings at ${x} ps came from ${parts.length} of ${this.partitions} partitions`);
    this.pending.delete(x);
    this.sampler.sample(x, parts);
  }

  private fact(component: string): void {
    const f = this.facts.get(component)?.shift();
    if (f === undefined) return;
    this.ends.set(`${f[1]}>${f[2]}>${f[3]}`, f[4] === 1);
    for (const x of this.cat.xcf) {
      const [a, b] = x.handle.between;
      if (x.handle.path === f[3] && ((a === f[1] && b === f[2]) || (b === f[1] && a === f[2]))) this.linkUp.set(x, f[5] === 1);
    }
  }

  private pathUp(x: XcfProbe): boolean {
    const [a, b] = x.handle.between;
    const path = x.handle.path;
    const end = (from: string, to: string, host: XcfProbe['a']): boolean => this.ends.get(`${from}>${to}>${path}`) ?? host.xcf.pathStates(to)[path] === true;
    return (this.linkUp.get(x) ?? x.handle.link.up) && end(a, b, x.a) && end(b, a, x.b!);
  }

  /** The run ended at `endPs`: the last ticks, the files closed, report.timelines. `latency`: the clients'
   *  distributions from every partition's part (the HTML page's latency plot). */
  finish(endPs: number, report: Report, latency: readonly WorkloadLatencyData[]): void {
    this.advanceTo(Infinity, '', -1);
    if (this.sampler.lastTick < endPs) throw new Error(`timelines: no readings at the end of the run (${endPs} ps)`);
    // What was left at the end: the CPU work of every LPAR in order, then their connections.
    const finals = this.finals.flat().map((f, k) => ({ f, k }));
    finals.sort((x, y) => x.f[0] - y.f[0] || procOf(x.f) - procOf(y.f) || x.k - y.k);
    for (const { f } of finals) this.make(f.slice(1));
    if (this.html !== null) this.html.latency = clientLatencyCurves(latency);
    this.timeline.finish(endPs, report);
    this.done = true;
    const summary: TimelinesReport = { sampleIntervalPs: this.intervalPs, samples: this.sampler.samples, files: { ...this.files } };
    report.timelines = summary;
  }

  abandon(): void {
    if (!this.done) this.timeline.abandon();
  }
}
