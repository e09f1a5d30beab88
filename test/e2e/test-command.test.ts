// `sysplex-emu test fixtures/scenarios` through the built CLI: the whole regression suite, so that `npm test`
// (and CI, which runs it) runs every fixture scenario on every change.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../suite/xml.js';
import { cli, ROOT } from './cli.js';

/** The folder's scenarios, as `test` finds them: its own *.yaml files with a top-level topology: key. */
function fixtureScenarios(): string[] {
  const dir = join(ROOT, 'fixtures/scenarios');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && /^topology\s*:/m.test(readFileSync(join(dir, f), 'utf8')))
    .sort()
    .map((f) => `fixtures/scenarios/${f}`);
}

describe('sysplex-emu test fixtures/scenarios', () => {
  it('passes every scenario, one line each, and writes JUnit XML with one testcase per scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-'));
    const junit = join(dir, 'out.xml');
    const r = cli(['test', 'fixtures/scenarios', '--junit', junit, '--artifacts', join(dir, 'artifacts')], { timeoutMs: 540_000 });
    const scenarios = fixtureScenarios();
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    for (const s of scenarios) expect(lines.filter((l) => l.startsWith(`PASS  ${s}  `)), `${s}\n${r.stdout}`).toHaveLength(1);
    expect(lines.at(-1)).toBe(`${scenarios.length} passed, 0 failed`);
    expect(r.status).toBe(0);
    // Nothing failed, so no artifacts.
    expect(() => readdirSync(join(dir, 'artifacts'))).toThrow();

    const root = parseXml(readFileSync(junit, 'utf8'));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: String(scenarios.length), failures: '0', errors: '0' });
    const suites = findAll(root, 'testsuite');
    expect(suites).toHaveLength(1);
    expect(suites[0]!.attrs.name).toBe('fixtures/scenarios');
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.file)).toEqual(scenarios);
    for (const c of cases) {
      expect(Number(c.attrs.time)).toBeGreaterThan(0);
      expect(c.attrs.name).toMatch(/\S/);
      expect(findAll(c, 'property').find((p) => p.attrs.name === 'seed')?.attrs.value).toMatch(/^\d+$/);
      expect(findAll(c, 'failure').length + findAll(c, 'error').length).toBe(0);
    }
  }, 600_000);
});
