// The HTML report's latency plot: percentile curves of the clients' connect, first-byte and complete times, in
// the manner of HdrHistogram's percentile distribution plots. The x axis counts nines (x = -log10(1 - q): 0 is
// the minimum, 1 the 90th percentile, 2 the 99th, 3 the 99.9th), so the tail gets as much room as the body; the
// curves end at the percentile their sample count still resolves, then step to the maximum.

import { Histogram, type HistogramData } from '../kernel/histogram.js';
import type { WorkloadLatencyData } from '../../hw-models/lan/clients.js';

export interface LatencyCurves {
  /** x of each point, in nines. */
  readonly x: readonly number[];
  /** The largest x (where the curves reach their maximum). */
  readonly maxX: number;
  /** Unit of the values: `us` or `ms`. */
  readonly unit: 'us' | 'ms';
  readonly series: readonly { readonly label: string; readonly count: number; readonly values: readonly (number | null)[] }[];
}

/** Points per nine. */
const STEPS = 20;
/** The deepest tail drawn: 99.9999 %. */
const MAX_NINES = 6;

/** Percentile curves of the given distributions (each a list of histograms merged first); null with no samples. */
export function latencyCurves(distributions: readonly { label: string; parts: readonly HistogramData[] }[]): LatencyCurves | null {
  const merged = distributions.map((d) => ({ label: d.label, h: d.parts.reduce((all, p) => all.merge(p), new Histogram()) }));
  const largest = Math.max(0, ...merged.map((m) => m.h.count));
  if (largest === 0) return null;
  // A sample of n resolves percentiles up to 1 - 1/n: log10(n) nines.
  const maxX = Math.min(MAX_NINES, Math.max(1, Math.ceil(Math.log10(largest) * STEPS) / STEPS));
  const x: number[] = [];
  for (let i = 0; i <= maxX * STEPS; i++) x.push(i / STEPS);
  const qs = x.map((v, i) => (i === x.length - 1 ? 1 : 1 - 10 ** -v));
  const peak = Math.max(...merged.map((m) => m.h.summary().max));
  const unit = peak < 1e9 ? 'us' : 'ms';
  const scale = unit === 'us' ? 1e6 : 1e9;
  const series = merged.map(({ label, h }) => {
    const values = h.count === 0 ? x.map(() => null) : h.quantiles(qs).map((v) => Math.round((v / scale) * 1000) / 1000);
    return { label, count: h.count, values };
  });
  return { x, maxX, unit, series };
}

/** The report's curves: every workload's connect, first-byte and complete times (in one process or merged from
 *  the partitions' parts: histograms merge exactly, so the curves are the same). */
export function clientLatencyCurves(data: readonly WorkloadLatencyData[]): LatencyCurves | null {
  return latencyCurves([
    { label: 'connect', parts: data.map((d) => d.connect) },
    { label: 'first byte', parts: data.map((d) => d.firstByte) },
    { label: 'complete', parts: data.map((d) => d.complete) },
  ]);
}
