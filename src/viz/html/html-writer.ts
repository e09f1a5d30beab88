// `--html FILE`: the run report as one self-contained page. Samples go into a bounded series store as the run
// goes; markers (faults, DVIPA moves) into a bounded list; the page is written when the run ends, with the
// report's tables.

import type { Report } from '../../run/report.js';
import { PLOTS } from '../catalogue.js';
import { OutFile } from '../out-file.js';
import type { InstantEvent, RunMeta, SignalDef, SignalValues, TimelineConsumer } from '../timeline.js';
import { plotAssets } from './assets.js';
import { type PageMarker, type PagePlot, renderPage } from './page.js';
import { SeriesStore } from './series.js';
import type { LatencyCurves } from '../latency-curve.js';

const MAX_MARKERS = 500;

export class HtmlWriter implements TimelineConsumer {
  private readonly out: OutFile;
  private plotted: number[] = [];
  private store: SeriesStore | null = null;
  private row = new Float64Array(0);
  private signals: readonly SignalDef[] = [];
  private meta: RunMeta | null = null;
  private readonly markers: PageMarker[] = [];
  private markersDropped = 0;
  /** The clients' latency curves, given by the instrument before `finish` (none in a replay). */
  latency: LatencyCurves | null = null;

  constructor(path: string, private readonly maxPoints = 2048) {
    this.out = new OutFile(path, '--html');
    plotAssets(); // fail now, before the run, if the plotting library cannot be read
  }

  open(signals: readonly SignalDef[], meta: RunMeta): void {
    this.signals = signals;
    this.meta = meta;
    this.plotted = signals.flatMap((s, i) => (s.plot === undefined ? [] : [i]));
    this.store = new SeriesStore(this.plotted.map((i) => signals[i]!.plot!.merge), this.maxPoints);
    this.row = new Float64Array(this.plotted.length);
  }

  tick(t: number, values: SignalValues): void {
    const p = this.plotted;
    const num = values.num;
    for (let k = 0; k < p.length; k++) this.row[k] = num[p[k]!]!;
    this.store!.push(t, this.row);
  }

  instant(e: InstantEvent): void {
    if (e.category === 'info') return;
    if (this.markers.length >= MAX_MARKERS) {
      this.markersDropped++;
      return;
    }
    this.markers.push({ ps: e.t, ms: e.t / 1e9, category: e.category, label: e.label });
  }

  finish(endPs: number, report: Report): void {
    const store = this.store!;
    const plots: PagePlot[] = [];
    for (const [id, def] of Object.entries(PLOTS)) {
      const series = this.plotted
        .map((sig, k) => ({ sig, k }))
        .filter(({ sig }) => this.signals[sig]!.plot!.plot === id)
        .map(({ sig, k }) => ({ label: this.signals[sig]!.plot!.label, values: store.values(k).map(round3) }));
      plots.push({ id, title: def.title, unit: def.unit, series });
    }
    const t: number[] = [];
    for (let b = 0; b < store.length; b++) t.push(round6(store.times[b]! / 1e9));
    const meta = this.meta!;
    const data = {
      scenario: meta.scenario,
      seed: meta.seed,
      endPs,
      sampleIntervalPs: meta.sampleIntervalPs,
      pointPs: meta.sampleIntervalPs * store.ticksPerPoint,
      t,
      plots,
      markers: this.markers,
      markersDropped: this.markersDropped,
      latency: this.latency,
    };
    for (const piece of renderPage(data, report)) {
      if (typeof piece === 'string') this.out.write(piece);
      else this.out.bytes(piece);
    }
    this.out.close();
  }

  abandon(): void {
    this.out.abandon();
  }
}

function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
