// Issue 21, "everything works partitioned": the timelines (--vcd, --perfetto, --html) ride along a partitioned
// run and give the files of one process, through the built CLI. Every worker samples its own components and
// records its CPU work and connection slices with their place in one process's order; the coordinator runs the
// trace-driven part on the merged trace and the sampler's logic on the merged readings
// (src/backplane/timeline-worker.ts, timeline-merge.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparable, run } from './processes.js';

/** The report without what may differ (wall time, partitions, the backplane) and the files' names. */
function sameAs(stdout: string): unknown {
  const r = comparable(stdout) as Record<string, unknown>;
  const t = r.timelines as { sampleIntervalPs: number; samples: number } | undefined;
  if (t !== undefined) r.timelines = { sampleIntervalPs: t.sampleIntervalPs, samples: t.samples };
  return r;
}

interface Files {
  n: number;
  stdout: string;
  vcd: Buffer;
  perfetto: Buffer;
  html: string;
}

/** The timelines of a run with n partitions (on threads, the default on one host, or on processes). */
async function timelines(args: readonly string[], n: number, dir: string, transport?: 'processes'): Promise<Files> {
  const f = (ext: string) => join(dir, `${n}${transport ?? ''}.${ext}`);
  const over = transport !== undefined ? ['--transport', transport] : [];
  const r = await run([...args, '--json', '--partitions', String(n), ...over, '--vcd', f('vcd'), '--perfetto', f('json'), '--html', f('html')]);
  expect(r.status, `${n} partitions: ${r.stderr}`).toBe(0);
  expect(r.stderr).toBe('');
  return { n, stdout: r.stdout, vcd: readFileSync(f('vcd')), perfetto: readFileSync(f('json')), html: readFileSync(f('html'), 'utf8') };
}

function expectSame(one: Files, other: Files): void {
  const n = other.n;
  expect(sameAs(other.stdout), `report with ${n} partitions`).toEqual(sameAs(one.stdout));
  expect(Buffer.compare(other.vcd, one.vcd), `the VCD with ${n} partitions is byte-identical`).toBe(0);
  expect(Buffer.compare(other.perfetto, one.perfetto), `the Perfetto trace with ${n} partitions is byte-identical`).toBe(0);
  // The HTML page (with its latency plot where clients ran): byte for byte the same.
  expect(other.html === one.html, `the HTML page with ${n} partitions is the same`).toBe(true);
}

describe.concurrent('timelines in a partitioned run', () => {
  // target-loss-short: SYS3 goes down at 6 ms with echo connections open; with 3 partitions (round robin) the
  // LPARs, their OSAs and the client hosts are spread over all three, and XCF paths and the clients' totals
  // combine partitions.
  it('VCD, Perfetto and HTML with 1, 2 and 3 partitions (threads and processes): the files of one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timelines-'));
    const args = ['run', 'test/backplane/fixtures/target-loss-short.yaml'];
    const runs = await Promise.all([...[1, 2, 3].map((n) => timelines(args, n, dir)), timelines(args, 3, dir, 'processes')]);
    const [one, ...more] = runs;
    // What the files show (so that identical files are not identically empty): CPU work, connections cut by the
    // LPAR's loss, the fault, counters that change.
    const trace = one!.perfetto.toString('utf8');
    expect(trace).toContain('"ph":"X"');
    expect(trace).toMatch(/"ph":"E".*"end":"lpar-down"/);
    expect(trace).toContain('"name":"lpar-down SYS3"');
    expect(one!.vcd.toString('utf8')).toMatch(/#6000000000\n/);
    expect(one!.html).toContain('lpar-down SYS3');
    expect(one!.html).toContain('data-plot="latency"'); // drawn from the partitions' merged histograms
    for (const m of more) expectSame(one!, m);
    // No partial file left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 300_000);

  // xcf-failover: XCF paths go down and come back; each path's `up` needs both ends' states, which live in
  // different partitions.
  it('XCF paths down and up, with 3 partitions: the same files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timelines-xcf-'));
    const [one, three] = await Promise.all([1, 3].map((n) => timelines(['run', 'fixtures/scenarios/xcf-failover.yaml'], n, dir)));
    expect(one!.perfetto.toString('utf8')).toContain('"name":"xcf-down');
    expectSame(one!, three!);
  }, 300_000);

  // takeover to 60 ms: SYS1 goes down at 10 ms, SYS2 takes the DVIPA over (learnt from SYS2's trace), SYS1
  // comes back at 40 ms and takes it back; the ready targets are read from whichever LPAR owns it, in another
  // partition than the one that announced the move.
  it('a DVIPA taken over and back, with 3 partitions: the same files, the ready targets moving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timelines-takeover-'));
    const [one, three] = await Promise.all([1, 3].map((n) => timelines(['run', 'fixtures/scenarios/takeover.yaml', '--until', '60ms'], n, dir)));
    const trace = one!.perfetto.toString('utf8');
    expect(trace).toContain('"name":"takeover 10.1.1.10 -> SYS2"');
    expect(trace).toContain('"name":"takeback 10.1.1.10 -> SYS1');
    const vcd = one!.vcd.toString('utf8');
    const id = /\$var integer 64 (\S+) ready_targets_port80 \$end/.exec(vcd)?.[1];
    expect(id).toBeDefined();
    const values = vcd.split('\n').filter((l) => l.endsWith(` ${id}`)).map((l) => parseInt(l.slice(1), 2));
    expect(values).toEqual([0, 3, 0, 2, 3]);
    expectSame(one!, three!);
  }, 300_000);

  it('a replay with 2 partitions: the same files (the HTML shows the replay)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timelines-replay-'));
    const args = ['replay', 'fixtures/topologies/demo.yaml', 'fixtures/captures/http-echo-no-offload.pcapng'];
    const [one, two] = await Promise.all([1, 2].map((n) => timelines(args, n, dir)));
    expect(one!.html).toContain('<h3>Replay</h3>');
    expectSame(one!, two!);
  }, 300_000);

  it('a file that cannot be written is exit 2 before any worker starts, and nothing is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timelines-bad-'));
    const r = await run(['run', 'test/backplane/fixtures/target-loss-short.yaml', '--partitions', '2', '--vcd', join(dir, 'a.vcd'), '--html', join(dir, 'no', 'such', 'dir', 'b.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/b\.html/);
    expect(existsSync(join(dir, 'a.vcd'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});
