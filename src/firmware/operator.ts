// Operator commands over the firmware's state, typed as operators type them (case-insensitive):
//   D TCPIP,<stack>,NETSTAT|N,VDPT|VCRT|VIPADYN|VIPADCFG|HOME|CONN     (IPv4-only stack: short format, EZZ2500I)
//   V TCPIP,<stack>,SYSPLEX,LEAVEGROUP|JOINGROUP|DEACTIVATE,DVIPA=ip|REACTIVATE,DVIPA=ip
//   S jobname / P jobname                                             (start or stop a built-in server)
// Report layouts follow SYSPLEX-DISTRIBUTOR.md section 2 (IBM samples where documented, reconstructed where not).

import type { Stack } from './stack.js';
import { ipText } from './sd/types.js';
import { zosStateName } from './tcp/types.js';

const RELEASE = 'V2R5';

export function operatorCommand(stack: Stack, now: number, text: string): string {
  const words = text.trim().toUpperCase().split(/\s+/);
  const verb = words[0] ?? '';
  const args = (words.slice(1).join('') || '').split(',');
  if ((verb === 'S' || verb === 'START') && args[0]) return stack.startJob(now, args[0]);
  if ((verb === 'P' || verb === 'STOP') && args[0]) return stack.stopJob(now, args[0]);
  if (args[0] !== 'TCPIP') return `IEE305I ${verb} COMMAND INVALID`;
  const target = args[1] ?? '';
  if (target !== '' && target !== stack.hal.stackName) return `EZZ0059I ${target} IS NOT ACTIVE ON THIS SYSTEM`;
  if (verb === 'D' || verb === 'DISPLAY') return display(stack, args.slice(2));
  if (verb === 'V' || verb === 'VARY') return vary(stack, now, args.slice(2));
  return `IEE305I ${verb} COMMAND INVALID`;
}

function display(stack: Stack, args: string[]): string {
  const [what, report] = args;
  if (what !== 'NETSTAT' && what !== 'N') return `EZZ0371I INVALID D TCPIP COMMAND: ${args.join(',')}`;
  const lines = reportLines(stack, report ?? '');
  if (lines === null) return `EZZ2385I INVALID NETSTAT REPORT ${report ?? ''}`;
  return [`EZZ2500I NETSTAT CS ${RELEASE} ${stack.hal.stackName}`, ...lines, 'END OF THE REPORT'].join('\n');
}

