// sysplex-emu replay TOPOLOGY CAPTURE: replay a pcap/pcapng capture into the emulated sysplex (CONTRACT.md
// "Replay") and print the report. Parsing and printing only; the work is in src/capture/replay.

import { parse, flag, int, str } from './args.js';
import { UsageError } from './errors.js';
import { progressLine } from './progress.js';
import { RUN_OUTPUT_OPTIONS, instrumentsOf, loadOrReport, printReport, untilOption } from './run-options.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse('replay', argv, { ...RUN_OUTPUT_OPTIONS, mode: { type: 'string' }, pace: { type: 'string' }, partitions: { type: 'string' } }, { min: 2, max: 2 });
  const mode = str(args, 'mode') ?? 'closed';
  if (mode !== 'closed' && mode !== 'open') throw new UsageError(`--mode must be closed or open, not '${mode}'`, 'replay');
  const pace = str(args, 'pace') ?? 'recorded';
  if (pace !== 'asap' && pace !== 'recorded') throw new UsageError(`--pace must be asap or recorded, not '${pace}'`, 'replay');
  const untilPs = untilOption(args, 'replay');
  const seed = int(args, 'seed', 'replay');
  const partitions = int(args, 'partitions', 'replay') ?? 1;
  if (partitions < 1) throw new UsageError('--partitions must be at least 1', 'replay');
  const [topology, capture] = args.positionals as [string, string];
  const scenario = loadOrReport(topology, args, 'replay');
  if (scenario === null) return 2;
  const progress = !flag(args, 'quiet') && process.stderr.isTTY ? progressLine() : undefined;
  const instruments = await instrumentsOf(args);
  const common = { seed, untilPs, trace: str(args, 'trace'), progress: progress?.update, instruments };
  let report;
  if (partitions > 1) {
    // The injector runs in the partition of the LAN router's far end; the report is one process's.
    const { runPartitioned } = await import('../backplane/run-partitioned.js');
    report = await runPartitioned(scenario, { ...common, partitions, replay: { capture, mode, pace } });
  } else {
    const { runReplay } = await import('../capture/replay/index.js');
    report = await runReplay(scenario, { ...common, capture, mode, pace });
  }
  progress?.done();
  return printReport(args, report, `${scenario.name}: replay of ${capture}`);
}
