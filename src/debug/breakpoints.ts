// Breakpoints on trace kinds. A function breakpoint names a kind (`vcrt.insert`), a family (`osa.*`) or every
// kind (`*`), with an optional condition in the expectation syntax (`port == 80`) over the record — its fields
// plus `t` (ps), `c` (component) and `lpar` — and an optional hit condition (`5` or `==5`: the fifth hit only,
// `>=5`, `>5`, `%5`: every fifth). Exception breakpoints: `osa.drop` (an OSA dropped a frame, optionally with a
// condition) and `expectation` (a scenario expectation failed at the end of the run).

import { evaluate, isExpectError, parseExpectation, type Expectation } from '../scenario/index.js';
import type { DebugEvent } from './events.js';

/** The kinds the built-in models and firmware trace (CONTRACT.md's list and the rest). */
export const KNOWN_KINDS: readonly string[] = [
  'conn.forward', 'conn.redirect', 'dvipa.activate', 'dvipa.handover', 'dvipa.takeback', 'dvipa.takeover',
  'ip.move', 'lan.drop', 'lan.loss', 'lpar.down', 'lpar.drop', 'lpar.osa', 'lpar.up', 'operator',
  'osa.deregister', 'osa.down', 'osa.drop', 'osa.garp', 'osa.register', 'osa.rx', 'osa.tx', 'osa.up',
  'router.arp', 'router.drop', 'sd.notarget', 'stack.listen', 'sysplex.monitor', 'tcp.close', 'tcp.open', 'tcp.reset',
  'vcrt.delete', 'vcrt.insert', 'vdpt.update', 'xcf.drop', 'xcf.join', 'xcf.leave', 'xcf.malformed', 'xcf.path',
  'xcf.recv', 'xcf.send',
];
const KNOWN = new Set(KNOWN_KINDS);

export const EXCEPTION_FILTERS = [
  { filter: 'osa.drop', label: 'OSA drops a frame', description: 'Stop when an OSA-Express port drops a frame (condition over the osa.drop fields, e.g. reason == inbound-full)', default: false, supportsCondition: true },
  { filter: 'expectation', label: 'Expectation fails', description: 'Stop at the end of the run when an expect line of the scenario fails', default: true, supportsCondition: false },
] as const;

type HitTest = (hits: number) => boolean;

export interface BreakpointSpec {
  readonly name: string;
  readonly condition?: string | undefined;
  readonly hitCondition?: string | undefined;
}

export interface FunctionBreakpoint {
  readonly id: number;
  readonly name: string;
  readonly condition: string | undefined;
  readonly verified: boolean;
  /** Why it is not verified, or a warning. */
  readonly message: string | undefined;
  hits: number;
}

interface Armed {
  readonly bp: FunctionBreakpoint;
  readonly cond: Expectation | null;
  readonly hitTest: HitTest | null;
}

export interface Hit {
  readonly ids: number[];
  /** `exception` for the osa.drop filter, else `function breakpoint`. */
  readonly reason: 'function breakpoint' | 'exception';
  readonly description: string;
}

export class Breakpoints {
  private nextId = 1;
  private list: FunctionBreakpoint[] = [];
  private byKind = new Map<string, Armed[]>();
  private wild: { prefix: string; armed: Armed }[] = [];
  private osaDrop: Expectation | null | undefined = undefined;
  /** Stop when an expectation fails at the end of the run. */
  expectation = true;

  /** Replaces every function breakpoint (DAP's setFunctionBreakpoints semantics). */
  setFunctionBreakpoints(specs: readonly BreakpointSpec[]): FunctionBreakpoint[] {
    this.list = [];
    this.byKind = new Map();
    this.wild = [];
    return specs.map((s) => this.add(s));
  }

