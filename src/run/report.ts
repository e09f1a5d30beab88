// The run report of CONTRACT.md (`--json`), and its human form. Field names and meanings are public: scripts
// and `expect` lines read them.

import { formatTime } from '../kernel/time.js';
import type { LatencySummary } from '../kernel/histogram.js';
import { type CompressedReport, formatXcf, type XcfReport } from './xcf-report.js';
import { latencyLine } from './latency-line.js';

export { latencyLine };

/** One LPAR; `cpuWait`: how long the stack's inputs (datagrams, XCF signals, timers ...) waited for a CP, ps. */
export interface LparReport { name: string; up: boolean; cpuBusyPct: number; physicalCps?: number; cpuWait?: LatencySummary }
export interface DvipaReport { ip: string; owner: string | null; state: string; backups: string[] }
export interface TargetReport { stack: string; ready: number; totalConn: number; activeConn: number; lost: number }
export interface DistributionReport { dvipa: string; port: number; method: string; targets: TargetReport[] }
export interface ClientsReport { opened: number; completed: number; reset: number; failed: number; open: number; bytesSent: number; bytesReceived: number }
/** Latency distributions of client connections, each from the SYN, in ps: established, first response byte,
 *  whole response. */
export interface ClientLatencyReport { connect: LatencySummary; firstByte: LatencySummary; complete: LatencySummary }
export interface WorkloadReport { dvipa: string; port: number; protocol: string; latency: ClientLatencyReport }
export interface ReplayReport {
  framesRead: number; framesInjected: number; flows: number; completed: number; reset: number; incomplete: number;
  skipped: { notToDvipa: number; nonIpv4: number; malformed: number };
}
export interface ExpectationReport { expr: string; ok: boolean; actual: unknown }
/** A HiperSockets IQD CHPID: the writes it carried (dynamic XCF between the LPARs of its CPC) and rejected. */
export interface IqdReport {
  name: string;
  chpid: string;
  /** The stacks' MTU over it, from its maximum frame size. */
  mtu: number;
  frames: number;
  bytes: number;
  tooBig: number;
  noTarget: number;
}

/** One OSA port: frames, interrupts and drops; the inbound queue wait (a datagram ready in a read queue until
 *  the interrupt that presents it to the LPAR: INBPERF's hold, ps); per sharing LPAR its read storage in SBALs,
 *  the high-water marks of its read queue and the frames it sent on each write priority queue (1..4). */
export interface OsaReport {
  name: string; rxFrames: number; txFrames: number; interrupts: number; inboundWait?: LatencySummary;
  drops: { inboundFull: number; outboundFull: number; unregistered: number; portDown: number; arpUnresolved: number };
  lpars: { lpar: string; readStorage: number; peakSbals: number; maxFramesPerSbal: number; peakFrames: number; txByQueue: number[]; sdQueueFrames: number }[];
}

export interface Report {
  virtualTimePs: number;
  events: number;
  wallMs: number;
  seed: number;
  partitions: number;
  lpars: LparReport[];
  dvipas: DvipaReport[];
  distribution: DistributionReport[];
  clients: ClientsReport & { latency?: ClientLatencyReport; workloads?: WorkloadReport[] };
  osas?: OsaReport[];
  iqds?: IqdReport[];
  replay?: ReplayReport;
  expectations?: ExpectationReport[];
  /** Values the topology sets shorter than z/OS's own (docs/contract.md). */
  compressed?: CompressedReport[];
  /** Signalling per system and path, CFs, SFM's partitions. */
  xcf?: XcfReport;
  /** A partitioned run's synchronisation (not part of what must be identical between runs). */
  backplane?: BackplaneReport;
  [more: string]: unknown;
}

/** The report's `backplane` (docs/contract.md): how the synchronisation went. Wall times, like `wallMs`, are not
 *  part of what must be identical between runs. */
export interface BackplaneReport {
  /** Windows: granted by the coordinator (processes, one message round trip each), or run by the partitions
   *  between two looks at the others' promises (threads, all partitions together). */
  rounds: number;
  /** Events delivered per window (all participants). */
  eventsPerRound: number;
  /** The smallest latency of a link at a cut, ps (-1: no link crosses). */
  lookaheadPs: number;
  /** Wall time each worker partition spent waiting for a grant or a promise, ms (then the external components). */
  waitingMs: number[];
  /** How many times each waited (processes: its grants; threads: how often it had nothing to run before the
   *  others' promises allowed more), in the order of `waitingMs`. */
  waits?: number[];
  /** Events delivered per wait, all participants together: how much work flows between two synchronisations
   *  that stop a partition (the conservative-simulation figure of merit; on processes the same as a round's). */
  eventsPerWait?: number;
  /** The threads transport: CPU time each partition thread used, ms (Linux, 10 ms steps): the split of the work.
   *  The busiest partition's figure is about what the run takes on an idle machine with a core per partition. */
  cpuMs?: number[];
}

