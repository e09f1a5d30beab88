// Overrides of topology and scenario fields (`sweep --set PATH=V1,V2`, `run --set PATH=V`), addressed by the path
// syntax of the expectation language plus `[*]` for every element: `lpars[name=SYS1].processors`,
// `osas[*].frameLatency`, `xcf.links[name=SYS1-CF01].distance`, `workload[0].rate`. An override changes the file's
// plain value before the schema sees it, so a value set this way is checked exactly like one written in the file.

import { parse as parseYaml } from 'yaml';
import { type EveryStep, ExpectError, type PathStep, parseFieldPath } from './expect.js';

export interface Override {
  /** `PATH=VALUE` as given. */
  readonly text: string;
  readonly path: string;
  readonly steps: readonly (PathStep | EveryStep)[];
  readonly value: unknown;
}

/** One `--set` of a sweep: a path and the values it takes in turn. */
export interface SweepAxis {
  readonly path: string;
  readonly steps: readonly (PathStep | EveryStep)[];
  /** The values as written (for tables and plots) and as parsed (YAML scalars: `3` is a number, `2us` a string). */
  readonly texts: readonly string[];
  readonly values: readonly unknown[];
}

/** Top-level keys of a scenario file; every other key is the topology's. */
export const SCENARIO_KEYS: ReadonlySet<string> = new Set(['name', 'seed', 'until', 'workload', 'faults', 'expect', 'golden', 'capture', 'captureMode']);

/** Parses `PATH=VALUE` (one value); a string says what is wrong. */
export function parseOverride(text: string): Override | string {
  const axis = parseAxis(text);
  if (typeof axis === 'string') return axis;
  if (axis.values.length !== 1) return `'${text}': give one value (a sweep takes several)`;
  return overrideOf(axis, 0);
}

/** Parses `PATH=V1,V2,...` (commas inside [], {} or quotes do not split); a string says what is wrong. */
export function parseAxis(text: string): SweepAxis | string {
  const eq = pathEnd(text);
  if (eq <= 0 || eq >= text.length) return `'${text}': expected PATH=VALUE, e.g. osas[*].frameLatency=4us`;
  const path = text.slice(0, eq).trim();
  const steps = parseFieldPath(path);
  if (steps instanceof ExpectError) return `'${path}': ${steps.toString()}`;
  const texts = splitValues(text.slice(eq + 1));
  if (texts.some((t) => t.trim() === '')) return `'${text}': an empty value (write PATH=V1,V2,...)`;
  const values: unknown[] = [];
  for (const t of texts) {
    try {
      values.push(parseYaml(t));
    } catch (e) {
      return `'${t}' is not a YAML value: ${String((e as Error).message).split('\n', 1)[0]}`;
    }
  }
  return { path, steps, texts: texts.map((t) => t.trim()), values };
}

/** The override that sets an axis to its i-th value. */
export function overrideOf(axis: SweepAxis, i: number): Override {
  return { text: `${axis.path}=${axis.texts[i]}`, path: axis.path, steps: axis.steps, value: axis.values[i] };
}

/** The first step's field name: which document (scenario or topology) an override belongs to. */
export function rootField(o: Override): string {
  const first = o.steps[0];
  return first?.kind === 'field' ? first.name : '';
}

/** A deep copy of `root` with every override applied, or what is wrong with one of them. */
export function applyOverrides(root: unknown, overrides: readonly Override[]): { ok: true; value: unknown } | { ok: false; message: string } {
  if (overrides.length === 0) return { ok: true, value: root };
  const value = structuredClone(root);
  for (const o of overrides) {
    const problem = setAll(value, o.steps, o.value, o.path);
    if (problem !== null) return { ok: false, message: `set ${o.text}: ${problem}` };
  }
  return { ok: true, value };
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** Sets every place `steps` addresses in `node`; null, or why not. */
function setAll(node: unknown, steps: readonly (PathStep | EveryStep)[], value: unknown, path: string): string | null {
  let here: unknown[] = [node];
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    const last = s === steps.length - 1;
    const next: unknown[] = [];
    for (const n of here) {
      if (!isContainer(n)) return `${describeUpTo(steps, s)} is not a list or a mapping`;
      const keys = keysOf(n, step);
      if (typeof keys === 'string') return `${describeUpTo(steps, s + 1)}: ${keys}`;
      for (const k of keys) {
        if (last) {
          (n as Record<string | number, unknown>)[k] = structuredClone(value);
        } else {
          const child = (n as Record<string | number, unknown>)[k];
          if (child === undefined) return `${describeUpTo(steps, s + 1)} is not in the file (only the last field of a path may be added)`;
          next.push(child);
        }
      }
    }
    here = next;
  }
  return path === '' ? 'an empty path' : null;
}

/** The keys of `n` that a step addresses. */
function keysOf(n: Container, step: PathStep | EveryStep): (string | number)[] | string {
  if (step.kind === 'field') {
    if (Array.isArray(n)) return `a list has no field ${step.name} (select an element: [0], [name=...] or [*])`;
    return [step.name];
  }
  if (!Array.isArray(n)) return 'is not a list';
  if (step.kind === 'every') return n.map((_, i) => i);
  if (step.kind === 'index') {
    const i = step.index < 0 ? n.length + step.index : step.index;
    if (i < 0 || i >= n.length) return `the list has ${n.length} element${n.length === 1 ? '' : 's'}`;
    return [i];
  }
  const matches = n.flatMap((el, i) => (step.where.every((c) => String(fieldOf(el, c.key)) === String(c.value)) ? [i] : []));
  if (matches.length === 0) return `no element matches (the list has ${n.length})`;
  return matches;
}

/** A field of an element; `name` of an element that has none is its `between` pair joined by '-' (links). */
function fieldOf(el: unknown, key: readonly string[]): unknown {
  let v: unknown = el;
  for (const k of key) v = isContainer(v) && !Array.isArray(v) ? v[k] : undefined;
  if (v === undefined && key.length === 1 && key[0] === 'name' && isContainer(el) && !Array.isArray(el) && Array.isArray(el.between)) {
    return el.between.join('-');
  }
  return v;
}

function describeUpTo(steps: readonly (PathStep | EveryStep)[], n: number): string {
  let out = '';
  for (const st of steps.slice(0, n)) {
    if (st.kind === 'field') out += out === '' ? st.name : `.${st.name}`;
    else if (st.kind === 'every') out += '[*]';
    else if (st.kind === 'index') out += `[${st.index}]`;
    else out += `[${st.where.map((c) => `${c.key.join('.')}=${String(c.value)}`).join(',')}]`;
  }
  return out;
}

/** Where the path ends: the first '=' outside brackets (a selector's '=' is inside them). */
function pathEnd(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '=' && depth === 0) return i;
  }
  return text.length;
}

function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
