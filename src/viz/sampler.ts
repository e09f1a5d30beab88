// The sampler: a kernel component with a self timer every sample interval that reads the models' counters
// (read-only) into the timeline. What it reads and how often:
// - every tick: CPU busy over the interval, peak open connections, OSA queue fill, drops and registered
//   addresses, XCF throughput and mean bytes in flight over the interval, client totals. A tick after which
//   nothing but the tick itself was delivered skips all but the CPU (work in progress still counts) and sets
//   the rates to zero: nothing else can have moved. An OSA nothing was delivered to is not read.
// - an LPAR's run queue: only when every CP is busy (with one free the queue is empty), via summary().
// - an LPAR's firmware view (VCRT size, VDPT ready targets): it costs a hundred microseconds or more in a
//   run, so only when the firmware ran since the last read (every firmware call but the IPL costs cycles), and
//   then: at every tick for a while (HOT_PS) after a distributor event in the trace (DVIPA moves, membership,
//   listeners, LPAR up or down), when target reports rebuild a VCRT without trace records of their own; and
//   otherwise once per SAFETY_READS intervals on a stack that owns a DVIPA or has a VCRT. Between reads the
//   VCRT size follows the trace's vcrt.insert and vcrt.delete records.

import { Component, type Port } from '../kernel/index.js';
import { S } from '../kernel/time.js';
import type { FirmwareView } from '../firmware/hal.js';
import type { Catalogue, LparProbe } from './catalogue.js';
import { DvipaOwners } from './dvipa-owners.js';
import type { Timeline } from './timeline.js';
import type { ConnectionTracker } from './connections.js';
import type { FlightCounter } from './xcf-flight.js';

const TAG_SAMPLE = 0;
/** How long an LPAR's view is read at every tick after a distributor event: 10 ms of virtual time (assumed:
 *  target reports after a takeover come within a few XCF round trips). */
const HOT_PS = 10_000_000_000;
/** A distributor's view is read at least once per this many sample intervals. */
const SAFETY_READS = 100;

