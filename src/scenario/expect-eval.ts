// Evaluating a parsed expectation against a report (or a trace event's fields). Lookups use own properties
// only, so a path can never reach prototypes; nothing here throws on any input.

import type { CompareOp, Condition, Expectation, PathStep, Scalar, Subject } from './expect.js';

/** Runs an operator display command (`D TCPIP,SYS2,NETSTAT,VIPADYN`) and returns its text. */
export type DisplayFn = (command: string) => string | undefined;

export interface Evaluation {
  readonly ok: boolean;
  /** The value found; undefined when the path does not resolve. */
  readonly actual: unknown;
  /** Why it failed, in words (absent when ok). */
  readonly reason?: string;
}

type Lookup = { readonly found: true; readonly value: unknown } | { readonly found: false; readonly reason: string };

export function evaluate(expr: Expectation, report: unknown, display?: DisplayFn): Evaluation {
  const got = resolveSubject(expr.subject, report, display);
  if (!got.found) return { ok: false, actual: undefined, reason: got.reason };
  const verdict = compare(got.value, expr.op, expr.value);
  if (verdict === true) return { ok: true, actual: got.value };
  // Words only on failure: breakpoint conditions run on every event and mostly pass or fail quietly.
  const subject = formatSubject(expr.subject);
  const reason =
    verdict === false
      ? `${subject} is ${formatActual(got.value)}, expected ${expr.op} ${formatScalar(expr.value)}`
      : `${subject} is ${formatActual(got.value)}: ${verdict}`;
  return { ok: false, actual: got.value, reason };
}

function resolveSubject(subject: Subject, report: unknown, display: DisplayFn | undefined): Lookup {
  if (subject.kind === 'path') return resolvePath(subject.steps, report);
  if (!display) return { found: false, reason: `no operator display is available here to run "${subject.command}"` };
  let text: string | undefined;
  try {
    text = display(subject.command);
  } catch (e) {
    return { found: false, reason: `display "${subject.command}" failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof text !== 'string') return { found: false, reason: `display "${subject.command}" gave no output` };
  return { found: true, value: text };
}

/** The fields a record has, to name beside a field it lacks (`clients` has opened, completed, ... open). */
function fieldsOf(r: Record<string, unknown>): string {
  const keys = Object.keys(r);
  if (keys.length === 0 || keys.length > 12) return '';
  return ` (it has ${keys.join(', ')})`;
}

function resolvePath(steps: readonly PathStep[], root: unknown): Lookup {
  let cur = root;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    if (step.kind === 'field') {
      if (Array.isArray(cur)) {
        return { found: false, reason: `${pathTo(steps, k)} is a list: select an element with [0] or [key=value] before .${step.name}` };
      }
      if (!isRecord(cur) || !Object.hasOwn(cur, step.name)) {
        return { found: false, reason: `${pathTo(steps, k + 1)} not found${isRecord(cur) ? fieldsOf(cur) : `: ${pathTo(steps, k)} is ${formatActual(cur)}`}` };
      }
      cur = cur[step.name];
    } else if (!Array.isArray(cur)) {
      return { found: false, reason: `${pathTo(steps, k)} is not a list (it is ${formatActual(cur)})` };
    } else if (step.kind === 'index') {
      const i = step.index < 0 ? cur.length + step.index : step.index;
      if (i < 0 || i >= cur.length) return { found: false, reason: `${pathTo(steps, k + 1)}: no such element (${pathTo(steps, k)} has ${cur.length})` };
      cur = cur[i];
    } else {
      let match: unknown;
      let count = 0;
      for (const el of cur) {
        if (step.where.every((c) => matches(el, c))) {
          if (count === 0) match = el;
          count++;
        }
      }
      if (count === 0) return { found: false, reason: `${pathTo(steps, k + 1)}: no element of ${pathTo(steps, k)} matches` };
      if (count > 1) return { found: false, reason: `${pathTo(steps, k + 1)}: ${count} elements match; add a condition, e.g. [a=1,b=2]` };
      cur = match;
    }
  }
  return { found: true, value: cur };
}

/** The first n steps, for messages (built only when a step fails). */
function pathTo(steps: readonly PathStep[], n: number): string {
  return n === 0 ? 'the report' : formatSteps(steps.slice(0, n));
}

function matches(element: unknown, cond: Condition): boolean {
  let v: unknown = element;
  for (const name of cond.key) {
    if (!isRecord(v) || Array.isArray(v) || !Object.hasOwn(v, name)) return false;
    v = v[name];
  }
  return equal(v, cond.value);
}

/** true, false, or a string saying why the two cannot be compared. */
function compare(actual: unknown, op: CompareOp, expected: Scalar): boolean | string {
  switch (op) {
    case '==':
      return equal(actual, expected);
    case '!=':
      return !equal(actual, expected);
    case 'contains':
    case '!contains': {
      let has: boolean;
      if (typeof actual === 'string') has = actual.includes(expected === null ? 'null' : String(expected));
      else if (Array.isArray(actual)) has = actual.some((el) => equal(el, expected));
      else return `${op} needs a string or a list`;
      return op === 'contains' ? has : !has;
    }
    default: {
      const a = asNumber(actual);
      const b = asNumber(expected);
      let c: number;
      if (a !== undefined && b !== undefined) {
        if (Number.isNaN(a) || Number.isNaN(b)) return false; // NaN is in no order
        c = a < b ? -1 : a > b ? 1 : 0;
      } else if (typeof actual === 'string' && typeof expected === 'string') {
        c = actual < expected ? -1 : actual > expected ? 1 : 0;
      } else return `${op} compares numbers (or two strings)`;
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
  }
}

/** Same value; a number and a numeric string compare as numbers (`port == "80"`). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== undefined && y !== undefined && x === y;
  }
  return false;
}

const NUMERIC = /^\s*-?(0|[0-9]+)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$/;

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function formatSubject(subject: Subject): string {
  return subject.kind === 'display' ? `display(${JSON.stringify(subject.command)})` : formatSteps(subject.steps);
}

function formatSteps(steps: readonly PathStep[]): string {
  let out = '';
  for (const s of steps) {
    if (s.kind === 'field') out += out === '' ? s.name : `.${s.name}`;
    else if (s.kind === 'index') out += `[${s.index}]`;
    else out += `[${s.where.map((c) => `${c.key.join('.')}=${formatScalar(c.value)}`).join(',')}]`;
  }
  return out;
}

function formatScalar(v: Scalar): string {
  // Strings print bare when they would read back as the same bare word (SYS1, 10.1.1.10), else quoted.
  if (typeof v === 'string') return /^[A-Za-z0-9_.:/#@$+*%-]+$/.test(v) && !/^(true|false|null)$/.test(v) && !NUMERIC.test(v) ? v : JSON.stringify(v);
  return String(v);
}

function formatActual(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
}
