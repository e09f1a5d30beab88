// D TCPIP,<proc>,NETSTAT,VIPADCFG[,DETAIL]: the VIPADYNAMIC configuration (SYSPLEX-DISTRIBUTOR.md 2.4, IBM
// sample re-created): VIPA BACKUP, VIPA DEFINE, VIPA RANGE, VIPA DISTRIBUTE and VIPA ROUTE sections, each only
// when it has entries. DVIPAs the operator deactivated follow under DEACTIVATED DYNAMIC VIPA INFORMATION; out
// of the sysplex group (LEAVEGROUP) the whole saved configuration is listed there. DETAIL adds the OPTLOCAL
// value and the WEIGHTEDACTIVE weights.

import type { Stack } from '../stack.js';
import type { VipaBackup, VipaDefine, VipaDistribute } from '../profile/types.js';
import { type ReportBody, ipText, pad, zeros } from './format.js';
import { type NetstatOptions, addressMatches } from './options.js';

export function vipadcfgReport(stack: Stack, o: NetstatOptions): ReportBody {
  const p = stack.profile;
  const s = stack.sysplex;
  const deactivated = (ip: number) => !s.inGroup || s.dvipas.get(ip)?.deactivated === true;
  const lines: string[] = [];
  const section = (active: boolean) => {
    const keep = (ip: number) => addressMatches(o, ip) && deactivated(ip) !== active;
    const backups = p.vipaBackups.filter((b) => keep(b.ip));
    const defines = p.vipaDefines.filter((d) => keep(d.ip));
    const ranges = active && s.inGroup ? p.vipaRanges.filter((r) => addressMatches(o, r.ip)) : [];
    const dists = p.vipaDistributes.filter((v) => keep(v.ip));
    const routes = active && s.inGroup ? p.vipaRoutes.filter((r) => addressMatches(o, r.xcfIp ?? r.targetIp)) : [];
    if (backups.length + defines.length + ranges.length + dists.length + routes.length === 0) return;
    lines.push(active ? 'DYNAMIC VIPA INFORMATION:' : 'DEACTIVATED DYNAMIC VIPA INFORMATION:');
    if (backups.length > 0) lines.push('  VIPA BACKUP:', ...backups.flatMap(backupLines));
    if (defines.length > 0) lines.push('  VIPA DEFINE:', ...defines.flatMap(defineLines));
    if (ranges.length > 0) {
      lines.push('  VIPA RANGE:');
      for (const r of ranges) lines.push(`    IPADDR/PREFIXLEN: ${ipText(r.ip)}/${r.prefixLen}`, `      MOVEABLE: ${r.moveable === 'NONDISRUPTIVE' ? 'NONDISR' : 'DISRUPT'}`);
    }
    if (dists.length > 0) lines.push('  VIPA DISTRIBUTE:', ...dists.flatMap((v) => distributeLines(v, o.detail)));
    if (routes.length > 0) {
      lines.push('  VIPA ROUTE:');
      for (const r of routes) lines.push(`    DESTXCF: ${r.xcfIp === null ? 'DEFAULT' : ipText(r.xcfIp)}`, `      TARGETIP: ${ipText(r.targetIp)}`);
    }
  };
  section(true);
  section(false);
  return { lines, shown: null, total: 0 };
}

function backupLines(b: VipaBackup): string[] {
  // MOVEABLE and SRVMGR print only when MOVEABLE was coded on the VIPABACKUP.
  const moveable = b.moveable ?? '';
  const srvmgr = b.moveable === null ? '' : b.serviceMgr ? 'YES' : 'NO';
  return [
    `    IPADDR/PREFIXLEN: ${ipText(b.ip)}${b.prefixLen !== null ? `/${b.prefixLen}` : ''}`,
    `      RANK: ${zeros(b.rank, 6)}  MOVEABLE: ${pad(moveable, 11)}SRVMGR: ${srvmgr}`.trimEnd(),
  ];
}

function defineLines(d: VipaDefine): string[] {
  return [`    IPADDR/PREFIXLEN: ${ipText(d.ip)}/${d.prefixLen}`, `      MOVEABLE: ${d.moveable ?? 'IMMEDIATE'}  SRVMGR: ${d.serviceMgr ? 'YES' : 'NO'}`];
}

function distributeLines(v: VipaDistribute, detail: boolean): string[] {
  const out: string[] = [];
  const dests = v.destinations === 'ALL' ? [null] : v.destinations;
  const ports = v.ports.length > 0 ? v.ports : [0];
  const yesNo = (b: boolean) => (b ? 'YES' : 'NO');
  for (const port of ports) {
    for (const d of dests) {
      out.push(`    DEST:        ${ipText(v.ip)}..${port}`);
      out.push(`      DESTXCF:   ${d === null ? 'ALL' : ipText(d.xcfIp)}`);
      if (v.method === 'HOTSTANDBY' && d !== null) {
        const type = d.role === 'PREFERRED' ? 'SRVTYPE: PREFERRED' : `SRVTYPE: BACKUP  RANK: ${zeros(d.rank ?? 1, 3)}`;
        out.push(`      DISTMETHOD: ${pad('HOTSTANDBY', 14)}${type}`);
        out.push(`      AUTOSWITCHBACK: ${pad(yesNo(v.autoSwitchBack), 10)}HEALTHSWITCH: ${yesNo(v.healthSwitch)}`);
      } else {
        out.push(`      DISTMETHOD: ${v.method}`);
      }
      if (detail && v.method === 'WEIGHTEDACTIVE' && d !== null) out.push(`      WEIGHT:    ${d.weight ?? 1}`);
      if (detail && v.procType !== null) out.push(`      PROCTYPE:  CP ${v.procType.cp}  ZAAP ${v.procType.zaap}  ZIIP ${v.procType.ziip}`);
      const timaff = v.timedAffinity > 0 ? String(v.timedAffinity) : 'NO';
      out.push(`      SYSPT:     ${pad(yesNo(v.sysplexPorts), 5)}TIMAFF: ${pad(timaff, 6)}FLG:`);
      out.push(`      OPTLOC:    ${v.optLocal === null ? 'NO' : detail ? String(v.optLocal) : 'YES'}`);
    }
  }
  return out;
}
