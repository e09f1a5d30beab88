// Builds the emulated sysplex of a scenario, runs it in virtual time and assembles the report. The CLI's
// `run` and `test`, the debugger and the tests all come through here.

import { pathToFileURL } from 'node:url';
import { type Component, JsonlTraceWriter, Simulation, SimulationError, type TraceSink } from '../kernel/index.js';
import { TeeSink } from '../kernel/trace.js';
import { createFirmware } from '../firmware/index.js';
import { parseProfile } from '../firmware/profile/index.js';
import type { DvipaRow, FirmwareFactory, VdptRow } from '../firmware/hal.js';
import { InputError } from '../errors.js';
import { evaluate } from '../scenario/expect-eval.js';
import type { LanSpec, Scenario } from '../scenario/types.js';
import { buildSysplex, type Sysplex } from './wiring.js';
import { ClientHosts, type WorkloadLatencyData } from '../../hw-models/lan/clients.js';
import { Histogram, type HistogramData, type LatencySummary } from '../kernel/histogram.js';
import { cidrOf, inSubnet, ipOf } from '../net/ipv4.js';
import type { DistributedService } from '../../hw-models/lpar/lpar.js';
import { remoteKey } from '../../hw-models/lpar/ledger.js';
import type { ClientLatencyReport, ClientsReport, DistributionReport, DvipaReport, IqdReport, OsaReport, Report, TargetReport, WorkloadReport } from './report.js';
import type { OsaSlotSummary, OsaStats } from '../../hw-models/osa/osa.js';
import { checkMemoryBudget, HeapWatch } from './memory-budget.js';
import { compressedOf, type CompressedReport, mergeXcf, type XcfPart, xcfPart } from './xcf-report.js';

export interface RunOptions {
  seed?: number;
  untilPs?: number;
  /** Write the trace (JSON Lines) here. */
  trace?: string;
  /** More trace sinks (the debugger's breakpoints). */
  sinks?: TraceSink[];
  /** Called every so often with the simulation (progress lines). */
  progress?: (sim: Simulation, untilPs: number) => void;
  /** Capture points, timelines, replay injectors ...: plugged in without touching the run itself. */
  instruments?: Instrument[];
  /** What sits behind a LAN's edge router instead of the workload's client hosts (a replay injector): a
   *  component with a port named `router`. Return null to keep the client hosts. */
  clientsFor?: (lan: LanSpec) => Component | null;
  /** A partitioned run: the components this process runs (all by default); the others are remote. A promise
   *  when the plan is still being made: the graph is built meanwhile and sealed when it comes (a partition thread
   *  builds its graph while the main thread plans). */
  isLocal?: ((c: Component) => boolean) | Promise<(c: Component) => boolean>;
}

/**
 * Something that rides along a run: a capture point, a VCD/Perfetto/HTML writer, a replay injector. Each hook
 * is optional. `build` runs before the simulation is sealed (the last moment to add components); `attach`
 * after it is sealed and before it starts (taps on ports, trace sinks); `finish` when the run ended normally
 * (close files, add report fields); `abandon` when it failed (remove partial files).
 */
export interface Instrument {
  build?(p: Prepared): void;
  attach?(p: Prepared): void;
  finish?(p: Prepared, report: Report): void;
  abandon?(): void;
}

/** A built, not yet run, sysplex: what `run`, `debug` and `replay` share. */
export interface Prepared {
  scenario: Scenario;
  sim: Simulation;
  sysplex: Sysplex;
  clients: ClientHosts[];
  seed: number;
  untilPs: number;
  traceWriter: JsonlTraceWriter | null;
  instruments: Instrument[];
}

