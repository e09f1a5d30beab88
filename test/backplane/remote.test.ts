// Multi-host: the coordinator starts only some workers (SYSPLEX_EMU_LOCAL_WORKERS); another is started by hand
// with `sysplex-emu worker --connect ENDPOINT`, as on another machine, joins the free partition, and the run
// gives the single-process result.
import { describe, expect, it } from 'vitest';
import { comparable, freePort, run, start, writeRun } from './processes.js';

describe('a worker started by hand', () => {
  it('joins the partition the coordinator did not start; the result is the same', async () => {
    const port = await freePort();
    const file = writeRun(`  bind: tcp://127.0.0.1:${port}`, 'seed: 9\nuntil: 30ms\nworkload:\n  - { dvipa: 10.1.1.10, port: 7, protocol: echo, clients: 6, connections: 30, rate: 2000/s }');
    const single = await run(['run', file, '--json']);
    process.env.SYSPLEX_EMU_LOCAL_WORKERS = '1';
    let coordinator;
    try {
      coordinator = start(['run', file, '--json', '--partitions', '2']);
    } finally {
      delete process.env.SYSPLEX_EMU_LOCAL_WORKERS;
    }
    const worker = start(['worker', '--connect', `tcp://127.0.0.1:${port}`]);
    const [c, w] = await Promise.all([coordinator.done, worker.done]);
    expect(c.status, c.stderr).toBe(0);
    expect(w.status, w.stderr).toBe(0);
    expect(comparable(c.stdout)).toEqual(comparable(single.stdout));
  }, 240_000);
});
