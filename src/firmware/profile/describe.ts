// What `sysplex-emu validate X.tcpip [--json]` prints for a profile: the DVIPAs with owner/backup ranks, the
// distributions with methods, ports, targets and weights, interfaces, routes, and the statements not modelled.

import { formatIpv4 } from './ipv4.js';
import type { DistDestination, Profile, VipaDistribute } from './types.js';

export interface ProfileDescription {
  /** Lines for a terminal, ending with a newline. */
  readonly human: string;
  /** The one-screen summary: what was modelled, what was accepted without modelling (with lines). */
  readonly summary: string;
  /** The same content as plain JSON data (addresses dotted). */
  readonly json: Record<string, unknown>;
}

/** `7 80 8000-8099`: consecutive ports folded into ranges. */
export function formatPorts(ports: readonly number[]): string {
  if (ports.length === 0) return 'all (dynamic)';
  const sorted = [...ports].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(' ');
}

function destinationJson(d: DistDestination): Record<string, unknown> {
  return {
    xcfIp: formatIpv4(d.xcfIp),
    ...(d.weight !== undefined ? { weight: d.weight } : {}),
    ...(d.role !== undefined ? { role: d.role } : {}),
    ...(d.rank !== undefined ? { rank: d.rank } : {}),
  };
}

function destinationText(d: DistDestination): string {
  if (d.weight !== undefined) return `${formatIpv4(d.xcfIp)} WEIGHT ${d.weight}`;
  if (d.role === 'BACKUP') return `${formatIpv4(d.xcfIp)} BACKUP ${d.rank}`;
  if (d.role === 'PREFERRED') return `${formatIpv4(d.xcfIp)} PREFERRED`;
  return formatIpv4(d.xcfIp);
}

function distributionOptions(d: VipaDistribute): string[] {
  const o = [`DISTMETHOD ${d.method}`];
  if (d.procType !== null) o.push(`PROCTYPE CP ${d.procType.cp} ZAAP ${d.procType.zaap} ZIIP ${d.procType.ziip}`);
  if (d.procXCost !== null) o.push(`PROCXCOST ZAAP ${d.procXCost.zaap} ZIIP ${d.procXCost.ziip}`);
  if (d.ilWeighting !== null) o.push(`ILWEIGHTING ${d.ilWeighting}`);
  if (d.method === 'HOTSTANDBY') {
    o.push(d.autoSwitchBack ? 'AUTOSWITCHBACK' : 'NOAUTOSWITCHBACK', d.healthSwitch ? 'HEALTHSWITCH' : 'NOHEALTHSWITCH');
  }
  o.push(d.optLocal === null ? 'NOOPTLOCAL' : `OPTLOCAL ${d.optLocal}`);
  if (d.timedAffinity > 0) o.push(`TIMEDAFFINITY ${d.timedAffinity}`);
  if (d.sysplexPorts) o.push('SYSPLEXPORTS');
  return o;
}

/** `  LABEL  a 1, b 2,` lines of at most 110 columns, continuation lines indented under the first item. */
function wrap(label: string, items: readonly string[]): string[] {
  const head = `  ${pad(label, 22)}`;
  const lines: string[] = [];
  let line = head;
  items.forEach((item, i) => {
    const text = i < items.length - 1 ? `${item}, ` : item;
    if (line.length + text.length > 110 && line.trim() !== label) {
      lines.push(line.trimEnd());
      line = ' '.repeat(head.length);
    }
    line += text;
  });
  lines.push(line.trimEnd());
  return lines;
}

