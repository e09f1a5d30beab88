// D TCPIP,<proc>,NETSTAT,HOME: the stack's home list: its interface addresses (the first PRIMARY), the DVIPAs
// it owns (link VIPL + hex address) and those it holds as a distribution target (flag I, internal: not
// advertised, not registered with the OSA), the dynamic XCF address, and loopback.

import type { Stack } from '../stack.js';
import { type ReportBody, hex8, ipText, pad, viplName } from './format.js';
import type { NetstatOptions } from './options.js';

interface Home {
  ip: number;
  link: string;
  /** INTFNAME (INTERFACE statement) or LINKNAME. */
  interface: boolean;
  flag: '' | 'P' | 'I';
}

export function homeReport(stack: Stack, o: NetstatOptions): ReportBody {
  const s = stack.sysplex;
  const interfaces = new Set(stack.profile.interfaces.map((i) => i.name));
  const homes: Home[] = stack.homes.map((h, i) => ({ ip: h.ip, link: h.ifName, interface: interfaces.has(h.ifName), flag: i === 0 ? 'P' : '' }));
  for (const d of [...s.dvipas.values()].sort((a, b) => a.ip - b.ip)) {
    const state = s.displayState(d);
    if (d.owner === stack.hal.stackName) homes.push({ ip: d.ip, link: viplName(d.ip), interface: false, flag: '' });
    else if (state !== null && state !== 'DEACTIVATED' && s.isDestination(d)) homes.push({ ip: d.ip, link: viplName(d.ip), interface: false, flag: 'I' });
  }
  const xcf = stack.profile.dynamicXcf;
  if (xcf !== null && s.inGroup) homes.push({ ip: xcf.ip, link: `IQDIOLNK${hex8(xcf.ip)}`, interface: false, flag: '' });
  homes.push({ ip: 0x7f000001, link: 'LOOPBACK', interface: false, flag: '' });
  const lines = o.long ? ['HOME ADDRESS LIST:'] : ['HOME ADDRESS LIST:', 'ADDRESS          LINK             FLG'];
  let shown = 0;
  for (const h of homes) {
    if (shown >= o.max) break;
    shown++;
    if (o.long) {
      lines.push(`${h.interface ? 'INTFNAME:' : 'LINKNAME:'}   ${h.link}`);
      lines.push(`  ADDRESS:  ${ipText(h.ip)}`);
      lines.push(`    FLAGS:  ${h.flag === 'P' ? 'PRIMARY' : h.flag === 'I' ? 'INTERNAL' : ''}`.trimEnd());
    } else {
      lines.push(`${pad(ipText(h.ip), 17)}${pad(h.link, 17)}${h.flag}`.trimEnd());
    }
  }
  return { lines, shown, total: homes.length };
}
