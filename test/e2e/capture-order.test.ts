// What the emulated hardware carries is what a real LAN would carry: in the demo's LAN capture no TCP
// segment overtakes an earlier one of its connection and nobody sends a RST (tshark's own analysis).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { needs } from '../support/tools.js';
import { cli } from './cli.js';

it('the demo on LAN1: no out-of-order segment, no retransmission, no RST', needs('tshark'), () => {
  const file = join(mkdtempSync(join(tmpdir(), 'order-')), 'lan1.pcapng');
  const r = cli(['run', 'fixtures/topologies/demo.yaml', '--quiet', '--capture', `LAN1=${file}`], { timeoutMs: 120_000 });
  expect(r.status).toBe(0);
  const count = (filter: string) =>
    execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  expect(count('tcp.flags.syn == 1 && tcp.flags.ack == 0')).toBe(1000);
  expect(count('tcp.analysis.out_of_order')).toBe(0);
  expect(count('tcp.analysis.retransmission')).toBe(0);
  expect(count('tcp.flags.reset == 1')).toBe(0);
});
