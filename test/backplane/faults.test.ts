// A partition that dies or goes silent ends the run with exit 3, naming the partition, its components and the
// virtual time, and leaves no process behind; workers leave by themselves when the coordinator dies. How long that
// takes is a figure of test/bench/backplane.bench.ts, not an assertion here (the waits below only guard a hang).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { STACK_FRAME } from '../e2e/cli.js';
import { join } from 'node:path';
import { ROOT } from '../e2e/cli.js';
import { alive, childrenOf, commandLine, cpuTimeMs, run, start, until, writeRun } from './processes.js';

/** A run long enough to be interrupted: the models issue's throughput scenario over 2 worker processes (cut by
 *  latency: the client hosts apart from the sysplex). */
const LONG = ['run', 'fixtures/bench/throughput.yaml', '--json', '--partitions', '2', '--transport', 'processes'];

/** The two workers of a run, once both are well into it (each has used `cpuMs` of CPU: past start-up). */
async function workersOf(pid: number, cpuMs = 1800): Promise<number[]> {
  const workers = () => childrenOf(pid).filter((c) => commandLine(c).includes(' worker --connect '));
  await until(() => workers().length === 2 && workers().every((w) => cpuTimeMs(w) >= cpuMs), 120_000, 'two busy workers');
  return workers();
}

describe.concurrent('a partition fails', () => {
  it('SIGKILL of a worker mid-run: exit 3 naming partition, components and virtual time; nothing left', async () => {
    const r = start(LONG);
    const workers = await workersOf(r.child.pid!);
    const victim = workers[1]!;
    process.kill(victim, 'SIGKILL');
    const f = await r.done;
    expect(f.status).toBe(3);
    const line = f.stderr.trim().split('\n').pop()!;
    expect(line).toMatch(/^sysplex-emu: run failed: partition 1 \(LAN1\.clients\) was killed \(SIGKILL\) at virtual time [\d.]+ (ms|us|s) \(\d+ ps\)$/);
    expect(Number(/\((\d+) ps\)$/.exec(line)![1])).toBeGreaterThan(0);
    expect(f.stderr).not.toMatch(STACK_FRAME);
    expect(f.stdout).toBe('');
    for (const w of workers) expect(alive(w), `worker ${w}`).toBe(false);
  }, 180_000);

  it('a worker that stops answering (SIGSTOP) ends the run with exit 3; the stopped worker is killed', async () => {
    const r = start(LONG);
    const workers = await workersOf(r.child.pid!);
    process.kill(workers[0]!, 'SIGSTOP');
    const f = await r.done;
    expect(f.status).toBe(3);
    expect(f.stderr).toMatch(/run failed: partition 0 \(CDS, CF01, LAN1, LAN1\.router, OSA1 \.\.\. \(10 components\)\) stopped answering \(nothing for 3\.0 s\) at virtual time [\d.]+ \w+ \(\d+ ps\)/);
    await until(() => workers.every((w) => !alive(w)), 60_000, 'the workers to be gone');
  }, 180_000);

  it('workers leave by themselves when the coordinator is killed', async () => {
    const r = start(LONG);
    const workers = await workersOf(r.child.pid!);
    r.child.kill('SIGKILL');
    await r.done;
    await until(() => workers.every((w) => !alive(w)), 60_000, 'the orphaned workers to exit');
  }, 180_000);

  it('a model that throws in a worker: exit 3 with the component and virtual time, as in one process', async () => {
    // SYS2 runs a firmware image that throws on its 40th datagram.
    const firmware = join(ROOT, 'test/backplane/fixtures/throwing-firmware.mjs');
    const file = writeRun('  bind: tcp://127.0.0.1:0', 'seed: 3\nuntil: 40ms\nworkload:\n  - { dvipa: 10.1.1.10, port: 7, protocol: echo, clients: 8, connections: 60, rate: 5000/s }', undefined, (t) =>
      t.replace(/^(\s+)profile: (\S+SYS2\.tcpip)$/m, (_l, indent: string, profile: string) => `${indent}profile: ${profile}\n${indent}firmware: ${firmware}`),
    );
    const [one, two] = await Promise.all([run(['run', file, '--json']), run(['run', file, '--json', '--partitions', '2'])]);
    expect(one.status).toBe(3);
    const cause = /run failed: (SYS2 failed at virtual time [\d.]+ \w+ \(\d+ ps\): injected firmware fault)$/m.exec(one.stderr)?.[1];
    expect(cause, one.stderr).toBeDefined();
    expect(two.status).toBe(3);
    expect(two.stderr.trim()).toBe(`sysplex-emu: run failed: partition 0 (CDS, CF01, LAN1, LAN1.router, OSA1 ... (10 components)): ${cause}`);
    expect(two.stdout).toBe('');
  }, 180_000);

  it('the same with the partitions as threads of one process: exit 3 with the same message, no capture file left', async () => {
    const firmware = join(ROOT, 'test/backplane/fixtures/throwing-firmware.mjs');
    const file = writeRun('  pin: {}', 'seed: 3\nuntil: 40ms\nworkload:\n  - { dvipa: 10.1.1.10, port: 7, protocol: echo, clients: 8, connections: 60, rate: 5000/s }', undefined, (t) =>
      t.replace(/^(\s+)profile: (\S+SYS2\.tcpip)$/m, (_l, indent: string, profile: string) => `${indent}profile: ${profile}\n${indent}firmware: ${firmware}`),
    );
    // Capture points ride along on threads too: the failed run removes their files, partial ones included.
    const dir = mkdtempSync(join(tmpdir(), 'fault-captures-'));
    const caps = ['--capture', `LAN1=${join(dir, 'lan1.pcapng')}`, '--capture', `OSA2=${join(dir, 'osa2.pcapng')}`];
    const [one, two] = await Promise.all([run(['run', file, '--json']), run(['run', file, '--json', '--partitions', '2', '--transport', 'threads', ...caps])]);
    const cause = /run failed: (SYS2 failed at virtual time [\d.]+ \w+ \(\d+ ps\): injected firmware fault)$/m.exec(one.stderr)?.[1];
    expect(cause, one.stderr).toBeDefined();
    expect(two.status).toBe(3);
    expect(two.stderr.trim()).toBe(`sysplex-emu: run failed: partition 0 (CDS, CF01, LAN1, LAN1.router, OSA1 ... (10 components)): ${cause}`);
    expect(two.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  }, 180_000);

  it('a partition thread that stops answering (a model in an endless loop) ends the run with exit 3 naming it', async () => {
    const firmware = join(ROOT, 'test/backplane/fixtures/hanging-firmware.mjs');
    const file = writeRun('  pin: {}', 'seed: 3\nuntil: 40ms\nworkload:\n  - { dvipa: 10.1.1.10, port: 7, protocol: echo, clients: 8, connections: 60, rate: 5000/s }', undefined, (t) =>
      t.replace(/^(\s+)profile: (\S+SYS2\.tcpip)$/m, (_l, indent: string, profile: string) => `${indent}profile: ${profile}\n${indent}firmware: ${firmware}`),
    );
    const two = await run(['run', file, '--json', '--partitions', '2']);
    expect(two.status).toBe(3);
    expect(two.stderr.trim()).toMatch(/^sysplex-emu: run failed: partition 0 \(CDS, CF01, LAN1, LAN1\.router, OSA1 \.\.\. \(10 components\)\) stopped answering \(nothing for 3\.0 s\) at virtual time [\d.]+ \w+ \(\d+ ps\)$/);
    expect(two.stdout).toBe('');
  }, 180_000);
});
