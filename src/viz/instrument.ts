// The timeline instrument: rides along a run (src/run/run-scenario.ts) and feeds the VCD, Perfetto and HTML
// writers. build: decides the signals and adds the sampler component; attach: a trace sink beside the run's
// own, a delivery observer (which components changed, CPU work, connection ends) and taps on the XCF ports;
// finish: a last sample at the end time and the files closed; abandon: partial files removed.

import type { DeliveryObserver } from '../kernel/simulation.js';
import type { Report } from '../run/report.js';
import type { Instrument, Prepared } from '../run/run-scenario.js';
import { buildCatalogue, type Catalogue, lparIndexById } from './catalogue.js';
import { ConnectionTracker } from './connections.js';
import { CpuSlices } from './cpu-slices.js';
import { HtmlWriter } from './html/html-writer.js';
import { PerfettoWriter } from './perfetto.js';
import { Sampler } from './sampler.js';
import { Timeline, type TimelineConsumer } from './timeline.js';
import { TraceEvents } from './trace-events.js';
import { VcdWriter } from './vcd.js';
import { FlightCounter } from './xcf-flight.js';
import { clientLatencyCurves } from './latency-curve.js';

export interface TimelineFiles {
  vcd?: string;
  perfetto?: string;
  html?: string;
}

/** What `report.timelines` says. */
export interface TimelinesReport {
  sampleIntervalPs: number;
  samples: number;
  files: TimelineFiles;
}

/** The sampler's component name (it sorts after the models' names, so it never shifts their ids' order). */
export const SAMPLER_NAME = '~timeline.sampler';

export class TimelineInstrument implements Instrument {
  private consumers: TimelineConsumer[] = [];
  private timeline: Timeline | null = null;
  private cat: Catalogue | null = null;
  private sampler: Sampler | null = null;
  private cpu: CpuSlices | null = null;
  private connections: ConnectionTracker | null = null;

  constructor(
    readonly files: TimelineFiles,
    readonly sampleIntervalPs: number,
  ) {}

  build(p: Prepared): void {
    const cat = buildCatalogue(p);
    const consumers: TimelineConsumer[] = [];
    try {
      if (this.files.vcd !== undefined) consumers.push(new VcdWriter(this.files.vcd));
      if (this.files.perfetto !== undefined) consumers.push(new PerfettoWriter(this.files.perfetto));
      if (this.files.html !== undefined) consumers.push(new HtmlWriter(this.files.html));
    } catch (err) {
      for (const c of consumers) c.abandon();
      throw err;
    }
    this.consumers = consumers;
    this.cat = cat;
    this.timeline = new Timeline(cat.signals, consumers);
    this.sampler = p.sim.add(new Sampler(SAMPLER_NAME, cat, this.timeline, this.sampleIntervalPs));
  }

  attach(p: Prepared): void {
    const cat = this.cat!, timeline = this.timeline!, sampler = this.sampler!;
    const sim = p.sim;
    this.cpu = new CpuSlices(cat.lpars, timeline);
    this.connections = new ConnectionTracker(cat.lpars, timeline);
    sampler.connections = this.connections;
    const sink = new TraceEvents(cat, timeline, this.connections, sampler.views);
    sim.addTraceSink(sink);

    // Delivery observer: marks what changed for the sampler, and watches the LPARs' CPs and ledgers.
    const dirty = (sampler.dirty = new Uint8Array(sim.components.length));
    const lparOf = lparIndexById(sim.components.length, cat.lpars);
    const conns = this.connections;
    const cpu = this.consumers.some((c) => c.cpu !== undefined) ? this.cpu : null;
    const mine: DeliveryObserver = (t, dst) => {
      const id = dst.id;
      dirty[id] = 1;
      const i = lparOf[id]!;
      if (i >= 0) {
        if (cpu !== null) cpu.check(i, t);
        conns.check(i, t);
      }
    };
    sim.addObserver(mine);

    // XCF bytes in flight: taps on both ends of every signalling path (after any tap already there).
    sampler.flights = cat.xcf.map((x) => {
      const link = x.handle.link;
      const pair: [FlightCounter, FlightCounter] = [new FlightCounter(link.psPerByte, link.latencyPs), new FlightCounter(link.psPerByte, link.latencyPs)];
      [link.a, link.b].forEach((port, k) => {
        const f = pair[k]!;
        port.addTap((_m, bytes, time) => f.sent(bytes, sim.now, time));
      });
      return pair;
    });

    const cps = new Map(cat.lpars.map((l) => [l.process, l.host.cpu.processors]));
    timeline.open({ scenario: p.scenario.name, seed: p.seed, untilPs: p.untilPs, sampleIntervalPs: this.sampleIntervalPs, processes: cat.processes, cps });
    // Initial states the trace does not announce: every XCF path starts up.
    for (const x of cat.xcf) timeline.set(0, x.up, x.handle.link.up ? 1 : 0);
  }

  finish(p: Prepared, report: Report): void {
    const end = p.sim.now;
    const sampler = this.sampler!;
    if (sampler.lastTick < end) sampler.sample(end);
    this.cpu!.finish(end);
    this.connections!.finish(end);
    const html = this.consumers.find((c) => c instanceof HtmlWriter);
    if (html !== undefined) html.latency = clientLatencyCurves(p.clients.flatMap((c) => c.latencyData()));
    this.timeline!.finish(end, report);
    const summary: TimelinesReport = { sampleIntervalPs: this.sampleIntervalPs, samples: sampler.samples, files: { ...this.files } };
    report.timelines = summary;
  }

  abandon(): void {
    this.timeline?.abandon();
    if (this.timeline === null) for (const c of this.consumers) c.abandon();
  }
}
