// The sampler: a kernel component with a self timer every sample interval that reads the models' counters
// (read-only) into the timeline. What it reads and how often:
// - every tick: CPU busy over the interval, peak open connections, OSA queue fill, drops and registered
//   addresses, XCF throughput and mean bytes in flight over the interval, client totals. A tick after which
//   nothing but the tick itself was delivered skips all but the CPU (work in progress still counts) and sets
//   the rates to zero: nothing else can have moved. An OSA nothing was delivered to is not read.
// - an LPAR's run queue: only when every CP is busy (with one free the queue is empty), via summary().
// - an LPAR's firmware view (VCRT size, VDPT ready targets): on the schedule of view-schedule.ts.

import { Component, type Port } from '../kernel/index.js';
import { S } from '../kernel/time.js';
import type { FirmwareView } from '../firmware/hal.js';
import type { Catalogue, ClientsProbe, LparProbe } from './catalogue.js';
import type { Timeline } from './timeline.js';
import type { ConnectionTracker } from './connections.js';
import type { FlightCounter } from './xcf-flight.js';
import { ViewSchedule } from './view-schedule.js';

const TAG_SAMPLE = 0;

/** Rounds to 4 decimals, so that noise in the last bits of a rate never shows as a change. */
export function r4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** The client hosts' totals at each tick, and their completion and reset rates since the previous tick (the
 *  one-process sampler sums the hosts, a partitioned run's merged sampler the partitions' sums). */
export class ClientSignals {
  private completed = 0;
  private reset = 0;

  constructor(private readonly c: ClientsProbe, private readonly timeline: Timeline) {}

  set(t: number, dt: number, opened: number, completed: number, reset: number, failed: number): void {
    const c = this.c;
    const tl = this.timeline;
    tl.set(t, c.opened, opened);
    tl.set(t, c.completed, completed);
    tl.set(t, c.reset, reset);
    tl.set(t, c.failed, failed);
    tl.set(t, c.active, opened - completed - reset - failed);
    if (dt > 0) {
      tl.set(t, c.completedRate, r4(((completed - this.completed) * S) / dt));
      tl.set(t, c.resetRate, r4(((reset - this.reset) * S) / dt));
    }
    this.completed = completed;
    this.reset = reset;
  }
}

export class Sampler extends Component {
  /** Component id -> 1 when an event was delivered to it since the last tick (set by the run's observer). */
  dirty = new Uint8Array(0);
  /** Open connections per LPAR (set in attach). */
  connections: ConnectionTracker | null = null;
  /** XCF link index -> in-flight counters of its two directions (set when taps are attached). */
  flights: [FlightCounter, FlightCounter][] = [];
  /** When views are read (the trace sink keeps its owners and VCRT changes). */
  readonly views: ViewSchedule<FirmwareView>;
  samples = 0;
  lastTick = -1;
  private lastEvents = 0;
  private readonly busy: Float64Array;
  private readonly xcfBytes: Float64Array;
  private readonly clientSignals: ClientSignals | null;

  constructor(
    name: string,
    private readonly cat: Catalogue,
    private readonly timeline: Timeline,
    readonly intervalPs: number,
  ) {
    super(name);
    const n = cat.lpars.length;
    this.busy = new Float64Array(n);
    this.xcfBytes = new Float64Array(cat.xcf.length);
    this.views = new ViewSchedule(cat, intervalPs);
    this.clientSignals = cat.clients === null ? null : new ClientSignals(cat.clients, timeline);
  }

  override onMessage(_port: Port, _message: unknown): void {}

  override start(): void {
    this.at(this.now, TAG_SAMPLE);
  }

  override onTimer(tag: number): void {
    if (tag !== TAG_SAMPLE) return;
    this.sample(this.now);
    // Keep ticking while anything else is pending: a run that went idle is not kept alive by its sampler.
    if (this.sim.queue.size > 0) this.after(this.intervalPs, TAG_SAMPLE);
  }

  /** Reads every probe at `t` into the timeline and ends the tick. */
  sample(t: number): void {
    const first = this.lastTick < 0;
    const dt = first ? 0 : t - this.lastTick;
    const events = this.sim.events;
    // Only this tick's own timer was delivered since the last one (at the end of a run: nothing at all).
    const quiet = !first && events - this.lastEvents <= 1;
    this.lastEvents = events;
    this.cpu(t, dt);
    if (quiet) this.quiet(t, dt);
    else {
      this.lparTables(t, first);
      this.osas(t, first);
      this.xcf(t, dt);
      this.clients(t, dt);
      this.ready(t);
      this.dirty.fill(0);
    }
    this.samples++;
    this.lastTick = t;
    this.timeline.tick(t);
  }

