// What a timeline shows, decided once from the built sysplex before the run starts (a VCD declares every
// signal up front): one process and scope per LPAR, OSA port and XCF signalling path, one per distributed
// DVIPA under the distributor, the client hosts, and the faults. The DVIPAs and their ports come from the
// stacks' profiles (VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE) and the workload.

import { parseProfile } from '../firmware/profile/index.js';
import { ipFromString, ipToString } from '../net/ipv4.js';
import type { Prepared } from '../run/run-scenario.js';
import { profileSourceOf } from '../scenario/datasets.js';
import type { LparHost } from '../../hw-models/lpar/lpar.js';
import type { OsaPort } from '../../hw-models/osa/osa.js';
import type { XcfLinkHandle } from '../run/wiring.js';
import type { ClientHosts } from '../../hw-models/lan/clients.js';
import type { PlotRef, ProcessDef, SignalDef, SignalType } from './timeline.js';

export interface LparProbe {
  readonly host: LparHost;
  readonly index: number;
  readonly process: number;
  readonly up: number;
  readonly cpuBusy: number;
  readonly runQueue: number;
  readonly connections: number;
  readonly vcrtSize: number;
}

export interface OsaProbe {
  readonly osa: OsaPort;
  readonly process: number;
  /** Inbound queue fill per sharing LPAR (delivered and not yet acknowledged included). */
  readonly fill: readonly { readonly lpar: string; readonly signal: number }[];
  readonly drops: number;
  readonly registered: number;
}

export interface XcfProbe {
  /** A FICON CTC device pair between two LPARs, or a coupling link from an LPAR to a CF (`between: [SYS1, CF01]`). */
  readonly handle: Pick<XcfLinkHandle, 'between' | 'path' | 'link'>;
  readonly process: number;
  readonly a: LparHost;
  /** The peer LPAR; undefined for a coupling link to a CF. */
  readonly b: LparHost | undefined;
  readonly up: number;
  readonly inFlight: number;
  readonly mbps: number;
}

export interface DvipaProbe {
  readonly ip: string;
  readonly owner: number;
  readonly ownerId: number;
  readonly ready: readonly { readonly port: number; readonly signal: number }[];
}

export interface ClientsProbe {
  readonly hosts: readonly ClientHosts[];
  readonly opened: number;
  readonly completed: number;
  readonly reset: number;
  readonly failed: number;
  readonly active: number;
  readonly completedRate: number;
  readonly resetRate: number;
}

export interface Catalogue {
  readonly processes: ProcessDef[];
  readonly signals: SignalDef[];
  readonly sysplexProcess: number;
  readonly distributorProcess: number;
  readonly lpars: LparProbe[];
  readonly osas: OsaProbe[];
  readonly xcf: XcfProbe[];
  readonly dvipas: DvipaProbe[];
  readonly clients: ClientsProbe | null;
  /** The string signal holding the latest fault's label. */
  readonly lastFault: number;
}

/** The plots of the HTML report (signals name theirs in `plot`). */
export const PLOTS = {
  connections: { title: 'Connections per target', unit: 'open connections' },
  clients: { title: 'Client completions and resets', unit: 'per second' },
  cpu: { title: 'CPU busy per LPAR', unit: '%' },
  osa: { title: 'OSA inbound queue fill', unit: 'frames' },
  xcf: { title: 'XCF traffic per signalling path', unit: 'MB/s' },
  vcrt: { title: 'Connection routing table (VCRT) size per stack', unit: 'entries' },
} as const;

