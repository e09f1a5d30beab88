// Scenario files (a topology plus seed, until, workload, faults, expectations, golden trace, capture), and
// `run`'s input: a file that is either a topology (run with its default workload, seed 1, for 1 s) or a scenario.

import { basename, extname, resolve } from 'node:path';
import { Builder, known } from './builder.js';
import { DEFAULTS } from './defaults.js';
import { InputError, type Result, failure, sortErrors, success } from '../errors.js';
import { isExpectError, parseExpectation } from './expect.js';
import { describePath as describe, validateScenario } from './schema.js';
import { buildWorkloads, type RawTopology, type RawWorkload, topologyFromYaml } from './topology.js';
import { signallingPaths } from './signalling-paths.js';
import type { ExpectationSpec, FaultAction, FaultSpec, Scenario, Topology } from './types.js';
import { parseTime } from './units.js';
import { type FileRef, fileProblem, type Path, refFrom, YamlFile } from './yaml-source.js';
import { type Override, SCENARIO_KEYS, applyOverrides, rootField } from './overrides.js';

interface RawFault { at: string; action?: FaultAction; target?: string; pct?: number; operator?: string }
interface RawScenario {
  name?: string; topology: string | RawTopology; seed?: number; until?: string; workload?: RawWorkload[];
  faults?: RawFault[]; expect?: string[]; golden?: string; capture?: string; captureMode?: 'closed' | 'open' | 'tap';
}

/** Loads a scenario file, with `overrides` of its fields or its topology's (src/scenario/overrides.ts). */
export function loadScenario(path: string, overrides: readonly Override[] = []): Result<Scenario> {
  const src = YamlFile.read(fileRef(path));
  if (!src.ok) return src;
  return scenarioFromYaml(src.value, overrides);
}

/** Loads what `run` is given: a scenario (it has a `topology` key) or else a topology with its defaults. */
export function loadRunFile(path: string, overrides: readonly Override[] = []): Result<Scenario> {
  const src = YamlFile.read(fileRef(path));
  if (!src.ok) return src;
  const v = src.value.value;
  if (isObject(v) && Object.hasOwn(v, 'topology')) return scenarioFromYaml(src.value, overrides);
  const scenarioOnly = overrides.find((o) => SCENARIO_KEYS.has(rootField(o)) && rootField(o) !== 'workload');
  if (scenarioOnly !== undefined) {
    return failure([new InputError(src.value.file.display, `set ${scenarioOnly.text}: ${rootField(scenarioOnly)} is a scenario field, and this file is a topology`)]);
  }
  const file = overridden(src.value, overrides);
  if (!file.ok) return file;
  const topology = topologyFromYaml(file.value, file.value.value, []);
  return topology.ok ? success(scenarioOfTopology(topology.value)) : topology;
}

/** The file with overrides applied to its plain value. */
function overridden(src: YamlFile, overrides: readonly Override[]): Result<YamlFile> {
  const applied = applyOverrides(src.value, overrides);
  return applied.ok ? success(applied.value === src.value ? src : src.withValue(applied.value)) : failure([new InputError(src.file.display, applied.message)]);
}

/** A topology run on its own: its default workload, seed 1, until 1 s, no faults, no expectations. */
export function scenarioOfTopology(topology: Topology): Scenario {
  return {
    file: topology.file,
    name: topology.name,
    topology,
    seed: DEFAULTS.scenario.seed,
    untilPs: DEFAULTS.scenario.untilPs,
    workload: topology.workload,
    faults: [],
    expect: [],
  };
}

function fileRef(path: string): FileRef {
  return { abs: resolve(path), display: path };
}

