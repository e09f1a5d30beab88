// sysplex-emu replay TOPOLOGY CAPTURE: replay a pcap/pcapng capture into the emulated sysplex (CONTRACT.md
// "Replay") and print the report. Parsing and printing only; the work is in src/capture/replay.

import { loadRunFile, parseTime } from '../scenario/index.js';
import { MAX_TIME_PS } from '../kernel/time.js';
import { formatReport } from '../run/report.js';
import { parse, flag, int, list, str } from './args.js';
import { UsageError } from './errors.js';
import { progressLine } from './progress.js';

export async function main(argv: string[]): Promise<number> {
  const args = parse(
    'replay',
    argv,
    {
      mode: { type: 'string' },
      pace: { type: 'string' },
      until: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      trace: { type: 'string' },
      quiet: { type: 'boolean' },
      capture: { type: 'string', multiple: true },
      vcd: { type: 'string' },
      perfetto: { type: 'string' },
      html: { type: 'string' },
    },
    { min: 2, max: 2 },
  );
  const mode = str(args, 'mode') ?? 'closed';
  if (mode !== 'closed' && mode !== 'open') throw new UsageError(`--mode must be closed or open, not '${mode}'`, 'replay');
  const pace = str(args, 'pace') ?? 'recorded';
  if (pace !== 'asap' && pace !== 'recorded') throw new UsageError(`--pace must be asap or recorded, not '${pace}'`, 'replay');
  let untilPs: number | undefined;
  const until = str(args, 'until');
  if (until !== undefined) {
    const t = parseTime(until);
    if (!t.ok) throw new UsageError(`--until: ${t.message}`, 'replay');
    if (t.value > MAX_TIME_PS) throw new UsageError('--until is past 2^53 ps (about 2.5 hours)', 'replay');
    untilPs = t.value;
  }
  const seed = int(args, 'seed', 'replay');
  const [topology, capture] = args.positionals as [string, string];
  const loaded = loadRunFile(topology);
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
  const { runReplay } = await import('../capture/replay/index.js');
  const instruments = [
    ...captureInstruments(list(args, 'capture')),
    ...timelineInstruments({ vcd: str(args, 'vcd'), perfetto: str(args, 'perfetto'), html: str(args, 'html') }),
  ];
  const report = await runReplay(scenario, {
    capture,
    mode,
    pace,
    seed,
    untilPs,
    trace: str(args, 'trace'),
    progress: progress?.update,
    instruments,
  });
  progress?.done();
  if (!quiet) process.stdout.write(flag(args, 'json') ? `${JSON.stringify(report)}\n` : `${formatReport(report, `${scenario.name}: replay of ${capture}`)}\n`);
  return report.expectations?.some((e) => !e.ok) ? 1 : 0;
}
