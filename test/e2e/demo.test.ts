// The demo of CONTRACT.md through the built CLI: `npm start` runs this same command.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli.js';

describe('the demo sysplex', () => {
  it('completes all 1000 connections, round robin 334/333/333, SYS1 owns the DVIPA, every LPAR busy', () => {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--json'], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.clients).toMatchObject({ opened: 1000, completed: 1000, reset: 0, failed: 0 });
    const http = report.distribution.find((d: { port: number }) => d.port === 80);
    expect(http.method).toBe('ROUNDROBIN');
    expect(http.targets.map((t: { stack: string; totalConn: number }) => [t.stack, t.totalConn])).toEqual([['SYS1', 334], ['SYS2', 333], ['SYS3', 333]]);
    expect(http.targets.every((t: { ready: number; lost: number }) => t.ready === 1 && t.lost === 0)).toBe(true);
    expect(report.dvipas).toEqual([{ ip: '10.1.1.10', owner: 'SYS1', state: 'ACTIVE', backups: ['SYS2', 'SYS3'] }]);
    for (const l of report.lpars) expect(l.cpuBusyPct).toBeGreaterThan(0);
  });

  it('gives byte-identical traces and reports (wall time aside) for the same seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const runs = [1, 2].map((i) => {
      const trace = join(dir, `t${i}.jsonl`);
      const r = cli(['run', 'fixtures/topologies/demo.yaml', '--json', '--seed', '7', '--until', '200ms', '--trace', trace], { timeoutMs: 120_000 });
      expect(r.status).toBe(0);
      const { wallMs: _w, ...report } = JSON.parse(r.stdout);
      return { trace: readFileSync(trace, 'utf8'), report: JSON.stringify(report) };
    });
    expect(runs[0]!.trace.length).toBeGreaterThan(10_000);
    expect(runs[0]!.trace).toBe(runs[1]!.trace);
    expect(runs[0]!.report).toBe(runs[1]!.report);
    const kinds = new Set(runs[0]!.trace.trim().split('\n').map((l) => JSON.parse(l).k));
    for (const k of ['osa.rx', 'osa.tx', 'osa.register', 'osa.garp', 'xcf.send', 'xcf.recv', 'xcf.join', 'vcrt.insert', 'conn.forward', 'dvipa.activate', 'tcp.open', 'stack.listen']) {
      expect(kinds.has(k), k).toBe(true);
    }
  });
});
