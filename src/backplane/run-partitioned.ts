// `run --partitions N` and `run --inspect LPAR`: the sysplex split over worker threads that synchronise through
// shared memory, or worker processes that exchange timestamped, msgpack-encoded messages over ZeroMQ
// (docs/backplane.md). The report and the trace are the same as a single-process run's; only `partitions`,
// `wallMs` and `backplane` differ (and `external` when an external component joins).

import { RequestError } from '../errors.js';
import type { BackplaneReport, Report } from '../run/report.js';
import { evaluateScenarioExpectations, mergeReport, prepare, type RunOptions } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import type { Worker } from 'node:worker_threads';
import { Coordinator, type CoordinatorOptions, type CoordinatorResult } from './coordinator.js';
import { type CurveFiles, readCurveFiles } from './curve.js';
import { DEFAULT_BIND, endpointProblem, isLoopback } from './endpoint.js';
import { type ExternalSpec, spliceInstrument } from './external.js';
import { describeMembers, mostPartitions, type Plan, planPartitions, type PlanStrategy } from './plan.js';
import { partitionProgress } from './progress.js';
import { runThreads, setUpThreads } from './threads.js';
import { startThreads } from './thread-start.js';
import { CapturePoints } from '../capture/capture-points.js';
import { planReplay, type ReplayMode, type ReplayPace } from '../capture/replay/index.js';
import { hasInstruments, type InstrumentSpecs, MergedInstruments, WorkerInstruments } from './instrument-parts.js';
import { samplerPlaceholder } from './timeline-worker.js';
import { TimelineInstrument } from '../viz/instrument.js';

export type { ExternalSpec } from './external.js';

export interface PartitionOptions extends RunOptions {
  /** Worker processes (>= 1). */
  partitions: number;
  /** Run this LPAR's partition under the Node inspector; the other partitions wait while it is stopped. */
  inspect?: string;
  /** The inspected partition waits for a debugger to attach before it runs any code (so breakpoints in the
   *  IPL are hit); the run waits for it without a join deadline. */
  inspectWait?: boolean;
  /** Node flags of the inspected partition (default: the inspector on 127.0.0.1, any port, and source maps). */
  inspectFlags?: string[];
  /** Node flags of every spawned worker (`--enable-source-maps`, `--max-old-space-size=...`). */
  workerNodeFlags?: string[];
  /** The endpoint the coordinator binds (default: the topology's backplane.bind, else tcp://127.0.0.1:0). */
  bind?: string;
  /** CURVE key files (default: the topology's backplane.curveServerKey and curveClientKey). */
  curve?: CurveFiles;
  /** How many workers this process starts (partitions 0..k-1; default all, or SYSPLEX_EMU_LOCAL_WORKERS). The
   *  others are started on other machines with `sysplex-emu worker --connect ENDPOINT` and join by themselves. */
  localWorkers?: number;
  /** Components pinned to partitions, over the topology's backplane.pin; may also name the client hosts behind a
   *  LAN's router (`LAN1.clients`) to cut the router's 20 us client link instead of a LAN segment. */
  pin?: Record<string, number>;
  /** How units are placed (default `auto`: the plan with the larger lookahead, round robin or by latency). */
  planStrategy?: PlanStrategy;
  /** Told the plan before the run starts: the cut, its lookahead, and the events a window of that length holds
   *  (from a short one-process pilot of the same scenario). */
  onPlan?: (plan: PlanSummary) => void;
  /** External components (another program, another language) spliced into links of the graph. */
  external?: ExternalSpec[];
  /** Told the endpoint once it is bound (for workers and external components started by hand). */
  onListening?: (endpoint: string) => void;
  /** Told the inspector's address of the inspected partition. */
  onInspector?: (info: { partition: number; lpar: string; url: string }) => void;
  /** Where backplane and worker log lines go (default stderr). */
  log?: (line: string) => void;
  /** Replay a capture (default: the scenario's `capture`, if any): the replay's mode and pace as `replay` takes them. */
  replay?: { capture?: string; mode?: ReplayMode; pace?: ReplayPace };
  /** How the partitions run (default `threads` when they all run on this host, no external component joins and
   *  none is inspected; else `processes`): worker threads that synchronise through shared memory, or worker
   *  processes over the ZeroMQ backplane. SYSPLEX_EMU_TRANSPORT sets the default. */
  transport?: Transport;
  /** Told how the run went on the backplane (benchmarks, diagnostics). */
  onStats?: (stats: BackplaneStats) => void;
}

export interface BackplaneStats {
  /** Windows granted (one message round trip each). */
  windows: number;
  lookaheadPs: number;
  /** Messages dropped as garbage. */
  dropped: number;
  /** Wall time each participant waited for its grants, ms. */
  waitMs: number[];
  /** Participant of each component, by name. */
  assignment: Record<string, number>;
}

