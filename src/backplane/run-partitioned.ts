// `run --partitions N` and `run --inspect LPAR`: the sysplex split over worker processes (issue 5). Not yet built.
import { UsageError } from '../cli/errors.js';
import type { Report } from '../run/report.js';
import type { RunOptions } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';

export interface PartitionOptions extends RunOptions {
  partitions: number;
  /** Run this LPAR's partition under the Node inspector. */
  inspect?: string;
}

export async function runPartitioned(_scenario: Scenario, _options: PartitionOptions): Promise<Report> {
  throw new UsageError('--partitions and --inspect are not available in this version yet', 'run');
}
