// Operator commands over the firmware's state, typed as operators type them (case-insensitive, blanks after
// the verb optional):
//   D TCPIP,<proc>,NETSTAT|N,VDPT|VCRT|VIPADYN|VIPADCFG|HOME|CONN[,DETAIL][,FORMAT=LONG|SHORT][,MAX=n|*]
//                            [,IPADDR=ip[/len]][,PORT=p][,IPPORT=ip+p][,DVIPA|VIPAROUTE]
//   V TCPIP,<proc>,SYSPLEX,LEAVEGROUP|JOINGROUP|DEACTIVATE,DVIPA=ip|REACTIVATE,DVIPA=ip
//   S jobname / P jobname                          (start or stop a built-in server)
// Reports are laid out as in SYSPLEX-DISTRIBUTOR.md section 2: SHORT (EZZ2500I) by default on this IPv4-only
// stack, LONG (EZD0101I) with FORMAT=LONG or IPCONFIG FORMAT LONG. Report names take their IBM minimum
// abbreviations (VIPADY, VIPADC, HO, CO).

import type { Stack } from './stack.js';
import { envelope, type ReportBody } from './netstat/format.js';
import { type NetstatOptions, parseOptions } from './netstat/options.js';
import { vdptReport } from './netstat/vdpt.js';
import { vcrtReport } from './netstat/vcrt.js';
import { vipadynReport } from './netstat/vipadyn.js';
import { vipadcfgReport } from './netstat/vipadcfg.js';
import { homeReport } from './netstat/home.js';
import { connReport } from './netstat/conn.js';
import { ipText } from './sd/types.js';
import { ipFromString } from '../net/ipv4.js';

type Report = (stack: Stack, now: number, o: NetstatOptions) => ReportBody;

/** Report names with the shortest prefix accepted for each. */
const REPORTS: readonly [name: string, min: number, report: Report][] = [
  ['VDPT', 4, (s, _n, o) => vdptReport(s, o)],
  ['VCRT', 4, (s, n, o) => vcrtReport(s, n, o)],
  ['VIPADYN', 6, (s, _n, o) => vipadynReport(s, o)],
  ['VIPADCFG', 6, (s, _n, o) => vipadcfgReport(s, o)],
  ['HOME', 2, (s, _n, o) => homeReport(s, o)],
  ['CONN', 2, (s, _n, o) => connReport(s, o)],
];

export function operatorCommand(stack: Stack, now: number, text: string): string {
  const upper = text.trim().toUpperCase();
  const space = upper.search(/\s/);
  const verb = space < 0 ? upper : upper.slice(0, space);
  const args = (space < 0 ? '' : upper.slice(space).replace(/\s+/g, '')).split(',');
  if ((verb === 'S' || verb === 'START') && args[0]) return stack.startJob(now, args[0]);
  if ((verb === 'P' || verb === 'STOP') && args[0]) return stack.stopJob(now, args[0]);
  if (args[0] !== 'TCPIP') return `IEE305I ${verb} COMMAND INVALID`;
  const target = args[1] ?? '';
  if (target !== '' && target !== stack.hal.stackName) return `EZZ0059I ${target} IS NOT ACTIVE ON THIS SYSTEM`;
  if (verb === 'D' || verb === 'DISPLAY') return display(stack, now, args.slice(2));
  if (verb === 'V' || verb === 'VARY') return vary(stack, now, args.slice(2));
  return `IEE305I ${verb} COMMAND INVALID`;
}

function display(stack: Stack, now: number, args: string[]): string {
  const [what = '', name = '', ...rest] = args;
  if (what !== 'NETSTAT' && what !== 'N') return `EZZ0371I INVALID D TCPIP COMMAND: ${args.join(',')}`;
  const entry = REPORTS.find(([full, min]) => name.length >= min && full.startsWith(name));
  if (entry === undefined) return `EZZ2385I INVALID NETSTAT REPORT ${name}`;
  const options = parseOptions(rest, stack.profile.ipconfig.format === 'LONG');
  if (typeof options === 'string') return `EZZ2386I ${options}`;
  return envelope(stack.hal.stackName, options.long, stack.nextWto(), entry[2](stack, now, options));
}

/** `V TCPIP,<proc>,SYSPLEX,...`: EZZ0060I echoes the command, EZZ0053I reports success (or the reason not). */
function vary(stack: Stack, now: number, args: string[]): string {
  const command = `VARY TCPIP,${stack.hal.stackName},${args.join(',')}`;
  const done = (what: string, detail: string[] = []) => [`EZZ0060I PROCESSING COMMAND: ${command}`, ...detail, `EZZ0053I COMMAND SYSPLEX,${what} COMPLETED SUCCESSFULLY`].join('\n');
  const failed = (why: string) => [`EZZ0060I PROCESSING COMMAND: ${command}`, why].join('\n');
  if (args[0] !== 'SYSPLEX') return `EZZ0371I INVALID V TCPIP COMMAND: ${args.join(',')}`;
  const action = args[1] ?? '';
  const name = stack.hal.stackName;
  const s = stack.sysplex;
  if (action.length >= 5 && 'LEAVEGROUP'.startsWith(action)) {
    if (!s.inGroup) return failed(`EZZ8269I ${name} ${name} IS NOT A MEMBER OF A SYSPLEX GROUP`);
    s.leave(now);
    return done('LEAVEGROUP');
  }
  if (action.length >= 4 && 'JOINGROUP'.startsWith(action)) {
    if (s.inGroup) return failed(`EZD1180I ${name} IS ALREADY A MEMBER OF THE SYSPLEX GROUP`);
    s.join(now);
    return done('JOINGROUP');
  }
  const deactivate = action.length >= 5 && 'DEACTIVATE'.startsWith(action);
  const reactivate = action.length >= 5 && 'REACTIVATE'.startsWith(action);
  if (deactivate || reactivate) {
    const m = /^DVIPA=(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(args[2] ?? '');
    const ip = m === null ? null : ipToNumber(m[1]!);
    if (ip === null) return failed(`EZZ0371I ${deactivate ? 'DEACTIVATE' : 'REACTIVATE'} REQUIRES DVIPA=ipaddr`);
    const why = deactivate ? s.deactivate(now, ip) : s.reactivate(now, ip);
    return why === null ? done(deactivate ? 'DEACTIVATE' : 'REACTIVATE', [`EZD1197I DVIPA ${ipText(ip)} ${deactivate ? 'DEACTIVATED' : 'REACTIVATED'}`]) : failed(why);
  }
  return `EZZ0371I INVALID V TCPIP,,SYSPLEX ACTION ${action}`;
}

function ipToNumber(text: string): number | null {
  const r = ipFromString(text);
  return r.ok ? r.value : null;
}
