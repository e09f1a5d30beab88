// The demo through the built CLI with --vcd, --perfetto and --html: three files, a VCD that vcd2fst accepts,
// a Perfetto trace that passes the format's structural rules, an HTML report that renders in headless
// Chromium (the plots over time and the clients' latency percentile plot); bad file names are bad input (exit 2). Determinism: determinism.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../support/tools.js';
import { cli, STACK_FRAME } from '../e2e/cli.js';
import { renderReport } from './chromium.js';
import { perfettoProblems } from './perfetto-check.js';
import { parseVcd } from './vcd-parse.js';

const dir = mkdtempSync(join(tmpdir(), 'viz-demo-'));
const files = (k: number) => ({ vcd: join(dir, `demo${k}.vcd`), perfetto: join(dir, `demo${k}.json`), html: join(dir, `demo${k}.html`) });
let report: Record<string, unknown> = {};

beforeAll(() => {
  const f = files(1);
  const r = cli(['run', 'fixtures/topologies/demo.yaml', '--json', '--vcd', f.vcd, '--perfetto', f.perfetto, '--html', f.html], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  report = JSON.parse(r.stdout) as Record<string, unknown>;
}, 120_000);

describe('the demo with --vcd, --perfetto and --html', () => {
  it('writes the three files and nothing else', () => {
    const f = files(1);
    for (const p of [f.vcd, f.perfetto, f.html]) expect(statSync(p).size).toBeGreaterThan(10_000);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // The summary's queueing table: a row per LPAR, OSA port and XCF path that saw any, with the report's figures.
    const page = readFileSync(f.html, 'utf8');
    const sys1 = (report.lpars as { name: string; cpuWait: { count: number } }[]).find((l) => l.name === 'SYS1')!;
    expect(page).toContain(`<h3>Queueing</h3>`);
    expect(page).toContain(`<tr><td>SYS1 CPU wait</td><td>${sys1.cpuWait.count}</td>`);
    expect(page).toMatch(/<tr><td>OSA1 inbound wait<\/td><td>\d+<\/td>/);
    expect(page).toMatch(/<tr><td>XCF SYS1-&#62;SYS2:0 transfer<\/td><td>\d+<\/td>/);
    expect(report.timelines).toMatchObject({ sampleIntervalPs: 1_000_000_000, samples: 1001, files: { vcd: f.vcd, perfetto: f.perfetto, html: f.html } });
  });

  it('writes a VCD with a scope per component that vcd2fst converts', needs('vcd2fst'), () => {
    const text = readFileSync(files(1).vcd, 'utf8');
    const vcd = parseVcd(text);
    expect(vcd.timescale).toBe('1 ps');
    const paths = vcd.vars.map((v) => v.path);
    for (const p of [
      'sysplex.SYS1.cpu_busy_pct', 'sysplex.SYS1.run_queue', 'sysplex.SYS2.up', 'sysplex.SYS3.vcrt_size',
      'sysplex.OSA1.inbound_fill_SYS1', 'sysplex.OSA2.drops', 'sysplex.OSA3.registered_addresses',
      'sysplex.XCF.SYS1_CF01_p0.bytes_in_flight', 'sysplex.XCF.SYS2_CF01_p0.up', 'sysplex.XCF.SYS3_CF01_p0.mbytes_per_s',
      'sysplex.distributor.dvipa_10_1_1_10.owner', 'sysplex.distributor.dvipa_10_1_1_10.owner_id',
      'sysplex.distributor.dvipa_10_1_1_10.ready_targets_port80', 'sysplex.clients.completed',
    ]) expect(paths).toContain(p);
    // The demo's story as the waveform tells it.
    const owner = vcd.history('sysplex.distributor.dvipa_10_1_1_10.owner');
    expect(owner.at(-1)!.value).toBe('sSYS1');
    expect(vcd.history('sysplex.distributor.dvipa_10_1_1_10.ready_targets_port80').at(-1)!.value).toBe('b11');
    expect(vcd.history('sysplex.clients.completed').at(-1)!.value).toBe(`b${(1000).toString(2)}`);
    expect(vcd.history('sysplex.SYS1.cpu_busy_pct').some((c) => Number(c.value.slice(1)) > 5)).toBe(true);
    expect(vcd.history('sysplex.OSA1.registered_addresses').at(-1)!.value).toBe('b10'); // home address and DVIPA
    const fst = join(dir, 'demo1.fst');
    const r = spawnSync('vcd2fst', [files(1).vcd, fst], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(fst).size).toBeGreaterThan(1000);
    const back = spawnSync('fst2vcd', [fst], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
    expect(back.status).toBe(0);
    expect(back.stdout).toContain('sSYS1');
  });

  it('writes a Perfetto trace that passes the structural rules, with the processes, slices and counters asked for', () => {
    const doc = JSON.parse(readFileSync(files(1).perfetto, 'utf8')) as { traceEvents: { ph: string; name?: string; pid: number; tid?: number; cat?: string; args?: { name?: string } }[] };
    expect(perfettoProblems(doc)).toEqual([]);
    const ev = doc.traceEvents;
    const processes = ev.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name);
    expect(processes).toEqual(expect.arrayContaining(['SYS1 (LPAR)', 'SYS2 (LPAR)', 'SYS3 (LPAR)', 'OSA1 (OSA-Express)', 'XCF SYS1-CF01:0', 'Sysplex Distributor']));
    const pidOf = (name: string) => ev.find((e) => e.ph === 'M' && e.name === 'process_name' && e.args!.name === name)!.pid;
    const sys1 = pidOf('SYS1 (LPAR)');
    expect(ev.filter((e) => e.ph === 'X' && e.pid === sys1).length).toBeGreaterThan(100); // CPU work
    expect(ev.filter((e) => e.ph === 'B' && e.cat === 'connection').length).toBe(1000); // one slice per connection
    const counters = new Set(ev.filter((e) => e.ph === 'C').map((e) => e.name));
    for (const c of ['cpu_busy_pct', 'inbound_fill_SYS1', 'mbytes_per_s', 'bytes_in_flight', 'owner_id', 'connections']) expect(counters).toContain(c);
    expect(ev.some((e) => e.ph === 'i' && e.name === 'activate 10.1.1.10 -> SYS1')).toBe(true);
  });

  it('writes an HTML report that renders every plot in headless Chromium, with no console errors and no network', needs('chromium'), async () => {
    const html = readFileSync(files(1).html, 'utf8');
    expect(/<script[^>]+src=|<link[^>]+href=/.test(html)).toBe(false); // and the browser below fetches nothing
    const shot = join(dir, 'demo-report.png');
    const r = await renderReport(files(1).html, shot);
    console.log(`demo HTML report screenshot: ${shot}`);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.plots).toEqual(['connections', 'clients', 'cpu', 'osa', 'xcf', 'vcrt']);
    expect(r.canvases).toBe(r.plots.length);
    // The client latency plot: a percentile curve per distribution, each drawn (pixels of its colour), its
    // labels counting the demo's 1000 connections.
    expect(r.latency).not.toBeNull();
    expect(r.latency!.series).toEqual(['connect (1000)', 'first byte (1000)', 'complete (1000)']);
    expect(r.latency!.canvases).toBe(1);
    for (const [i, n] of r.latency!.pixels.entries()) expect(n, r.latency!.series[i]).toBeGreaterThan(100);
    const data = JSON.parse(/<script id="timeline-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { latency: { x: number[]; maxX: number; series: { values: number[] }[] } };
    expect(data.latency.maxX).toBe(3); // 1000 samples resolve 99.9 %
    // Each curve rises (a percentile never falls) and ends at the report's maximum.
    const latency = (report.clients as { latency: Record<string, { max: number }> }).latency;
    data.latency.series.forEach((s, i) => {
      for (let k = 1; k < s.values.length; k++) expect(s.values[k]!).toBeGreaterThanOrEqual(s.values[k - 1]!);
      const max = [latency.connect!, latency.firstByte!, latency.complete!][i]!.max;
      expect(s.values.at(-1)).toBeCloseTo(max / 1e6, 2); // us
    });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});

describe('timeline files that cannot be written', () => {
  it('are bad input: exit 2, one line naming the file, nothing run', () => {
    const missing = join(dir, 'no-such-dir', 'x.vcd');
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--vcd', missing, '--until', '1ms']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).toBe('');
    const same = cli(['run', 'fixtures/topologies/demo.yaml', '--vcd', join(dir, 'a'), '--html', join(dir, 'a'), '--until', '1ms']);
    expect(same.status).toBe(2);
    expect(same.stderr).toMatch(/the HTML report .*the VCD timeline writes the same file/);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });
});
