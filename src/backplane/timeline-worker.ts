// Timelines in a partitioned run (docs/backplane.md, "Capture points, replay and timelines"). The sampler of one
// process (src/viz/sampler.ts) reads every model at each tick; here it is split in two:
// - every worker runs a LocalSampler (this file: the same component name, local in every worker, ticking at the
//   same times, last in each instant) that takes the readings of its own components only: CPU work done, the
//   connections' peak (the worker also follows its LPARs' connections, from their own trace records and
//   ledgers), run queue and firmware view of the LPARs an event reached, OSA queues, its ends of the XCF paths
//   and its client hosts' totals. A firmware view is read whenever the LPAR's firmware ran since the last read
//   (a superset of the reads one process makes: reading is side-effect free), and sent as a digest.
// - the coordinator merges them (timeline-merge.ts).
// An XCF path's `up` needs both ends' path states at the moment of an `xcf.path` record: the worker that
// emits the record sends its end's state with it, and the coordinator keeps both ends' latest.

import { Component, type Port } from '../kernel/index.js';
import type { TraceSink } from '../kernel/trace.js';
import type { Instrument, Prepared } from '../run/run-scenario.js';
import { buildCatalogue, type Catalogue, lparIndexById, type LparProbe } from '../viz/catalogue.js';
import { ConnectionTracker } from '../viz/connections.js';
import { CpuSlices } from '../viz/cpu-slices.js';
import { SAMPLER_NAME } from '../viz/instrument.js';
import { Timeline } from '../viz/timeline.js';
import { FlightCounter } from '../viz/xcf-flight.js';

/** One partition's readings at one tick (plain data: it travels in `observed` messages).
 *  l: per local LPAR [index, cpu work done, connections' peak] and, when an event reached it (or at the first
 *     tick), [..., busyPs, ipls, up, run queue] and, when its view was read, [..., VCRT size (-1: down), ready
 *     targets per (DVIPA, port) of the catalogue];
 *  o: per local OSA an event reached [index, fill per LPAR..., drops, registered];
 *  x: per local XCF path end [path index, end 0/1, bytes sent, mean bytes in flight];
 *  c: the local client hosts' [opened, completed, reset, failed], or null. */
export interface TickReading {
  t: number;
  l: number[][];
  o: number[][];
  x: number[][];
  c: number[] | null;
}

/** An `xcf.path` record's end state: [t, component, peer, path, that end's path state 0/1, link up 0/1]. */
export type PathFact = [number, string, string, number, number, number];

/** A call a worker made to its timeline (the Perfetto trace's CPU work and connection slices), with where one
 *  process makes it: [t, component, n, during, ...call]. during 1: while handling the component's n-th trace
 *  record (counted from 0) at t; during 0: after its event at t, when it had written n records. The call:
 *  [0, process, cp, start, end, runs] (CPU work) or [1, t, process, lane, name, how or null] (a connection). */
export type TimelineCall = [number, string, number, number, ...unknown[]];
/** The calls of the run's end: [0 (CPU) or 1 (connections), ...call] (the LPARs' order within each). */
export type FinalCall = [number, ...unknown[]];


/** The component every graph of a partitioned run with timelines has (coordinator's and workers'): inert in the
 *  coordinator, a LocalSampler in each worker. */
class InertSampler extends Component {
  override onMessage(_port: Port, _message: unknown): void {}
}

/** The coordinator's graph gets the sampler's name too, so that the plan and the workers' graphs agree. */
export function samplerPlaceholder(): Instrument {
  return { build: (p) => void p.sim.add(new InertSampler(SAMPLER_NAME)) };
}

const TAG_SAMPLE = 0;

export class LocalSampler extends Component {
  readings: TickReading[] = [];
  ticks = 0;
  lastTick = -1;
  dirty = new Uint8Array(0);
  cat: Catalogue | null = null;
  connections: ConnectionTracker | null = null;
  /** [path index, end, counter] of the local XCF ends. */
  flights: [number, number, FlightCounter][] = [];
  local: (c: Component) => boolean = () => true;
  private lastView: Float64Array = new Float64Array(0);