/** The one-screen summary `validate` prints first. */
export function summarize(p: Profile): string {
  const out: string[] = [];
  const modelled = Object.entries(p.modelled).map(([k, n]) => (n > 1 ? `${k} x${n}` : k));
  out.push(`Modelled: ${modelled.length === 0 ? 'nothing' : modelled.join(', ')}`);
  out.push(`  ${p.interfaces.length + p.links.length} interfaces, ${p.routes.length} routes, ` +
    `${p.vipaDefines.length + p.vipaBackups.length} DVIPAs, ${p.vipaDistributes.length} distributions` +
    `${p.includes.length > 0 ? `, ${p.includes.length} INCLUDEd data sets (${p.includes.map((i) => i.dsn).join(', ')})` : ''}`);
  // Whole statements on shared lines; operands grouped under their statement, one line each.
  const groups = new Map<string, string[]>();
  for (const n of p.notModelled) {
    const key = n.operand === undefined ? '' : n.statement;
    const item = `${n.operand ?? n.statement} ${n.file !== undefined ? `${n.file}:` : ''}${n.line}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [item]);
    else list.push(item);
  }
  out.push(`Accepted, not modelled (${p.notModelled.length}, with lines):${groups.size === 0 ? ' nothing' : ''}`);
  const statements = groups.get('');
  if (statements !== undefined) out.push(...wrap('statements', statements));
  for (const [key, items] of groups) if (key !== '') out.push(...wrap(key, items));
  out.push('Refused: nothing');
  return out.join('\n') + '\n';
}

const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length));

export function describeProfile(p: Profile): ProfileDescription {
  const out: string[] = [`PROFILE.TCPIP ${p.file}`];
  const ipc = p.ipconfig;
  const flags = [ipc.datagramFwd ? 'DATAGRAMFWD' : 'NODATAGRAMFWD', ipc.sysplexRouting ? 'SYSPLEXROUTING' : 'NOSYSPLEXROUTING'];
  if (ipc.sourceVipa) flags.push('SOURCEVIPA');
  if (ipc.multipath !== null) flags.push(`MULTIPATH ${ipc.multipath}`);
  out.push(`  IPCONFIG     ${flags.join(' ')}`);
  const xcf = p.dynamicXcf;
  out.push(`  DYNAMICXCF   ${xcf === null ? 'none' : `${formatIpv4(xcf.ip)}/${xcf.prefixLen} cost ${xcf.cost}`}`);
  if (p.globalConfig.xcfGroupId !== null) out.push(`  XCFGRPID     ${p.globalConfig.xcfGroupId}`);
  out.push(`  WLM polling  ${p.globalConfig.sysplexWlmPoll} s`);
  const mon = p.globalConfig.sysplexMonitor;
  const monFlags = [mon.recovery ? 'RECOVERY' : '', mon.monInterface ? 'MONINTERFACE' : '', mon.autoRejoin ? 'AUTOREJOIN' : '', mon.delayJoin ? 'DELAYJOIN' : '']
    .filter((s) => s !== '');
  if (monFlags.length > 0) out.push(`  SYSPLEXMONITOR ${monFlags.join(' ')} TIMERSECS ${mon.timerSecs}`);

  out.push(`Interfaces (${p.interfaces.length + p.links.length}):`);
  for (const i of p.interfaces) {
    const extra = [i.portName !== null ? `PORTNAME ${i.portName}` : '', i.mtu !== null ? `MTU ${i.mtu}` : '',
      i.inbperf !== null ? `INBPERF ${i.inbperf}` : '', i.monSysplex ? 'MONSYSPLEX' : ''].filter((s) => s !== '');
    out.push(`  ${pad(i.name, 10)}${pad(i.type, 10)}${pad(`${formatIpv4(i.ip)}/${i.prefixLen}`, 20)}${extra.join('  ')}`.trimEnd());
  }
  for (const l of p.links) {
    const homes = p.homes.filter((h) => h.linkName === l.name).map((h) => formatIpv4(h.ip));
    out.push(`  ${pad(l.name, 10)}${pad(`LINK ${l.type}`, 20)}device ${l.device}${homes.length ? `  HOME ${homes.join(' ')}` : ''}`);
  }

  out.push(`Routes (${p.routes.length}):`);
  for (const r of p.routes) {
    const dest = r.isDefault ? 'DEFAULT' : `${formatIpv4(r.dest)}/${r.prefixLen}`;
    const gw = r.gateway === null ? '=' : formatIpv4(r.gateway);
    out.push(`  ${pad(dest, 20)}${pad(gw, 17)}${pad(r.ifName, 10)}${r.mtu !== null ? `MTU ${r.mtu}` : ''}`.trimEnd());
  }

  out.push(`Dynamic VIPAs (${p.vipaDefines.length + p.vipaBackups.length}):`);
  for (const d of p.vipaDefines) {
    out.push(`  ${pad(`${formatIpv4(d.ip)}/${d.prefixLen}`, 20)}VIPADEFINE  owner${d.moveable !== null ? `  MOVEABLE ${d.moveable}` : ''}`);
  }
  for (const d of p.vipaBackups) {
    const ip = d.prefixLen === null ? formatIpv4(d.ip) : `${formatIpv4(d.ip)}/${d.prefixLen}`;
    out.push(`  ${pad(ip, 20)}VIPABACKUP  rank ${d.rank}${d.moveable !== null ? `  MOVEABLE ${d.moveable}` : ''}`);
  }
  for (const r of p.vipaRanges) {
    out.push(`  ${pad(`${formatIpv4(r.ip)}/${r.prefixLen}`, 20)}VIPARANGE   MOVEABLE ${r.moveable}`);
  }

  out.push(`VIPADISTRIBUTE (${p.vipaDistributes.length}):`);
  for (const d of p.vipaDistributes) {
    out.push(`  ${formatIpv4(d.ip)} PORT ${formatPorts(d.ports)}`);
    out.push(`    ${distributionOptions(d).join('  ')}`);
    out.push(`    DESTIP ${d.destinations === 'ALL' ? 'ALL' : d.destinations.map(destinationText).join(', ')}`);
  }
  for (const r of p.vipaRoutes) {
    out.push(`  VIPAROUTE ${r.xcfIp === null ? 'DEFAULT' : formatIpv4(r.xcfIp)} -> ${formatIpv4(r.targetIp)}`);
  }

  if (p.portReservations.length > 0) {
    out.push(`Port reservations (${p.portReservations.length}):`);
    for (const r of p.portReservations) {
      out.push(`  ${pad(`${r.port}`, 6)}${pad(r.protocol, 4)}${r.jobName}${r.shareport !== null ? `  ${r.shareport}` : ''}`);
    }
  }
  out.push(`Ignored statements (${p.ignored.length}, accepted but not modelled):`);
  for (const s of p.ignored) out.push(`  ${pad(s.name, 28)}at ${s.file !== undefined ? `${s.file}:` : ''}${s.line}:${s.col}`);

  const json: Record<string, unknown> = {
    file: p.file,
    ipconfig: { ...p.ipconfig, tcpStackSourceVipa: ipc.tcpStackSourceVipa === null ? null : formatIpv4(ipc.tcpStackSourceVipa) },
    dynamicXcf: xcf === null ? null : { ip: formatIpv4(xcf.ip), mask: formatIpv4(xcf.mask), prefixLen: xcf.prefixLen, cost: xcf.cost },
    globalConfig: p.globalConfig,
    interfaces: p.interfaces.map((i) => ({
      name: i.name, type: i.type, portName: i.portName, ip: formatIpv4(i.ip), prefixLen: i.prefixLen, mtu: i.mtu,
      inbperf: i.inbperf,
    })),
    devices: p.devices.map((d) => ({ name: d.name, type: d.type })),
    links: p.links.map((l) => ({ name: l.name, type: l.type, device: l.device })),
    homes: p.homes.map((h) => ({ ip: formatIpv4(h.ip), linkName: h.linkName })),
    routes: p.routes.map((r) => ({
      dest: r.isDefault ? 'DEFAULT' : `${formatIpv4(r.dest)}/${r.prefixLen}`,
      gateway: r.gateway === null ? null : formatIpv4(r.gateway), ifName: r.ifName, mtu: r.mtu,
    })),
    dvipas: [
      ...p.vipaDefines.map((d) => ({
        ip: formatIpv4(d.ip), prefixLen: d.prefixLen, role: 'OWNER', statement: 'VIPADEFINE', rank: null, moveable: d.moveable,
      })),
      ...p.vipaBackups.map((d) => ({
        ip: formatIpv4(d.ip), prefixLen: d.prefixLen, role: 'BACKUP', statement: 'VIPABACKUP', rank: d.rank, moveable: d.moveable,
      })),
    ],
    vipaRanges: p.vipaRanges.map((r) => ({ ip: formatIpv4(r.ip), prefixLen: r.prefixLen, moveable: r.moveable })),
    distributions: p.vipaDistributes.map((d) => ({
      dvipa: formatIpv4(d.ip), ports: d.ports, method: d.method, procType: d.procType, procXCost: d.procXCost,
      ilWeighting: d.ilWeighting, autoSwitchBack: d.autoSwitchBack, healthSwitch: d.healthSwitch,
      optLocal: d.optLocal, timedAffinity: d.timedAffinity, sysplexPorts: d.sysplexPorts,
      destinations: d.destinations === 'ALL' ? 'ALL' : d.destinations.map(destinationJson),
    })),
    vipaRoutes: p.vipaRoutes.map((r) => ({ xcfIp: r.xcfIp === null ? 'DEFAULT' : formatIpv4(r.xcfIp), targetIp: formatIpv4(r.targetIp) })),
    portReservations: p.portReservations.map((r) => ({
      port: r.port, protocol: r.protocol, jobName: r.jobName, shareport: r.shareport,
      bind: r.bind === null ? null : formatIpv4(r.bind),
    })),
    starts: p.starts.map((s) => s.name),
    ignored: p.ignored,
    modelled: p.modelled,
    notModelled: p.notModelled,
    includes: p.includes.map((i) => ({ dsn: i.dsn, file: i.file, line: i.at.line, col: i.at.col, ...(i.at.file !== undefined ? { from: i.at.file } : {}) })),
  };
  return { human: out.join('\n') + '\n', summary: summarize(p), json };
}
