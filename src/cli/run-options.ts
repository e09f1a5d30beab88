// What `run` and `replay` share: their common options, the end time, loading the file, the instruments the
// options ask for, and printing the report.

import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { CaptureSpec } from '../capture/capture-points.js';
import { type Override, loadRunFile, parseOverride, parseTime } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { MAX_TIME_PS } from '../kernel/time.js';
import { formatReport, type Report } from '../run/report.js';
import type { Instrument } from '../run/run-scenario.js';
import { type Parsed, flag, list, str } from './args.js';
import { UsageError } from './errors.js';

export const RUN_OUTPUT_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  until: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'string' },
  quiet: { type: 'boolean' },
  capture: { type: 'string', multiple: true },
  vcd: { type: 'string' },
  perfetto: { type: 'string' },
  html: { type: 'string' },
  set: { type: 'string', multiple: true },
};

/** --until as picoseconds, or undefined when not given. */
export function untilOption(args: Parsed, command: string): number | undefined {
  const until = str(args, 'until');
  if (until === undefined) return undefined;
  const t = parseTime(until);
  if (!t.ok) throw new UsageError(`--until: ${t.message}`, command);
  if (t.value > MAX_TIME_PS) throw new UsageError('--until is past 2^53 ps (about 2.5 hours)', command);
  return t.value;
}

/** The topology or scenario with the `--set PATH=VALUE` overrides, or null after printing its errors (exit 2). */
export function loadOrReport(file: string, args: Parsed, command: string): Scenario | null {
  const overrides: Override[] = [];
  for (const text of list(args, 'set')) {
    const o = parseOverride(text);
    if (typeof o === 'string') throw new UsageError(`--set ${o}`, command);
    overrides.push(o);
  }
  const loaded = loadRunFile(file, overrides);
  if (loaded.ok) return loaded.value;
  for (const e of loaded.errors) process.stderr.write(`${e.toString()}\n`);
  return null;
}

/** Capture points and timelines the options ask for. Loaded only after the input was checked, so that bad
 *  input is exit 2 even when a model fails to load. */
export async function instrumentsOf(args: Parsed): Promise<Instrument[]> {
  const { captureInstruments } = await import('../capture/capture-points.js');
  const { timelineInstruments } = await import('../viz/index.js');
  return [
    ...captureInstruments(captureSpecs(list(args, 'capture'))),
    ...timelineInstruments({ vcd: str(args, 'vcd'), perfetto: str(args, 'perfetto'), html: str(args, 'html') }),
  ];
}

/** Parses `--capture POINT=FILE` options; a malformed one or a file named twice is a UsageError (exit 2). */
export function captureSpecs(specs: readonly string[]): CaptureSpec[] {
  const out: CaptureSpec[] = [];
  const files = new Set<string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const point = eq < 0 ? '' : spec.slice(0, eq).trim();
    const file = eq < 0 ? '' : spec.slice(eq + 1).trim();
    if (eq < 0 || point === '' || file === '') {
      throw new UsageError(`--capture '${spec}': expected POINT=FILE.pcapng (POINT an OSA, a LAN or an XCF link like SYS1-SYS2)`);
    }
    if (!/^[A-Za-z0-9_.$#@-]+$/.test(point)) throw new UsageError(`--capture '${spec}': '${point}' is not a capture point name`);
    const abs = resolve(file);
    if (files.has(abs)) throw new UsageError(`--capture '${spec}': ${file} is already the file of another capture point`);
    files.add(abs);
    out.push({ point, file });
  }
  return out;
}

/** Prints the report (human or --json, nothing with --quiet) and returns the exit status it means. */
export function printReport(args: Parsed, report: Report, title: string): number {
  if (!flag(args, 'quiet')) process.stdout.write(flag(args, 'json') ? `${JSON.stringify(report)}\n` : `${formatReport(report, title)}\n`);
  return report.expectations?.some((e) => !e.ok) ? 1 : 0;
}
