// D TCPIP,<proc>,NETSTAT,VCRT[,DETAIL]: the Dynamic VIPA Connection Routing Table (SYSPLEX-DISTRIBUTOR.md
// 2.2). What a stack shows depends on its role: a distributor every connection it routes, plus each timed
// affinity whose client has no open connection (a record with source port 0); a target the connections to a
// distributed DVIPA it is an endpoint of. Rows come in table order; MAX= limits the rows shown, the records
// line counts every row that matched.

import type { Stack } from '../stack.js';
import { type ReportBody, ipText, pad, zeros } from './format.js';
import { type NetstatOptions, addressMatches } from './options.js';

interface Row {
  dvipa: number;
  port: number;
  client: number;
  clientPort: number;
  xcf: number;
  /** TIMEDAFFINITY seconds of the port, and the client's open connections under the affinity (-1: none). */
  affinity: number;
  affinityCount: number;
}

export function vcrtReport(stack: Stack, now: number, o: NetstatOptions): ReportBody {
  const s = stack.sysplex;
  const lines = o.long ? ['DYNAMIC VIPA CONNECTION ROUTING TABLE:'] : ['DYNAMIC VIPA CONNECTION ROUTING TABLE:', 'DEST IPADDR     DPORT SRC IPADDR      SPORT DESTXCF ADDR'];
  let total = 0;
  let shown = 0;
  const emit = (r: Row) => {
    if (!addressMatches(o, r.dvipa) || (o.port !== null && o.port !== r.port)) return;
    total++;
    if (shown >= o.max) return;
    shown++;
    if (o.long) {
      lines.push(`DEST:         ${ipText(r.dvipa)}..${r.port}`);
      lines.push(`  SOURCE:     ${ipText(r.client)}..${r.clientPort}`);
      lines.push(`  DESTXCF:    ${ipText(r.xcf)}`);
    } else {
      lines.push(`${pad(ipText(r.dvipa), 16)}${zeros(r.port, 5)} ${pad(ipText(r.client), 16)}${zeros(r.clientPort, 5)} ${ipText(r.xcf)}`);
    }
    if (o.detail) {
      lines.push('  POLICYRULE:    *NONE*');
      lines.push('  POLICYACTION:  *NONE*');
      if (r.affinity > 0) lines.push(`  TIMAFF:        ${r.affinity}  AFFCNT: ${r.affinityCount}`);
    }
  };
  const xcfOf = (t: number) => s.xcfIpOf(s.targetName(t));
  // Distributor: the rows it routes by, then the idle affinities.
  s.vcrt.forEach((client, clientPort, dvipa, port, target) => {
    const p = s.vdpt.get(dvipa, port);
    const secs = p === undefined ? 0 : p.affinityPs / 1e12;
    emit({ dvipa, port, client, clientPort, xcf: xcfOf(target), affinity: secs, affinityCount: secs > 0 ? s.affinity.useCount(client, p!.service) : 0 });
  });
  s.affinity.forEach((client, svc, target, count, expiresAt) => {
    if (count > 0 || expiresAt <= now) return;
    const p = s.vdpt.byService(svc);
    if (p === undefined) return;
    emit({ dvipa: p.dvipa, port: p.port, client, clientPort: 0, xcf: xcfOf(target), affinity: p.affinityPs / 1e12, affinityCount: 0 });
  });
  // Target: its own connections to DVIPAs another stack distributes.
  const selfXcf = s.xcfIpOf(stack.hal.stackName);
  for (const d of s.dvipas.values()) {
    if (d.ad === null || d.owner === stack.hal.stackName || !s.isDestination(d)) continue;
    for (const c of stack.tcp.connections()) {
      if (c.localIp !== d.ip || !d.ad.ports.includes(c.localPort)) continue;
      emit({ dvipa: d.ip, port: c.localPort, client: c.remoteIp, clientPort: c.remotePort, xcf: selfXcf, affinity: 0, affinityCount: 0 });
    }
  }
  return { lines, shown, total };
}
