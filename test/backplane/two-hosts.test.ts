// Two hosts (issue 21): the coordinator and a worker in two network namespaces joined by a veth pair, each
// namespace standing for one machine, over tcp with CURVE keys; the run gives the single-process report and a
// byte-identical trace. Needs root and iproute2's `ip` (netns); nothing leaves the namespaces (private addresses
// on a veth pair that exists only between them). Skipped, with the reason, where namespaces cannot be made.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCertificate } from '../../src/backplane/curve.js';
import { comparable, run, start, writeRun } from './processes.js';

const tag = String(process.pid % 100_000);
const HOST_A = `bpA${tag}`;
const HOST_B = `bpB${tag}`;
const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });

/** Why namespaces cannot be made here, or null. */
function unavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'ip (iproute2) missing: apt-get install iproute2';
  const probe = `bpP${tag}`;
  if (ip('netns', 'add', probe).status !== 0) return 'network namespaces cannot be created here';
  ip('netns', 'del', probe);
  return null;
}
const why = unavailable();
if (why !== null) process.stderr.write(`two-hosts.test.ts skipped: ${why}\n`);

afterAll(() => {
  if (why !== null) return;
  ip('netns', 'del', HOST_A);
  ip('netns', 'del', HOST_B);
});

// CI (.ci/run runs as root with iproute2) must not skip it quietly.
it.runIf(process.env.CI === 'true')('network namespaces can be made under CI', () => {
  expect(why).toBeNull();
});

describe.skipIf(why !== null)('two hosts', () => {
  it('coordinator and worker in two namespaces over a veth pair, tcp with CURVE: same report, same trace', async () => {
    for (const args of [
      ['netns', 'add', HOST_A],
      ['netns', 'add', HOST_B],
      ['link', 'add', `vA${tag}`, 'type', 'veth', 'peer', 'name', `vB${tag}`],
      ['link', 'set', `vA${tag}`, 'netns', HOST_A],
      ['link', 'set', `vB${tag}`, 'netns', HOST_B],
      ['-n', HOST_A, 'addr', 'add', '10.231.7.1/30', 'dev', `vA${tag}`],
      ['-n', HOST_B, 'addr', 'add', '10.231.7.2/30', 'dev', `vB${tag}`],
      ['-n', HOST_A, 'link', 'set', `vA${tag}`, 'up'],
      ['-n', HOST_B, 'link', 'set', `vB${tag}`, 'up'],
      // A host reaches its own addresses over its loopback device (the coordinator's local worker does).
      ['-n', HOST_A, 'link', 'set', 'lo', 'up'],
      ['-n', HOST_B, 'link', 'set', 'lo', 'up'],
    ]) {
      const r = ip(...args);
      expect(r.status, `ip ${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const dir = mkdtempSync(join(tmpdir(), 'two-hosts-'));
    writeCertificate(join(dir, 'server.key_secret'), zmq.curveKeyPair());
    writeCertificate(join(dir, 'client.key_secret'), zmq.curveKeyPair());
    const file = writeRun(
      '  bind: tcp://10.231.7.1:5555\n  curveServerKey: server.key_secret\n  curveClientKey: client.key_secret',
      'seed: 9\nuntil: 30ms\nworkload:\n  - { dvipa: 10.1.1.10, port: 7, protocol: echo, clients: 6, connections: 30, rate: 2000/s }',
      dir,
    );
    const single = await run(['run', file, '--json', '--trace', join(dir, 'one.jsonl')]);
    expect(single.status, single.stderr).toBe(0);
    // Host A: the coordinator, starting one worker itself; host B: the other worker, started by hand.
    const coordinator = start(['run', file, '--json', '--partitions', '2', '--trace', join(dir, 'two.jsonl')], 240_000, ['ip', 'netns', 'exec', HOST_A], { SYSPLEX_EMU_LOCAL_WORKERS: '1' });
    const worker = start(
      ['worker', '--connect', 'tcp://10.231.7.1:5555', '--curve-server-key', join(dir, 'server.key_secret'), '--curve-client-key', join(dir, 'client.key_secret')],
      240_000,
      ['ip', 'netns', 'exec', HOST_B],
    );
    const [c, w] = await Promise.all([coordinator.done, worker.done]);
    expect(c.status, c.stderr).toBe(0);
    expect(w.status, w.stderr).toBe(0);
    expect(comparable(c.stdout)).toEqual(comparable(single.stdout));
    expect(readFileSync(join(dir, 'two.jsonl'), 'utf8') === readFileSync(join(dir, 'one.jsonl'), 'utf8')).toBe(true);
  }, 240_000);
});
