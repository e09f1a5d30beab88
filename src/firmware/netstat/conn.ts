// D TCPIP,<proc>,NETSTAT,CONN: the stack's TCP sockets: listeners (foreign socket 0.0.0.0..0) and
// connections, each with the job that owns it, its connection id (hex) and state as the console abbreviates
// it (ESTBLSH, TIMEWT ...). IPADDR= filters on the foreign address, PORT= on the local port.

import type { Stack } from '../stack.js';
import { zosStateName } from '../tcp/types.js';
import { type ReportBody, hex8, ipText, pad } from './format.js';
import { type NetstatOptions, addressMatches } from './options.js';

interface Socket {
  user: string;
  id: number;
  local: string;
  foreign: string;
  state: string;
}

export function connReport(stack: Stack, o: NetstatOptions): ReportBody {
  const sockets: Socket[] = [];
  // Listeners have no connection id of their own: the port stands in for it.
  for (const l of [...stack.tcp.listeners()].sort((a, b) => a.port - b.port)) {
    if (o.filter !== null || (o.port !== null && o.port !== l.port)) continue;
    const user = stack.apps.get(l.port)?.jobName ?? 'TCPIP';
    sockets.push({ user, id: l.port, local: `${ipText(l.ip)}..${l.port}`, foreign: '0.0.0.0..0', state: 'LISTEN' });
  }
  for (const c of stack.tcp.connections()) {
    if (!addressMatches(o, c.remoteIp) || (o.port !== null && o.port !== c.localPort)) continue;
    const app = stack.apps.get(c.localPort);
    const user = app !== undefined && c.listener !== null ? app.jobName : 'TCPIP';
    sockets.push({ user, id: c.id, local: `${ipText(c.localIp)}..${c.localPort}`, foreign: `${ipText(c.remoteIp)}..${c.remotePort}`, state: zosStateName(c.state).toUpperCase() });
  }
  const lines = o.long ? ['USER ID  CONN     STATE'] : ['USER ID  CONN     LOCAL SOCKET           FOREIGN SOCKET         STATE'];
  let shown = 0;
  for (const k of sockets) {
    if (shown >= o.max) break;
    shown++;
    if (o.long) {
      lines.push(`${pad(k.user, 9)}${hex8(k.id)} ${k.state}`);
      lines.push(`  LOCAL SOCKET:   ${k.local}`);
      lines.push(`  FOREIGN SOCKET: ${k.foreign}`);
    } else {
      lines.push(`${pad(k.user, 9)}${hex8(k.id)} ${pad(k.local, 23)}${pad(k.foreign, 23)}${k.state}`);
    }
  }
  return { lines, shown, total: sockets.length };
}
