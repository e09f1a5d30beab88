// `sysplex-emu test --timeout`: a scenario that runs past its wall-clock limit is stopped and counted as a failed
// run (exit 3, a JUnit <error type="run">) naming the limit and the virtual time it reached, while the others
// still run and pass; no worker process is left behind.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processes } from '../support/processes.js';
import { findAll, parseXml } from '../suite/xml.js';
import { cli, ROOT } from './cli.js';

describe('test --timeout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suite-timeout-'));
  // Far more work than the limit allows: 400,000 connections at 200,000/s for 3 virtual seconds (a minute or so).
  writeFileSync(
    join(dir, 'long.yaml'),
    `name: long
topology: ${join(ROOT, 'fixtures/topologies/demo.yaml')}
until: 3s
workload:
  - { dvipa: 10.1.1.10, port: 80, protocol: http, clients: 256, connections: 400000, rate: 200000/s, request: 200B, response: 2KiB }
`,
  );
  // Well inside the limit even on a loaded machine: 20 connections over 20 ms.
  writeFileSync(
    join(dir, 'short.yaml'),
    `name: short
topology: ${join(ROOT, 'fixtures/topologies/demo.yaml')}
until: 100ms
workload:
  - { dvipa: 10.1.1.10, port: 80, protocol: http, clients: 4, connections: 20, rate: 1000/s, request: 200B, response: 2KiB }
expect:
  - clients.completed == 20
`,
  );
  const junit = join(dir, 'junit.xml');

  it('stops the scenario past the limit as a failed run, names the limit and virtual time, and runs the rest', () => {
    const r = cli(['test', dir, '--timeout', '5s', '--jobs', '2', '--junit', junit], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(3);
    const lines = r.stdout.split('\n');
    expect(lines.some((l) => l.startsWith(`ERROR ${join(dir, 'long.yaml')}  long  (`))).toBe(true);
    expect(r.stdout).toMatch(/long\.yaml: run failed: timed out after 5 s of wall time \(--timeout\), (at virtual time \d[\d.]* (ps|ns|us|ms|s)|before its first progress report)\n/);
    expect(lines.some((l) => l.startsWith(`PASS  ${join(dir, 'short.yaml')}  short  (`))).toBe(true);
    expect(lines.at(-2)).toBe('1 passed, 0 failed, 1 errors');
    const cases = findAll(parseXml(readFileSync(junit, 'utf8')), 'testcase');
    const long = cases.find((c) => c.attrs.name === 'long')!;
    expect(findAll(long, 'error').map((e) => e.attrs.type)).toEqual(['run']);
    // The killed worker is gone: with the command over, a worker of its would be an orphan (parent pid 1); other
    // tests' workers running meanwhile still have their command as parent.
    expect(processes().filter((p) => p.args.includes('suite/worker.js') && p.ppid === 1)).toEqual([]);
  }, 130_000);

  it('refuses a limit that is not a wall-clock duration (exit 2)', () => {
    const r = cli(['test', dir, '--timeout', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--timeout 10: write a wall-clock duration such as 90s, 10m or 1h');
  });
});
