// JSON Schema validation of topology and scenario files (the same schema files editors use for completion),
// with ajv's errors turned into one line each at the YAML node that is wrong.

import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import scenarioSchema from '../../schema/scenario.schema.json' with { type: 'json' };
import topologySchema from '../../schema/topology.schema.json' with { type: 'json' };
import type { InputError } from '../errors.js';
import {
  BITRATE_PATTERN,
  DISTANCE_PATTERN,
  FREQUENCY_PATTERN,
  parseBitRate,
  parseDistance,
  parseFrequency,
  parseRate,
  parseSize,
  parseTime,
  RATE_PATTERN,
  SIZE_PATTERN,
  TIME_PATTERN,
  type UnitResult,
} from './units.js';
import type { Path, YamlFile } from './yaml-source.js';

export { scenarioSchema, topologySchema };

interface Validators {
  readonly topology: ValidateFunction;
  readonly scenario: ValidateFunction;
}
let compiled: Validators | undefined;

/** The validator compiler: the build (build-validators.ts) and the fallback below share these options. */
export function schemaCompiler(source = false): Ajv {
  // Loaded only here: a built package never needs ajv's compiler at run time (about 70 ms to load).
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, code: { source } });
  ajv.addSchema(topologySchema, TOPOLOGY_KEY);
  ajv.addSchema(scenarioSchema, SCENARIO_KEY);
  return ajv;
}
export const TOPOLOGY_KEY = 'topology.schema.json';
export const SCENARIO_KEY = 'scenario.schema.json';
/** Beside the built schema.js: the validators compiled at build time (compiling at start-up costs ~150 ms). */
export const PRECOMPILED = 'schema-validators.cjs';
const require = createRequire(import.meta.url);

function validators(): Validators {
  if (!compiled) {
    let pre: Validators | undefined;
    try {
      pre = require(`./${PRECOMPILED}`) as Validators;
    } catch {
      // Running from the TypeScript sources (tests): compile now.
    }
    if (pre === undefined) {
      const ajv = schemaCompiler();
      pre = { topology: ajv.getSchema(TOPOLOGY_KEY)!, scenario: ajv.getSchema(SCENARIO_KEY)! };
    }
    compiled = pre;
  }
  return compiled;
}

export function validateTopology(src: YamlFile, value: unknown, base: Path = []): InputError[] {
  return check(validators().topology, src, value, base);
}

export function validateScenario(src: YamlFile, value: unknown): InputError[] {
  return check(validators().scenario, src, value, []);
}

function check(validate: ValidateFunction, src: YamlFile, value: unknown, base: Path): InputError[] {
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: InputError[] = [];
  for (const e of validate.errors ?? []) {
    const err = toInputError(src, e, base);
    if (!err) continue;
    const key = err.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(err);
  }
  return out;
}

const UNIT_PARSERS: ReadonlyMap<string, (v: string | number) => UnitResult> = new Map([
  [TIME_PATTERN, parseTime],
  [SIZE_PATTERN, parseSize],
  [RATE_PATTERN, parseRate],
  [BITRATE_PATTERN, parseBitRate],
  [FREQUENCY_PATTERN, parseFrequency],
  [DISTANCE_PATTERN, parseDistance],
]);

const PATTERN_MEANINGS: ReadonlyMap<string, string> = new Map([
  [topologySchema.definitions.ipv4.pattern, 'is not a dotted IPv4 address (e.g. 10.1.1.10)'],
  [topologySchema.definitions.cidr.pattern, 'is not a subnet in CIDR notation (e.g. 10.1.1.0/24)'],
  [topologySchema.definitions.name.pattern, "is not a name: a letter, then letters, digits, _, #, @ or $ (no '-')"],
  [topologySchema.definitions.backplane.properties.bind.pattern, 'is not an endpoint such as tcp://127.0.0.1:5555'],
]);

function toInputError(src: YamlFile, e: ErrorObject, base: Path): InputError | undefined {
  const path = [...base, ...pointerToPath(e.instancePath)];
  const where = describePath(path);
  const prefix = where === '' ? '' : `${where}: `;
  const parent = (e.parentSchema ?? {}) as { pattern?: string; properties?: Record<string, unknown> };
  const unit = parent.pattern !== undefined ? UNIT_PARSERS.get(parent.pattern) : undefined;
  const data = e.data as unknown;

  switch (e.keyword) {
    case 'if':
      return undefined; // the `then` branch reports what is wrong inside
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return src.error(path, `${prefix}missing required key "${key}"`);
    }
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent.properties ?? {});
      const guess = closest(key, known);
      const hint = guess ? ` (did you mean "${guess}"?)` : known.length > 0 ? ` (known keys: ${known.join(', ')})` : '';
      return src.keyError(path, key, `${prefix}unknown key "${key}"${hint}`);
    }
    case 'pattern':
    case 'type': {
      if (unit && (typeof data === 'string' || typeof data === 'number')) {
        const r = unit(data);
        if (!r.ok) return src.error(path, `${prefix}${r.message}`);
      }
      if (e.keyword === 'pattern') {
        const meaning = PATTERN_MEANINGS.get((e.params as { pattern: string }).pattern);
        return src.error(path, `${prefix}${show(data)} ${meaning ?? `does not match ${(e.params as { pattern: string }).pattern}`}`);
      }
      const types = ([] as string[]).concat((e.params as { type: string | string[] }).type);
      return src.error(path, `${prefix}must be ${types.map(article).join(' or ')} (got ${kindOf(data)})`);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      return src.error(path, `${prefix}must be one of ${allowed} (got ${show(data)})`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return src.error(path, `${prefix}must be ${p.comparison} ${p.limit} (got ${show(data)})`);
    }
    case 'minItems':
      return src.error(path, `${prefix}needs at least ${(e.params as { limit: number }).limit} item(s)`);
    case 'maxItems':
      return src.error(path, `${prefix}takes at most ${(e.params as { limit: number }).limit} item(s)`);
    case 'minLength':
      return src.error(path, `${prefix}must not be empty`);
    case 'maxLength':
      return src.error(path, `${prefix}is longer than ${(e.params as { limit: number }).limit} characters`);
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      return src.keyError(path, name, `${prefix}"${name}" is not a component name`);
    }
    default:
      return src.error(path, `${prefix}${e.message ?? 'is not valid'}`);
  }
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** `lpars[1].applications[0].port`, the way the expectation paths read. */
export function describePath(path: Path): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function kindOf(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v} ${show(v)}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    integer: 'an integer', number: 'a number', string: 'a string', object: 'a mapping', array: 'a list', boolean: 'true or false',
  };
  return names[type] ?? type;
}

/** The known key nearest to a misspelt one, if it is near enough to be a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
