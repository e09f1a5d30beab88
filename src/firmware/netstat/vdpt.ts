// D TCPIP,<proc>,NETSTAT,VDPT[,DETAIL]: the Dynamic VIPA Destination Port Table of a distributing stack, one
// record per (DVIPA, port, target) in DESTIP order. Layouts: SYSPLEX-DISTRIBUTOR.md 2.1 (short: IBM sample and
// APAR PM78817; long: IBM samples; DETAIL and hot-standby lines as documented, TSR components fixed at 100
// because the emulator does not measure them).

import type { Stack } from '../stack.js';
import { PREFERRED_RANK, TARGET_IN_GROUP, TARGET_PATH_UP, type VdptPort } from '../sd/index.js';
import { type ReportBody, ipText, pad, zeros } from './format.js';
import { type NetstatOptions, addressMatches } from './options.js';

const LETTER: Record<string, string> = { BASEWLM: 'B', SERVERWLM: 'S', ROUNDROBIN: 'R', WEIGHTEDACTIVE: 'W', HOTSTANDBY: 'H' };

export function vdptReport(stack: Stack, o: NetstatOptions): ReportBody {
  const s = stack.sysplex;
  const lines = o.long
    ? ['DYNAMIC VIPA DESTINATION PORT TABLE FOR TCP/IP STACKS:']
    : ['DYNAMIC VIPA DESTINATION PORT TABLE:', 'DEST IPADDR     DPORT DESTXCF ADDR    RDY TOTALCONN  WLM TSR FLG'];
  let total = 0;
  let shown = 0;
  s.vdpt.forEachPort((p) => {
    if (!addressMatches(o, p.dvipa) || (o.port !== null && o.port !== p.port)) return;
    for (let k = 0; k < p.orderLength; k++) {
      const t = p.order[k]!;
      total++;
      if (shown >= o.max) continue;
      shown++;
      const xcf = ipText(s.xcfIpOf(s.targetName(t)));
      // ROUNDROBIN and HOTSTANDBY ignore weights; the column still shows the WLM weight the target reported.
      const weight = zeros(p.method === 'ROUNDROBIN' || p.method === 'HOTSTANDBY' ? p.systemWeight[t]! : p.displayWeight(t), 2);
      const inactive = (p.status[t]! & (TARGET_IN_GROUP | TARGET_PATH_UP)) !== (TARGET_IN_GROUP | TARGET_PATH_UP);
      const standby = p.method === 'HOTSTANDBY';
      if (o.long) {
        lines.push(`DEST:         ${ipText(p.dvipa)}..${p.port}`);
        lines.push(`  DESTXCF:    ${xcf}`);
        lines.push(`  TOTALCONN:  ${zeros(p.totalConn[t]!, 10)}  RDY: ${zeros(p.ready[t]!, 3)}  WLM: ${weight}  TSR: ${zeros(p.tsr[t]!, 3)}`);
        if (standby) lines.push(hotStandbyLine(p, t));
        const flags = standby ? (p.standby === t ? ['ACTIVE'] : []) : [p.method];
        if (p.dynamic) flags.unshift('DYNAMIC');
        if (inactive) flags.push('INACTIVE');
        lines.push(`  FLG: ${flags.join(', ')}`.trimEnd());
      } else {
        lines.push(`${pad(ipText(p.dvipa), 16)}${zeros(p.port, 5)} ${pad(xcf, 16)}${zeros(p.ready[t]!, 3)} ${zeros(p.totalConn[t]!, 10)} ${pad(weight, 4)}${zeros(p.tsr[t]!, 3)} ${LETTER[p.method]}`);
        if (o.detail && standby) {
          lines.push(hotStandbyLine(p, t));
          if (p.standby === t) lines.push('  FLG: ACTIVE');
        }
      }
      if (o.detail) {
        lines.push('  TCSR: 100  CER: 100  SEF: 100');
        lines.push(`  ABNORM: 00  HEALTH: 100`);
        lines.push(`  ACTCONN:    ${zeros(p.activeConn[t]!, 10)}`);
        lines.push('  QOSPLCACT: *DEFAULT*');
        lines.push(`    W/Q: ${weight}`);
      }
    }
  });
  return { lines, shown, total };
}

function hotStandbyLine(p: VdptPort, t: number): string {
  const rank = p.rank[t]!;
  return rank === PREFERRED_RANK ? '  DISTMETHOD: HOTSTANDBY  SRVTYPE: PREFERRED' : `  DISTMETHOD: HOTSTANDBY  SRVTYPE: BACKUP  RANK: ${zeros(rank, 3)}`;
}
