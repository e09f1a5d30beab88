// `sysplex-emu test` verdicts through the built CLI: a false expectation is exit 1 with one <failure> naming the
// expression and its actual value and artifacts for that scenario only; bad input is an error at FILE:LINE:COL
// while the others still run (exit 2); --jobs 1 and --jobs 2 say the same apart from times.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../suite/xml.js';
import { cli, STACK_FRAME } from './cli.js';

const MIXED = 'test/suite/fixtures/mixed';
const BROKEN = 'test/suite/fixtures/broken';
const withoutTimes = (s: string) => s.replace(/ time="[0-9.]+"/g, '').replace(/\(\d+\.\d+ s\)/g, '(T)').replace(/ in \d+\.\d s, \d+ at a time/g, '');

describe('a folder with a passing and a failing scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suite-mixed-'));
  const artifacts = join(dir, 'artifacts');
  const junit = join(dir, 'junit.xml');
  const r = cli(['test', MIXED, '--junit', junit, '--artifacts', artifacts, '--jobs', '2'], { timeoutMs: 120_000 });

  it('exits 1 and prints the false expectation with its actual value', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FAIL  test\/suite\/fixtures\/mixed\/fails\.yaml  a small run that fails  \(\d+\.\d\d s\)$/);
    expect(lines[1]).toBe('      expected distribution[port=80].targets[stack=SYS2].totalConn == 4 (actual: 3)');
    expect(lines).toContain(`      artifacts: ${join(artifacts, 'fails')}`);
    expect(lines.some((l) => /^PASS  test\/suite\/fixtures\/mixed\/passes\.yaml  a small run that passes  /.test(l))).toBe(true);
    // topology.yaml in the folder is not a scenario.
    expect(r.stdout).not.toContain('topology.yaml');
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
  });

  it('writes JUnit with exactly one <failure>, naming the expression and the actual value', () => {
    const root = parseXml(readFileSync(junit, 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '2', failures: '1', errors: '0' });
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['a small run that fails', 'a small run that passes']);
    const failures = findAll(root, 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.attrs.message).toBe('distribution[port=80].targets[stack=SYS2].totalConn == 4 (actual: 3)');
    expect(failures[0]!.text).toContain('actual:   3');
    expect(findAll(cases[0]!, 'failure')).toHaveLength(1);
    expect(findAll(cases[0]!, 'property').find((p) => p.attrs.name === 'seed')?.attrs.value).toBe('2');
  });

  it('keeps artifacts for the failing scenario only: its report, trace, timelines and failure', () => {
    expect(readdirSync(artifacts)).toEqual(['fails']);
    const files = readdirSync(join(artifacts, 'fails')).sort();
    expect(files).toEqual(['failures.txt', 'perfetto.json', 'report.html', 'report.json', 'timeline.vcd', 'trace.jsonl']);
    const report = JSON.parse(readFileSync(join(artifacts, 'fails', 'report.json'), 'utf8'));
    expect(report.seed).toBe(2);
    expect(report.expectations.filter((e: { ok: boolean }) => !e.ok)).toEqual([
      { expr: 'distribution[port=80].targets[stack=SYS2].totalConn == 4', ok: false, actual: 3 },
    ]);
    const trace = readFileSync(join(artifacts, 'fails', 'trace.jsonl'), 'utf8').trim().split('\n');
    expect(trace.filter((l) => JSON.parse(l).k === 'vcrt.insert')).toHaveLength(9);
    expect(readFileSync(join(artifacts, 'fails', 'failures.txt'), 'utf8')).toContain('(actual: 3)');
  });

  it('gives the same results and JUnit with --jobs 1, apart from times', () => {
    const junit1 = join(dir, 'junit1.xml');
    const one = cli(['test', MIXED, '--junit', junit1, '--artifacts', join(dir, 'artifacts1'), '--jobs', '1'], { timeoutMs: 120_000 });
    expect(one.status).toBe(1);
    const norm = (s: string) => withoutTimes(s).replaceAll(join(dir, 'artifacts1'), 'A').replaceAll(artifacts, 'A');
    expect(norm(one.stdout)).toBe(norm(r.stdout));
    expect(withoutTimes(readFileSync(junit1, 'utf8'))).toBe(withoutTimes(readFileSync(junit, 'utf8')));
    expect(readFileSync(join(dir, 'artifacts1', 'fails', 'trace.jsonl'))).toEqual(readFileSync(join(artifacts, 'fails', 'trace.jsonl')));
  });
});

describe('a folder with a broken scenario', () => {
  it('reports it as an error at FILE:LINE:COL, still runs the others, and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-broken-'));
    const junit = join(dir, 'junit.xml');
    const r = cli(['test', BROKEN, '--junit', junit, '--artifacts', join(dir, 'a')], { timeoutMs: 120_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).not.toMatch(STACK_FRAME);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ERROR test\/suite\/fixtures\/broken\/bad-until\.yaml  bad-until  /);
    expect(lines[1]).toMatch(/^ {6}test\/suite\/fixtures\/broken\/bad-until\.yaml:4:8: until: .*lightyears/);
    expect(lines.some((l) => l.startsWith('PASS  test/suite/fixtures/broken/passes.yaml'))).toBe(true);
    expect(lines.at(-1)).toBe('1 passed, 0 failed, 1 errors');
    const root = parseXml(readFileSync(junit, 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '1' });
    const errors = findAll(root, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.attrs.type).toBe('input');
    expect(errors[0]!.attrs.message).toMatch(/^test\/suite\/fixtures\/broken\/bad-until\.yaml:4:8: /);
    // An error is kept like a failure.
    expect(existsSync(join(dir, 'a', 'bad-until', 'failures.txt'))).toBe(true);
    expect(existsSync(join(dir, 'a', 'passes'))).toBe(false);
  });
});

describe('bad command lines', () => {
  it('are exit 2 with one line, and nothing runs', () => {
    for (const args of [['test'], ['test', 'no/such/folder'], ['test', MIXED, '--jobs', '0'], ['test', MIXED, '--jobs', 'x'], ['test', MIXED, '--bogus'], ['test', 'test/suite/fixtures/firmware']]) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
    expect(cli(['test', 'no/such/folder']).stderr).toBe('no/such/folder: no such file or folder\n');
  });
});

describe('a folder with runs that fail', () => {
  it('reports a firmware that throws and a worker that dies as run errors naming what failed, and exits 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-runfail-'));
    const junit = join(dir, 'junit.xml');
    const r = cli(['test', 'test/suite/fixtures/run-fails', '--junit', junit], { timeoutMs: 120_000 });
    expect(r.status).toBe(3);
    expect(r.stdout).not.toMatch(STACK_FRAME);
    expect(r.stdout).toMatch(/^ERROR test\/suite\/fixtures\/run-fails\/throws\.yaml  a run whose firmware throws  .*\n {6}test\/suite\/fixtures\/run-fails\/throws\.yaml: run failed: SYS2 failed at virtual time [0-9.]+ ms \(\d+ ps\): firmware fault injected by the test$/m);
    expect(r.stdout).toMatch(/^ERROR test\/suite\/fixtures\/run-fails\/exits\.yaml  exits  .*\n {6}test\/suite\/fixtures\/run-fails\/exits\.yaml: run failed: the worker process exited with status 9 without a result$/m);
    expect(r.stdout).toMatch(/^PASS  test\/suite\/fixtures\/run-fails\/passes\.yaml  /m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed, 2 errors');
    const errors = findAll(parseXml(readFileSync(junit, 'utf8')), 'error');
    expect(errors.map((e) => e.attrs.type)).toEqual(['run', 'run']);
  });
});