export type Transport = 'threads' | 'processes';

export async function runPartitioned(scenario: Scenario, options: PartitionOptions): Promise<Report> {
  const n = options.partitions;
  if (!Number.isSafeInteger(n) || n < 1) throw new RequestError(`a partitioned run needs at least 1 partition (got ${n})`);
  if (options.clientsFor !== undefined) throw new RequestError('clientsFor does not work in a partitioned run: give a replay (the scenario\'s capture or the replay option)');
  const most = mostPartitions(scenario.topology);
  if (n > most) throw new RequestError(`${n} partitions: this topology's units (LPARs, OSAs pinned apart, LANs, the client hosts behind their routers) fill at most ${most}`);
  const specs = instrumentSpecs(scenario, options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const topology = scenario.topology;

  const bind = options.bind ?? topology.backplane?.bind ?? DEFAULT_BIND;
  const problem = endpointProblem(bind);
  if (problem !== null) throw new RequestError(`backplane endpoint: ${problem}`);
  const tb = topology.backplane;
  const curveFiles = options.curve ?? (tb?.curveServerKey !== undefined && tb.curveClientKey !== undefined ? { serverKey: tb.curveServerKey, clientKey: tb.curveClientKey } : undefined);
  if (!isLoopback(bind) && curveFiles === undefined) {
    throw new RequestError(`backplane endpoint ${bind} is not a loopback address: it needs CURVE keys (backplane.curveServerKey and curveClientKey)`);
  }
  const curve = curveFiles === undefined ? undefined : { files: curveFiles, keys: readCurveFiles(curveFiles, 'coordinator') };
  const externals = options.external ?? [];
  const fromEnv = process.env.SYSPLEX_EMU_LOCAL_WORKERS;
  const local = options.localWorkers ?? (fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : n);
  if (!Number.isSafeInteger(local) || local < 0 || local > n) throw new RequestError(`the number of local workers (SYSPLEX_EMU_LOCAL_WORKERS) must be 0-${n}`);

  const fromEnvTransport = process.env.SYSPLEX_EMU_TRANSPORT;
  if (fromEnvTransport !== undefined && fromEnvTransport !== '' && fromEnvTransport !== 'threads' && fromEnvTransport !== 'processes') {
    throw new RequestError(`SYSPLEX_EMU_TRANSPORT must be threads or processes (got ${fromEnvTransport})`);
  }
  // Remote workers, external components and the inspector need processes; an endpoint or CURVE keys ask for them.
  const sameHost = local === n && externals.length === 0 && options.inspect === undefined;
  const socketsAsked = options.bind !== undefined || tb?.bind !== undefined || curveFiles !== undefined;
  const transport = options.transport ?? (fromEnvTransport === 'processes' || socketsAsked || !sameHost ? 'processes' : 'threads');
  if (transport === 'threads' && !sameHost) {
    throw new RequestError('the threads transport runs every partition in this process: it takes no remote workers, external components or --inspect (use the processes transport)');
  }

  // Threads load their code while this thread builds the graph and plans.
  const threads = transport === 'threads' ? startThreads(n) : [];
  try {
    return await runWith(scenario, options, { n, log, topology, bind, curve, externals, local, transport, threads, specs });
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

async function runWith(
  scenario: Scenario,
  options: PartitionOptions,
  c: { n: number; log: (line: string) => void; topology: Scenario['topology']; bind: string; curve: CoordinatorOptions['curve']; externals: ExternalSpec[]; local: number; transport: Transport; threads: Worker[]; specs: InstrumentSpecs },
): Promise<Report> {
  const { n, log, topology, bind, curve, externals, local, transport, specs } = c;
  const seed = options.seed ?? scenario.seed;
  const untilPs = specs.replay?.untilPs ?? options.untilPs ?? scenario.untilPs;
  // Threads build their graphs while this one builds its own and plans.
  if (transport === 'threads') {
    // The timelines read the merged trace (a sink of it).
    const trace = options.trace !== undefined || (options.sinks ?? []).length > 0 || specs.timelines !== undefined;
    setUpThreads(c.threads, { scenario, seed, untilPs, trace, ...(hasInstruments(specs) ? { instruments: specs } : {}) });
  }
  // The coordinator builds the same graph as every worker (runs none of it) to place components and route.
  const graph = hasInstruments(specs) ? new WorkerInstruments(specs, scenario) : null;
  const prepared = await prepare(scenario, {
    seed,
    untilPs,
    isLocal: () => false,
    instruments: [spliceInstrument(externals), ...(specs.timelines !== undefined ? [samplerPlaceholder()] : [])],
    ...(graph !== null ? { clientsFor: graph.clientsFor } : {}),
  });
  const timelineFiles = (options.instruments ?? []).find((i): i is TimelineInstrument => i instanceof TimelineInstrument)?.files;
  const instruments = graph !== null ? new MergedInstruments(specs, prepared, graph.tapFramesRead, timelineFiles, n) : undefined;
  const plan = planPartitions(prepared, n, externals, options.pin, options.planStrategy);
  if (options.onPlan !== undefined) options.onPlan(await summarizePlan(scenario, plan, seed, untilPs));

  let inspected: { partition: number; lpar: string } | undefined;
  if (options.inspect !== undefined) {
    const lpar = topology.lpars.find((l) => l.name.toUpperCase() === options.inspect!.toUpperCase());
    if (lpar === undefined) throw new RequestError(`no LPAR named ${options.inspect} to inspect (${topology.lpars.map((l) => l.name).join(', ')})`);
    inspected = { partition: plan.assignment[lpar.name]!, lpar: lpar.name };
  }
  const inspectFlags = options.inspectFlags ?? [options.inspectWait === true ? '--inspect-wait=127.0.0.1:0' : '--inspect=127.0.0.1:0', '--enable-source-maps'];
  const displays = [...new Set(scenario.expect.flatMap((e) => (e.expr.subject.kind === 'display' ? [e.expr.subject.command] : [])))];
  const progress = options.progress !== undefined ? partitionProgress(untilPs) : undefined;

  instruments?.open(); // a bad capture point or file is exit 2 before any worker starts
  const wall0 = performance.now();
  if (transport === 'threads') {
    let result;
    try {
      result = await runThreads({
        threads: c.threads,
        plan,
        untilPs,
        ...(options.trace !== undefined ? { trace: options.trace } : {}),
        sinks: [...(options.sinks ?? []), ...(instruments?.traceSinks() ?? [])],
        ...(instruments !== undefined ? { instruments } : {}),
        displays,
        ...(progress !== undefined ? { onProgress: progress.update } : {}),
      });
    } catch (err) {
      instruments?.abandon();
      throw err;
    } finally {
      progress?.done();
    }
    return finishReport(scenario, options, result, plan, displays, { seed, n, wall0, log, ...(instruments !== undefined ? { instruments } : {}) });
  }
  const coordinator = new Coordinator({
    scenario,
    prepared,
    plan,
    externals,
    seed,
    untilPs,
    bind,
    ...(curve !== undefined ? { curve } : {}),
    ...(options.trace !== undefined ? { trace: options.trace } : {}),
    sinks: [...(options.sinks ?? []), ...(instruments?.traceSinks() ?? [])],
    spawnWorkers: Array.from({ length: local }, (_, i) => i),
    nodeFlags: (p) => [...(options.workerNodeFlags ?? []), ...(p === inspected?.partition ? inspectFlags : [])],
    ...(inspected !== undefined ? { patient: inspected.partition } : {}),
    displays,
    log,
    ...(options.onListening !== undefined ? { onListening: options.onListening } : {}),
    onWorkerLine: (p, line) => {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];
      if (url !== undefined && inspected !== undefined && p === inspected.partition) options.onInspector?.({ partition: p, lpar: inspected.lpar, url });
      log(`[partition ${p}] ${line}`);
    },
    ...(progress !== undefined ? { onProgress: progress.update } : {}),
    ...(instruments !== undefined ? { instruments } : {}),
  });
  let result;
  try {
    result = await coordinator.run();
  } catch (err) {
    instruments?.abandon();
    throw err;
  } finally {
    progress?.done();
  }
  return finishReport(scenario, options, result, plan, displays, { seed, n, wall0, log, instruments });
}

/** The report of a partitioned run from its parts (either transport). */
function finishReport(scenario: Scenario, options: PartitionOptions, result: CoordinatorResult, plan: Plan, displays: string[], r: { seed: number; n: number; wall0: number; log: (line: string) => void; instruments?: MergedInstruments }): Report {
  const { seed, n, wall0, log, instruments } = r;
  options.onStats?.({ windows: result.windows, lookaheadPs: plan.lookaheadPs, dropped: result.dropped, assignment: plan.assignment, waitMs: result.waitMs });
  if (process.env.SYSPLEX_EMU_DEBUG === '1') log(`backplane: ${result.windows} windows, lookahead ${plan.lookaheadPs} ps, ${result.dropped} dropped`);
  const report = mergeReport(result.parts, { virtualTimePs: result.endPs, events: result.events, wallMs: performance.now() - wall0, seed, partitions: n });
  if (result.external.length > 0) report.external = result.external;
  // The clients' latency as each partition recorded it, in the clients' order (for the HTML page's plot).
  const latency = result.parts.flatMap((p) => p.clients).sort((a, b) => a.index - b.index).flatMap((c) => c.latency ?? []);
  instruments?.finish(report, latency);
  report.backplane = backplaneReport(result, plan.lookaheadPs);
  const answers = new Map(displays.map((d, i) => [d, result.displays[i] ?? undefined]));
  evaluateScenarioExpectations(scenario, report, (cmd) => answers.get(cmd));
  return report;
}

/** What rides along in every worker, as plain data: the capture points of the instruments given (each knows its
 *  specs), and the replay of the scenario's capture or of the replay option. Timelines cannot ride along yet. */
function instrumentSpecs(scenario: Scenario, options: PartitionOptions): InstrumentSpecs {
  const specs: InstrumentSpecs = {};
  for (const i of options.instruments ?? []) {
    if (i instanceof TimelineInstrument) {
      if (specs.timelines !== undefined) throw new RequestError('one set of timelines per partitioned run');
      // The Perfetto trace draws CPU work and connections: the workers record those calls too.
      specs.timelines = { sampleIntervalPs: i.sampleIntervalPs, ...(i.files.perfetto !== undefined ? { calls: true } : {}) };
      continue;
    }
    if (!(i instanceof CapturePoints)) throw new RequestError('this instrument does not work in a partitioned run');
    specs.captures = [...(specs.captures ?? []), ...i.specs];
  }
  const capture = options.replay?.capture ?? scenario.capture;
  if (capture !== undefined) {
    if (options.replay?.mode === undefined && scenario.captureMode === 'tap') specs.tapReplay = { capture };
    else specs.replay = planReplay(scenario, { ...options.replay, capture, ...(options.untilPs !== undefined ? { untilPs: options.untilPs } : {}) });
  }
  return specs;
}

function backplaneReport(r: { windows: number; events: number; waitMs: number[]; waits: number[]; cpuMs?: number[] }, lookaheadPs: number): BackplaneReport {
  const waits = r.waits.reduce((a, b) => a + b, 0);
  return {
    rounds: r.windows,
    eventsPerRound: r.windows === 0 ? 0 : Math.round((r.events / r.windows) * 100) / 100,
    lookaheadPs: lookaheadPs === Infinity ? -1 : lookaheadPs,
    waitingMs: r.waitMs.map((ms) => Math.round(ms * 10) / 10),
    waits: r.waits,
    eventsPerWait: waits === 0 ? 0 : Math.round((r.events / waits) * 100) / 100,
    ...(r.cpuMs !== undefined && r.cpuMs.every((ms) => ms >= 0) ? { cpuMs: r.cpuMs } : {}),
  };
}

/** What `run --plan` prints. */
export interface PlanSummary {
  strategy: Plan['strategy'];
  partitions: { partition: number; components: string }[];
  /** The links at the cut, largest latency first. */
  cut: readonly { name: string; latencyPs: number }[];
  lookaheadPs: number;
  /** Events one process delivers in a window of the lookahead's length, on average over the pilot. */
  eventsPerWindow: number;
  pilot: { virtualPs: number; events: number };
  /** The share of the pilot's events each partition's components took (the work's split: the busiest partition
   *  bounds the speed-up at 1 / its share). */
  shares: number[];
}

/** The pilot: the first 2 ms (or the whole run, if shorter) in this process, to know the event rate. */
async function summarizePlan(scenario: Scenario, plan: Plan, seed: number, untilPs: number): Promise<PlanSummary> {
  const pilotPs = Math.min(untilPs, 2_000_000_000);
  const pilot = await prepare(scenario, { seed, untilPs: pilotPs });
  const byPartition = new Array<number>(plan.partitions).fill(0);
  pilot.sim.observer = (_t, dst) => {
    const q = plan.assignment[dst.name];
    if (q !== undefined && q < plan.partitions) byPartition[q]!++;
  };
  pilot.sim.start();
  pilot.sim.runUntil(pilotPs);
  const events = pilot.sim.events;
  const window = plan.lookaheadPs === Infinity ? pilotPs : plan.lookaheadPs;
  return {
    strategy: plan.strategy,
    partitions: plan.members.slice(0, plan.partitions).map((m, i) => ({ partition: i, components: describeMembers(m) })),
    cut: plan.cut,
    lookaheadPs: plan.lookaheadPs,
    eventsPerWindow: pilotPs === 0 ? 0 : Math.round((events * window) / pilotPs * 100) / 100,
    pilot: { virtualPs: pilotPs, events },
    shares: byPartition.map((k) => (events === 0 ? 0 : Math.round((1000 * k) / events) / 1000)),
  };
}
