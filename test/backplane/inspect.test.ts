// `run --inspect LPAR`: the LPAR's partition runs in a worker under the Node inspector (127.0.0.1, any port,
// source maps); the run's result is unchanged. The debugger (issue 8) takes the inspector's address from
// runPartitioned's onInspector. And the per-partition progress line of a terminal.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPartitioned } from '../../src/backplane/run-partitioned.js';
import { partitionProgress } from '../../src/backplane/progress.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { cli } from '../e2e/cli.js';
import { comparable, run } from './processes.js';

const FILE = 'test/backplane/fixtures/target-loss-short.yaml';

describe.concurrent('--inspect', () => {
  it('runs the LPAR partition under the inspector and prints its address; same report', async () => {
    const [plain, inspected] = await Promise.all([run(['run', FILE, '--json']), run(['run', FILE, '--json', '--partitions', '2', '--inspect', 'sys2'])]);
    expect(inspected.status, inspected.stderr).toBe(0);
    // SYS2 is in partition 0 of 2 (the plan by latency puts the sysplex there, the client hosts in 1); only that
    // worker has the inspector.
    expect(inspected.stderr).toMatch(/^\[partition 0\] Debugger listening on ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+$/m);
    expect(inspected.stderr).not.toMatch(/\[partition 1\] Debugger/);
    expect(comparable(inspected.stdout)).toEqual(comparable(plain.stdout));
  }, 240_000);

  it('tells the inspector address to the API caller, and refuses an unknown LPAR (exit 2)', async () => {
    const loaded = loadRunFile(FILE);
    if (!loaded.ok) throw new Error('fixture does not load');
    const seen: { partition: number; lpar: string; url: string }[] = [];
    const lines: string[] = [];
    const r = await runPartitioned({ ...loaded.value, untilPs: 5_000_000_000 }, { partitions: 1, inspect: 'SYS3', onInspector: (i) => seen.push(i), log: (l) => lines.push(l) });
    expect(r.partitions).toBe(1);
    expect(seen).toEqual([{ partition: 0, lpar: 'SYS3', url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\//) }]);
    const bad = cli(['run', FILE, '--inspect', 'SYS9']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--inspect: no LPAR named SYS9 \(SYS1, SYS2, SYS3\)/);
  }, 240_000);
});

describe('instruments under --inspect', () => {
  it('timelines ride along an inspected run: the VCD of one process (test/backplane/timelines.test.ts has the rest)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-vcd-'));
    const [plain, inspected] = await Promise.all([
      run(['run', FILE, '--json', '--vcd', join(dir, 'a.vcd')]),
      run(['run', FILE, '--json', '--inspect', 'SYS1', '--vcd', join(dir, 'b.vcd')]),
    ]);
    expect(inspected.status, inspected.stderr).toBe(0);
    expect(inspected.stderr).toMatch(/^\[partition 0\] Debugger listening on ws:\/\//m);
    expect(Buffer.compare(readFileSync(join(dir, 'b.vcd')), readFileSync(join(dir, 'a.vcd')))).toBe(0);
  }, 240_000);

  it('a replay with a capture point runs under --inspect: the same report as one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-replay-'));
    const [plain, inspected] = await Promise.all([
      run(['run', 'fixtures/scenarios/replay.yaml', '--json', '--capture', `OSA2=${join(dir, 'a.pcapng')}`]),
      run(['run', 'fixtures/scenarios/replay.yaml', '--json', '--inspect', 'SYS2', '--capture', `OSA2=${join(dir, 'b.pcapng')}`]),
    ]);
    expect(inspected.status, inspected.stderr).toBe(0);
    expect(inspected.stderr).toMatch(/^\[partition 0\] Debugger listening on ws:\/\//m);
    const strip = (out: string) => ({ ...comparable(out), captures: undefined });
    expect(strip(inspected.stdout)).toEqual(strip(plain.stdout));
    expect(Buffer.compare(readFileSync(join(dir, 'a.pcapng')), readFileSync(join(dir, 'b.pcapng')))).toBe(0);
  }, 240_000);
});

describe('progress on a terminal', () => {
  it('shows the virtual time and events per second of each partition on one line', () => {
    let text = '';
    const p = partitionProgress(10_000_000_000, (t) => (text += t));
    p.update([{ partition: 0, label: 'P0', nowPs: 2_500_000_000, delivered: 1000 }, { partition: 1, label: 'P1', nowPs: 2_000_000_000, delivered: 500 }], 2_000_000_000);
    expect(text).toMatch(/^\r\x1b\[K {2}virtual 2 ms \(20 %\) \| P0 2\.5 ms [\d,]+ ev\/s \| P1 2 ms [\d,]+ ev\/s$/);
    p.done();
    expect(text.endsWith('\r\x1b[K')).toBe(true);
  });
});
