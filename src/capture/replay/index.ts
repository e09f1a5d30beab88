// Replay of a pcap/pcapng capture into the emulated sysplex (CONTRACT.md "Replay"): `sysplex-emu replay` and
// the `test` command's scenarios that name a `capture:` both come through runReplay().
//
//   const report = await runReplay(scenario, { capture: 'x.pcapng', mode: 'closed', pace: 'recorded' });
//
// The capture is checked from end to end before the run (a streaming pass: a damaged file is exit 2 with
// its byte offset and nothing runs); then a ReplayInjector takes the place of the client hosts behind the
// edge router of the LAN that holds the DVIPAs, and report.replay tells what happened.

import { parseProfile } from '../../firmware/profile/index.js';
import { MAX_TIME_PS } from '../../kernel/time.js';
import { ipOf } from '../../net/ipv4.js';
import { InputError } from '../../errors.js';
import { DEFAULTS } from '../../scenario/defaults.js';
import { profileSourceOf } from '../../scenario/datasets.js';
import type { Scenario } from '../../scenario/types.js';
import type { Report } from '../../run/report.js';
import { checkProfiles, lanOf, prepare, runPrepared, type Instrument, type Prepared, type RunOptions } from '../../run/run-scenario.js';
import { CaptureFormatError, CaptureIoError } from '../errors.js';
import { surveyCapture } from './capture-feed.js';
import { ReplayInjector, type ReplayCounters, type ReplayMode, type ReplayPace } from './injector.js';

export { ClosedFlow, IDLE_TURN_PS, type FlowHost, type FlowOutcome } from './closed-flow.js';
export { ClassifiedFrame, classifyFrame, FrameKind } from './classify.js';
export { CaptureFeed, surveyCapture } from './capture-feed.js';
export { ReplayInjector, type ReplayCounters, type ReplayMode, type ReplayPace } from './injector.js';

export interface ReplayOptions extends RunOptions {
  /** The capture; default the scenario's `capture:`. */
  capture?: string;
  /** Default the scenario's captureMode, else closed. */
  mode?: ReplayMode;
  /** Default recorded. */
  pace?: ReplayPace;
}

/** Virtual time left after the replay is over for the last segments to land before the run stops. */
const GRACE_PS = 10_000_000_000;
/** Room past the recorded span for retransmissions and slow answers when no end time is given. */
const SLACK_PS = 600_000_000_000_000;

/**
 * Replays a capture into the scenario's sysplex and returns the report with its `replay` section.
 * Without `untilPs` the run ends shortly after the replay is over (every flow decided, or nothing moving
 * after the capture ended); with it, the run goes to that time. Bad input (no capture, a damaged one, no
 * DVIPA in the profiles) throws InputError before anything runs.
 */
export async function runReplay(scenario: Scenario, options: ReplayOptions = {}): Promise<Report> {
  const capture = options.capture ?? scenario.capture;
  if (capture === undefined) throw new InputError(scenario.file, 'there is no capture to replay (add capture: FILE.pcapng)');
  if (options.mode === undefined && scenario.captureMode === 'tap') {
    // A recorded live run: its frames go in exactly as recorded (tap-frames.ts).
    const { runTapReplay } = await import('./tap-frames.js');
    return runTapReplay(scenario, capture, options);
  }
  const plan = planReplay(scenario, options);
  let prepared: Prepared | null = null;
  const injector = replayInjector(plan, (endPs) => {
    // The replay is over: the run ends at that time (every event of that instant included).
    if (prepared !== null) prepared.untilPs = Math.min(prepared.untilPs, endPs);
  });
  const instruments = [replayInstrument(injector, plan.dvipas), ...(options.instruments ?? [])];
  const runOptions: RunOptions = {
    ...options,
    untilPs: plan.untilPs,
    instruments,
    clientsFor: (l) => (l.name === plan.lan ? injector : (options.clientsFor?.(l) ?? null)),
  };
  prepared = await prepare(scenario, runOptions);
  return runPrepared(prepared, runOptions);
}

/** A replay as plain data, checked: what every process of a partitioned run needs to build the same injector
 *  (src/backplane sends it to the workers). */
export interface ReplayPlan {
  capture: string;
  mode: ReplayMode;
  pace: ReplayPace;
  startPs: number;
  /** -1: run on to the end time (one was given). */
  graceEndPs: number;
  /** The LAN whose client hosts the injector replaces, and the DVIPAs it replays to. */
  lan: string;
  dvipas: number[];
  untilPs: number;
}

/** Checks the capture and the profiles (bad input throws InputError before anything runs) and plans the
 *  replay: which LAN, which DVIPAs, the end time. Not for `captureMode: tap` (tap-frames.ts). */
