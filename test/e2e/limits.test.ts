// Issue 20, item 5: limits are stated, not discovered. A count past the schema's maximum, or a workload whose
// memory estimate does not fit in the heap, is bad input (exit 2, one line with its position); a run that
// still runs out of memory ends with exit 3 and one line, never V8's fatal-error dump.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, errLines } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sysplex-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(file: string, nodeOptions = '', extra: string[] = []): { status: number | null; stderr: string } {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  delete env.SYSPLEX_EMU_DEBUG;
  const r = spawnSync(process.execPath, [MAIN, 'run', file, ...extra], { cwd: dir, env, encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, stderr: r.stderr };
}

function scenario(name: string, connections: string, rate: string, topology = join(ROOT, 'fixtures/topologies/demo.yaml')): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ntopology: ${topology}\nuntil: 2s\nworkload:\n  - { dvipa: 10.1.1.10, port: 80, protocol: http, clients: 64, rate: ${rate},\n      connections: ${connections} }\n`);
  return file;
}

describe('limits', () => {
  it('a count past the schema maximum is exit 2 at its position', () => {
    const r = run(scenario('huge', '99999999999999999999', '0'));
    expect(r.status).toBe(2);
    expect(errLines({ status: r.status, stdout: '', stderr: r.stderr })).toEqual([`${join(dir, 'huge.yaml')}:6:20: workload[0].connections: must be <= 10000000 (got 100000000000000000000)`]);
  });

  it('a workload that cannot fit in the heap is exit 2 naming the field, the estimate and the limit', () => {
    const r = run(scenario('big', '2000000', '0'), '--max-old-space-size=512');
    expect(r.status).toBe(2);
    const lines = errLines({ status: r.status, stdout: '', stderr: r.stderr });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/big\.yaml:6:20: workload\[0\]\.connections: 2,000,000 connections need an estimated [0-9.]+ GiB of heap, more than the [0-9]+ MiB this process has \(limit [0-9]+ MiB\)/);
  });

  function leakyTopology(): string {
    const topo = join(dir, 'leaky.yaml');
    const firmware = join(ROOT, 'test/e2e/fixtures/leaky-firmware.mjs');
    const demo = readFileSync(join(ROOT, 'fixtures/topologies/demo.yaml'), 'utf8');
    writeFileSync(topo, demo.replace(/profile: \.\.\/profiles\/(SYS\d)\.tcpip/g, (_m, sys: string) => `profile: ${join(ROOT, 'fixtures/profiles', `${sys}.tcpip`)}\n    firmware: ${firmware}`));
    return topo;
  }

  it('a model that leaks until the heap is nearly full ends with exit 3 and one line', () => {
    const r = run(scenario('leak', '100000', '2000/s', leakyTopology()), '--max-old-space-size=192');
    expect(r.status).toBe(3);
    const lines = errLines({ status: r.status, stdout: '', stderr: r.stderr }).filter((l) => !l.startsWith('\r'));
    expect(r.stderr).not.toMatch(/FATAL ERROR|Last few GCs|JS stacktrace/);
    expect(lines.at(-1)).toMatch(/^sysplex-emu: run failed: .* at virtual time .*: out of memory: the heap holds \d+ MiB of its \d+ MiB limit/);
  }, 180_000);

  it.each(['threads', 'processes'])('so does a partition of a partitioned run (%s): it watches its own heap', (transport) => {
    const r = run(scenario(`leak-${transport}`, '100000', '2000/s', leakyTopology()), '--max-old-space-size=192', ['--partitions', '2', '--transport', transport]);
    expect(r.status).toBe(3);
    expect(r.stderr).not.toMatch(/FATAL ERROR|Last few GCs|JS stacktrace/);
    const lines = errLines({ status: r.status, stdout: '', stderr: r.stderr }).filter((l) => !l.startsWith('\r'));
    expect(lines.at(-1)).toMatch(/out of memory: the heap holds \d+ MiB of its \d+ MiB limit/);
  }, 180_000);
});
