// sysplex-emu run FILE: run a topology or scenario and print its report.

import type { Report } from '../run/report.js';
import { parse, flag, int, str } from './args.js';
import { UsageError } from './errors.js';
import { progressLine } from './progress.js';
import { RUN_OUTPUT_OPTIONS, instrumentsOf, loadOrReport, printReport, untilOption } from './run-options.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse(
    'run',
    argv,
    {
      ...RUN_OUTPUT_OPTIONS,
      partitions: { type: 'string' },
      bind: { type: 'string' },
      'curve-server-key': { type: 'string' },
      'curve-client-key': { type: 'string' },
      inspect: { type: 'string' },
      'inspect-wait': { type: 'string' },
    },
    { min: 1, max: 1 },
  );
  const untilPs = untilOption(args, 'run');
  const seed = int(args, 'seed', 'run');
  const partitions = int(args, 'partitions', 'run') ?? 1;
  if (partitions < 1) throw new UsageError('--partitions must be at least 1', 'run');
  const inspectWait = str(args, 'inspect-wait');
  if (inspectWait !== undefined && str(args, 'inspect') !== undefined) throw new UsageError('--inspect and --inspect-wait name one LPAR: give one of them', 'run');
  const inspect = str(args, 'inspect') ?? inspectWait;
  const serverKey = str(args, 'curve-server-key');
  const clientKey = str(args, 'curve-client-key');
  if ((serverKey === undefined) !== (clientKey === undefined)) throw new UsageError('--curve-server-key and --curve-client-key go together', 'run');
  const bind = str(args, 'bind');
  const scenario = loadOrReport(args.positionals[0]!, args, 'run');
  if (scenario === null) return 2;
  const progress = !flag(args, 'quiet') && process.stderr.isTTY ? progressLine() : undefined;
  const options = { seed, untilPs, trace: str(args, 'trace'), progress: progress?.update, instruments: await instrumentsOf(args) };
  let report: Report;
  if (partitions > 1 || inspect !== undefined) {
    const { runPartitioned } = await import('../backplane/run-partitioned.js');
    report = await runPartitioned(scenario, {
      ...options,
      partitions,
      inspect,
      inspectWait: inspectWait !== undefined,
      ...(bind !== undefined ? { bind } : {}),
      ...(serverKey !== undefined && clientKey !== undefined ? { curve: { serverKey, clientKey } } : {}),
    });
  } else if (scenario.capture !== undefined) {
    // A scenario that names a capture replays it (as `sysplex-emu test` does).
    const { runReplay } = await import('../capture/replay/index.js');
    report = await runReplay(scenario, options);
  } else {
    const { runScenario } = await import('../run/run-scenario.js');
    report = await runScenario(scenario, options);
  }
  progress?.done();
  return printReport(args, report, scenario.name);
}