export function planReplay(scenario: Scenario, options: ReplayOptions = {}): ReplayPlan {
  const capture = options.capture ?? scenario.capture;
  if (capture === undefined) throw new InputError(scenario.file, 'there is no capture to replay (add capture: FILE.pcapng)');
  const mode = options.mode ?? (scenario.captureMode === 'open' ? 'open' : 'closed');
  const pace = options.pace ?? 'recorded';
  const survey = checkCapture(capture);
  checkProfiles(scenario); // a broken profile is named at its position, not as "no DVIPA to replay to"
  const dvipas = dvipasOf(scenario);
  if (dvipas.size === 0) throw new InputError(scenario.topology.file, 'no LPAR profile defines a DVIPA (VIPADEFINE, VIPABACKUP or VIPADISTRIBUTE) to replay to');
  const lan = lanOf(scenario, Math.min(...dvipas)); // the LAN of the (lowest) DVIPA
  const startPs = DEFAULTS.workload.startPs;
  // Virtual time ends at 2^53 ps (about 2.5 h): a longer capture at its recorded pace is cut there.
  const untilPs = options.untilPs ?? Math.min(MAX_TIME_PS, startPs + (pace === 'recorded' ? survey.spanPs : 0) + SLACK_PS);
  return { capture, mode, pace, startPs, graceEndPs: options.untilPs === undefined ? GRACE_PS : -1, lan, dvipas: [...dvipas].sort((a, b) => a - b), untilPs };
}

/** The injector of a planned replay (`LAN1.replay`); `endRun` is told when the replay is over and the run
 *  should end (at that virtual time). */
export function replayInjector(plan: ReplayPlan, endRun: (endPs: number) => void): ReplayInjector {
  const dvipas = new Set(plan.dvipas);
  return new ReplayInjector(`${plan.lan}.replay`, {
    capture: plan.capture,
    mode: plan.mode,
    pace: plan.pace,
    startPs: plan.startPs,
    isDvipa: (ip) => dvipas.has(ip),
    graceEndPs: plan.graceEndPs,
    endRun,
  });
}

/** The whole capture read once, streaming: a damaged file is bad input with its byte offset. */
function checkCapture(path: string): { frames: number; spanPs: number } {
  try {
    return surveyCapture(path);
  } catch (e) {
    throw toInputError(e);
  }
}

export function toInputError(e: unknown): unknown {
  if (e instanceof CaptureFormatError) return new InputError(e.file, e.message, { offset: e.offset });
  if (e instanceof CaptureIoError) return new InputError(e.file, e.message);
  return e;
}

/** Every address a profile defines, backs up or distributes as a DVIPA. */
export function dvipasOf(s: Scenario): Set<number> {
  const out = new Set<number>();
  for (const l of s.topology.lpars) {
    const r = parseProfile(l.profile, l.profileFile, profileSourceOf(l, s.topology));
    if (!r.ok) continue;
    for (const d of r.profile.vipaDefines) out.add(d.ip >>> 0);
    for (const d of r.profile.vipaBackups) out.add(d.ip >>> 0);
    for (const d of r.profile.vipaDistributes) out.add(d.ip >>> 0);
  }
  return out;
}

/** Adds report.replay, and counts the replayed flows that did not complete in their target's `lost`. */
function replayInstrument(injector: ReplayInjector, dvipaList: readonly number[]): Instrument {
  const dvipas = new Set(dvipaList);
  return {
    finish(p: Prepared, report: Report): void {
      const failure = injector.failure;
      if (failure !== null) {
        for (const i of p.instruments) if (i !== this) i.abandon?.();
        throw toInputError(failure);
      }
      const c = injector.finalCounters();
      report.replay = c;
      addLost(report, injector.notCompletedFlows(), dvipas, (stack, dip, port) => replayLostAt(p, stack, dip, port, injector.notCompletedFlows()));
    },
  };
}

/** Raises each target's `lost` to the replayed flows assigned there that did not complete; `lostAt` counts
 *  them for one target (here from the LPAR's ledger; in a partitioned run, from the LPAR's partition). */
export function addLost(report: Report, flows: readonly (readonly [number, number, number])[], dvipas: ReadonlySet<number>, lostAt: (stack: string, dip: number, port: number) => number | undefined): void {
  if (flows.length === 0) return;
  const services = new Set(flows.map(([, ip, port]) => `${ip}:${port}`));
  for (const d of report.distribution) {
    const dip = ipOf(d.dvipa);
    if (!dvipas.has(dip) || !services.has(`${dip}:${d.port}`)) continue;
    for (const t of d.targets) {
      const lost = lostAt(t.stack, dip, d.port);
      if (lost !== undefined) t.lost = Math.max(t.lost, lost);
    }
  }
}

/** The replayed flows to dip:port that did not complete and were last assigned to LPAR `stack` (undefined when
 *  the LPAR is not in this process's graph). */
export function replayLostAt(p: Prepared, stack: string, dip: number, port: number, flows: readonly (readonly [number, number, number])[]): number | undefined {
  const lpar = p.sysplex.lpar(stack);
  if (lpar === undefined) return undefined;
  const keys = new Set<number>();
  for (const [client, ip, pt] of flows) if (ip === dip && pt === port) keys.add(client);
  let lost = 0;
  for (const k of lpar.ledger(dip, port).lastAssigned) if (keys.has(k)) lost++;
  return lost;
}

export type { ReplayCounters as ReplayReportFields };