/** Rounds to 4 decimals, so that noise in the last bits of a rate never shows as a change. */
function r4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export class Sampler extends Component {
  /** Component id -> 1 when an event was delivered to it since the last tick (set by the run's observer). */
  dirty = new Uint8Array(0);
  /** Open connections per LPAR (set in attach). */
  connections: ConnectionTracker | null = null;
  /** XCF link index -> in-flight counters of its two directions (set when taps are attached). */
  flights: [FlightCounter, FlightCounter][] = [];
  /** DVIPA index -> owner stack name, and whether it moved since the last tick (kept by the trace sink). */
  readonly owners: string[];
  readonly ownerMoved: boolean[];
  private readonly dvipaOwners: DvipaOwners;
  /** LPAR index -> 1 when the trace showed a distributor event there since its view was last read. */
  readonly tablesTouched: Uint8Array;
  /** LPAR index -> VCRT inserts minus deletes the trace showed there since its view was last read. */
  readonly vcrtDelta: Int32Array;
  samples = 0;
  lastTick = -1;
  /** Firmware views read (for tests and the bench). */
  viewReads = 0;
  private lastEvents = 0;
  private readonly busy: Float64Array;
  private readonly xcfBytes: Float64Array;
  private clientCompleted = 0;
  private clientReset = 0;
  private readonly views: (FirmwareView | null)[];
  private readonly viewAt: Float64Array;
  private readonly charged: Float64Array;
  private readonly ipls: Float64Array;
  private readonly viewRead: Uint8Array;
  /** LPAR index -> until when its view is read at every tick (after a distributor event). */
  private readonly hotUntil: Float64Array;
  /** LPAR index -> VCRT size at the last view read. */
  private readonly vcrtBase: Int32Array;

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
    this.views = cat.lpars.map(() => null);
    this.viewAt = new Float64Array(n).fill(-Infinity);
    this.charged = new Float64Array(n).fill(-1);
    this.ipls = new Float64Array(n);
    this.viewRead = new Uint8Array(n);
    this.tablesTouched = new Uint8Array(n);
    this.vcrtDelta = new Int32Array(n);
    this.vcrtBase = new Int32Array(n);
    this.hotUntil = new Float64Array(n).fill(-1);
    this.dvipaOwners = new DvipaOwners(cat);
    this.owners = this.dvipaOwners.names;
    this.ownerMoved = this.dvipaOwners.moved;
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
    for (const l of this.cat.lpars) {
      const i = l.index;
      this.viewRead[i] = 0;
      if (!first && dirty[l.host.id] !== 1) continue;
      const host = l.host;
      const up = host.isUp;
      tl.set(t, l.runQueue, up && allBusy(l, t) ? host.summary().runQueue : 0);
      if (this.tablesTouched[i] === 1) {
        this.tablesTouched[i] = 0;
        this.hotUntil[i] = t + Math.max(HOT_PS, 10 * this.intervalPs);
      }
      const cpu = host.cpu;
      const ran = cpu.busyPs !== this.charged[i] || host.ipls !== this.ipls[i] || up !== (this.views[i] !== null);
      const distributes = this.dvipaOwners.isOwner[i] === 1 || this.vcrtBase[i]! + this.vcrtDelta[i]! > 0;
      const due = t <= this.hotUntil[i]! || (distributes && t - this.viewAt[i]! >= SAFETY_READS * this.intervalPs);
      if (first || (ran && due)) {
        this.charged[i] = cpu.busyPs;
        this.ipls[i] = host.ipls;
        this.viewAt[i] = t;
        const view = up ? host.firmwareView() : null;
        this.viewReads++;
        this.views[i] = view;
        this.viewRead[i] = 1;
        this.vcrtBase[i] = view === null ? 0 : view.vcrtSize;
        this.vcrtDelta[i] = 0;
      }
      tl.set(t, l.vcrtSize, Math.max(0, this.vcrtBase[i]! + this.vcrtDelta[i]!));
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
    const tl = this.timeline;
    let opened = 0, completed = 0, reset = 0, failed = 0;
    for (const h of c.hosts) {
      opened += h.totals.opened;
      completed += h.totals.completed;
      reset += h.totals.reset;
      failed += h.totals.failed;
    }
    tl.set(t, c.opened, opened);
    tl.set(t, c.completed, completed);
    tl.set(t, c.reset, reset);
    tl.set(t, c.failed, failed);
    tl.set(t, c.active, opened - completed - reset - failed);
    if (dt > 0) {
      tl.set(t, c.completedRate, r4(((completed - this.clientCompleted) * S) / dt));
      tl.set(t, c.resetRate, r4(((reset - this.clientReset) * S) / dt));
    }
    this.clientCompleted = completed;
    this.clientReset = reset;
  }

  /** Ready targets per distributed port, from the owner's VDPT (zero while the owner is down). */
  private ready(t: number): void {
    const ds = this.cat.dvipas;
    for (let i = 0; i < ds.length; i++) {
      const moved = this.dvipaOwners.settle(i);
      const owner = this.dvipaOwners.ownerOf(i);
      // Unmoved: the count changes only where the owner's view was read at this tick.
      if (!moved && (owner === undefined || this.viewRead[owner.index] !== 1)) continue;
      const view = owner === undefined ? null : this.views[owner.index]!;
      const d = ds[i]!;
      for (const r of d.ready) {
        let n = 0;
        if (view !== null) for (const row of view.vdpt) if (row.dvipa === d.ip && row.port === r.port && row.ready > 0) n++;
        this.timeline.set(t, r.signal, n);
      }
    }
  }
}

function allBusy(l: LparProbe, t: number): boolean {
  const cpu = l.host.cpu;
  for (let cp = 0; cp < cpu.processors; cp++) if (cpu.freeTime(cp) <= t) return false;
  return true;
}