  /** Adds one (the console's `break`). */
  add(spec: BreakpointSpec): FunctionBreakpoint {
    const id = this.nextId++;
    const name = spec.name.trim();
    const condition = spec.condition?.trim() || undefined;
    const hitText = spec.hitCondition?.trim() || undefined;
    const reject = (message: string): FunctionBreakpoint => {
      const bp = { id, name, condition, verified: false, message, hits: 0 };
      this.list.push(bp);
      return bp;
    };
    if (!/^(\*|[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*(\.\*)?)$/.test(name)) {
      return reject(`"${name}" is not a trace kind: write one like vcrt.insert, osa.* or *`);
    }
    let cond: Expectation | null = null;
    if (condition !== undefined) {
      const parsed = parseExpectation(condition);
      if (isExpectError(parsed)) return reject(`condition: ${parsed.toString()}`);
      cond = parsed;
    }
    let hitTest: HitTest | null = null;
    if (hitText !== undefined) {
      hitTest = parseHitCondition(hitText);
      if (hitTest === null) return reject(`hit condition "${hitText}": write N, ==N, >=N, >N or %N`);
    }
    const wildcard = name.endsWith('*');
    const known = wildcard || KNOWN.has(name);
    const bp: FunctionBreakpoint = {
      id, name, condition, verified: true, hits: 0,
      message: known ? undefined : `no built-in model traces "${name}": it hits only if a custom firmware does`,
    };
    const armed: Armed = { bp, cond, hitTest };
    if (wildcard) this.wild.push({ prefix: name.slice(0, -1), armed });
    else {
      const l = this.byKind.get(name) ?? [];
      l.push(armed);
      this.byKind.set(name, l);
    }
    this.list.push(bp);
    return bp;
  }

  /** Removes breakpoint `id`; false when there is none. */
  remove(id: number): boolean {
    const before = this.list.length;
    this.list = this.list.filter((b) => b.id !== id);
    for (const [k, l] of this.byKind) {
      const rest = l.filter((a) => a.bp.id !== id);
      if (rest.length > 0) this.byKind.set(k, rest);
      else this.byKind.delete(k);
    }
    this.wild = this.wild.filter((w) => w.armed.bp.id !== id);
    return this.list.length !== before;
  }

  all(): readonly FunctionBreakpoint[] {
    return this.list;
  }

  /** Sets the exception filters; `osaDropCondition` is parsed like a breakpoint condition. Returns an error
   *  message for a condition that does not parse. */
  setExceptionFilters(filters: readonly string[], osaDropCondition?: string): string | null {
    this.expectation = filters.includes('expectation');
    if (!filters.includes('osa.drop')) {
      this.osaDrop = undefined;
      return null;
    }
    const text = osaDropCondition?.trim();
    if (!text) {
      this.osaDrop = null;
      return null;
    }
    const parsed = parseExpectation(text);
    if (isExpectError(parsed)) {
      this.osaDrop = null;
      return `osa.drop condition: ${parsed.toString()}`;
    }
    this.osaDrop = parsed;
    return null;
  }

  get catchesOsaDrop(): boolean {
    return this.osaDrop !== undefined;
  }

  /** The breakpoints this record hits (counting hits), or null. */
  match(e: DebugEvent): Hit | null {
    const direct = this.byKind.get(e.kind);
    if (direct === undefined && this.wild.length === 0 && e.kind !== 'osa.drop') return null; // the common case
    let ids: number[] | null = null;
    let record: Record<string, unknown> | null = null;
    const test = (a: Armed): void => {
      if (a.cond !== null) {
        record ??= { t: e.t, c: e.component, lpar: e.lpar, ...e.fields };
        if (!evaluate(a.cond, record).ok) return;
      }
      a.bp.hits++;
      if (a.hitTest !== null && !a.hitTest(a.bp.hits)) return;
      (ids ??= []).push(a.bp.id);
    };
    if (direct !== undefined) for (const a of direct) test(a);
    for (const w of this.wild) if (e.kind.startsWith(w.prefix)) test(w.armed);
    if (ids !== null) {
      const hit: number[] = ids;
      const names = hit.map((id) => this.list.find((b) => b.id === id)!).map((b) => (b.condition ? `${b.name} if ${b.condition}` : b.name));
      return { ids: hit, reason: 'function breakpoint', description: `breakpoint ${hit.join(', ')}: ${names.join('; ')}` };
    }
    if (e.kind === 'osa.drop' && this.osaDrop !== undefined) {
      if (this.osaDrop !== null && !evaluate(this.osaDrop, { t: e.t, c: e.component, lpar: e.lpar, ...e.fields }).ok) return null;
      return { ids: [], reason: 'exception', description: `${e.component} dropped a frame (${String(e.fields.reason ?? 'unknown reason')})` };
    }
    return null;
  }
}

function parseHitCondition(text: string): HitTest | null {
  const m = /^(==|>=|>|%)?\s*(\d+)$/.exec(text);
  if (m === null) return null;
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) return null;
  switch (m[1]) {
    case '>=':
      return (h) => h >= n;
    case '>':
      return (h) => h > n;
    case '%':
      return (h) => h % n === 0;
    default:
      return (h) => h === n;
  }
}
