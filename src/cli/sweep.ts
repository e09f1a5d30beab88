// sysplex-emu sweep <scenario|topology> --set PATH=V1,V2 [--set ...] [--seeds N] [--jobs N] [--out DIR]
// [--timeout T]: parsing and printing only; the sweep itself lives in src/sweep.

import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { type SweepAxis, loadRunFile, parseAxis } from '../scenario/index.js';
import { runSweep } from '../sweep/run-sweep.js';
import { int, list, parse, str, wallSeconds } from './args.js';
import { UsageError } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse('sweep', argv, {
    set: { type: 'string', multiple: true },
    seeds: { type: 'string' },
    jobs: { type: 'string' },
    out: { type: 'string' },
    timeout: { type: 'string' },
  }, { min: 1, max: 1 });
  const file = args.positionals[0]!;
  const axes: SweepAxis[] = [];
  for (const text of list(args, 'set')) {
    const axis = parseAxis(text);
    if (typeof axis === 'string') throw new UsageError(`--set ${axis}`, 'sweep');
    if (axes.some((a) => a.path === axis.path)) throw new UsageError(`--set ${axis.path}: given twice (list every value in one --set)`, 'sweep');
    axes.push(axis);
  }
  if (axes.length === 0) throw new UsageError('give at least one --set PATH=V1,V2,...', 'sweep');
  const seeds = int(args, 'seeds', 'sweep') ?? 1;
  if (seeds < 1) throw new UsageError('--seeds must be at least 1', 'sweep');
  const jobs = int(args, 'jobs', 'sweep') ?? availableParallelism();
  if (jobs < 1) throw new UsageError('--jobs must be at least 1', 'sweep');
  const out = str(args, 'out') ?? 'sweep-out';
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out}: is a file, not a folder`, 'sweep');
  const timeout = str(args, 'timeout');
  const timeoutS = timeout === undefined ? Number.POSITIVE_INFINITY : wallSeconds(timeout, 'sweep');

  // The file must load as written before any point runs: its own mistakes are exit 2, not a table of errors.
  const base = loadRunFile(file);
  if (!base.ok) {
    for (const e of base.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  const result = await runSweep({
    file, axes, baseSeed: base.value.seed, seeds, jobs, out, timeoutS,
    progress: (done, total, failed) => {
      if (tty) process.stderr.write(`\r  sweep: ${done}/${total} runs${failed > 0 ? `, ${failed} failed` : ''}   ${done === total ? '\r\x1b[K' : ''}`);
    },
  });
  const n = result.results.length;
  process.stdout.write(`${n} point${n === 1 ? '' : 's'} x ${seeds} seed${seeds === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${result.failedPoints} failed\n`);
  for (const r of result.results.filter((p) => p.error !== null)) process.stdout.write(`  FAIL ${r.point.overrides.join(' ')}: ${r.error}\n`);
  process.stdout.write(`  ${result.files.csv}\n  ${result.files.json}\n  ${result.files.html}\n`);
  return result.failedPoints > 0 ? 1 : 0;
}