  private cpu(t: number, dt: number): void {
    // (and the connections' peak: both change between ticks without any event delivered at the tick)
    const tl = this.timeline;
    for (const l of this.cat.lpars) {
      const cpu = l.host.cpu;
      let ahead = 0;
      for (let cp = 0; cp < cpu.processors; cp++) {
        const f = cpu.freeTime(cp);
        if (f > t) ahead += f - t;
      }
      const done = cpu.busyPs - ahead;
      if (dt > 0) tl.set(t, l.cpuBusy, r4((100 * (done - this.busy[l.index]!)) / (dt * cpu.processors)));
      this.busy[l.index] = done;
      if (this.connections !== null) tl.set(t, l.connections, this.connections.takePeak(l.index));
    }
  }

  /** Nothing was delivered since the last tick: the rates are zero, everything else stands. */
  private quiet(t: number, dt: number): void {
    const tl = this.timeline;
    const xs = this.cat.xcf;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      tl.set(t, x.mbps, 0);
      const f = this.flights[i];
      if (f !== undefined) tl.set(t, x.inFlight, r4(f[0].meanSince(t) + f[1].meanSince(t)));
    }
    const c = this.cat.clients;
    if (c !== null && dt > 0) {
      tl.set(t, c.completedRate, 0);
      tl.set(t, c.resetRate, 0);
    }
  }

  private lparTables(t: number, first: boolean): void {
    const tl = this.timeline;
    const dirty = this.dirty;
    const views = this.views;
    for (const l of this.cat.lpars) {
      const i = l.index;
      views.beginTick(i);
      if (!first && dirty[l.host.id] !== 1) continue;
      const host = l.host;
      const up = host.isUp;
      tl.set(t, l.runQueue, up && allBusy(l, t) ? host.summary().runQueue : 0);
      const work = { busyPs: host.cpu.busyPs, ipls: host.ipls, up };
      if (views.due(i, t, first, work)) {
        const view = up ? host.firmwareView() : null;
        views.read(i, t, work, view, view === null ? 0 : view.vcrtSize);
      }
      tl.set(t, l.vcrtSize, views.vcrtSize(i));
    }
  }

  private osas(t: number, first: boolean): void {
    const tl = this.timeline;
    for (const o of this.cat.osas) {
      if (!first && this.dirty[o.osa.id] !== 1) continue; // nothing delivered to it: nothing moved
      for (const f of o.fill) tl.set(t, f.signal, o.osa.inboundOccupancy(f.lpar));
      const s = o.osa.stats;
      const drops = s.dropInboundFull + s.dropOutboundFull + s.dropUnregistered + s.dropPortDown;
      tl.set(t, o.drops, drops + s.dropArpUnresolved + s.dropControlFull + s.dropMalformed);
      tl.set(t, o.registered, o.osa.oat.size);
    }
  }

  private xcf(t: number, dt: number): void {
    const tl = this.timeline;
    const xs = this.cat.xcf;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const link = x.handle.link;
      const bytes = link.a.bytesSent + link.b.bytesSent;
      if (dt > 0) tl.set(t, x.mbps, r4(((bytes - this.xcfBytes[i]!) * S) / dt / 1e6));
      this.xcfBytes[i] = bytes;
      const f = this.flights[i];
      if (f !== undefined) tl.set(t, x.inFlight, r4(f[0].meanSince(t) + f[1].meanSince(t)));
    }
  }

  private clients(t: number, dt: number): void {
    const c = this.cat.clients;
    if (c === null) return;
    let opened = 0, completed = 0, reset = 0, failed = 0;
    for (const h of c.hosts) {
      opened += h.totals.opened;
      completed += h.totals.completed;
      reset += h.totals.reset;
      failed += h.totals.failed;
    }
    this.clientSignals!.set(t, dt, opened, completed, reset, failed);
  }

  /** Ready targets per distributed port, from the owner's VDPT (zero while the owner is down). */
  private ready(t: number): void {
    const ds = this.cat.dvipas;
    for (let i = 0; i < ds.length; i++) {
      const r = this.views.readyView(i);
      if (r === undefined) continue;
      const d = ds[i]!;
      for (const rp of d.ready) {
        let n = 0;
        if (r.view !== null) for (const row of r.view.vdpt) if (row.dvipa === d.ip && row.port === rp.port && row.ready > 0) n++;
        this.timeline.set(t, rp.signal, n);
      }
    }
  }
}

function allBusy(l: LparProbe, t: number): boolean {
  const cpu = l.host.cpu;
  for (let cp = 0; cp < cpu.processors; cp++) if (cpu.freeTime(cp) <= t) return false;
  return true;
}
