// Golden traces: a scenario's `golden: FILE` must equal the run's trace byte for byte. On a mismatch the
// first differing line is named by its event (virtual time, component, kind), the way a user would look for
// it with the debugger's breakpoints; `--update-golden` rewrites the file deliberately.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatTime } from '../kernel/time.js';

/** Where two traces part: the 1-based line, and that line in each (null past a trace's end). */
export interface Divergence {
  readonly line: number;
  readonly expected: string | null;
  readonly actual: string | null;
}

const CHUNK = 1 << 16;

/** The first line where `actual` and `expected` differ, or null when they are byte-identical. */
export function firstDivergence(actual: Uint8Array, expected: Uint8Array): Divergence | null {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return null;
  const n = Math.min(a.length, e.length);
  let at = 0;
  while (at + CHUNK <= n && a.subarray(at, at + CHUNK).equals(e.subarray(at, at + CHUNK))) at += CHUNK;
  while (at < n && a[at] === e[at]) at++;
  // Back to the start of the line both share up to `at`.
  const start = at === 0 ? 0 : a.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = a.indexOf(0x0a); i !== -1 && i < start; i = a.indexOf(0x0a, i + 1)) line++;
  return { line, expected: lineAt(e, start), actual: lineAt(a, start) };
}

function lineAt(b: Buffer, start: number): string | null {
  if (start >= b.length) return null;
  const end = b.indexOf(0x0a, start);
  return b.toString('utf8', start, end === -1 ? b.length : end);
}

/** A trace line as `1.5 ms (1500000000 ps) SYS1 osa.rx`, or the raw text (shortened) if it is no event. */
export function describeEvent(line: string): string {
  try {
    const ev = JSON.parse(line) as { t?: unknown; c?: unknown; k?: unknown };
    if (typeof ev.t === 'number' && typeof ev.c === 'string' && typeof ev.k === 'string') {
      return `${formatTime(ev.t)} (${ev.t} ps) ${ev.c} ${ev.k}`;
    }
  } catch {
    // not JSON: fall through
  }
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 117)}...` : line);
}

/** One line for the console and JUnit: which event differs first. */
export function divergenceMessage(d: Divergence, goldenDisplay: string): string {
  const where = `golden trace ${goldenDisplay} differs at line ${d.line}`;
  if (d.actual === null) return `${where}: the run's trace ends there; the golden goes on with ${describeEvent(d.expected!)}`;
  if (d.expected === null) return `${where}: the golden ends there; the run goes on with ${describeEvent(d.actual)}`;
  return `${where}: expected ${describeEvent(d.expected)}, got ${describeEvent(d.actual)}`;
}

/** Both lines in full, for the failure's body. */
export function divergenceDetail(d: Divergence): string {
  return [`golden: ${d.expected ?? '(end of trace)'}`, `run:    ${d.actual ?? '(end of trace)'}`].join('\n');
}

export type GoldenCheck =
  | { readonly kind: 'match' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'differs'; readonly divergence: Divergence }
  | { readonly kind: 'updated' };

/** Compares a run's trace with its golden file, or rewrites the golden (only when it differs or is missing). */
export function checkGolden(tracePath: string, goldenPath: string, update: boolean): GoldenCheck {
  const trace = readFileSync(tracePath);
  let golden: Buffer | null;
  try {
    golden = readFileSync(goldenPath);
  } catch {
    golden = null;
  }
  const d = golden === null ? null : firstDivergence(trace, golden);
  if (golden !== null && d === null) return { kind: 'match' };
  if (update) {
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, trace);
    return { kind: 'updated' };
  }
  return golden === null ? { kind: 'missing' } : { kind: 'differs', divergence: d! };
}

/** LINE:COL of a scenario's top-level `golden:` key, for a `FILE:LINE:COL` message. */
export function goldenKeyPos(scenarioText: string): { line: number; col: number } | null {
  const m = /^golden[ \t]*:[ \t]*/m.exec(scenarioText);
  if (m === null) return null;
  const before = scenarioText.slice(0, m.index);
  const line = before.split('\n').length;
  return { line, col: m[0].length + 1 };
}
