// What `run` and `replay` share: their common options, the end time, loading the file, the instruments the
// options ask for, and printing the report.

import type { ParseArgsConfig } from 'node:util';
import { loadRunFile, parseTime } from '../scenario/index.js';
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

/** The topology or scenario, or null after printing its errors (exit 2). */
export function loadOrReport(file: string): Scenario | null {
  const loaded = loadRunFile(file);
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
    ...captureInstruments(list(args, 'capture')),
    ...timelineInstruments({ vcd: str(args, 'vcd'), perfetto: str(args, 'perfetto'), html: str(args, 'html') }),
  ];
}

/** Prints the report (human or --json, nothing with --quiet) and returns the exit status it means. */
export function printReport(args: Parsed, report: Report, title: string): number {
  if (!flag(args, 'quiet')) process.stdout.write(flag(args, 'json') ? `${JSON.stringify(report)}\n` : `${formatReport(report, title)}\n`);
  return report.expectations?.some((e) => !e.ok) ? 1 : 0;
}
