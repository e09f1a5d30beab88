// The operator console of a live run: lines on stdin, answers on stderr (stdout keeps the report). Displays
// run at once on the stack they name; VARY commands and faults take effect at the virtual time they were
// typed (see RealtimeDriver.inputTime) and are recorded as scenario faults.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { FaultAction } from '../scenario/types.js';

export const CONSOLE_HELP = `live console:
  D TCPIP,SYS1,NETSTAT,VCRT | VDPT | VIPADYN | CONN ...   an operator display, now
  V TCPIP,SYS3,SYSPLEX,LEAVEGROUP ...                      an operator command, now
  lpar-down SYS1 | lpar-up SYS1 | osa-down OSA1 | osa-up OSA1 | xcf-down SYS1-SYS2 | xcf-up SYS1-SYS2 | loss LAN1 PCT
  status                                                   virtual time, lag, TAP counters
  quit                                                     end the run (as Ctrl-C)`;

/** What a console line asks for. */
export type ConsoleRequest =
  | { kind: 'display'; command: string }
  | { kind: 'fault'; action: FaultAction | 'operator'; target?: string; pct?: number; command?: string }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'none' }
  | { kind: 'error'; message: string };

const ACTIONS = new Set<string>(['lpar-down', 'lpar-up', 'osa-down', 'osa-up', 'xcf-down', 'xcf-up', 'loss']);

export function parseConsoleLine(line: string): ConsoleRequest {
  const text = line.trim();
  if (text === '') return { kind: 'none' };
  const words = text.split(/\s+/);
  const head = words[0]!.toLowerCase();
  if (/^(d|display)$/.test(head)) return { kind: 'display', command: text };
  if (/^(v|vary)$/.test(head)) return { kind: 'fault', action: 'operator', command: text };
  if (head === 'status' || head === 'time') return { kind: 'status' };
  if (head === 'help' || head === '?') return { kind: 'help' };
  if (head === 'quit' || head === 'q' || head === 'exit') return { kind: 'quit' };
  if (ACTIONS.has(head)) {
    const target = words[1];
    if (target === undefined) return { kind: 'error', message: `${head} needs a target` };
    if (head === 'loss') {
      const pct = Number(words[2]);
      if (words[2] === undefined || !(pct >= 0 && pct <= 100)) return { kind: 'error', message: 'loss needs a LAN and a percentage 0-100: loss LAN1 5' };
      return { kind: 'fault', action: 'loss', target, pct };
    }
    return { kind: 'fault', action: head as FaultAction, target };
  }
  return { kind: 'error', message: `unknown command '${words[0]}' (help lists them)` };
}

/** Reads console lines from `input` until it ends or close() is called; `handle` answers each one. */
export function startConsole(input: Readable, output: Writable, handle: (r: ConsoleRequest) => string | undefined): () => void {
  const rl = createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    const answer = handle(parseConsoleLine(line));
    if (answer !== undefined && answer !== '') output.write(answer.endsWith('\n') ? answer : `${answer}\n`);
  });
  return () => rl.close();
}