  constructor(readonly intervalPs: number, private readonly untilPs: number) {
    super(SAMPLER_NAME);
  }

  override onMessage(_port: Port, _message: unknown): void {}

  override start(): void {
    this.at(this.now, TAG_SAMPLE);
  }

  override onTimer(tag: number): void {
    if (tag !== TAG_SAMPLE) return;
    this.ticks++;
    this.sample(this.now);
    // Every worker ticks to the run's end: whether the whole sysplex went idle is not known here.
    if (this.sim.queue.size > 0 || this.now + this.intervalPs <= this.untilPs) this.after(this.intervalPs, TAG_SAMPLE);
  }

  sample(t: number): void {
    const cat = this.cat!;
    const first = this.lastTick < 0;
    if (first) this.lastView = new Float64Array(cat.lpars.length * 3).fill(NaN);
    const r: TickReading = { t, l: [], o: [], x: [], c: null };
    for (const l of cat.lpars) {
      if (!this.local(l.host)) continue;
      const cpu = l.host.cpu;
      let ahead = 0;
      for (let cp = 0; cp < cpu.processors; cp++) {
        const f = cpu.freeTime(cp);
        if (f > t) ahead += f - t;
      }
      const row = [l.index, cpu.busyPs - ahead, this.connections!.takePeak(l.index)];
      if (first || this.dirty[l.host.id] === 1) {
        const host = l.host;
        const up = host.isUp;
        row.push(cpu.busyPs, host.ipls, up ? 1 : 0, up && allBusy(l, t) ? host.summary().runQueue : 0);
        const k = l.index * 3;
        const lv = this.lastView;
        if (first || lv[k] !== cpu.busyPs || lv[k + 1] !== host.ipls || lv[k + 2] !== (up ? 1 : 0)) {
          lv[k] = cpu.busyPs;
          lv[k + 1] = host.ipls;
          lv[k + 2] = up ? 1 : 0;
          const view = up ? host.firmwareView() : null;
          if (view === null) row.push(-1);
          else {
            row.push(view.vcrtSize);
            for (const d of cat.dvipas) {
              for (const rp of d.ready) {
                let n = 0;
                for (const v of view.vdpt) if (v.dvipa === d.ip && v.port === rp.port && v.ready > 0) n++;
                row.push(n);
              }
            }
          }
        }
      }
      r.l.push(row);
    }
    for (let oi = 0; oi < cat.osas.length; oi++) {
      const o = cat.osas[oi]!;
      if (!this.local(o.osa)) continue;
      if (!first && this.dirty[o.osa.id] !== 1) continue;
      const s = o.osa.stats;
      const drops = s.dropInboundFull + s.dropOutboundFull + s.dropUnregistered + s.dropPortDown;
      r.o.push([oi, ...o.fill.map((f) => o.osa.inboundOccupancy(f.lpar)), drops + s.dropArpUnresolved + s.dropControlFull + s.dropMalformed, o.osa.oat.size]);
    }
    for (const [i, end, f] of this.flights) {
      const link = cat.xcf[i]!.handle.link;
      r.x.push([i, end, (end === 0 ? link.a : link.b).bytesSent, f.meanSince(t)]);
    }
    const c = cat.clients;
    if (c !== null) {
      let any = false;
      const sums = [0, 0, 0, 0];
      for (const h of c.hosts) {
        if (!this.local(h)) continue;
        any = true;
        sums[0] += h.totals.opened;
        sums[1] += h.totals.completed;
        sums[2] += h.totals.reset;
        sums[3] += h.totals.failed;
      }
      if (any) r.c = sums;
    }
    this.dirty.fill(0);
    this.lastTick = t;
    this.readings.push(r);
  }
}