function records(n: number, m = n): string {
  return `${n} OF ${m} RECORDS DISPLAYED`;
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const zeros = (v: number, n: number) => String(Math.trunc(v)).padStart(n, '0');

function reportLines(stack: Stack, report: string): string[] | null {
  const view = stack.inspect();
  const s = stack.sysplex;
  switch (report) {
    case 'VDPT': {
      const out = ['DYNAMIC VIPA DESTINATION PORT TABLE:', 'DEST IPADDR     DPORT DESTXCF ADDR    RDY TOTALCONN  WLM TSR FLG'];
      for (const r of view.vdpt) {
        const flg = r.method === 'BASEWLM' ? 'B' : r.method === 'SERVERWLM' ? 'S' : r.method === 'ROUNDROBIN' ? 'R' : r.method === 'WEIGHTEDACTIVE' ? 'W' : 'H';
        out.push(`${pad(r.dvipa, 16)}${zeros(r.port, 5)} ${pad(r.targetXcf, 16)}${zeros(r.ready, 3)} ${zeros(r.totalConn, 10)} ${zeros(r.weight, 2)}  100 ${flg}`);
        out.push(`  ACTCONN:    ${zeros(r.activeConn, 10)}`);
      }
      out.push(records(view.vdpt.length));
      return out;
    }
    case 'VCRT': {
      const out = ['DYNAMIC VIPA CONNECTION ROUTING TABLE:', 'DEST IPADDR     DPORT SRC IPADDR      SPORT DESTXCF ADDR'];
      const max = 100;
      const rows = view.vcrt(0, max);
      for (const r of rows) out.push(`${pad(r.dvipa, 16)}${zeros(r.port, 5)} ${pad(r.client, 16)}${zeros(r.clientPort, 5)} ${ipText(s.xcfIpOf(r.target))}`);
      out.push(records(rows.length, view.vcrtSize));
      return out;
    }
    case 'VIPADYN': {
      const out = ['DYNAMIC VIPA:', '  IP ADDRESS      ADDRESSMASK     STATUS    ORIGINATION     DISTSTAT'];
      for (const d of view.dvipas) {
        const dvipa = s.dvipas.get(ipToNumber(d.ip))!;
        const mask = dvipa.define?.mask ?? dvipa.backup?.mask ?? 0xffffff00;
        const target = dvipa.ad !== null;
        const dist = d.distributing ? (target ? 'DIST/DEST' : 'DIST') : target ? 'DEST' : '';
        out.push(`  ${pad(d.ip, 16)}${pad(ipText(mask), 16)}${pad(d.state, 10)}${pad(d.origin, 16)}${dist}`.trimEnd());
      }
      out.push(records(view.dvipas.length));
      return out;
    }
    case 'VIPADCFG': {
      const out = ['DYNAMIC VIPA INFORMATION:'];
      const backups = stack.profile.vipaBackups;
      if (backups.length > 0) {
        out.push('  VIPA BACKUP:');
        for (const b of backups) {
          out.push(`    IPADDR/PREFIXLEN: ${ipText(b.ip)}${b.prefixLen !== null ? `/${b.prefixLen}` : ''}`);
          out.push(`      RANK: ${zeros(b.rank, 6)}  MOVEABLE: ${pad(b.moveable ?? '', 10)} SRVMGR: ${b.serviceMgr ? 'YES' : 'NO'}`);
        }
      }
      if (stack.profile.vipaDefines.length > 0) {
        out.push('  VIPA DEFINE:');
        for (const d of stack.profile.vipaDefines) {
          out.push(`    IPADDR/PREFIXLEN: ${ipText(d.ip)}/${d.prefixLen}`);
          out.push(`      MOVEABLE: ${d.moveable ?? 'IMMEDIATE'}  SRVMGR: ${d.serviceMgr ? 'YES' : 'NO'}`);
        }
      }
      if (stack.profile.vipaDistributes.length > 0) {
        out.push('  VIPA DISTRIBUTE:');
        for (const v of stack.profile.vipaDistributes) {
          const dests = v.destinations === 'ALL' ? [{ xcf: 'ALL', extra: '' }] : v.destinations.map((x) => ({
            xcf: ipText(x.xcfIp),
            extra: x.role === 'PREFERRED' ? '    SRVTYPE: PREFERRED' : x.role === 'BACKUP' ? `    SRVTYPE: BACKUP  RANK: ${zeros(x.rank ?? 1, 3)}` : x.weight !== undefined ? `    WEIGHT: ${zeros(x.weight, 2)}` : '',
          }));
          for (const port of v.ports) {
            for (const d of dests) {
              out.push(`    DEST:        ${ipText(v.ip)}..${port}`);
              out.push(`      DESTXCF:   ${d.xcf}`);
              out.push(`      DISTMETHOD: ${v.method}${d.extra}`);
              out.push(`      SYSPT:     ${v.sysplexPorts ? 'YES' : 'NO '}  TIMAFF: ${v.timedAffinity > 0 ? String(v.timedAffinity).padEnd(5) : 'NO   '} FLG:`);
              out.push(`      OPTLOC:    ${v.optLocal === null ? 'NO' : String(v.optLocal)}`);
            }
          }
        }
      }
      return out;
    }
    case 'HOME': {
      const out = ['HOME ADDRESS LIST:', 'ADDRESS         LINK             FLG'];
      let n = 0;
      for (const h of stack.homes) {
        out.push(`${pad(ipText(h.ip), 16)}${pad(h.ifName, 17)}${n === 0 ? 'P' : ''}`.trimEnd());
        n++;
      }
      for (const d of s.dvipas.values()) {
        if (d.owner === stack.hal.stackName) out.push(`${pad(ipText(d.ip), 16)}${pad(`VIPL${hex8(d.ip)}`, 17)}`.trimEnd());
        else if (d.ad !== null) out.push(`${pad(ipText(d.ip), 16)}${pad(`VIPL${hex8(d.ip)}`, 17)}I`);
        else continue;
        n++;
      }
      out.push(records(n));
      return out;
    }
    case 'CONN': {
      const out = ['USER ID  CONN     LOCAL SOCKET           FOREIGN SOCKET         STATE'];
      let n = 0;
      for (const c of stack.tcp.connections()) {
        const user = stack.apps.get(c.localPort)?.jobName ?? 'TCPIP';
        out.push(`${pad(user, 9)}${zeros(c.id, 8).slice(-8)} ${pad(`${ipText(c.localIp)}..${c.localPort}`, 23)}${pad(`${ipText(c.remoteIp)}..${c.remotePort}`, 23)}${zosStateName(c.state)}`);
        n++;
      }
      for (const [port, app] of stack.apps) {
        out.push(`${pad(app.jobName, 9)}${'00000000'} ${pad(`0.0.0.0..${port}`, 23)}${pad('0.0.0.0..0', 23)}Listen`);
        n++;
      }
      out.push(records(n));
      return out;
    }
    default:
      return null;
  }
}

function vary(stack: Stack, now: number, args: string[]): string {
  if (args[0] !== 'SYSPLEX') return `EZZ0371I INVALID V TCPIP COMMAND: ${args.join(',')}`;
  const action = args[1] ?? '';
  const name = stack.hal.stackName;
  switch (action) {
    case 'LEAVEGROUP':
      if (!stack.sysplex.inGroup) return `EZZ8269I ${name} ${name} IS NOT A MEMBER OF A SYSPLEX GROUP`;
      stack.sysplex.leave(now);
      return `EZD1182I ${name} HAS LEFT THE SYSPLEX GROUP`;
    case 'JOINGROUP':
      if (stack.sysplex.inGroup) return `EZD1180I ${name} IS ALREADY A MEMBER OF THE SYSPLEX GROUP`;
      stack.sysplex.join(now);
      return `EZD1176I ${name} HAS SUCCESSFULLY JOINED THE TCP/IP SYSPLEX GROUP`;
    case 'DEACTIVATE':
    case 'REACTIVATE': {
      const m = /^DVIPA=(\d+\.\d+\.\d+\.\d+)$/.exec(args[2] ?? '');
      if (m === null) return `EZZ0371I ${action} REQUIRES DVIPA=ipaddr`;
      const ip = ipToNumber(m[1]!);
      return action === 'DEACTIVATE' ? stack.sysplex.deactivate(now, ip) : stack.sysplex.reactivate(now, ip);
    }
    default:
      return `EZZ0371I INVALID V TCPIP,,SYSPLEX ACTION ${action}`;
  }
}

function ipToNumber(text: string): number {
  const p = text.split('.').map(Number);
  return (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);
}

function hex8(ip: number): string {
  return ip.toString(16).toUpperCase().padStart(8, '0');
}
