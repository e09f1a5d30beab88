// sysplex-emu run FILE: run a topology or scenario and print its report.

import type { Report } from '../run/report.js';
import { parse, flag, int, str } from './args.js';
import type { PlanSummary } from '../backplane/run-partitioned.js';
import { formatTime } from '../kernel/time.js';
import { UsageError } from './errors.js';
import { progressLine } from './progress.js';
import { LIVE_OPTIONS, liveRequest, runLiveCli } from './live-options.js';
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
      plan: { type: 'boolean' },
      transport: { type: 'string' },
      ...LIVE_OPTIONS,
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
  if (flag(args, 'plan') && partitions === 1 && inspect === undefined) throw new UsageError('--plan shows the cut of a partitioned run: give --partitions N (N > 1)', 'run');
  const serverKey = str(args, 'curve-server-key');
  const clientKey = str(args, 'curve-client-key');
  if ((serverKey === undefined) !== (clientKey === undefined)) throw new UsageError('--curve-server-key and --curve-client-key go together', 'run');
  const bind = str(args, 'bind');
  const transport = str(args, 'transport');
  if (transport !== undefined && transport !== 'threads' && transport !== 'processes') throw new UsageError(`--transport is threads or processes (got ${transport})`, 'run');
  if (transport !== undefined && partitions === 1 && inspect === undefined) throw new UsageError('--transport says how the partitions of a partitioned run talk: give --partitions N (N > 1)', 'run');
  const live = liveRequest(args, partitions, inspect !== undefined);
  const scenario = loadOrReport(args.positionals[0]!, args, 'run');
  if (scenario === null) return 2;
  if (partitions > 1 || inspect !== undefined) {
    // What a partitioned run cannot do yet, in the flags' words (the library says it in its own).
    if (inspect !== undefined && !scenario.topology.lpars.some((l) => l.name.toUpperCase() === inspect.toUpperCase())) {
      throw new UsageError(`--inspect: no LPAR named ${inspect} (${scenario.topology.lpars.map((l) => l.name).join(', ')})`, 'run');
    }
  }
  const progress = !flag(args, 'quiet') && process.stderr.isTTY ? progressLine() : undefined;
  const options = { seed, untilPs, trace: str(args, 'trace'), progress: progress?.update, instruments: await instrumentsOf(args) };
  let report: Report;
  if (live !== null) {
    const r = await runLiveCli(scenario, live, { ...options, untilGiven: untilPs !== undefined });
    if (typeof r === 'number') return r;
    report = r;
  } else if (partitions > 1 || inspect !== undefined) {
    // Capture points and a replay (a scenario with a capture) ride along in every worker.
    const { runPartitioned } = await import('../backplane/run-partitioned.js');
    report = await runPartitioned(scenario, {
      ...options,
      partitions,
      inspect,
      inspectWait: inspectWait !== undefined,
      ...(bind !== undefined ? { bind } : {}),
      ...(transport !== undefined ? { transport } : {}),
      ...(serverKey !== undefined && clientKey !== undefined ? { curve: { serverKey, clientKey } } : {}),
      ...(flag(args, 'plan') ? { onPlan: (p: PlanSummary) => process.stderr.write(formatPlan(p)) } : {}),
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
  const status = printReport(args, report, scenario.name);
  if (live !== null && !flag(args, 'quiet') && !flag(args, 'json')) {
    const { formatLive } = await import('../live/live-run.js');
    process.stdout.write(`${formatLive(report)}\n`);
  }
  return status;
}

/** `--plan`: the cut of a partitioned run, before it runs. */
function formatPlan(p: PlanSummary): string {
  const time = (ps: number) => (ps === Infinity ? 'none' : formatTime(ps));
  const lines = [`plan: ${p.partitions.length} partitions, placed ${p.strategy === 'latency' ? 'by latency (cut at the longest links)' : 'round robin'}`];
  for (const part of p.partitions) lines.push(`  partition ${part.partition}: ${part.components}`);
  const shown = p.cut.slice(0, 8).map((l) => `${l.name} (${time(l.latencyPs)})`);
  lines.push(`  cut: ${p.cut.length === 0 ? 'no link' : `${shown.join(', ')}${p.cut.length > shown.length ? `, ... (${p.cut.length} links)` : ''}`}`);
  lines.push(`  lookahead ${time(p.lookaheadPs)}: about ${p.eventsPerWindow} events per window of that length (pilot: ${p.pilot.events} events in the first ${time(p.pilot.virtualPs)} in one process)`);
  const busiest = Math.max(...p.shares);
  const ceiling = busiest > 0 ? `: at most ${(1 / busiest).toFixed(2)}x one process's speed` : '';
  lines.push(`  work: ${p.shares.map((x, i) => `partition ${i} ${(100 * x).toFixed(1)} %`).join(', ')} of the pilot's events${ceiling}`);
  return `${lines.join('\n')}\n`;
}