/** A VCD-safe name: letters, digits and underscores (GTKWave splits hierarchy at dots). */
export function vcdName(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Component id -> index of the LPAR it is (-1: not an LPAR), for a delivery observer that watches LPARs. */
export function lparIndexById(componentCount: number, lpars: readonly LparProbe[]): Int32Array {
  const of = new Int32Array(componentCount).fill(-1);
  for (const l of lpars) of[l.host.id] = l.index;
  return of;
}

export function buildCatalogue(p: Prepared): Catalogue {
  const processes: ProcessDef[] = [];
  const signals: SignalDef[] = [];
  const proc = (name: string, kind: ProcessDef['kind']): number => processes.push({ name, kind }) - 1;
  const sig = (process: number, scope: string[], name: string, type: SignalType, plot?: PlotRef): number =>
    signals.push(plot === undefined ? { scope, name, type, process } : { scope, name, type, process, plot }) - 1;

  const sysplexProcess = proc('Sysplex', 'sysplex');
  const lpars: LparProbe[] = p.sysplex.lpars.map((host, index) => {
    const process = proc(host.name, 'lpar');
    const scope = [vcdName(host.name)];
    return {
      host,
      index,
      process,
      up: sig(process, scope, 'up', 'bit'),
      cpuBusy: sig(process, scope, 'cpu_busy_pct', 'real', { plot: 'cpu', label: host.name, merge: 'mean' }),
      runQueue: sig(process, scope, 'run_queue', 'int'),
      connections: sig(process, scope, 'connections', 'int', { plot: 'connections', label: host.name, merge: 'max' }),
      vcrtSize: sig(process, scope, 'vcrt_size', 'int', { plot: 'vcrt', label: host.name, merge: 'max' }),
    };
  });

  const sharing = new Map<string, string[]>();
  for (const l of p.scenario.topology.lpars) for (const o of l.osas) sharing.set(o, [...(sharing.get(o) ?? []), l.name]);
  const osas: OsaProbe[] = p.sysplex.osas.map((osa) => {
    const process = proc(osa.name, 'osa');
    const scope = [vcdName(osa.name)];
    return {
      osa,
      process,
      fill: (sharing.get(osa.name) ?? []).map((lpar) => ({
        lpar,
        signal: sig(process, scope, `inbound_fill_${vcdName(lpar)}`, 'int', { plot: 'osa', label: `${osa.name} ${lpar}`, merge: 'max' }),
      })),
      drops: sig(process, scope, 'drops', 'int'),
      registered: sig(process, scope, 'registered_addresses', 'int'),
    };
  });

  const byName = new Map(p.sysplex.lpars.map((l) => [l.name, l]));
  const cfHandles = p.sysplex.cfLinks.map((l) => {
    const path = Number(/\.(\d+)$/.exec(l.name)?.[1] ?? 0);
    return { between: [l.lpar, l.cf] as const, path, link: l.link };
  });
  const xcf: XcfProbe[] = [...p.sysplex.xcfLinks, ...cfHandles].map((handle) => {
    const label = `${handle.between[0]}-${handle.between[1]}:${handle.path}`;
    const process = proc(`XCF ${label}`, 'xcf');
    const scope = ['XCF', vcdName(`${handle.between[0]}-${handle.between[1]}_p${handle.path}`)];
    return {
      handle,
      process,
      a: byName.get(handle.between[0])!,
      b: byName.get(handle.between[1]),
      up: sig(process, scope, 'up', 'bit'),
      inFlight: sig(process, scope, 'bytes_in_flight', 'real'),
      mbps: sig(process, scope, 'mbytes_per_s', 'real', { plot: 'xcf', label, merge: 'mean' }),
    };
  });

  const distributorProcess = proc('Sysplex Distributor', 'distributor');
  const dvipas: DvipaProbe[] = [...dvipaPorts(p)].map(([ip, ports]) => {
    const scope = ['distributor', vcdName(`dvipa_${ip}`)];
    return {
      ip,
      owner: sig(distributorProcess, scope, 'owner', 'string'),
      ownerId: sig(distributorProcess, scope, 'owner_id', 'int'),
      ready: ports.map((port) => ({ port, signal: sig(distributorProcess, scope, `ready_targets_port${port}`, 'int') })),
    };
  });

  let clients: ClientsProbe | null = null;
  if (p.clients.length > 0) {
    const process = proc('Clients', 'clients');
    const scope = ['clients'];
    clients = {
      hosts: p.clients,
      opened: sig(process, scope, 'opened', 'int'),
      completed: sig(process, scope, 'completed', 'int'),
      reset: sig(process, scope, 'reset', 'int'),
      failed: sig(process, scope, 'failed', 'int'),
      active: sig(process, scope, 'active', 'int'),
      completedRate: sig(process, scope, 'completed_per_s', 'real', { plot: 'clients', label: 'completed', merge: 'mean' }),
      resetRate: sig(process, scope, 'reset_per_s', 'real', { plot: 'clients', label: 'reset', merge: 'mean' }),
    };
  }
  const lastFault = sig(sysplexProcess, ['faults'], 'last', 'string');
  return { processes, signals, sysplexProcess, distributorProcess, lpars, osas, xcf, dvipas, clients, lastFault };
}

/** Every DVIPA some profile defines, backs up or distributes, with the ports distributed or worked on. */
function dvipaPorts(p: Prepared): Map<string, number[]> {
  const out = new Map<number, Set<number>>();
  const add = (ip: number): Set<number> => {
    let s = out.get(ip);
    if (s === undefined) out.set(ip, (s = new Set()));
    return s;
  };
  for (const l of p.scenario.topology.lpars) {
    const parsed = parseProfile(l.profile, l.profileFile, profileSourceOf(l, p.scenario.topology));
    if (!parsed.ok) continue; // the run itself reports a bad profile
    const prof = parsed.profile;
    for (const d of prof.vipaDefines) add(d.ip >>> 0);
    for (const b of prof.vipaBackups) add(b.ip >>> 0);
    for (const d of prof.vipaDistributes) for (const port of d.ports) add(d.ip >>> 0).add(port);
  }
  for (const w of p.scenario.workload) {
    const ip = ipValue(w.dvipa);
    if (ip !== null && out.has(ip)) out.get(ip)!.add(w.port);
  }
  return new Map([...out.entries()].sort((x, y) => x[0] - y[0]).map(([ip, ports]) => [ipToString(ip), [...ports].sort((a, b) => a - b)]));
}

function ipValue(text: string): number | null {
  const ip = ipFromString(text);
  return ip.ok ? ip.value : null;
}
