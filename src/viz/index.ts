// `--vcd`, `--perfetto`, `--html`: timelines and pictures of a run (docs/timelines.md). The run pipeline takes
// them as an Instrument; `test --artifacts` makes one per scenario with its own file names.

import { resolve } from 'node:path';
import { RequestError } from '../errors.js';
import { US } from '../kernel/time.js';
import type { Instrument } from '../run/run-scenario.js';
import { TimelineInstrument, type TimelineFiles } from './instrument.js';

export { SAMPLER_NAME, TimelineInstrument, type TimelineFiles, type TimelinesReport } from './instrument.js';

export interface TimelineOptions {
  vcd?: string;
  perfetto?: string;
  html?: string;
  /** Virtual interval between counter samples, ps (default DEFAULT_SAMPLE_INTERVAL_PS). */
  sampleIntervalPs?: number;
}

/** 1 ms: the demo's second of virtual time is 1,000 samples. A multiple of the demo's XCF status interval
 *  (0.5 ms), so that an idle sysplex shows steady counters instead of an alias of its heartbeat. */
export const DEFAULT_SAMPLE_INTERVAL_PS = 1000 * US;

/** The instruments for the timeline files asked for: none (and no cost to the run) when none is. A missing or
 *  repeated file or a bad interval is a RequestError (exit 2). */
export function timelineInstruments(o: TimelineOptions): Instrument[] {
  const named: [string, string | undefined][] = [['the VCD timeline', o.vcd], ['the Perfetto trace', o.perfetto], ['the HTML report', o.html]];
  const seen = new Map<string, string>();
  for (const [what, file] of named) {
    if (file === undefined) continue;
    if (file.trim() === '') throw new RequestError(`${what} needs a file name`);
    const abs = resolve(file);
    const other = seen.get(abs);
    if (other !== undefined) throw new RequestError(`${what} ${file}: ${other} writes the same file`);
    seen.set(abs, what);
  }
  const interval = o.sampleIntervalPs ?? DEFAULT_SAMPLE_INTERVAL_PS;
  if (!Number.isSafeInteger(interval) || interval < 1) {
    throw new RequestError(`the sample interval must be a whole number of picoseconds >= 1, not ${interval}`);
  }
  if (seen.size === 0) return [];
  const files: TimelineFiles = {};
  if (o.vcd !== undefined) files.vcd = o.vcd;
  if (o.perfetto !== undefined) files.perfetto = o.perfetto;
  if (o.html !== undefined) files.html = o.html;
  return [new TimelineInstrument(files, interval)];
}
