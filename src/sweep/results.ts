// A sweep's results: one row per point with the values set and every metric of its runs (with several seeds:
// the mean, and min, max and standard deviation so a difference can be told from noise), as CSV and JSON.

import type { SweepPoint } from './points.js';

/** One run of one point with one seed. */
export interface PointRun {
  readonly seed: number;
  /** Null when the run produced no report. */
  readonly metrics: ReadonlyMap<string, number> | null;
  /** Why the run failed (bad input at this point, a run error, an expectation that did not hold). */
  readonly error: string | null;
  readonly wallSeconds: number;
}

export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Population standard deviation over the seeds (0 with one seed). */
  readonly sd: number;
}

export interface PointResult {
  readonly point: SweepPoint;
  readonly runs: readonly PointRun[];
  /** Over the runs that produced a report. */
  readonly metrics: ReadonlyMap<string, Spread>;
  /** The first error of its runs, or null. */
  readonly error: string | null;
}

export function summarise(point: SweepPoint, runs: readonly PointRun[]): PointResult {
  const values = new Map<string, number[]>();
  for (const r of runs) for (const [k, v] of r.metrics ?? []) (values.get(k) ?? values.set(k, []).get(k)!).push(v);
  const metrics = new Map<string, Spread>();
  for (const [k, vs] of values) {
    const mean = vs.reduce((a, v) => a + v, 0) / vs.length;
    const sd = Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / vs.length);
    metrics.set(k, { mean, min: Math.min(...vs), max: Math.max(...vs), sd });
  }
  return { point, runs, metrics, error: runs.find((r) => r.error !== null)?.error ?? null };
}

/** Every metric any point has, in first-seen order. */
export function metricNames(results: readonly PointResult[]): string[] {
  const names = new Set<string>();
  for (const r of results) for (const k of r.metrics.keys()) names.add(k);
  return [...names];
}

export function toCsv(results: readonly PointResult[], paths: readonly string[], seeds: number): string {
  const metrics = metricNames(results);
  const header = [...paths, 'error', ...metrics.flatMap((m) => (seeds > 1 ? [m, `${m}.min`, `${m}.max`, `${m}.sd`] : [m]))];
  const rows = results.map((r) => [
    ...r.point.settings.map((s) => s.text),
    r.error ?? '',
    ...metrics.flatMap((m) => {
      const s = r.metrics.get(m);
      if (s === undefined) return seeds > 1 ? ['', '', '', ''] : [''];
      return seeds > 1 ? [num(s.mean), num(s.min), num(s.max), num(s.sd)] : [num(s.mean)];
    }),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

export function toJson(results: readonly PointResult[], meta: Record<string, unknown>): string {
  const points = results.map((r) => ({
    index: r.point.index,
    settings: Object.fromEntries(r.point.settings.map((s) => [s.path, s.text])),
    error: r.error,
    runs: r.runs.map((run) => ({ seed: run.seed, error: run.error, wallSeconds: Math.round(run.wallSeconds * 1000) / 1000 })),
    metrics: Object.fromEntries([...r.metrics].map(([k, s]) => [k, s])),
  }));
  return `${JSON.stringify({ ...meta, points }, null, 2)}\n`;
}

/** Shortest exact decimal form (no exponent for ordinary values). */
function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
