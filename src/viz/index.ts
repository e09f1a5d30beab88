// `--vcd`, `--perfetto`, `--html`: timelines and pictures of a run (issue 9). Not yet built.
import { UsageError } from '../cli/errors.js';
import type { Instrument } from '../run/run-scenario.js';

export interface TimelineOptions {
  vcd?: string;
  perfetto?: string;
  html?: string;
  /** Virtual interval between counter samples, ps. */
  sampleIntervalPs?: number;
}

export function timelineInstruments(o: TimelineOptions): Instrument[] {
  if (o.vcd !== undefined || o.perfetto !== undefined || o.html !== undefined) throw new UsageError('--vcd, --perfetto and --html are not available in this version yet');
  return [];
}