function scenarioFromYaml(original: YamlFile, overrides: readonly Override[] = []): Result<Scenario> {
  // An override goes to the scenario when it names one of the scenario's own fields (a `workload` only when the
  // scenario writes one), otherwise to its topology, inline or in its own file.
  const own = (o: Override) => SCENARIO_KEYS.has(rootField(o)) && (rootField(o) !== 'workload' || hasKey(original.value, 'workload'));
  const inline = isObject(original.value) && typeof original.value.topology === 'object';
  const toTopology = overrides.filter((o) => !own(o));
  const mine = [...overrides.filter(own), ...(inline ? toTopology.map((o) => ({ ...o, steps: [{ kind: 'field' as const, name: 'topology' }, ...o.steps] })) : [])];
  const file = overridden(original, mine);
  if (!file.ok) return file;
  const src = file.value;
  const value = src.value;
  if (value === null || value === undefined) return failure([src.error([], 'the file is empty: expected a scenario')]);
  const schemaErrors = validateScenario(src, value);
  const b = new Builder(src);
  if (schemaErrors.length > 0) {
    // Still report what is wrong in the topology file it names, so one run shows every error.
    const ref = (value as { topology?: unknown }).topology;
    const topology = typeof ref === 'string' ? resolveTopology(b, ref, toTopology) : undefined;
    return failure(sortErrors([...schemaErrors, ...(topology && !topology.ok ? topology.errors : [])]));
  }
  const raw = value as RawScenario;
  const errors: InputError[] = [];

  const topology = resolveTopology(b, raw.topology, inline ? [] : toTopology);
  if (!topology.ok) errors.push(...topology.errors);

  const untilPs = b.unit(['until'], raw.until, parseTime, DEFAULTS.scenario.untilPs);
  const workload = raw.workload ? buildWorkloads(b, raw.workload, ['workload']) : topology.ok ? topology.value.workload : [];
  const faults = (raw.faults ?? []).map((f, i) => buildFault(b, f, ['faults', i], topology.ok ? topology.value : undefined));
  const expect = (raw.expect ?? []).map((text, i) => buildExpectation(b, text, ['expect', i]));
  const golden = raw.golden !== undefined ? refFrom(src.file.display, src.file.abs, raw.golden).abs : undefined;
  let capture: string | undefined;
  if (raw.capture !== undefined) {
    const ref = refFrom(src.file.display, src.file.abs, raw.capture);
    const problem = fileProblem(ref.abs);
    if (problem) b.fail(['capture'], `capture ${ref.display}: ${problem}`);
    capture = ref.abs;
  } else if (raw.captureMode !== undefined) {
    b.errors.push(src.keyError([], 'captureMode', 'captureMode: there is no capture to replay (add capture: FILE.pcapng)'));
  }

  errors.push(...b.errors);
  if (errors.length > 0 || !topology.ok) return failure(sortErrors(errors));
  const scenario: Scenario = {
    file: src.file.abs,
    name: raw.name ?? basename(src.file.abs, extname(src.file.abs)),
    topology: topology.value,
    seed: raw.seed ?? DEFAULTS.scenario.seed,
    untilPs,
    workload,
    faults,
    expect,
    ...(golden !== undefined ? { golden } : {}),
    ...(capture !== undefined ? { capture, captureMode: raw.captureMode ?? 'closed' } : {}),
  };
  return success(scenario);
}

function resolveTopology(b: Builder, raw: string | RawTopology, overrides: readonly Override[]): Result<Topology> {
  const src = b.src;
  if (typeof raw !== 'string') return topologyFromYaml(src, raw, ['topology']);
  const ref = refFrom(src.file.display, src.file.abs, raw);
  const file = YamlFile.read(ref);
  if (!file.ok) {
    const io = file.errors[0]!;
    // A file that cannot be read is the scenario's mistake: point at its `topology:` line.
    if (io.line === undefined) return failure([src.error(['topology'], `topology ${ref.display}: ${io.message}`)]);
    return file;
  }
  const v = file.value.value;
  if (isObject(v) && Object.hasOwn(v, 'topology') && !Object.hasOwn(v, 'lpars')) {
    return failure([src.error(['topology'], `topology ${ref.display} is a scenario, not a topology`)]);
  }
  const changed = overridden(file.value, overrides);
  if (!changed.ok) return changed;
  return topologyFromYaml(changed.value, changed.value.value, []);
}

type TargetKind = 'lpar' | 'osa' | 'link' | 'cf' | 'any';
const TARGET_KIND: Readonly<Record<FaultAction, TargetKind>> = {
  'lpar-down': 'lpar', 'lpar-up': 'lpar', 'osa-down': 'osa', 'osa-up': 'osa', 'xcf-down': 'link', 'xcf-up': 'link', loss: 'any',
  'cf-down': 'cf', 'cf-up': 'cf', 'stack-stop': 'lpar', 'stack-start': 'lpar',
};

function buildFault(b: Builder, raw: RawFault, path: Path, topology: Topology | undefined): FaultSpec {
  const atPs = b.unit([...path, 'at'], raw.at, parseTime, 0);
  const at = b.at(path);
  const src = b.src;
  if (raw.operator !== undefined) {
    for (const key of ['action', 'target', 'pct'] as const) {
      if (raw[key] !== undefined) b.errors.push(src.keyError(path, key, `${describe(path)}: an operator command takes no ${key}`));
    }
    checkOperator(b, raw.operator, [...path, 'operator'], topology);
    return { atPs, action: 'operator', command: raw.operator, at };
  }
  if (raw.action === undefined) {
    b.fail(path, 'a fault needs either action (lpar-down, osa-down, xcf-down, loss ...) or operator ("V TCPIP,...")');
    return { atPs, action: 'operator', at };
  }
  const action = raw.action;
  if (raw.target === undefined) {
    b.fail(path, `${action} needs a target (${targetWords(TARGET_KIND[action])})`);
    return { atPs, action, at };
  }
  const target = topology ? checkTarget(b, action, raw.target, [...path, 'target'], topology) : raw.target;
  if (action === 'loss') {
    if (raw.pct === undefined) b.fail(path, 'loss needs pct (the percentage of frames dropped, 0-100)');
    return { atPs, action, target, pct: raw.pct ?? 0, at };
  }
  if (raw.pct !== undefined) b.errors.push(src.keyError(path, 'pct', `${describe(path)}: pct applies only to loss`));
  return { atPs, action, target, at };
}