export async function prepare(scenario: Scenario, options: RunOptions = {}): Promise<Prepared> {
  const seed = options.seed ?? scenario.seed;
  const untilPs = options.untilPs ?? scenario.untilPs;
  checkMemoryBudget(scenario, untilPs);
  checkProfiles(scenario);
  const sim = new Simulation(seed);
  const factories = new Map<string, FirmwareFactory>();
  for (const l of scenario.topology.lpars) factories.set(l.name, await loadFirmware(l.firmware, l.profileFile));
  const sysplex = buildSysplex(sim, scenario.topology, (lpar) => factories.get(lpar)!);
  const clients: ClientHosts[] = [];
  for (const lan of scenario.topology.lans) {
    const other = options.clientsFor?.(lan) ?? null;
    if (other !== null) {
      sim.add(other);
      sysplex.attachClients(lan.name, other.port('router'));
      continue;
    }
    const workloads = scenario.workload.filter((w) => lanOf(scenario, ipOf(w.dvipa)) === lan.name);
    const first = cidrOf(lan.clients).address + 1;
    const c = sim.add(new ClientHosts(`${lan.name}.clients`, first >>> 0, workloads));
    sysplex.attachClients(lan.name, c.routerPort);
    clients.push(c);
  }
  scenario.faults.forEach((f, i) => sysplex.scheduleFault(f, i));
  const prepared: Prepared = { scenario, sim, sysplex, clients, seed, untilPs, traceWriter: null, instruments: options.instruments ?? [] };
  for (const i of prepared.instruments) i.build?.(prepared);
  sim.seal(await options.isLocal);
  let traceWriter: JsonlTraceWriter | null = null;
  const sinks = [...(options.sinks ?? [])];
  if (options.trace !== undefined) {
    traceWriter = new JsonlTraceWriter(options.trace);
    sinks.unshift(traceWriter);
  }
  sim.traceSink = sinks.length === 0 ? null : sinks.length === 1 ? sinks[0]! : new TeeSink(sinks);
  prepared.traceWriter = traceWriter;
  for (const i of prepared.instruments) i.attach?.(prepared);
  return prepared;
}

/** A built-in stack's profile with an error is bad input (exit 2 at its position, as `validate` says), not a
 *  run that fails at IPL. Another firmware image reads its profile its own way. */
export function checkProfiles(scenario: Scenario): void {
  for (const l of scenario.topology.lpars) {
    if (l.firmware !== 'builtin') continue;
    const r = parseProfile(l.profile, l.profileFile);
    if (r.ok) continue;
    const e = r.errors[0]!;
    throw new InputError(e.file, e.message, { line: e.line, col: e.col });
  }
}

/** Which LAN an address (a workload's DVIPA) lives on: the LAN whose subnet holds it (the first LAN otherwise). */
export function lanOf(s: Scenario, ip: number): string {
  for (const lan of s.topology.lans) {
    const subnet = cidrOf(lan.subnet);
    if (inSubnet(ip, subnet.network, subnet.prefix)) return lan.name;
  }
  return s.topology.lans[0]!.name;
}

async function loadFirmware(spec: string, profileFile: string): Promise<FirmwareFactory> {
  if (spec === 'builtin') return createFirmware;
  try {
    const mod = (await import(pathToFileURL(spec).href)) as { createFirmware?: FirmwareFactory };
    if (typeof mod.createFirmware !== 'function') throw new Error('it exports no createFirmware function');
    return mod.createFirmware;
  } catch (err) {
    throw new InputError(profileFile, `firmware image ${spec}: ${(err as Error).message}`);
  }
}

/** Runs a prepared sysplex to its end time and returns the report. */
export function runPrepared(p: Prepared, options: RunOptions = {}): Report {
  const wall0 = performance.now();
  const { sim } = p;
  const slice = 250_000;
  try {
    // The heap is looked at every few thousand events, progress reported every `slice`.
    const heap = new HeapWatch();
    let sinceProgress = 0;
    sim.start();
    // A model may pause the run after lowering its end time (a replay that is over): run on to that end, so
    // that the last instant is complete, as a partitioned run delivers it.
    for (let r = sim.runUntil(p.untilPs, HeapWatch.EVENTS); r === 'budget' || r === 'paused'; r = sim.runUntil(p.untilPs, HeapWatch.EVENTS)) {
      heap.check();
      sinceProgress += HeapWatch.EVENTS;
      if (sinceProgress >= slice) {
        sinceProgress = 0;
        options.progress?.(sim, p.untilPs);
      }
    }
  } catch (err) {
    abandonPrepared(p);
    throw err instanceof SimulationError ? err : new SimulationError(sim.now, '(kernel)', err);
  }
  return finishPrepared(p, performance.now() - wall0);
}

/** After a run that ended normally (here or in a driver of its own, such as src/live's real-time one): closes
 *  the trace, assembles the report, lets the instruments finish and evaluates the expectations. */