function allBusy(l: LparProbe, t: number): boolean {
  const cpu = l.host.cpu;
  for (let cp = 0; cp < cpu.processors; cp++) if (cpu.freeTime(cp) <= t) return false;
  return true;
}

/** What a connection tracker needs of a timeline when only its peaks are wanted. */
const NO_TIMELINE = { connection: () => {} } as unknown as Timeline;

/** The worker's part: the local sampler, its connection tracking and the XCF path facts. */
export class WorkerTimeline {
  readonly sampler: LocalSampler;
  private facts: PathFact[] = [];
  private calls: TimelineCall[] = [];
  private finals: FinalCall[] = [];
  /** Where the calls being made go in one process's order (see TimelineCall). */
  private tagT = 0;
  private tagC = '';
  private tagN = 0;
  private tagDuring = 0;
  /** Final phase (0 CPU, 1 connections) at the end, -1 before. */
  private phase = -1;
  private cpu: CpuSlices | null = null;

  /** `calls`: record CPU work and connection slices (the Perfetto trace wants them). */
  constructor(intervalPs: number, untilPs: number, private readonly calls_: boolean) {
    this.sampler = new LocalSampler(intervalPs, untilPs);
  }

  /** A timeline that records the calls of the CPU slices and connection tracker. */
  private readonly recorder = {
    cpuSlice: (process: number, cp: number, start: number, end: number, runs: number): void => {
      if (this.phase >= 0) this.finals.push([this.phase, 0, process, cp, start, end, runs]);
      else this.calls.push([this.tagT, this.tagC, this.tagN, this.tagDuring, 0, process, cp, start, end, runs]);
    },
    connection: (t: number, process: number, lane: number, name: string, how: string | null): void => {
      if (this.phase >= 0) this.finals.push([this.phase, 1, t, process, lane, name, how]);
      else this.calls.push([this.tagT, this.tagC, this.tagN, this.tagDuring, 1, t, process, lane, name, how]);
    },
  } as unknown as Timeline;

  instrument(): Instrument {
    return {
      build: (p) => void p.sim.add(this.sampler),
      attach: (p) => this.attach(p),
    };
  }

  private attach(p: Prepared): void {
    const sim = p.sim;
    const sampler = this.sampler;
    const cat = buildCatalogue(p);
    sampler.cat = cat;
    sampler.local = (c) => sim.isLocal(c);
    const conns = new ConnectionTracker(cat.lpars, this.calls_ ? this.recorder : NO_TIMELINE);
    const cpu = this.calls_ ? new CpuSlices(cat.lpars, this.recorder) : null;
    this.cpu = cpu;
    sampler.connections = conns;
    const lparIndex = new Map(cat.lpars.map((l) => [l.host.name, l.index]));
    const facts = this;
    const counts = new Map<string, number>();
    const sink = {
      record(t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined) {
        const n = counts.get(component) ?? 0;
        counts.set(component, n + 1);
        facts.tagT = t;
        facts.tagC = component;
        facts.tagN = n;
        facts.tagDuring = 1;
        sink.handle(t, component, seq, kind, fields);
      },
      handle(t: number, component: string, _seq: number, kind: string, fields: Record<string, unknown> | undefined) {
        if (kind === 'tcp.open' || kind === 'tcp.close' || kind === 'tcp.reset' || kind === 'lpar.down') {
          const i = lparIndex.get(component);
          if (i === undefined) return;
          if (kind === 'lpar.down') return conns.down(i, t);
          const local = endpoint(fields, 'local', 'localPort');
          const remote = endpoint(fields, 'remote', 'remotePort');
          if (local === null || remote === null) return;
          if (kind === 'tcp.open') conns.opened(i, t, local[0], local[1], remote[0], remote[1]);
          else conns.closed(i, t, local[0], local[1], remote[0], remote[1], kind === 'tcp.reset' ? 'reset' : 'close');
        } else if (kind === 'xcf.path') facts.pathFact(cat, t, component, fields);
      },
    };
    const mineSink: TraceSink = { record: (t, c, seq, kind, fields) => sink.record(t, c, seq, kind, fields) };
    sim.addTraceSink(mineSink);

    const dirty = (sampler.dirty = new Uint8Array(sim.components.length));
    const lparOf = lparIndexById(sim.components.length, cat.lpars);
    const mine = (t: number, dst: Component): void => {
      dirty[dst.id] = 1;
      const i = lparOf[dst.id]!;
      if (i >= 0) {
        this.tagT = t;
        this.tagC = dst.name;
        this.tagN = counts.get(dst.name) ?? 0;
        this.tagDuring = 0;
        if (cpu !== null) cpu.check(i, t);
        conns.check(i, t);
      }
    };
    sim.addObserver(mine);

    cat.xcf.forEach((x, i) => {
      const link = x.handle.link;
      [link.a, link.b].forEach((port, end) => {
        if (!sim.isLocal(port.owner)) return;
        const f = new FlightCounter(link.psPerByte, link.latencyPs);
        sampler.flights.push([i, end, f]);
        port.addTap((_m, bytes, time) => f.sent(bytes, sim.now, time));
      });
    });
  }

