// `sysplex-emu sweep` through the built CLI: a 3 x 2 sweep writes six rows, each point deterministic; a point that
// fails is a row with its error and the sweep goes on (exit 1); bad options are exit 2 with one line; the HTML
// page has a plot per varying metric and renders in headless Chromium.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, needs } from '../support/tools.js';
import { chromium } from 'playwright-core';
import { type CliResult, cli, errLines } from './cli.js';

const SCENARIO = 'fixtures/sweeps/short-http.yaml';
const dir = mkdtempSync(join(tmpdir(), 'sweep-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(file: string): string[][] {
  // Quoted fields hold commas (selectors); the values themselves have none.
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, -1));
}

describe('sysplex-emu sweep', () => {
  const out = join(dir, 'grid');
  let r: CliResult;
  beforeAll(() => {
    r = cli(['sweep', SCENARIO, '--set', 'osas[*].frameLatency=1us,20us,80us', '--set', 'lpars[name=SYS1].processors=1,2', '--jobs', '2', '--out', out], { timeoutMs: 240_000 });
  }, 300_000);

  it('runs 3 x 2 points and writes six rows with the values set and the report metrics', () => {
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^6 points x 1 seed in [\d.]+ s; 0 failed$/m);
    const rows = csv(join(out, 'results.csv'));
    const [header, ...data] = rows;
    expect(header!.slice(0, 3)).toEqual(['osas[*].frameLatency', 'lpars[name=SYS1].processors', 'error']);
    expect(data.map((row) => row.slice(0, 2))).toEqual([['1us', '1'], ['1us', '2'], ['20us', '1'], ['20us', '2'], ['80us', '1'], ['80us', '2']]);
    const completed = header!.indexOf('clients.completed');
    expect(data.map((row) => row[completed])).toEqual(['100', '100', '100', '100', '100', '100']);
    // The overrides took effect: SYS1's CPU load depends on its processors, the event count on the OSA latency.
    const busy = header!.indexOf('lpars[name=SYS1].cpuBusyPct');
    expect(Number(data[0]![busy])).toBeGreaterThan(Number(data[1]![busy]));
    // A larger OSA frame latency gives a larger p99 connect time (same processors: rows 0, 2, 4).
    const p99 = header!.indexOf('clients.latency.connect.p99');
    expect(p99).toBeGreaterThan(0);
    const connect = [0, 2, 4].map((i) => Number(data[i]![p99]));
    expect(connect[1]).toBeGreaterThan(connect[0]!);
    expect(connect[2]).toBeGreaterThan(connect[1]!);
    // The queueing figures are metrics too: SYS1's CPU queue wait grows when it has one CP instead of two.
    const cpuWait = header!.indexOf('lpars[name=SYS1].cpuWait.mean');
    expect(cpuWait).toBeGreaterThan(0);
    for (const i of [0, 2, 4]) expect(Number(data[i]![cpuWait])).toBeGreaterThan(Number(data[i + 1]![cpuWait]));
    expect(header).toContain('osas[name=OSA1].inboundWait.p99');
    expect(header).toContain('xcf.systems[name=SYS1].paths[peer=SYS2,path=0].transfer.p99');
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { points: { settings: Record<string, string>; metrics: Record<string, { mean: number }> }[] };
    expect(json.points).toHaveLength(6);
    expect(json.points[5]!.settings).toEqual({ 'osas[*].frameLatency': '80us', 'lpars[name=SYS1].processors': '2' });
  });

  it('gives the same rows again (each point is deterministic)', () => {
    const again = join(dir, 'again');
    const r2 = cli(['sweep', SCENARIO, '--set', 'osas[*].frameLatency=1us,20us,80us', '--set', 'lpars[name=SYS1].processors=1,2', '--jobs', '3', '--out', again], { timeoutMs: 240_000 });
    expect(r2.status, r2.stderr).toBe(0);
    expect(readFileSync(join(again, 'results.csv'), 'utf8')).toBe(readFileSync(join(out, 'results.csv'), 'utf8'));
  });

  it('reports a failing point as a row with its error and goes on (exit 1)', () => {
    const bad = join(dir, 'bad');
    const f = cli(['sweep', SCENARIO, '--set', 'lpars[name=SYS1].processors=2,0,1', '--jobs', '2', '--out', bad], { timeoutMs: 240_000 });
    expect(f.status, f.stderr).toBe(1);
    expect(f.stdout).toMatch(/3 points x 1 seed .*; 1 failed/);
    expect(f.stdout).toMatch(/FAIL lpars\[name=SYS1\]\.processors=0: .*processors/);
    const rows = csv(join(bad, 'results.csv'));
    expect(rows.slice(1).map((row) => [row[0], row[1] === '' ? 'ok' : 'error'])).toEqual([['2', 'ok'], ['0', 'error'], ['1', 'ok']]);
  });

  it('refuses bad options with one line and exit 2', () => {
    for (const [args, message] of [
      [['sweep', SCENARIO], /give at least one --set/],
      [['sweep', SCENARIO, '--set', 'osas[*].frameLatency'], /expected PATH=VALUE/],
      [['sweep', SCENARIO, '--set', 'lpars[name=SYS9].processors=1'], /no element matches/],
      [['sweep', 'fixtures/sweeps/none.yaml', '--set', 'a=1'], /no such file/],
    ] as const) {
      const e = cli([...args, '--out', join(dir, 'never')], { timeoutMs: 60_000 });
      if (String(message) === String(/no element matches/)) {
        // A selector that matches nothing is decided per point: every point fails, exit 1.
        expect(e.status).toBe(1);
        expect(e.stdout).toMatch(message);
      } else {
        expect(e.status, e.stderr).toBe(2);
        expect(errLines(e)).toHaveLength(1);
        expect(e.stderr).toMatch(message);
      }
    }
  });

  it('draws one plot per varying metric, rendered in headless Chromium with no errors', needs('chromium'), async () => {
    const html = readFileSync(join(out, 'sweep.html'), 'utf8');
    const data = JSON.parse(/<script id="sweep-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { plots: { metric: string }[] };
    expect(data.plots.map((p) => p.metric)).toContain('lpars[name=SYS1].cpuBusyPct');
    // A plot per metric: every column of results.csv that varies between the points has its plot (and every
    // plot is a column), the queueing figures included.
    const [header, ...rows] = csv(join(out, 'results.csv'));
    const metrics = header!.slice(header!.indexOf('error') + 1);
    const varying = metrics.filter((m) => new Set(rows.map((row) => row[header!.indexOf(m)])).size > 1);
    const plotted = new Set(data.plots.map((p) => p.metric));
    for (const m of varying) expect(plotted.has(m), m).toBe(true);
    for (const m of plotted) expect(metrics).toContain(m);
    expect(plotted.has('clients.latency.connect.p99')).toBe(true);
    expect(plotted.has('lpars[name=SYS1].cpuWait.mean')).toBe(true);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`file://${join(out, 'sweep.html')}`);
      await page.waitForFunction(() => (window as unknown as { __sweepReady?: boolean }).__sweepReady === true);
      const drawn = await page.$$eval('section.plot', (els) => els.map((e) => [e.getAttribute('data-metric'), e.querySelectorAll('canvas').length]));
      expect(drawn.map((d) => d[0])).toEqual(data.plots.map((p) => p.metric));
      for (const d of drawn) expect(d[1]).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('sysplex-emu run --set', () => {
  it('changes a field for one run, and a bad value is exit 2 at the field the file wrote', () => {
    const ok = cli(['run', 'fixtures/topologies/demo.yaml', '--json', '--until', '50ms', '--set', 'workload[0].connections=10'], { timeoutMs: 120_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { clients: { opened: number } }).clients.opened).toBe(10);
    const bad = cli(['run', 'fixtures/topologies/demo.yaml', '--set', 'lpars[name=SYS1].processors=0'], { timeoutMs: 60_000 });
    expect(bad.status).toBe(2);
    expect(errLines(bad)).toHaveLength(1);
    expect(bad.stderr).toMatch(/^fixtures\/topologies\/demo\.yaml:\d+:\d+: .*processors/);
    const malformed = cli(['run', 'fixtures/topologies/demo.yaml', '--set', 'lpars[name=SYS1'], { timeoutMs: 60_000 });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/--set .*expected PATH=VALUE/);
  });
});
