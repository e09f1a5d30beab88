// What can be typed at the debugger's prompt (DAP evaluate in the REPL, and the console): operator commands
// (`D TCPIP,SYS1,NETSTAT,VCRT`, `V TCPIP,SYS2,SYSPLEX,LEAVEGROUP`), `time`, `status`, and — with an event
// selected — a field of it (`client`) or a condition over it (`port == 80`). Completions for all of them.

import { evaluate, isExpectError, parseExpectation } from '../scenario/index.js';
import { formatTime } from '../kernel/time.js';
import type { DebugEngine } from './engine.js';
import { eventRecord, type DebugEvent } from './events.js';

export interface EvalResult {
  readonly ok: boolean;
  readonly text: string;
}

export const REPORTS = ['VCRT', 'VDPT', 'VIPADYN', 'VIPADCFG', 'HOME', 'CONN'] as const;
const GROUP_ACTIONS = ['LEAVEGROUP', 'JOINGROUP'] as const;
const DVIPA_ACTIONS = ['DEACTIVATE', 'REACTIVATE'] as const;

const OPERATOR = /^\s*(D|DISPLAY|V|VARY)\s+TCPIP\b/i;
const PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export const EVAL_HELP = [
  'D TCPIP,<stack>,NETSTAT,VCRT|VDPT|VIPADYN|VIPADCFG|HOME|CONN   an operator display on that LPAR',
  'V TCPIP,<stack>,SYSPLEX,LEAVEGROUP|JOINGROUP|DEACTIVATE,DVIPA=ip|REACTIVATE,DVIPA=ip',
  'time  |  time ps                      the virtual time (stands still while stopped) | exact, in ps',
  'status                                run state, virtual time, events delivered',
  '<field>  or  <field> <op> <value>     a field of the selected event, or a condition over it',
].join('\n');

export function evaluateCommand(engine: DebugEngine, input: string, event: DebugEvent | null): EvalResult {
  const text = input.trim();
  if (text === '') return { ok: false, text: 'type a command: help lists them' };
  const lower = text.toLowerCase();
  if (lower === 'help' || lower === '?') return { ok: true, text: EVAL_HELP };
  if (lower === 'time') return { ok: true, text: engine.timeText() };
  if (lower === 'time ps') return { ok: true, text: `${engine.now} ps` };
  if (lower === 'status') {
    return { ok: true, text: `${engine.state}, virtual time ${engine.timeText()} of ${formatTime(engine.untilPs)}, ${engine.events} events delivered` };
  }
  if (OPERATOR.test(text)) return engine.operator(text);
  if (event !== null) {
    const record = eventRecord(event);
    if (PATH.test(text)) {
      let v: unknown = record;
      for (const part of text.split('.')) v = typeof v === 'object' && v !== null && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
      if (v !== undefined) return { ok: true, text: typeof v === 'string' ? v : JSON.stringify(v) };
      return { ok: false, text: `unknown command "${text}", and the selected ${event.kind} event has no such field (it has ${Object.keys(record).join(', ')}): help lists the commands` };
    }
    const parsed = parseExpectation(text);
    if (!isExpectError(parsed)) {
      const r = evaluate(parsed, record);
      return { ok: true, text: r.ok ? 'true' : `false${r.reason !== undefined ? ` (${r.reason})` : ''}` };
    }
  }
  return { ok: false, text: `unknown command "${text}": try time, D TCPIP,${engine.lpars[0]},NETSTAT,VCRT, or help` };
}

/** Every complete command the prompt knows, for completion. */
export function commandCandidates(engine: DebugEngine): string[] {
  const out = ['time', 'time ps', 'status', 'help'];
  const dvipas = new Set<string>();
  for (const l of engine.p.sysplex.lpars) for (const d of l.firmwareView()?.dvipas ?? []) dvipas.add(d.ip);
  for (const lpar of engine.lpars) {
    for (const r of REPORTS) out.push(`D TCPIP,${lpar},NETSTAT,${r}`);
    for (const a of GROUP_ACTIONS) out.push(`V TCPIP,${lpar},SYSPLEX,${a}`);
    for (const a of DVIPA_ACTIONS) for (const ip of dvipas) out.push(`V TCPIP,${lpar},SYSPLEX,${a},DVIPA=${ip}`);
  }
  return out;
}

/** The commands that complete `prefix` (case-insensitive; spaces after the verb are free). */
export function complete(engine: DebugEngine, prefix: string): string[] {
  const norm = (s: string) => s.trimStart().toUpperCase().replace(/\s+/g, ' ');
  const p = norm(prefix);
  return commandCandidates(engine).filter((c) => norm(c).startsWith(p));
}
