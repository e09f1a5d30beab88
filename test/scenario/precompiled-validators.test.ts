// The schema validators compiled at build time (dist/src/scenario/schema-validators.cjs, what the CLI loads)
// are the ones ajv compiles at run time: the built file is the generator's current output, and both give the
// same verdicts and errors on every fixture and on broken variants of them.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validatorsSource } from '../../src/scenario/build-validators.js';
import { PRECOMPILED, SCENARIO_KEY, schemaCompiler, TOPOLOGY_KEY } from '../../src/scenario/schema.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** Evaluates the generated CommonJS source with this repository's `require` (it needs ajv's runtime). */
function load(source: string): Record<'topology' | 'scenario', ValidateFunction> {
  const module = { exports: {} as Record<string, ValidateFunction> };
  new Function('module', 'exports', 'require', source)(module, module.exports, require);
  return module.exports as Record<'topology' | 'scenario', ValidateFunction>;
}

const errorsOf = (v: ValidateFunction, doc: unknown) => {
  const ok = v(doc);
  return { ok, errors: (v.errors ?? []).map((e) => ({ at: e.instancePath, schema: e.schemaPath, keyword: e.keyword, params: e.params, message: e.message })) };
};

/** Every fixture topology and scenario, and variants broken in the ways users break them. */
function documents(kind: 'topologies' | 'scenarios'): unknown[] {
  const dir = join(ROOT, 'fixtures', kind);
  const docs = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
  const broken = docs.flatMap((d) => [
    { ...d, unknownKey: 1 },
    Object.fromEntries(Object.entries(d).slice(1)),
    { ...d, name: 42 },
    { ...d, seed: -1, until: '3 parsecs' },
    JSON.parse(JSON.stringify(d).replace(/"10\.1\.1\.10"/g, '"10.1.1"').replace(/"(\d+)us"/g, '"$1 fortnights"')),
  ]);
  return [...docs, ...broken, null, [], 'text'];
}

describe('precompiled schema validators', () => {
  const runtime = schemaCompiler();
  const fresh = { topology: runtime.getSchema(TOPOLOGY_KEY)!, scenario: runtime.getSchema(SCENARIO_KEY)! };
  const source = validatorsSource();

  it('the built module is the generator output for the current schemas', () => {
    expect(readFileSync(join(ROOT, 'dist/src/scenario', PRECOMPILED), 'utf8')).toBe(source);
  });

  it('give the verdicts and errors of validators compiled at run time', () => {
    const pre = load(source);
    const cases: [keyof typeof pre, unknown[]][] = [['topology', documents('topologies')], ['scenario', documents('scenarios')]];
    let invalid = 0;
    for (const [kind, docs] of cases) {
      for (const doc of docs) {
        const expected = errorsOf(fresh[kind], doc);
        expect(errorsOf(pre[kind], doc)).toEqual(expected);
        if (!expected.ok) invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(50); // the broken variants were broken
  });
});
