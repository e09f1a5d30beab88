// `run --realtime / --tap LAN=IFNAME / --max-lag T / --record DIR`: the live-run options, checked before
// anything runs (bad input is exit 2 with one line), and the run itself (src/live).

import { MAX_TIME_PS } from '../kernel/time.js';
import { parseTime } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import type { Report } from '../run/report.js';
import type { RunOptions } from '../run/run-scenario.js';
import { type Parsed, flag, list, str } from './args.js';
import { UsageError } from './errors.js';

export const LIVE_OPTIONS = {
  realtime: { type: 'boolean' },
  tap: { type: 'string', multiple: true },
  'max-lag': { type: 'string' },
  record: { type: 'string' },
} as const;

export interface LiveRequest {
  taps: { lan: string; ifname: string }[];
  maxLagPs?: number;
  record?: string;
}

/** The live options of a `run` command line, or null when it runs in virtual time as usual. */
export function liveRequest(args: Parsed, partitions: number, inspect: boolean): LiveRequest | null {
  const taps = list(args, 'tap').map((spec) => {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(spec);
    if (m === null) throw new UsageError(`--tap takes LAN=IFNAME (LAN1=tap0), not '${spec}'`, 'run');
    return { lan: m[1]!, ifname: m[2]! };
  });
  const maxLag = str(args, 'max-lag');
  const record = str(args, 'record');
  const live = flag(args, 'realtime') || taps.length > 0;
  if (!live) {
    if (maxLag !== undefined) throw new UsageError('--max-lag applies to live runs: add --realtime or --tap', 'run');
    if (record !== undefined) throw new UsageError('--record records a live run: add --tap LAN=IFNAME (or --realtime)', 'run');
    return null;
  }
  if (partitions > 1) throw new UsageError('--tap and --realtime run in one process: drop --partitions', 'run');
  if (inspect) throw new UsageError('--tap and --realtime cannot be combined with --inspect', 'run');
  const names = new Set<string>();
  for (const t of taps) {
    if (names.has(t.ifname)) throw new UsageError(`--tap: ${t.ifname} is named twice`, 'run');
    names.add(t.ifname);
  }
  const req: LiveRequest = { taps };
  if (maxLag !== undefined) {
    const t = parseTime(maxLag);
    if (!t.ok) throw new UsageError(`--max-lag: ${t.message}`, 'run');
    req.maxLagPs = t.value;
  }
  if (record !== undefined) req.record = record;
  return req;
}

/** Checks the request against the scenario (LAN names, a replay) and runs it live. */
export async function runLiveCli(scenario: Scenario, req: LiveRequest, options: RunOptions & { untilGiven: boolean }): Promise<Report | number> {
  const lans = scenario.topology.lans.map((l) => l.name);
  const seen = new Set<string>();
  for (const t of req.taps) {
    if (!lans.includes(t.lan)) throw new UsageError(`--tap: no LAN named ${t.lan} (LANs: ${lans.join(', ')})`, 'run');
    if (seen.has(t.lan)) throw new UsageError(`--tap: LAN ${t.lan} is named twice`, 'run');
    seen.add(t.lan);
  }
  if (scenario.capture !== undefined) throw new UsageError('a scenario that replays a capture does not run live: drop --realtime and --tap', 'run');
  // With a TAP the run goes on until Ctrl-C (or --until); real time alone keeps the scenario's end time.
  const untilPs = options.untilGiven ? options.untilPs! : req.taps.length > 0 ? MAX_TIME_PS : scenario.untilPs;
  const { runLive } = await import('../live/live-run.js');
  const { TapSetupError } = await import('../live/tap-device.js');
  try {
    return await runLive(scenario, {
      ...options,
      untilPs,
      taps: req.taps,
      ...(req.maxLagPs !== undefined ? { maxLagPs: req.maxLagPs } : {}),
      ...(req.record !== undefined ? { record: req.record } : {}),
      console: { input: process.stdin, output: process.stderr },
    });
  } catch (e) {
    if (!(e instanceof TapSetupError)) throw e;
    process.stderr.write(`sysplex-emu: ${e.message}\n`);
    return 2;
  }
}
