// The XCF part of the run report (docs/contract.md, "XCF in the report"): per system its signalling counts and
// each path's transfer times and data rate (what RMF's XCF activity report gives per path), its CF requests'
// service time (RMF's CF activity report per system), each CF's requests and
// utilisation, what SFM partitioned out, and the values the topology sets shorter than z/OS's own. Built per
// partition (only local components) and merged, so a partitioned run reports the same.

import { formatTime } from '../kernel/time.js';
import { Histogram, type LatencySummary } from '../kernel/histogram.js';
import { latencyLine } from './latency-line.js';
import type { Sysplex } from './wiring.js';
import type { Scenario } from '../scenario/types.js';
import type { Component } from '../kernel/index.js';
import type { XcfCfRequestSummary, XcfInboundTransfer, XcfPathSummary, XcfStats } from '../../hw-models/xcf/signalling.js';
import type { CfSummary } from '../../hw-models/cf/coupling-facility.js';
import type { CdsSummary } from '../../hw-models/cds/couple-data-set.js';

/** An outbound path and its transfer time (MXFER) as its receiver measured it: from the send until delivery. */
export interface XcfPathReport extends XcfPathSummary {
  transfer: LatencySummary;
}

export interface XcfSystemReport extends XcfStats {
  name: string;
  paths: XcfPathReport[];
  /** Per CF the system reaches: its requests and their service time (RMF's view from the system). */
  cfs: XcfCfRequestSummary[];
}

export interface CompressedReport {
  /** The key as the file writes it, e.g. xcf.failureDetection. */
  key: string;
  value: string;
  valuePs: number;
  /** What z/OS itself would use. */
  real: string;
  realPs: number;
  /** FILE:LINE:COL where the file sets it. */
  at: string;
}

export interface XcfReport {
  systems: XcfSystemReport[];
  cfs: CfSummary[];
  partitions: CdsSummary['partitions'];
  statusUpdates: number;
}

/** The local part: systems (with their index for ordering), CFs and the couple data set if local. */
export interface XcfPart {
  systems: { index: number; report: XcfSystemPart }[];
  /** What the local systems received: per system, its inbound paths' transfer histograms (merged into the
   *  senders' path entries, wherever the senders run). Absent in parts of older workers. */
  inbound?: { to: string; paths: XcfInboundTransfer[] }[];
  cfs: { index: number; report: CfSummary }[];
  cds: CdsSummary | null;
}

/** A system as its own partition knows it: its outbound paths without the receivers' transfer times. */
export interface XcfSystemPart extends XcfStats {
  name: string;
  paths: XcfPathSummary[];
  cfs: XcfCfRequestSummary[];
}

export function xcfPart(sysplex: Sysplex, isLocal: (c: Component) => boolean): XcfPart {
  const local = sysplex.lpars.flatMap((l, index) => (isLocal(l) ? [{ l, index }] : []));
  const systems = local.map(({ l, index }) => ({ index, report: { name: l.name, ...l.xcf.stats, paths: l.xcf.pathSummaries(), cfs: l.xcf.cfRequestSummaries() } }));
  const inbound = local.map(({ l }) => ({ to: l.name, paths: l.xcf.inboundTransfers() }));
  const cfs = sysplex.cfs.flatMap((cf, index) => (isLocal(cf) ? [{ index, report: cf.summary() }] : []));
  return { systems, inbound, cfs, cds: isLocal(sysplex.cds) ? sysplex.cds.summary() : null };
}

export function mergeXcf(parts: readonly XcfPart[]): XcfReport {
  // Each path's transfer times were measured by its receiver: `from>to:path` -> the receiver's histogram.
  const transfers = new Map<string, Histogram>();
  for (const part of parts) {
    for (const { to, paths } of part.inbound ?? []) {
      for (const t of paths) {
        const key = `${t.from}>${to}:${t.path}`;
        transfers.set(key, (transfers.get(key) ?? new Histogram()).merge(t.transfer));
      }
    }
  }
  const none = new Histogram().summary();
  const systems = parts
    .flatMap((p) => p.systems)
    .sort((a, b) => a.index - b.index)
    .map(({ report: s }) => ({ ...s, paths: s.paths.map((p) => ({ ...p, transfer: transfers.get(`${s.name}>${p.peer}:${p.path}`)?.summary() ?? none })) }));
  const cfs = parts.flatMap((p) => p.cfs).sort((a, b) => a.index - b.index).map((c) => c.report);
  const cds = parts.find((p) => p.cds !== null)?.cds ?? { statusUpdates: 0, partitions: [] };
  return { systems, cfs, partitions: cds.partitions, statusUpdates: cds.statusUpdates };
}

export function compressedOf(scenario: Scenario): CompressedReport[] {
  return scenario.topology.compressed.map((c) => ({
    key: c.key,
    value: formatTime(c.valuePs),
    valuePs: c.valuePs,
    real: formatTime(c.realPs),
    realPs: c.realPs,
    at: `${c.at.file}:${c.at.line}:${c.at.col}`,
  }));
}

/** The human report's lines for these parts (none when there is nothing to say). */
export function formatXcf(xcf: XcfReport | undefined, compressed: readonly CompressedReport[] | undefined): string[] {
  const out: string[] = [];
  for (const c of compressed ?? []) out.push(`  compressed: ${c.key} ${c.value} (z/OS: ${c.real}), ${c.at}`);
  for (const cf of xcf?.cfs ?? []) {
    out.push(
      `  ${cf.name}: ${cf.up ? 'up' : 'down'}, ${cf.processors} processor${cf.processors === 1 ? '' : 's'} ${cf.cpuBusyPct.toFixed(1)} % busy, ` +
        `${cf.requests} requests, mean service ${formatTime(cf.meanServicePs)}`,
    );
  }
  for (const s of xcf?.systems ?? []) {
    for (const p of s.paths) {
      if (p.transfer.count > 0) out.push(`  XCF ${s.name}->${p.peer} path ${p.path} (${p.kind} ${p.via}) transfer ${latencyLine(p.transfer)}`);
    }
  }
  for (const p of xcf?.partitions ?? []) out.push(`  SFM partitioned ${p.sys} out at ${formatTime(p.atPs)} (${p.reason})`);
  return out;
}
