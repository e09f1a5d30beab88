// D TCPIP,<proc>,NETSTAT,VIPADYN[,DVIPA|VIPAROUTE]: the dynamic VIPAs this stack holds now, with their
// status (ACTIVE, BACKUP, QUIESCING, DEACTIVATED), origin, distribution role and activation time, then the
// VIPAROUTE entries (SYSPLEX-DISTRIBUTOR.md 2.3; header tokens reconstructed there).

import type { Stack } from '../stack.js';
import type { Dvipa } from '../sysplex/index.js';
import { type ReportBody, ipText, pad, prefixOf, timestamp } from './format.js';
import type { NetstatOptions } from './options.js';

export function origin(stack: Stack, d: Dvipa): string {
  if (d.owner === stack.hal.stackName) return d.define !== null ? 'VIPADEFINE' : 'VIPABACKUP';
  if (d.define !== null) return 'VIPADEFINE';
  if (d.backup !== null) return 'VIPABACKUP';
  return 'VIPADISTRIBUTE';
}

/** DIST, DEST, DIST/DEST or blank. */
export function distStat(stack: Stack, d: Dvipa): string {
  const dist = stack.sysplex.isDistributing(d);
  const dest = stack.sysplex.isDestination(d);
  return dist && dest ? 'DIST/DEST' : dist ? 'DIST' : dest ? 'DEST' : '';
}

export function vipadynReport(stack: Stack, o: NetstatOptions): ReportBody {
  const s = stack.sysplex;
  const lines: string[] = [];
  let total = 0;
  let shown = 0;
  if (o.part !== 'VIPAROUTE') {
    lines.push('DYNAMIC VIPA:');
    if (!o.long) lines.push('  IP ADDRESS      ADDRESSMASK     STATUS    ORIGINATION     DISTSTAT');
    for (const d of [...s.dvipas.values()].sort((a, b) => a.ip - b.ip)) {
      const status = s.displayState(d);
      if (status === null) continue;
      total++;
      if (shown >= o.max) continue;
      shown++;
      const mask = d.define?.mask ?? d.backup?.mask ?? 0xffffffff;
      const dist = distStat(stack, d);
      const act = status === 'ACTIVE' && d.activatedAt >= 0 ? timestamp(d.activatedAt) : null;
      if (o.long) {
        lines.push(`  IP ADDRESS/PREFIXLEN: ${ipText(d.ip)}/${prefixOf(mask)}`);
        lines.push(`    STATUS: ${pad(status, 12)}ORIGIN: ${pad(origin(stack, d), 16)}DISTSTAT: ${dist}`.trimEnd());
        if (act !== null) lines.push(`    ACTTIME: ${act}`);
      } else {
        lines.push(`  ${pad(ipText(d.ip), 16)}${pad(ipText(mask), 16)}${pad(status, 10)}${pad(origin(stack, d), 16)}${dist}`.trimEnd());
        if (act !== null) lines.push(`    ACTTIME:      ${act}`);
      }
    }
  }
  if (o.part !== 'DVIPA' && stack.profile.vipaRoutes.length > 0 && s.inGroup) {
    lines.push('VIPA ROUTE:');
    for (const r of stack.profile.vipaRoutes) {
      total++;
      if (shown >= o.max) continue;
      shown++;
      const target = r.xcfIp === null ? null : [...s.members].find(([, m]) => m.xcfIp === r.xcfIp);
      const status = r.xcfIp === null || target !== undefined ? 'ACTIVE' : 'INACTIVE';
      // SHORT aligns the values at column 18, LONG follows each label with one blank.
      const label = (l: string) => (o.long ? `${l} ` : pad(l, 18));
      lines.push(`${label('  DESTXCF:')}${r.xcfIp === null ? 'DEFAULT' : ipText(r.xcfIp)}`);
      lines.push(`${label('    TARGETIP:')}${ipText(r.targetIp)}`);
      lines.push(`${label('    RTSTATUS:')}${status}`);
    }
  }
  return { lines, shown, total };
}
