// What the debugger sees of a run: each trace record as a DebugEvent, tagged with the LPAR (debugger thread)
// it belongs to, the kernel delivery that produced it, and the event that caused it where that is known.

import { formatTime } from '../kernel/time.js';

export interface DebugEvent {
  readonly t: number;
  readonly component: string;
  readonly seq: number;
  readonly kind: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** The LPAR whose thread shows this event. */
  readonly lpar: string;
  /** Which kernel delivery produced it (the simulation's event count then): records of one delivery share it. */
  readonly delivery: number;
  /** The event that led to this one, where the cause tracker knows it (see causes.ts). */
  cause: DebugEvent | null;
  /** What the debugger learnt about it afterwards (`TCP SYN 198.51.100.1:57418 -> 10.1.1.10:80`). */
  note: string | null;
}

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

export function debugEvent(
  t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined, lpar: string, delivery: number,
): DebugEvent {
  return { t, component, seq, kind, fields: fields ?? NO_FIELDS, lpar, delivery, cause: null, note: null };
}

/** `port=80 client=198.51.100.1`: the fields as one line, long values cut. */
export function fieldsText(fields: Readonly<Record<string, unknown>>, max = 160): string {
  let out = '';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = typeof v === 'string' ? (/[\s"]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
    out += `${out === '' ? '' : ' '}${k}=${s}`;
    if (out.length > max) return `${out.slice(0, max - 3)}...`;
  }
  return out;
}

/** One line for a stack frame or the console: `vcrt.insert port=80 ... [SYS1 @ 1.048376 ms]`. */
export function describeEvent(e: DebugEvent): string {
  const what = e.note ?? fieldsText(e.fields);
  return `${e.kind}${what === '' ? '' : ` ${what}`} [${e.component} @ ${formatTime(e.t)}]`;
}

/** The event as its trace line would show it (the object a breakpoint condition also sees, plus t/c/k). */
export function eventRecord(e: DebugEvent): Record<string, unknown> {
  return { t: e.t, c: e.component, k: e.kind, ...e.fields };
}

/** The chain of causes from `e` (inclusive), at most `max` long. */
export function causeChain(e: DebugEvent, max = 32): DebugEvent[] {
  const out: DebugEvent[] = [];
  for (let x: DebugEvent | null = e; x !== null && out.length < max; x = x.cause) out.push(x);
  return out;
}
