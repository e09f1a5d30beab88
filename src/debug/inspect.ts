// The state a thread shows, as variable trees: the scopes VCRT, VDPT, DVIPA, XCF, OSA and CPU of one LPAR, and
// the fields of an event. Plain data built on demand from the live models (read while the run is stopped),
// shared by the DAP session (variables) and the console (`show`).

import { formatTime } from '../kernel/time.js';
import { ipToString, macToString } from '../net/index.js';
import type { LparHost } from '../../hw-models/lpar/lpar.js';
import type { OsaPort } from '../../hw-models/osa/osa.js';
import type { DebugEngine } from './engine.js';
import { describeEvent, type DebugEvent } from './events.js';

export interface VarNode {
  readonly name: string;
  readonly value: string;
  /** Present when the value expands. */
  readonly children?: VarChildren;
}

export interface VarChildren {
  named(): VarNode[];
  /** Large tables (the VCRT): rows fetched by index, in pages. */
  readonly indexed?: IndexedRows;
}

export interface IndexedRows {
  count(): number;
  rows(start: number, count: number): VarNode[];
}

export const SCOPES = ['VCRT', 'VDPT', 'DVIPA', 'XCF', 'OSA', 'CPU'] as const;
export type ScopeName = (typeof SCOPES)[number];

const leaf = (name: string, value: unknown): VarNode => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined' });
const group = (name: string, value: string, named: () => VarNode[]): VarNode => ({ name, value, children: { named } });

/** The variables of one scope of `lpar`. */
export function scopeChildren(engine: DebugEngine, lpar: string, scope: ScopeName): VarChildren {
  const host = engine.p.sysplex.lpar(lpar);
  if (host === undefined) return { named: () => [leaf('LPAR', `no LPAR named ${lpar}`)] };
  switch (scope) {
    case 'VCRT':
      return vcrtScope(host);
    case 'VDPT':
      return { named: () => viewed(host, (v) => v.vdpt.map((r) => group(`${r.dvipa}:${r.port}->${r.target}`, `ready ${r.ready}, total ${r.totalConn}, active ${r.activeConn}, ${r.method}`, () => fieldsOf(r)))) };
    case 'DVIPA':
      return {
        named: () =>
          viewed(host, (v) => v.dvipas.map((d) => group(d.ip, `${d.state}${d.owner !== null ? `, owner ${d.owner}` : ''}${d.distributing ? ', distributing' : ''}`, () => fieldsOf(d)))),
      };
    case 'XCF':
      return { named: () => xcfVars(engine, host) };
    case 'OSA':
      return { named: () => osaVars(engine, host) };
    case 'CPU':
      return { named: () => cpuVars(host) };
  }
}

/** How many rows a scope holds (for the scope's indexedVariables / namedVariables hints). */
export function scopeSize(engine: DebugEngine, lpar: string, scope: ScopeName): { named?: number; indexed?: number } {
  if (scope !== 'VCRT') return {};
  const view = engine.p.sysplex.lpar(lpar)?.firmwareView() ?? null;
  return view === null ? { named: 1 } : { indexed: view.vcrtSize };
}

function down(host: LparHost): VarNode[] {
  return [leaf('LPAR', `${host.name} is down (or not IPLed yet)`)];
}

function viewed(host: LparHost, f: (v: NonNullable<ReturnType<LparHost['firmwareView']>>) => VarNode[]): VarNode[] {
  const v = host.firmwareView();
  if (v === null) return down(host);
  const rows = f(v);
  return rows.length > 0 ? rows : [leaf('(empty)', 'no rows')];
}

function vcrtScope(host: LparHost): VarChildren {
  return {
    named: () => (host.firmwareView() === null ? down(host) : []),
    indexed: {
      count: () => host.firmwareView()?.vcrtSize ?? 0,
      rows: (start, count) => {
        const v = host.firmwareView();
        if (v === null) return [];
        return v.vcrt(start, count).map((r) => leaf(`${r.client}:${r.clientPort}->${r.dvipa}:${r.port}`, r.target));
      },
    },
  };
}

function fieldsOf(o: object): VarNode[] {
  return Object.entries(o).map(([k, v]) => leaf(k, Array.isArray(v) ? v.join(', ') : v === null ? 'none' : v));
}

function xcfVars(engine: DebugEngine, host: LparHost): VarNode[] {
  const xcf = host.xcf;
  const joined = new Set(xcf.members());
  const out: VarNode[] = [
    leaf('member', xcf.isMember ? 'yes' : 'no'),
    leaf('members', [...joined].join(', ') || 'none'),
    leaf('failureDetection', formatTime(xcf.failureDetectionPs)),
    ...Object.entries(xcf.stats).map(([k, v]) => leaf(k, v)),
  ];
  // Every other system this one has signalling paths to: FICON CTC device pairs first, then list structures in
  // the CFs both reach (the numbering of xcf-down `A-B:n`).
  const links = engine.p.sysplex.xcfLinks.filter((l) => l.between.includes(host.name));
  for (const peer of engine.p.sysplex.lpars.map((l) => l.name).filter((n) => n !== host.name)) {
    const states = xcf.pathStates(peer);
    if (states.length === 0) continue;
    const ctc = links.filter((l) => l.between.includes(peer));
    const up = states.filter((st) => st).length;
    out.push(
      group(peer, `${joined.has(peer) ? 'joined' : 'not joined'}, ${up} of ${states.length} path(s) up`, () =>
        states.map((pathUp, i) => {
          const l = ctc.find((x) => x.path === i);
          if (l === undefined) return group(`path ${i}`, `${pathUp ? 'up' : 'down'} (list structure)`, () => [leaf('kind', 'list structure in a coupling facility')]);
          const port = l.link.a.owner === host ? l.link.a : l.link.b;
          return group(`path ${i}`, `${pathUp ? 'up' : 'down'} (${l.name})`, () => [
            leaf('link', l.name),
            leaf('latency', formatTime(l.timing.latencyPs)),
            leaf('rate', bitRate(l.timing.bps)),
            leaf('signalsSent', port.sent),
            leaf('bytesSent', port.bytesSent),
            leaf('dropped', port.dropped),
          ]);
        }),
      ),
    );
  }
  return out;
}