/** Checks a fault target names a thing of the right kind; returns the canonical name (pairs as written). An
 *  XCF target names two LPARs that signal to each other (`SYS1-SYS2`), or one of their paths, from 0 (`SYS1-SYS2:1`). */
function checkTarget(b: Builder, action: FaultAction, target: string, path: Path, t: Topology): string {
  const lpars = t.lpars.map((l) => l.name);
  const osas = t.osas.map((o) => o.name);
  const lans = t.lans.map((l) => l.name);
  const cfs = t.cfs.map((c) => c.name);
  const pairs: string[] = [];
  for (let i = 0; i < lpars.length; i++) {
    for (let j = i + 1; j < lpars.length; j++) if (signallingPaths(t, lpars[i]!, lpars[j]!).length > 0) pairs.push(`${lpars[i]}-${lpars[j]}`);
  }
  const m = /^([^-:\s]+)-([^-:\s]+)(?::(\d+))?$/.exec(target);
  const pathCount = m !== null && lpars.includes(m[1]!) && lpars.includes(m[2]!) ? signallingPaths(t, m[1]!, m[2]!).length : 0;
  const isPair = pathCount > 0;
  if (isPair && m![3] !== undefined && Number(m![3]) >= pathCount) {
    b.fail(path, `${action}: ${m![1]}-${m![2]} has ${pathCount} signalling path${pathCount === 1 ? '' : 's'} (0-${pathCount - 1}), not ${m![3]}`);
    return target;
  }
  const kind = TARGET_KIND[action];
  const ok =
    kind === 'lpar' ? lpars.includes(target)
    : kind === 'osa' ? osas.includes(target)
    : kind === 'cf' ? cfs.includes(target)
    : kind === 'link' ? isPair
    : lans.includes(target) || osas.includes(target) || isPair;
  if (!ok) {
    const names = kind === 'lpar' ? lpars : kind === 'osa' ? osas : kind === 'cf' ? cfs : kind === 'link' ? pairs : [...lans, ...osas, ...pairs];
    b.fail(path, `${action}: no ${targetWords(kind)} named "${target}" (${known(names)})`);
    return target;
  }
  if (isPair) {
    // Canonical: the pair in topology order, as the reports name it.
    const [x, y] = lpars.indexOf(m![1]!) < lpars.indexOf(m![2]!) ? [m![1], m![2]] : [m![2], m![1]];
    return `${x}-${y}${m![3] !== undefined ? `:${m![3]}` : ''}`;
  }
  return target;
}

function targetWords(kind: TargetKind): string {
  return kind === 'lpar' ? 'LPAR' : kind === 'osa' ? 'OSA port' : kind === 'cf' ? 'CF' : kind === 'link' ? 'pair of signalling LPARs (SYS1-SYS2)' : 'LAN, OSA port or LPAR pair';
}

const OPERATOR = /^\s*(D|DISPLAY|V|VARY)\s+TCPIP\s*,\s*([^,\s]*)/i;
/** MVS's START and STOP of the stack, routed to its system: `RO SYS1,P TCPIP`. */
const ROUTED = /^\s*RO\s+([^,\s]+)\s*,\s*(P|STOP|S|START)\s+TCPIP\s*$/i;

function checkOperator(b: Builder, command: string, path: Path, topology: Topology | undefined): void {
  const m = OPERATOR.exec(command) ?? ROUTED.exec(command);
  if (!m) {
    b.fail(path, `"${command}" is not an operator command this emulator knows: use D TCPIP,<stack>,..., V TCPIP,<stack>,... or RO <system>,P TCPIP`);
    return;
  }
  const stack = m === null ? '' : OPERATOR.test(command) ? m[2]! : m[1]!;
  if (topology && !topology.lpars.some((l) => l.name.toUpperCase() === stack.toUpperCase())) {
    b.fail(path, `no TCP/IP stack named "${stack}" (stacks: ${known(topology.lpars.map((l) => l.name))})`);
  }
}

function buildExpectation(b: Builder, text: string, path: Path): ExpectationSpec {
  const expr = parseExpectation(text);
  const at = b.at(path);
  if (isExpectError(expr)) {
    const p = b.src.charPos(path, expr.offset);
    b.errors.push(new InputError(b.src.file.display, `${describe(path)}: ${expr.message}`, p));
    return { text, expr: { kind: 'expectation', text, subject: { kind: 'path', steps: [] }, op: '==', value: null }, at };
  }
  return { text, expr, at };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasKey(v: unknown, key: string): boolean {
  return isObject(v) && Object.hasOwn(v, key);
}
