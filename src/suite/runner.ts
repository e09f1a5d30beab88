// `sysplex-emu test`: runs the scenarios of some suites N at a time in worker processes, judges each (its
// expectations, its golden trace), keeps artifacts of the failing ones, and prints one line per scenario in
// the order given — whatever order they finish in — so that the output of --jobs 1 and --jobs 8 differs only
// in times. Wall time is read here, in the command, never in a simulation.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactIds, writeArtifacts } from './artifacts.js';
import { fallbackName, judge } from './judge.js';
import { runPool, stopWorkers } from './pool.js';
import type { Outcome, Suite, WorkerJob } from './types.js';

export interface SuiteOptions {
  /** Scenarios run at once (worker processes). */
  readonly jobs: number;
  readonly updateGolden: boolean;
  /** Keep failing scenarios' artifacts here. */
  readonly artifacts?: string;
  /** Wall seconds one scenario may run before it is stopped as a run failure (default: no limit). */
  readonly timeoutS?: number;
  /** Where the result lines go (stdout). */
  readonly print: (line: string) => void;
}

export interface SuiteRun {
  /** By scenario file (as shown), in order. */
  readonly outcomes: Map<string, Outcome>;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  /** 0 all passed, 1 a failure, 2 bad input, 3 a run failed (the worst wins). */
  readonly exitCode: number;
}

export async function runSuites(suites: readonly Suite[], opts: SuiteOptions): Promise<SuiteRun> {
  const files = suites.flatMap((s) => s.files);
  const ids = artifactIds(files);
  const scratch = mkdtempSync(join(tmpdir(), 'sysplex-emu-test-'));
  const outcomes: (Outcome | undefined)[] = new Array(files.length);
  let printed = 0;
  // Interrupted (Ctrl-C, a CI timeout): stop the workers and leave no scratch files behind.
  const interrupted = (signal: NodeJS.Signals) => {
    stopWorkers();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const jobs = files.map((file, i) => {
      const dir = join(scratch, String(i));
      mkdirSync(dir);
      return { file, tracePath: join(dir, 'trace.jsonl'), timelines: opts.artifacts !== undefined } satisfies WorkerJob;
    });
    await runPool(jobs, opts.jobs, opts.timeoutS ?? Number.POSITIVE_INFINITY, (i, timed) => {
      const job = jobs[i]!;
      let o: Outcome;
      try {
        o = judge({ file: job.file, result: timed.result, seconds: timed.seconds, tracePath: job.tracePath, updateGolden: opts.updateGolden });
        if (o.verdict !== 'passed' && opts.artifacts !== undefined) {
          const report = timed.result.kind === 'ran' ? timed.result.report : null;
          const lines = [...o.failures.map((f) => f.message), ...o.errors];
          o = { ...o, artifacts: writeArtifacts(join(opts.artifacts, ids[i]!), { report, scratch: join(scratch, String(i)), lines }) };
        }
      } catch (err) {
        // The trace or the artifacts folder could not be read or written: the scenario's check itself failed.
        const why = `${job.file}: cannot check the run: ${err instanceof Error ? err.message : String(err)}`;
        o = { file: job.file, name: fallbackName(job.file), seed: null, verdict: 'error', errorType: 'run', errors: [why], failures: [], notes: [], seconds: timed.seconds };
      }
      outcomes[i] = o;
      // Print every finished scenario whose predecessors have all been printed.
      while (printed < files.length && outcomes[printed] !== undefined) for (const line of resultLines(outcomes[printed++]!)) opts.print(line);
    });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    rmSync(scratch, { recursive: true, force: true });
  }
  const all = outcomes as Outcome[];
  const passed = all.filter((o) => o.verdict === 'passed').length;
  const failed = all.filter((o) => o.verdict === 'failed').length;
  const errors = all.filter((o) => o.verdict === 'error').length;
  const exitCode = all.some((o) => o.errorType === 'run') ? 3 : all.some((o) => o.errorType === 'input') ? 2 : failed > 0 ? 1 : 0;
  return { outcomes: new Map(all.map((o) => [o.file, o])), passed, failed, errors, exitCode };
}

const LABEL = { passed: 'PASS ', failed: 'FAIL ', error: 'ERROR' } as const;

/** A scenario's result line and, indented below it, why it failed. */
export function resultLines(o: Outcome): string[] {
  const lines = [`${LABEL[o.verdict]} ${o.file}  ${o.name}  (${o.seconds.toFixed(2)} s)`];
  for (const f of o.failures) lines.push(`      ${f.type === 'expectation' ? 'expected ' : ''}${f.message}`);
  for (const e of o.errors) lines.push(`      ${e}`);
  for (const n of o.notes) lines.push(`      ${n}`);
  if (o.artifacts !== undefined) lines.push(`      artifacts: ${o.artifacts}`);
  return lines;
}

/** The summary line: `<n> passed, <n> failed`, with `, <n> errors` when there are any. */
export function summaryLine(r: Pick<SuiteRun, 'passed' | 'failed' | 'errors'>): string {
  return `${r.passed} passed, ${r.failed} failed${r.errors > 0 ? `, ${r.errors} errors` : ''}`;
}
