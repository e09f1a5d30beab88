// Live runs through the built CLI that need no TAP: real-time pacing and its lag report, the lag limit, the
// console and a recording without a TAP, and the bad input a live run refuses with exit 2 and one line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, STACK_FRAME, cli, errLines } from '../e2e/cli.js';

const DEMO = 'fixtures/topologies/demo.yaml';
const work = mkdtempSync(join(tmpdir(), 'sysplex-live-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The CLI with `input` on its stdin (the live console). */
function withInput(args: string[], input: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run --realtime', () => {
  it('paces virtual time to the wall clock and reports the lag', () => {
    const r = cli(['run', DEMO, '--realtime', '--until', '200ms', '--json'], { timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { virtualTimePs: number; wallMs: number; realtime: Record<string, unknown> };
    expect(report.virtualTimePs).toBe(200_000_000_000);
    // Never ahead of the wall clock: 200 ms of virtual time took at least 200 ms.
    expect(report.wallMs).toBeGreaterThanOrEqual(200);
    expect(report.realtime).toMatchObject({ ended: 'until', behindUs: 1000 });
    const rt = report.realtime as { samples: number; p50Us: number; p99Us: number; maxUs: number };
    expect(rt.samples).toBeGreaterThan(0);
    expect(rt.p50Us).toBeLessThanOrEqual(rt.p99Us);
    expect(rt.p99Us).toBeLessThanOrEqual(rt.maxUs);
  }, 180000);

  it('prints the lag after the human report', () => {
    const r = cli(['run', DEMO, '--realtime', '--until', '20ms'], { timeoutMs: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}real time: lag p50 [\d.]+ us, p99 [\d.]+ us, max [\d.]+ us; [\d.]+ ms behind by more than 1000 us; ended by its end time$/m);
  }, 180000);

  it('fails with exit 3 naming the virtual time when it falls further behind than --max-lag', () => {
    // The demo's 1000 connections at 20000/s cannot be emulated within a microsecond of real time.
    const r = cli(['run', DEMO, '--realtime', '--max-lag', '1us', '--until', '200ms'], { timeoutMs: 120_000 });
    expect(r.status).toBe(3);
    expect(errLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/^sysplex-emu: run failed: realtime failed at virtual time [\d.]+ \w+ \(\d+ ps\): the run fell [\d.]+ \w+ behind the wall clock, past the limit of 1 us \(--max-lag\)$/m);
  }, 180000);

  it('takes console commands during the run, and a recording of it replays to the same trace', () => {
    const rec = join(work, 'rec');
    const r = withInput(['run', DEMO, '--realtime', '--until', '150ms', '--record', rec, '--json'], 'status\nV TCPIP,SYS3,SYSPLEX,LEAVEGROUP\nbogus\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^virtual time [\d.]+ \w+; lag p50/m);
    expect(r.stderr).toMatch(/^console: V TCPIP,SYS3,SYSPLEX,LEAVEGROUP at [\d.]+ \w+$/m);
    expect(r.stderr).toMatch(/^console: unknown command 'bogus'/m);
    const scenario = readFileSync(join(rec, 'scenario.yaml'), 'utf8');
    expect(scenario).toMatch(/operator: V TCPIP,SYS3,SYSPLEX,LEAVEGROUP/);
    expect(scenario).toMatch(/until: 150000000000ps/);
    const trace = readFileSync(join(rec, 'trace.jsonl'), 'utf8');
    expect(trace).toMatch(/"c":"SYS3","k":"operator"/);
    const replay = cli(['test', rec], { timeoutMs: 120_000 });
    expect(replay.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(replay.status).toBe(0);
  }, 180000);
});

describe('live runs refuse bad input with exit 2 and one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown LAN', ['--tap', 'LAN9=tap0'], /--tap: no LAN named LAN9 \(LANs: LAN1\)/],
    ['--tap with --partitions', ['--tap', 'LAN1=tap0', '--partitions', '2'], /drop --partitions/],
    ['--tap with --inspect', ['--tap', 'LAN1=tap0', '--inspect', 'SYS1'], /cannot be combined with --inspect/],
    ['a --tap without =', ['--tap', 'tap0'], /--tap takes LAN=IFNAME/],
    ['an interface name that is not one', ['--tap', 'LAN1=no/slash'], /is not an interface name/],
    ['--max-lag without a live run', ['--max-lag', '1ms'], /--max-lag applies to live runs/],
    ['--record without a live run', ['--record', 'x'], /--record records a live run/],
    ['a --max-lag that is no time', ['--realtime', '--max-lag', 'soon'], /--max-lag: /],
  ];
  it.each(cases)('%s', (_what, args, message) => {
    const r = cli(['run', DEMO, ...args]);
    expect(r.status).toBe(2);
    expect(errLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  // Run as nobody: possible when root, and when nobody can read the node binary and the built CLI.
  const asNobody = { uid: 65534, gid: 65534 };
  const nobodyCanRun = process.getuid?.() === 0 && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(MAIN)})`], { ...asNobody, cwd: ROOT }).status === 0;
  it.runIf(nobodyCanRun)('a user without the privilege to create a TAP', () => {
    const r = spawnSync(process.execPath, [MAIN, 'run', DEMO, '--tap', 'LAN1=tapnopriv0'], { cwd: ROOT, encoding: 'utf8', ...asNobody, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sysplex-emu: --tap needs root or CAP_NET_ADMIN/);
  });
});