export function finishPrepared(p: Prepared, wallMs: number): Report {
  p.traceWriter?.close();
  const report = assembleReport(p, wallMs);
  for (const i of p.instruments) i.finish?.(p, report);
  evaluateExpectations(p, report);
  return report;
}

/** After a run that failed: removes the partial trace and whatever the instruments were writing. */
export function abandonPrepared(p: Prepared): void {
  p.traceWriter?.abandon();
  for (const i of p.instruments) i.abandon?.();
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<Report> {
  return runPrepared(await prepare(scenario, options), options);
}

/** Gathers the report from the components' summaries; the distribution counts come from the targets' own
 *  connection ledgers, so they cover the whole run whichever stack was distributing at the time. */
export function assembleReport(p: Prepared, wallMs: number): Report {
  const part = reportPart(p, notCompletedOf(p));
  return mergeReport([part], { virtualTimePs: p.sim.now, events: p.sim.events, wallMs, seed: p.seed, partitions: 1 });
}

// ---- the report in parts: a partitioned run (src/backplane) gathers one part per process and merges them --

/** Connections of the local client hosts that did not complete: [dvipa, port, remoteKey(client ip, port),
 *  1 when the client still holds it open at the end, else 0]. */
export type NotCompleted = [number, number, number, number][];

/** What one partition knows for the report: its LPARs and client hosts, as plain data. `index` is the
 *  position in sysplex.lpars / Prepared.clients, so that merged parts keep the single-process order. */
export interface ReportPart {
  lpars: LparPart[];
  clients: { index: number; totals: ClientsReport; latency?: WorkloadLatencyData[] }[];
  /** The local OSA ports (index in sysplex.osas); absent in parts of older workers. */
  osas?: OsaPart[];
  /** XCF: systems, CFs and the couple data set of this partition; the values the file compresses. */
  xcf: XcfPart;
  compressed: CompressedReport[];
  /** The local HiperSockets IQD CHPIDs (index in sysplex.iqds); absent when the topology has none. */
  iqds?: { index: number; report: IqdReport }[];
}
export interface OsaPart {
  index: number;
  name: string;
  stats: OsaStats;
  slots: OsaSlotSummary[];
  /** Inbound queue wait (absent in parts of older workers). */
  inboundWait?: HistogramData;
}
export interface LparPart {
  index: number;
  name: string;
  up: boolean;
  cpuBusyPct: number;
  /** Physical CPs used on average over the run (PR/SM's view; equals busy logical CPs when dedicated). */
  physicalCps?: number;
  /** CPU queue wait of the stack's inputs (absent in parts of older workers). */
  cpuWait?: HistogramData;
  /** The firmware's tables the report reads (only while up). */
  view: { stack: string; dvipas: DvipaRow[]; vdpt: VdptRow[] } | null;
  services: DistributedService[];
  /** Per local ip:port: connections over the run, open now, and `lost` (assigned here, not completed). */
  ledgers: { ip: number; port: number; total: number; active: number; lost: number }[];
}

const everyComponent = (): boolean => true;

export function notCompletedOf(p: Prepared, isLocal: (c: Component) => boolean = everyComponent): NotCompleted {
  const out: NotCompleted = [];
  for (const c of p.clients) {
    if (!isLocal(c)) continue;
    for (const [cip, cport, dip, dport, how] of c.notCompleted()) out.push([dip, dport, remoteKey(cip, cport), how === 'open' ? 1 : 0]);
  }
  return out;
}

/** The report part of the local components, given every partition's not-completed connections. */
export function reportPart(p: Prepared, notCompleted: NotCompleted, isLocal: (c: Component) => boolean = everyComponent): ReportPart {
  const { sim, sysplex } = p;
  // Per service, the client endpoints that did not complete: true when the client still holds it open.
  const failed = new Map<number, Map<number, boolean>>();
  for (const [dip, dport, key, open] of notCompleted) {
    const svc = dip * 65536 + dport;
    let set = failed.get(svc);
    if (set === undefined) failed.set(svc, (set = new Map()));
    set.set(key, open === 1);
  }
  const lpars: LparPart[] = [];
  sysplex.lpars.forEach((l, index) => {
    if (!isLocal(l)) return;
    const v = l.isUp ? l.firmwareView() : null;
    const ledgers = l.connections.entries().map(({ localIp, localPort, ledger }) => {
      let lost = 0;
      const f = failed.get(localIp * 65536 + localPort);
      // Lost: assigned here and not completed, unless both ends still hold it open (a live, held connection).
      if (f !== undefined) {
        for (const key of ledger.lastAssigned) {
          const open = f.get(key);
          if (open === false || (open === true && !ledger.open.has(key))) lost++;
        }
      }
      return { ip: localIp, port: localPort, total: ledger.total, active: ledger.active, lost };
    });
    lpars.push({
      index,
      name: l.name,
      up: l.isUp,
      cpuBusyPct: round(l.cpuBusyPct(sim.now), 2),
      physicalCps: sim.now > 0 ? round(l.cpu.physicalUntil(sim.now) / sim.now, 3) : 0,
      cpuWait: l.cpuWait.toData(),
      view: v === null ? null : { stack: v.stack, dvipas: [...v.dvipas], vdpt: [...v.vdpt] },
      services: l.distributedServices(),
      ledgers,
    });
  });
  const clients = p.clients.flatMap((c, index) => (isLocal(c) ? [{ index, totals: c.summary(), latency: c.latencyData() }] : []));
  const osas = sysplex.osas.flatMap((o, index) => (isLocal(o) ? [{ index, name: o.name, stats: { ...o.stats }, slots: o.slotSummaries(), inboundWait: o.inboundWait.toData() }] : []));
  const iqds = sysplex.iqds.flatMap((q, index) => (isLocal(q) ? [{ index, report: { name: q.name, chpid: q.chpid, mtu: q.mtu, ...q.stats } }] : []));
  const part = { lpars, clients, osas, xcf: xcfPart(sysplex, isLocal), compressed: compressedOf(p.scenario) };
  return iqds.length > 0 ? { ...part, iqds } : part;
}

/** One report from the parts of every partition (each LPAR and client component in exactly one part). */
export function mergeReport(parts: readonly ReportPart[], meta: { virtualTimePs: number; events: number; wallMs: number; seed: number; partitions: number }): Report {
  const all = parts.flatMap((x) => x.lpars).sort((a, b) => a.index - b.index);
  const lpars = all.map((l) => ({ name: l.name, up: l.up, cpuBusyPct: l.cpuBusyPct, physicalCps: l.physicalCps ?? 0, cpuWait: summaryOf(l.cpuWait) }));
  const views = all.filter((l) => l.up && l.view !== null).map((l) => l.view!);

  // DVIPAs: every address some stack defines or backs up; the owner is the stack that has it ACTIVE as owner.
  const dvipaIps = new Set<string>();
  for (const v of views) for (const d of v.dvipas) if (d.rank > 0) dvipaIps.add(d.ip);
  const dvipas: DvipaReport[] = [...dvipaIps].sort(byIp).map((ip) => {
    const ownerView = views.find((v) => v.dvipas.some((d) => d.ip === ip && d.owner === v.stack));
    const anyView = ownerView ?? views.find((v) => v.dvipas.some((d) => d.ip === ip));
    const row = anyView!.dvipas.find((d) => d.ip === ip)!;
    return { ip, owner: ownerView?.stack ?? null, state: ownerView ? 'ACTIVE' : 'INACTIVE', backups: row.backups.filter((b) => b !== ownerView?.stack) };
  });

  // Distribution: the services some stack's profile distributes, and per target the ledger counts.
  const services = new Map<string, { dvipa: string; port: number; method: string }>();
  for (const l of all) {
    for (const s of l.services) {
      const key = `${s.dvipa}:${s.port}`;
      const owner = dvipas.find((d) => d.ip === s.dvipa)?.owner;
      if (!services.has(key) || owner === l.name) services.set(key, s);
    }
  }
  const distribution: DistributionReport[] = [...services.values()]
    .sort((a, b) => byIp(a.dvipa, b.dvipa) || a.port - b.port)
    .map((s) => {
      const dip = ipOf(s.dvipa);
      const targets: TargetReport[] = all.map((l) => {
        const ledger = l.ledgers.find((e) => e.ip === dip && e.port === s.port) ?? NO_LEDGER;
        const ownerView = views.find((v) => v.stack === dvipas.find((d) => d.ip === s.dvipa)?.owner);
        const row = ownerView?.vdpt.find((r) => r.dvipa === s.dvipa && r.port === s.port && r.target === l.name);
        return { stack: l.name, ready: l.up ? (row?.ready ?? 0) : 0, totalConn: ledger.total, activeConn: l.up ? ledger.active : 0, lost: ledger.lost };
      });
      return { dvipa: s.dvipa, port: s.port, method: s.method, targets };
    });

  const clients: ClientsReport = { opened: 0, completed: 0, reset: 0, failed: 0, open: 0, bytesSent: 0, bytesReceived: 0 };
  const clientParts = parts.flatMap((x) => x.clients).sort((a, b) => a.index - b.index);
  for (const c of clientParts) {
    for (const k of Object.keys(clients) as (keyof ClientsReport)[]) clients[k] += c.totals[k];
  }
  const latency = clientLatency(clientParts.flatMap((c) => c.latency ?? []));
  const osas: OsaReport[] = parts
    .flatMap((x) => x.osas ?? [])
    .sort((a, b) => a.index - b.index)
    .map((o) => ({
      name: o.name,
      rxFrames: o.stats.rxFrames,
      txFrames: o.stats.txFrames,
      interrupts: o.stats.interrupts,
      inboundWait: summaryOf(o.inboundWait),
      drops: {
        inboundFull: o.stats.dropInboundFull, outboundFull: o.stats.dropOutboundFull, unregistered: o.stats.dropUnregistered,
        portDown: o.stats.dropPortDown, arpUnresolved: o.stats.dropArpUnresolved,
      },
      lpars: o.slots.map((s) => ({ ...s, txByQueue: [...s.txByQueue] })),
    }));
  const iqds = parts.flatMap((x) => x.iqds ?? []).sort((a, b) => a.index - b.index).map((q) => q.report);
  return {
    virtualTimePs: meta.virtualTimePs,
    events: meta.events,
    wallMs: round(meta.wallMs, 1),
    seed: meta.seed,
    partitions: meta.partitions,
    lpars,
    dvipas,
    distribution,
    clients: { ...clients, ...latency },
    osas,
    compressed: parts[0]?.compressed ?? [],
    xcf: mergeXcf(parts.map((x) => x.xcf ?? { systems: [], cfs: [], cds: null })),
    ...(iqds.length > 0 ? { iqds } : {}),
  };
}

/** The clients' latency in the report: every workload's distributions merged (`clients.latency`) and each
 *  workload's own (`clients.workloads`); histograms merge exactly, so partitions change nothing here. */
function clientLatency(data: readonly WorkloadLatencyData[]): { latency?: ClientLatencyReport; workloads?: WorkloadReport[] } {
  if (data.length === 0) return {};
  const summary = (h: HistogramData[]): LatencySummary => h.reduce((all, d) => all.merge(d), new Histogram()).summary();
  const report = (ds: readonly WorkloadLatencyData[]): ClientLatencyReport => ({
    connect: summary(ds.map((d) => d.connect)),
    firstByte: summary(ds.map((d) => d.firstByte)),
    complete: summary(ds.map((d) => d.complete)),
  });
  return { latency: report(data), workloads: data.map((d) => ({ dvipa: d.dvipa, port: d.port, protocol: d.protocol, latency: report([d]) })) };
}

const NO_LEDGER = { total: 0, active: 0, lost: 0 };

/** A component's distribution in the report (each component is in one part, so this is already exact). */
function summaryOf(data: HistogramData | undefined): LatencySummary {
  return data === undefined ? new Histogram().summary() : Histogram.fromData(data).summary();
}

/** Evaluates the scenario's `expect` lines over the finished report (displays run on the LPARs now). */
export function evaluateExpectations(p: Prepared, report: Report): void {
  evaluateScenarioExpectations(p.scenario, report, (cmd) => p.sysplex.operatorDisplay(cmd));
}

/** The same with any source of operator displays (a partitioned run asks the LPAR's partition). */
export function evaluateScenarioExpectations(scenario: Scenario, report: Report, display: (command: string) => string | undefined): void {
  if (scenario.expect.length === 0) return;
  report.expectations = scenario.expect.map((e) => {
    const r = evaluate(e.expr, report, display);
    return { expr: e.text, ok: r.ok, actual: r.actual ?? null };
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function byIp(a: string, b: string): number {
  return ipOf(a) - ipOf(b);
}
