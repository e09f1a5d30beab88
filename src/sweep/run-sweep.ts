// `sysplex-emu sweep`: runs every point of the cross product (times every seed) N at a time in the suite's worker
// processes, each run deterministic, and writes DIR/results.csv, DIR/results.json and DIR/sweep.html. A point that
// fails (bad input at that value, a run error, an expectation that does not hold) becomes a row with its error;
// the sweep goes on. Wall time is read here, never in a simulation.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepAxis } from '../scenario/index.js';
import { runPool } from '../suite/pool.js';
import type { WorkerJob } from '../suite/types.js';
import { sweepHtml, sweepPage } from './html.js';
import { metricsOf } from './metrics.js';
import { crossProduct, seedsFrom } from './points.js';
import { type PointResult, type PointRun, summarise, toCsv, toJson } from './results.js';

export interface SweepOptions {
  /** The scenario or topology file swept. */
  readonly file: string;
  readonly axes: readonly SweepAxis[];
  /** The scenario's own seed: the first of each point's seeds. */
  readonly baseSeed: number;
  readonly seeds: number;
  readonly jobs: number;
  readonly out: string;
  /** Wall seconds one run may take (Infinity: no limit). */
  readonly timeoutS: number;
  /** Called after each run with how many are done of how many. */
  readonly progress?: (done: number, total: number, failed: number) => void;
}

export interface SweepResult {
  readonly results: readonly PointResult[];
  readonly failedPoints: number;
  readonly files: { readonly csv: string; readonly json: string; readonly html: string };
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const points = crossProduct(o.axes);
  const seeds = seedsFrom(o.baseSeed, o.seeds);
  const jobs: WorkerJob[] = points.flatMap((p) => seeds.map((seed) => ({ file: o.file, overrides: p.overrides, seed, runFile: true })));
  const runs: PointRun[] = new Array(jobs.length);
  let done = 0;
  let failed = 0;
  await runPool(jobs, o.jobs, o.timeoutS, (i, timed) => {
    const r = timed.result;
    const seed = jobs[i]!.seed!;
    if (r.kind === 'ran') {
      const broken = (r.report.expectations ?? []).filter((e) => !e.ok).map((e) => `expectation failed: ${e.expr} (actual ${JSON.stringify(e.actual ?? null)})`);
      runs[i] = { seed, metrics: metricsOf(r.report), error: broken[0] ?? null, wallSeconds: r.report.wallMs / 1000 };
    } else {
      runs[i] = { seed, metrics: null, error: r.kind === 'input-error' ? r.messages.join('; ') : `run failed: ${r.message}`, wallSeconds: timed.seconds };
    }
    if (runs[i]!.error !== null) failed++;
    o.progress?.(++done, jobs.length, failed);
  });
  const results = points.map((p, k) => summarise(p, runs.slice(k * seeds.length, (k + 1) * seeds.length)));
  mkdirSync(o.out, { recursive: true });
  const files = { csv: join(o.out, 'results.csv'), json: join(o.out, 'results.json'), html: join(o.out, 'sweep.html') };
  const paths = o.axes.map((a) => a.path);
  const meta = { scenario: o.file, axes: o.axes.map((a) => ({ path: a.path, values: a.texts })), seeds };
  writeWhole(files.csv, toCsv(results, paths, o.seeds));
  writeWhole(files.json, toJson(results, meta));
  writeWhole(files.html, sweepHtml(sweepPage(`sweep of ${o.file}`, o.axes, results, o.seeds)));
  return { results, failedPoints: results.filter((r) => r.error !== null).length, files };
}

/** Written beside and renamed into place: never a half-written file. */
function writeWhole(file: string, text: string): void {
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}
