// sysplex-emu run FILE: run a topology or scenario and print its report.

import { loadRunFile, parseTime } from '../scenario/index.js';
import { MAX_TIME_PS } from '../kernel/time.js';
import { formatReport, type Report } from '../run/report.js';
import { parse, flag, int, list, str } from './args.js';
import { UsageError } from './errors.js';
import { progressLine } from './progress.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse(
    'run',
    argv,
    {
      until: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      trace: { type: 'string' },
      quiet: { type: 'boolean' },
      capture: { type: 'string', multiple: true },
      partitions: { type: 'string' },
      bind: { type: 'string' },
      'curve-server-key': { type: 'string' },
      'curve-client-key': { type: 'string' },
      inspect: { type: 'string' },
      vcd: { type: 'string' },
      perfetto: { type: 'string' },
      html: { type: 'string' },
    },
    { min: 1, max: 1 },
  );
  let untilPs: number | undefined;
  const until = str(args, 'until');
  if (until !== undefined) {
    const t = parseTime(until);
    if (!t.ok) throw new UsageError(`--until: ${t.message}`, 'run');
    if (t.value > MAX_TIME_PS) throw new UsageError('--until is past 2^53 ps (about 2.5 hours)', 'run');
    untilPs = t.value;
  }
  const seed = int(args, 'seed', 'run');
  const partitions = int(args, 'partitions', 'run') ?? 1;
  if (partitions < 1) throw new UsageError('--partitions must be at least 1', 'run');
  const inspect = str(args, 'inspect');
  const loaded = loadRunFile(args.positionals[0]!);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${e.toString()}\n`);
    return 2;
  }
  const scenario = loaded.value;
  const quiet = flag(args, 'quiet');
  const progress = !quiet && process.stderr.isTTY ? progressLine() : undefined;
  // Loaded only now, so that bad input is reported (exit 2) even when a model fails to load.
  const { captureInstruments } = await import('../capture/capture-points.js');
  const { timelineInstruments } = await import('../viz/index.js');
  const instruments = [
    ...captureInstruments(list(args, 'capture')),
    ...timelineInstruments({ vcd: str(args, 'vcd'), perfetto: str(args, 'perfetto'), html: str(args, 'html') }),
  ];
  const options = { seed, untilPs, trace: str(args, 'trace'), progress: progress?.update, instruments };
  let report: Report;
  if (partitions > 1 || inspect !== undefined) {
    const { runPartitioned } = await import('../backplane/run-partitioned.js');
    const serverKey = str(args, 'curve-server-key');
    const clientKey = str(args, 'curve-client-key');
    if ((serverKey === undefined) !== (clientKey === undefined)) throw new UsageError('--curve-server-key and --curve-client-key go together', 'run');
    const bind = str(args, 'bind');
    report = await runPartitioned(scenario, {
      ...options,
      partitions,
      inspect,
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
  if (!quiet) process.stdout.write(flag(args, 'json') ? `${JSON.stringify(report)}\n` : `${formatReport(report, scenario.name)}\n`);
  return report.expectations?.some((e) => !e.ok) ? 1 : 0;
}
