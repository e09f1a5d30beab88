// XCF as z/OS builds it, through the built CLI where a user sees it: the old LPAR-to-LPAR coupling link, CTC over a
// coupling link and a structure over FICON are exit 2 with one line naming the right form (and the migration tool fixes
// the file), the report lists compressed values and the XCF figures, and a takeover after a crash at default detection
// waits for the failure detection interval, while a stack stop hands over at once. An idle sysplex at real timing with
// the real firmware costs events in proportion to its systems, not their square, and a re-IPLed owner takes its DVIPA
// back by handover.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli.js';

const OLD = readFileSync(join(ROOT, 'fixtures/topologies/two-paths.yaml'), 'utf8')
  .replace(/model: FICON, signalling: CTC, paths: 2/g, 'model: ICA-SR, paths: 2')
  .replaceAll('../profiles/', join(ROOT, 'fixtures/profiles/'));

describe('the XCF form', () => {
  it('an LPAR-to-LPAR coupling link is exit 2 at FILE:LINE:COL naming the right form; tools/migrate-xcf.mjs rewrites it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcf-e2e-'));
    const file = join(dir, 'old.yaml');
    writeFileSync(file, OLD);
    const r = cli(['validate', file]);
    expect(r.status).toBe(2);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(new RegExp(`^${file}:\\d+:\\d+: xcf\\.links\\[0\\]\\.between: ICA-SR between two LPARs \\(SYS1, SYS2\\) cannot exist: coupling links join an LPAR to a CF`));
    expect(first).toContain('model: FICON, signalling: CTC');
    expect(first).toContain('tools/migrate-xcf.mjs');
    const m = spawnSync(process.execPath, [join(ROOT, 'tools/migrate-xcf.mjs'), file], { encoding: 'utf8' });
    expect(m.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('- { between: [SYS1, SYS2], model: FICON, signalling: CTC, paths: 2 }');
    expect(cli(['validate', file]).status).toBe(0);
  });

  it.each([
    ['CTC over a coupling link', (t: string) => t.replace('xcf:', 'cfs: [{ name: CF01 }]\nxcf:').replace('{ between: [SYS1, SYS2], model: FICON, signalling: CTC, paths: 2 }', '{ between: [SYS1, CF01], model: ICA-SR, signalling: CTC }'),
      /xcf\.links\[0\]\.signalling: CTC signalling does not run over a coupling link: .*model: FICON, signalling: CTC/],
    ['a structure over FICON', (t: string) => t.replace('{ between: [SYS1, SYS2], model: FICON, signalling: CTC, paths: 2 }', '{ between: [SYS1, SYS2], model: FICON, signalling: STRUCTURE }'),
      /xcf\.links\[0\]\.signalling: a FICON link carries CTC signalling, not a structure: coupling links join/],
  ] as const)('%s is exit 2 through the CLI with one FILE:LINE:COL line naming the right form', (_name, edit, want) => {
    const dir = mkdtempSync(join(tmpdir(), 'xcf-e2e-'));
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, edit(readFileSync(join(ROOT, 'fixtures/topologies/two-paths.yaml'), 'utf8').replaceAll('../profiles/', join(ROOT, 'fixtures/profiles/'))));
    for (const command of ['validate', 'run']) {
      const r = cli([command, file]);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
      expect(lines[0]).toMatch(want);
      expect(r.stdout).toBe('');
    }
  });

  it('the report lists the compressed failure detection interval and the XCF figures; demo-real has none compressed', () => {
    const r = cli(['run', 'fixtures/topologies/demo.yaml', '--json', '--until', '20ms']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.compressed).toEqual([{ key: 'xcf.failureDetection', value: '2 ms', valuePs: 2e9, real: '45 s', realPs: 45e12, at: 'fixtures/topologies/demo.yaml:35:21' }]);
    expect(j.xcf.cfs[0]).toMatchObject({ name: 'CF01', processors: 2, up: true });
    expect(j.xcf.cfs[0].requests).toBeGreaterThan(0);
    expect(j.xcf.systems.map((s: { name: string }) => s.name)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    expect(j.xcf.systems[0].paths[0]).toMatchObject({ peer: 'SYS2', path: 0, kind: 'STRUCTURE', via: 'CF01' });
    const human = cli(['run', 'fixtures/topologies/demo.yaml', '--until', '20ms']);
    expect(human.stdout).toContain('compressed: xcf.failureDetection 2 ms (z/OS: 45 s), fixtures/topologies/demo.yaml:35:21');
    const real = JSON.parse(cli(['run', 'fixtures/topologies/demo-real.yaml', '--json', '--until', '20ms']).stdout);
    expect(real.compressed).toEqual([]);
  });

  it('at default detection the backup takes over after the interval, survivors keep their connections, SYNs carry new ones; after P TCPIP at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcf-e2e-'));
    type Rec = { t: number; k: string; c: string; local?: string };
    const run = (file: string, trace: string) => {
      const r = cli(['run', file, '--json', '--trace', trace], { timeoutMs: 120_000 });
      expect(r.status, r.stderr).toBe(0); // every expectation of the scenario holds (lost == 0 on the survivors ...)
      const recs = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
      return { report: JSON.parse(r.stdout) as { compressed: unknown[]; clients: { completed: number; reset: number; failed: number } }, recs, takeover: recs.find((x) => x.k === 'dvipa.takeover')!.t };
    };
    const crash = run('fixtures/scenarios/takeover-real.yaml', join(dir, 'crash.jsonl'));
    expect(crash.report.compressed).toEqual([]);
    // SYS1 crashed at 2 s. XCF counts the failure detection interval (spinfdi 45 s, dedicated CPs) from its last
    // status update, written at IPL (0 s; the next was due at 11.25 s): SFM isolates it at 45 s, partitions it
    // out 1 ms later and the others hear of it one couple data set I/O after that.
    const FDI = 45e12;
    const t = crash.takeover;
    expect(crash.recs.find((x) => x.k === 'sfm.isolate')!.t).toBe(FDI + 100_000_000);
    expect(t).toBeGreaterThanOrEqual(FDI); // never before the interval has passed
    expect(t - 2e12).toBeGreaterThanOrEqual((FDI * 3) / 4); // at least 3/4 of it after the crash itself
    expect((t - 2e12) / 1e12).toBeCloseTo(43.0012, 4);
    // The survivors' echo connections were closed by their clients at 6-6.6 s, during the outage: the FINs got
    // through by retransmission once SYS2 had rebuilt the connection table, so they end after the takeover.
    const closed = (stack: string, port: number) => crash.recs.filter((x) => x.k === 'tcp.close' && x.c === stack && x.local === `10.1.1.10:${port}`);
    for (const stack of ['SYS2', 'SYS3']) {
      expect(closed(stack, 7)).toHaveLength(20);
      expect(closed(stack, 7).every((x) => x.t > t)).toBe(true);
    }
    // The connections opened during the outage (10-20 s) were all established after the takeover.
    const opened80 = crash.recs.filter((x) => x.k === 'tcp.open' && x.local === '10.1.1.10:80');
    expect(opened80).toHaveLength(20);
    expect(opened80.every((x) => x.t > t && x.c !== 'SYS1')).toBe(true);
    expect(crash.report.clients).toMatchObject({ completed: 60, reset: 20, failed: 0 });

    const stop = run('fixtures/scenarios/takeover-stop-real.yaml', join(dir, 'stop.jsonl'));
    expect(stop.takeover - 2e12).toBe(200_000_000); // one couple data set round trip
    expect(stop.report.clients).toMatchObject({ completed: 60, reset: 20, failed: 0 });
  }, 180_000);

  it('at real timing the re-IPLed owner takes its DVIPA back by the backup\'s handover, never beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcf-e2e-'));
    const trace = join(dir, 'takeback.jsonl');
    const r = cli(['run', 'fixtures/scenarios/takeback-real.yaml', '--quiet', '--trace', trace], { timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0); // 400 held connections completed, none reset, SYS1 owns it again
    const after = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; c: string; k: string; from?: string })
      .filter((x) => x.t >= 60e12 && x.k.startsWith('dvipa.'));
    // SYS1 re-IPLs at 60 s: SYS2 gives the DVIPA up first, SYS1 activates it when the handover arrives.
    expect(after.map((x) => `${x.c} ${x.k}`)).toEqual(['SYS2 dvipa.handover', 'SYS1 dvipa.takeback']);
    expect(after[1]!.from).toBe('SYS2');
    expect(after[1]!.t - after[0]!.t).toBeLessThan(100_000_000); // the handover signal's way, well under 100 us
  }, 180_000);

  it('an idle sysplex at default timing costs events linear in its LPARs (8 vs 16), under one a virtual second each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcf-idle-'));
    /** Events of the run from `from` to `to` (virtual s): after the join's exchange, only what idling costs. */
    const idle = (n: number, from: number, to: number): number => {
      const file = join(dir, `idle${n}.yaml`);
      writeFileSync(file, idleTopology(n));
      const events = (until: number) => {
        const r = cli(['run', file, '--json', '--until', `${until}s`], { timeoutMs: 120_000 });
        expect(r.status, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout) as { events: number; compressed: unknown[] };
        expect(j.compressed).toEqual([]);
        return j.events;
      };
      return events(to) - events(from);
    };
    const e8 = idle(8, 100, 300);
    const e16 = idle(16, 100, 300);
    const perLparSecond = (e: number, n: number) => e / n / 200;
    console.log(`idle at default timing: 8 LPARs ${perLparSecond(e8, 8).toFixed(3)}, 16 LPARs ${perLparSecond(e16, 16).toFixed(3)} events per virtual second per LPAR`);
    // Twice the systems, twice the events (N^2 would be four times): status updates and WLM polls per system.
    expect(e16 / e8).toBeGreaterThan(1.9);
    expect(e16 / e8).toBeLessThan(2.1);
    expect(perLparSecond(e16, 16)).toBeLessThan(1);
  }, 300_000);
});

/** The first `n` systems of fixtures/topologies/sysplex32.yaml, with every default timing (no failureDetection,
 *  each profile's SYSPLEXWLMPOLL). */
function idleTopology(n: number): string {
  const sys = Array.from({ length: n }, (_, i) => i + 1);
  return [
    `name: idle${n}`,
    'lans: [{ name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254, clients: 100.64.0.0/10 }]',
    'osas:',
    ...sys.map((i) => `  - { name: OSA${i}, lan: LAN1, speed: 10GbE }`),
    'lpars:',
    ...sys.map((i) => `  - { name: SYS${i}, processors: ${i <= 2 ? 8 : 2}, profile: ${join(ROOT, `fixtures/profiles/sysplex32/SYS${i}.tcpip`)}, osas: [OSA${i}], ` +
      'applications: [{ app: echo, port: 7 }, { app: http, port: 80, response: 2KiB }] }'),
    'cfs: [{ name: CF01, processors: 2 }]',
    'xcf:',
    '  links:',
    ...sys.map((i) => `    - { between: [SYS${i}, CF01], model: ICA-SR }`),
    '',
  ].join('\n');
}