/** The report without wall time: what must be byte-identical between runs with the same inputs and seed. */
export function deterministicPart(r: Report): Omit<Report, 'wallMs'> {
  const { wallMs: _wall, ...rest } = r;
  return rest;
}

/** How a partitioned run synchronised: its windows, the cut's lookahead, and each partition's waiting (and CPU). */
function backplaneLine(b: BackplaneReport): string {
  const look = b.lookaheadPs < 0 ? 'no link at the cut' : `lookahead ${formatTime(b.lookaheadPs)}`;
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const cpu = b.cpuMs !== undefined ? `; CPU ${b.cpuMs.map(s).join(', ')}` : '';
  const waits = b.waits !== undefined && b.eventsPerWait !== undefined ? ` (${b.waits.map((k) => k.toLocaleString('en-US')).join(', ')} times: ${b.eventsPerWait} events a wait)` : '';
  return `  backplane: ${b.rounds.toLocaleString('en-US')} windows of ${b.eventsPerRound} events, ${look}; waiting ${b.waitingMs.map(s).join(', ')}${waits}${cpu}`;
}

export function formatReport(r: Report, name: string): string {
  const out: string[] = [];
  const rate = r.wallMs > 0 ? `, ${Math.round(r.events / (r.wallMs / 1000)).toLocaleString('en-US')} events/s` : '';
  out.push(`sysplex-emu: ${name}`);
  out.push(`  virtual time ${formatTime(r.virtualTimePs)}, ${r.events.toLocaleString('en-US')} events in ${(r.wallMs / 1000).toFixed(2)} s wall${rate}, seed ${r.seed}, ${r.partitions} partition${r.partitions === 1 ? '' : 's'}`);
  if (r.backplane !== undefined) out.push(backplaneLine(r.backplane));
  out.push('');
  out.push('  LPAR   state  CPU busy');
  for (const l of r.lpars) out.push(`  ${l.name.padEnd(6)} ${(l.up ? 'up' : 'down').padEnd(6)} ${l.cpuBusyPct.toFixed(1).padStart(7)} %`);
  for (const l of r.lpars) if (l.cpuWait !== undefined && l.cpuWait.count > 0) out.push(`  ${l.name.padEnd(6)} CPU wait ${latencyLine(l.cpuWait)}`);
  for (const o of r.osas ?? []) if (o.inboundWait !== undefined && o.inboundWait.count > 0) out.push(`  ${o.name.padEnd(6)} inbound wait ${latencyLine(o.inboundWait)}`);
  const xcf = formatXcf(r.xcf, r.compressed);
  if (xcf.length > 0) out.push('', ...xcf);
  out.push('');
  for (const d of r.dvipas) out.push(`  DVIPA ${d.ip}: ${d.state}, owner ${d.owner ?? '(none)'}, backups ${d.backups.join(', ') || '(none)'}`);
  for (const d of r.distribution) {
    out.push('');
    out.push(`  ${d.dvipa}:${d.port} ${d.method}`);
    out.push('    target  ready  totalConn  activeConn  lost');
    for (const t of d.targets) {
      out.push(`    ${t.stack.padEnd(6)}  ${String(t.ready).padStart(5)}  ${String(t.totalConn).padStart(9)}  ${String(t.activeConn).padStart(10)}  ${String(t.lost).padStart(4)}`);
    }
  }
  const c = r.clients;
  out.push('');
  out.push(`  clients: ${c.opened} opened, ${c.completed} completed, ${c.reset} reset, ${c.failed} failed, ${c.open} open; ${c.bytesSent} bytes sent, ${c.bytesReceived} received`);
  if (c.latency !== undefined) {
    for (const [what, s] of [['connect', c.latency.connect], ['first byte', c.latency.firstByte], ['complete', c.latency.complete]] as const) {
      if (s.count > 0) out.push(`    ${what.padEnd(10)} ${latencyLine(s)}`);
    }
  }
  if (r.replay) {
    const p = r.replay;
    out.push(`  replay: ${p.framesRead} frames read, ${p.framesInjected} injected; ${p.flows} flows: ${p.completed} completed, ${p.reset} reset, ${p.incomplete} incomplete; skipped ${p.skipped.notToDvipa} not to the DVIPA, ${p.skipped.nonIpv4} non-IPv4, ${p.skipped.malformed} malformed`);
  }
  if (r.expectations && r.expectations.length > 0) {
    out.push('');
    out.push('  expectations:');
    for (const e of r.expectations) out.push(`    ${e.ok ? 'ok  ' : 'FAIL'} ${e.expr}${e.ok ? '' : `   (actual: ${JSON.stringify(e.actual ?? null)})`}`);
  }
  return out.join('\n');
}
