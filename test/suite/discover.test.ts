// Which files a `test` command line runs, and how verdicts come out of workers' answers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactIds } from '../../src/suite/artifacts.js';
import { discover, looksLikeScenario } from '../../src/suite/discover.js';
import { judge } from '../../src/suite/judge.js';
import { resultLines, summaryLine } from '../../src/suite/runner.js';
import { InputError } from '../../src/errors.js';
import type { Report } from '../../src/run/report.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'suite-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

describe('discover', () => {
  it('takes a folder\'s own scenarios in name order, skipping topologies, other files and subfolders', () => {
    const dir = folder({
      'b.yaml': 'name: b\ntopology: t.yaml\n',
      'a.yml': 'topology: t.yaml\n',
      'topo.yaml': 'name: t\nlpars: []\n',
      'notes.txt': 'topology: no\n',
      'broken.yaml': 'topology: [unclosed\n  : :\n',
      'sub/c.yaml': 'topology: t.yaml\n',
    });
    const [suite] = discover([dir]);
    expect(suite!.name).toBe(dir);
    expect(suite!.files).toEqual([join(dir, 'a.yml'), join(dir, 'b.yaml'), join(dir, 'broken.yaml')]);
  });

  it('runs a file named twice (or also inside a folder) once, at its first mention', () => {
    const dir = folder({ 'a.yaml': 'topology: t.yaml\n', 'b.yaml': 'topology: t.yaml\n' });
    const suites = discover([join(dir, 'b.yaml'), dir, join(dir, 'b.yaml')]);
    expect(suites.map((s) => s.files)).toEqual([[join(dir, 'b.yaml')], [join(dir, 'a.yaml')], []]);
  });

  it('rejects an argument that does not exist and a folder without scenarios', () => {
    expect(() => discover(['/no/such/place'])).toThrow(InputError);
    expect(() => discover(['/no/such/place'])).toThrow('no such file or folder');
    const empty = folder({ 'topo.yaml': 'lpars: []\n' });
    expect(() => discover([empty])).toThrow(/no scenarios in this folder/);
  });

  it('knows a scenario by its top-level topology: key', () => {
    expect(looksLikeScenario('# c\nname: x\ntopology: ../t.yaml\n')).toBe(true);
    expect(looksLikeScenario('"topology": {}\n')).toBe(true);
    expect(looksLikeScenario('lpars:\n  - topology: x\n')).toBe(false);
  });
});

describe('artifactIds', () => {
  it('names artifact folders after the files, unique within a command', () => {
    expect(artifactIds(['a/x.yaml', 'b/x.yaml', 'c/y z.yaml', 'd/x.yaml'])).toEqual(['x', 'x-2', 'y_z', 'x-3']);
  });
});

const report = (expectations: Report['expectations']): Report => ({
  virtualTimePs: 1, events: 1, wallMs: 1, seed: 4, partitions: 1, lpars: [], dvipas: [], distribution: [],
  clients: { opened: 0, completed: 0, reset: 0, failed: 0, open: 0, bytesSent: 0, bytesReceived: 0 }, expectations,
});

describe('judge', () => {
  const base = { file: 's.yaml', seconds: 1, tracePath: '/nonexistent', updateGolden: false };

  it('fails a scenario per false expectation, naming the expression and the actual value', () => {
    const o = judge({
      ...base,
      result: { kind: 'ran', name: 'n', seed: 4, golden: null, report: report([
        { expr: 'clients.failed == 0', ok: false, actual: 3 },
        { expr: 'clients.opened > 0', ok: true, actual: 5 },
        { expr: 'display("D TCPIP,SYS1,NETSTAT,VIPADYN") contains "ACTIVE"', ok: false, actual: 'line 1\nline 2' },
      ]) },
    });
    expect(o.verdict).toBe('failed');
    expect(o.failures.map((f) => f.message)).toEqual([
      'clients.failed == 0 (actual: 3)',
      'display("D TCPIP,SYS1,NETSTAT,VIPADYN") contains "ACTIVE" (actual: "line 1\\nline 2")',
    ]);
    expect(resultLines(o)).toEqual([
      'FAIL  s.yaml  n  (1.00 s)',
      '      expected clients.failed == 0 (actual: 3)',
      '      expected display("D TCPIP,SYS1,NETSTAT,VIPADYN") contains "ACTIVE" (actual: "line 1\\nline 2")',
    ]);
  });

  it('passes a scenario whose expectations hold', () => {
    const o = judge({ ...base, result: { kind: 'ran', name: 'n', seed: 4, golden: null, report: report([{ expr: 'x == 1', ok: true, actual: 1 }]) } });
    expect(o.verdict).toBe('passed');
    expect(resultLines(o)).toEqual(['PASS  s.yaml  n  (1.00 s)']);
  });

  it('makes bad input an input error and a failed run a run error, named after the file if need be', () => {
    const bad = judge({ ...base, result: { kind: 'input-error', name: null, seed: null, messages: ['s.yaml:3:5: wrong'] } });
    expect(bad).toMatchObject({ verdict: 'error', errorType: 'input', name: 's', errors: ['s.yaml:3:5: wrong'] });
    const died = judge({ ...base, result: { kind: 'run-failed', name: 'n', seed: 2, message: 'SYS1 failed at virtual time 5 ms (5000000000 ps): boom' } });
    expect(died).toMatchObject({ verdict: 'error', errorType: 'run', seed: 2 });
    expect(died.errors[0]).toBe('s.yaml: run failed: SYS1 failed at virtual time 5 ms (5000000000 ps): boom');
  });

  it('summarises as `<n> passed, <n> failed`, errors only when there are some', () => {
    expect(summaryLine({ passed: 3, failed: 1, errors: 0 })).toBe('3 passed, 1 failed');
    expect(summaryLine({ passed: 0, failed: 0, errors: 2 })).toBe('0 passed, 0 failed, 2 errors');
  });
});
