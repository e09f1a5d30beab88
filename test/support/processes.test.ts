import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processes } from './processes.js';

describe('processes (from /proc)', () => {
  it('lists this process with its parent, and a child with its command line', async () => {
    const me = processes().find((p) => p.pid === process.pid);
    expect(me?.ppid).toBe(process.ppid);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)', 'marker-arg']);
    try {
      await new Promise((r) => child.once('spawn', r));
      const row = processes().find((p) => p.pid === child.pid);
      expect(row?.ppid).toBe(process.pid);
      expect(row?.args).toContain('marker-arg');
    } finally {
      child.kill();
    }
  });
});
