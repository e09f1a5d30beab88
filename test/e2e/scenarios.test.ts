// The models issue's fault scenarios through the built CLI: each passes, a false expectation is exit 1 and named,
// and a fault scenario is deterministic.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli } from './cli.js';

const SCENARIOS = ['takeover', 'takeback', 'target-loss', 'weightedactive', 'hotstandby', 'xcf-failover', 'frame-loss', 'arp-takeover'];

describe('fault scenarios (sysplex-emu run)', () => {
  for (const name of SCENARIOS) {
    it(`${name} meets every expectation`, () => {
      const r = cli(['run', `fixtures/scenarios/${name}.yaml`, '--json'], { timeoutMs: 120_000 });
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout);
      const failed = report.expectations.filter((e: { ok: boolean }) => !e.ok);
      expect(failed).toEqual([]);
      expect(report.expectations.length).toBeGreaterThan(2);
      expect(r.status).toBe(0);
    });
  }

  it('a false expectation exits 1 and names the expression and its actual value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    const file = join(dir, 'wrong.yaml');
    writeFileSync(
      file,
      readFileSync(join(ROOT, 'fixtures/scenarios/weightedactive.yaml'), 'utf8')
        .replace('topology: ../topologies/weightedactive.yaml', `topology: ${join(ROOT, 'fixtures/topologies/weightedactive.yaml')}`)
        .replace('targets[stack=SYS3].totalConn == 180', 'targets[stack=SYS3].totalConn == 100'),
    );
    const r = cli(['run', file], { timeoutMs: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL distribution\[port=7\]\.targets\[stack=SYS3\]\.totalConn == 100\s+\(actual: 180\)/);
  });

  it('the takeover scenario gives byte-identical traces and reports for one seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    const runs = [1, 2].map((i) => {
      const trace = join(dir, `t${i}.jsonl`);
      const r = cli(['run', 'fixtures/scenarios/takeover.yaml', '--json', '--until', '120ms', '--trace', trace], { timeoutMs: 120_000 });
      const { wallMs: _w, ...report } = JSON.parse(r.stdout);
      return { trace: readFileSync(trace, 'utf8'), report: JSON.stringify(report) };
    });
    expect(runs[0]!.trace).toContain('"k":"dvipa.takeover"');
    expect(runs[0]!.trace).toContain('"k":"dvipa.takeback"');
    expect(runs[0]!.trace).toBe(runs[1]!.trace);
    expect(runs[0]!.report).toBe(runs[1]!.report);
  });
});