  private pathFact(cat: Catalogue, t: number, component: string, fields: Record<string, unknown> | undefined): void {
    const peer = typeof fields?.peer === 'string' ? fields.peer : '';
    const path = typeof fields?.path === 'number' ? fields.path : 0;
    for (const x of cat.xcf) {
      const [a, b] = x.handle.between;
      if (x.handle.path !== path || !((a === component && b === peer) || (b === component && a === peer)) || x.b === undefined) continue;
      const host = a === component ? x.a : x.b;
      this.facts.push([t, component, peer, path, host.xcf.pathStates(peer)[path] === true ? 1 : 0, x.handle.link.up ? 1 : 0]);
      return;
    }
  }

  /** The readings and facts of the window (or the start); null when none. */
  take(): TimelineObserved | null {
    const out: TimelineObserved = {};
    if (this.calls.length > 0) {
      out.timelineCalls = this.calls;
      this.calls = [];
    }
    if (this.finals.length > 0) {
      out.timelineFinals = this.finals;
      this.finals = [];
    }
    if (this.sampler.readings.length > 0) {
      out.timeline = this.sampler.readings;
      this.sampler.readings = [];
    }
    if (this.facts.length > 0) {
      out.pathFacts = this.facts;
      this.facts = [];
    }
    return Object.keys(out).length === 0 ? null : out;
  }

  /** The run ended at `t`: the last sample (one process takes it in its instrument's finish), the CPU work and
   *  connections still open. */
  final(t: number): void {
    if (this.sampler.lastTick < t) this.sampler.sample(t);
    this.phase = 0;
    this.cpu?.finish(t);
    this.phase = 1;
    if (this.calls_) this.sampler.connections!.finish(t);
  }
}

/** What a worker's timeline adds to an observed message. */
export interface TimelineObserved {
  timeline?: TickReading[];
  pathFacts?: PathFact[];
  timelineCalls?: TimelineCall[];
  timelineFinals?: FinalCall[];
}

function endpoint(f: Record<string, unknown> | undefined, key: string, portKey: string): [number, number] | null {
  const v = typeof f?.[key] === 'string' ? (f[key] as string) : '';
  const colon = v.lastIndexOf(':');
  const ipText = colon >= 0 ? v.slice(0, colon) : v;
  const parts = ipText.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  const ip = parts.reduce((n, p) => n * 256 + Number(p), 0);
  const port = colon >= 0 ? (/^\d{1,6}$/.test(v.slice(colon + 1)) ? Number(v.slice(colon + 1)) : -1) : typeof f?.[portKey] === 'number' ? (f[portKey] as number) : 0;
  return port < 0 || port > 65535 ? null : [ip, port];
}