function osaVars(engine: DebugEngine, host: LparHost): VarNode[] {
  const spec = engine.p.scenario.topology.lpars.find((l) => l.name === host.name);
  const out: VarNode[] = [];
  for (const name of spec?.osas ?? []) {
    const osa = engine.p.sysplex.osa(name);
    if (osa === undefined) continue;
    const ospec = engine.p.scenario.topology.osas.find((o) => o.name === name);
    out.push(
      group(name, `${osa.isUp ? 'up' : 'down'}, ${osa.stats.rxFrames} rx, ${osa.stats.txFrames} tx, ${drops(osa)} dropped`, () => [
        leaf('state', osa.isUp ? 'up' : 'down'),
        leaf('mac', macToString(osa.mac)),
        leaf('lan', ospec?.lan ?? '?'),
        leaf('lineRate', ospec === undefined ? '?' : bitRate(ospec.bps)),
        leaf('inbperf', ospec?.inbperf ?? '?'),
        leaf('sharedBy', engine.map.sharers(name).join(', ')),
        group('addresses', `${osa.oat.size} registered`, () => oatVars(osa)),
        group('arp', `${osa.arp.size} entries`, () => osa.arp.entries().map(([ip, mac]) => leaf(ipToString(ip), macToString(mac)))),
        group('stats', '', () => Object.entries(osa.stats).map(([k, v]) => leaf(k, v))),
      ]),
    );
  }
  return out.length > 0 ? out : [leaf('(none)', `${host.name} defines no OSA`)];
}

function drops(osa: OsaPort): number {
  const s = osa.stats;
  return s.dropInboundFull + s.dropOutboundFull + s.dropUnregistered + s.dropPortDown + s.dropArpUnresolved + s.dropControlFull + s.dropMalformed;
}

/** The OSA Address Table with each address's LPAR: slots are the OSA's LPAR ports in the order attached. */
function oatVars(osa: OsaPort): VarNode[] {
  const slots = osa.ports.filter((p) => p.name !== 'lan').map((p) => p.name);
  return osa.oat.addresses().map((ip) => leaf(ipToString(ip), slots[osa.oat.owner(ip)] ?? '?'));
}

function cpuVars(host: LparHost): VarNode[] {
  const s = host.summary();
  const now = host.now;
  return [
    leaf('state', s.up ? 'up' : 'down'),
    leaf('ipls', s.ipls),
    leaf('processors', s.processors),
    leaf('clock', `${s.clockHz / 1e9} GHz`),
    leaf('busy', `${s.cpuBusyPct.toFixed(2)} %`),
    leaf('wlmWeight', s.wlmWeight),
    leaf('runQueue', s.runQueue),
    leaf('maxRunQueue', s.maxRunQueue),
    leaf('meanQueueDelay', formatTime(Math.round(s.meanQueueDelayPs))),
    leaf('inputs', s.inputs),
    leaf('inputsDropped', s.inputsDropped),
    group('CPs', `${s.processors}`, () =>
      Array.from({ length: s.processors }, (_, i) => {
        const free = host.cpu.freeTime(i);
        return leaf(`CP${i}`, free > now ? `busy for ${formatTime(free - now)}` : 'idle');
      }),
    ),
    group('connections', `${s.connections.length} service(s)`, () =>
      s.connections.map((c) => group(`${c.localIp}:${c.localPort}`, `total ${c.total}, active ${c.active}`, () => fieldsOf(c))),
    ),
  ];
}

/** The fields of an event, with its time, component and cause. */
export function eventChildren(e: DebugEvent): VarChildren {
  return {
    named: () => [
      leaf('time', `${formatTime(e.t)} (${e.t} ps)`),
      leaf('component', e.component),
      leaf('kind', e.kind),
      leaf('lpar', e.lpar),
      ...Object.entries(e.fields).filter(([, v]) => v !== undefined).map(([k, v]) => leaf(k, v)),
      ...(e.note !== null ? [leaf('note', e.note)] : []),
      ...(e.cause !== null ? [leaf('cause', describeEvent(e.cause))] : []),
    ],
  };
}

function bitRate(bps: number): string {
  if (bps >= 1e9) return `${bps / 1e9} Gb/s`;
  if (bps >= 1e6) return `${bps / 1e6} Mb/s`;
  return `${bps} b/s`;
}
