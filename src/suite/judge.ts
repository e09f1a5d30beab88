// From a worker's answer to a scenario's verdict: false expectations and a golden mismatch are failures
// (exit 1); a scenario that does not load, names a golden that is not there, or cannot be built is an input
// error (exit 2); a run that failed is a run error (exit 3).

import { readFileSync } from 'node:fs';
import { basename, extname, isAbsolute, relative } from 'node:path';
import { checkGolden, divergenceDetail, divergenceMessage, goldenKeyPos } from './golden.js';
import type { Failure, Outcome, WorkerResult } from './types.js';

export interface JudgeInput {
  readonly file: string;
  readonly result: WorkerResult;
  readonly seconds: number;
  readonly tracePath: string;
  readonly updateGolden: boolean;
}

export function judge(j: JudgeInput): Outcome {
  const { file, result, seconds } = j;
  const base = { file, seconds, failures: [] as Failure[], notes: [] as string[], errors: [] as string[] };
  if (result.kind === 'input-error') {
    return { ...base, name: result.name ?? fallbackName(file), seed: result.seed, verdict: 'error', errorType: 'input', errors: [...result.messages] };
  }
  if (result.kind === 'run-failed') {
    return { ...base, name: result.name || fallbackName(file), seed: result.name ? result.seed : null, verdict: 'error', errorType: 'run', errors: [`${file}: run failed: ${result.message}`] };
  }
  const failures: Failure[] = [];
  for (const e of result.report.expectations ?? []) {
    if (e.ok) continue;
    const actual = describeActual(e.actual);
    failures.push({ type: 'expectation', message: `${e.expr} (actual: ${shorten(actual)})`, detail: `expected: ${e.expr}\nactual:   ${actual}` });
  }
  const notes: string[] = [];
  const errors: string[] = [];
  if (result.golden !== null) {
    const shown = displayPath(result.golden);
    const g = checkGolden(j.tracePath, result.golden, j.updateGolden);
    if (g.kind === 'differs') failures.push({ type: 'golden', message: divergenceMessage(g.divergence, shown), detail: divergenceDetail(g.divergence) });
    else if (g.kind === 'updated') notes.push(`golden trace ${shown} updated`);
    else if (g.kind === 'missing') errors.push(`${at(file)}: golden ${shown}: no such file (write it with --update-golden)`);
  }
  const verdict = errors.length > 0 ? 'error' : failures.length > 0 ? 'failed' : 'passed';
  return { ...base, name: result.name, seed: result.seed, verdict, ...(errors.length > 0 ? { errorType: 'input' as const } : {}), errors, failures, notes, clients: result.report.clients };
}

/** The name a scenario that did not load is listed under: its file's base name. */
export function fallbackName(file: string): string {
  return basename(file, extname(file));
}

/** An actual value as the report has it: strings (displays) as they are, anything else as JSON. */
function describeActual(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return v === undefined ? 'null' : JSON.stringify(v);
}

function shorten(s: string): string {
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/** A path as short as it stays clear: relative below the working folder, absolute elsewhere. */
function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** FILE:LINE:COL of the scenario's golden: key (FILE alone if it cannot be found). */
function at(file: string): string {
  try {
    const pos = goldenKeyPos(readFileSync(file, 'utf8'));
    return pos === null ? file : `${file}:${pos.line}:${pos.col}`;
  } catch {
    return file;
  }
}
