// The backplane's speed (issue 5): events per second between two processes through the backplane's own
// encoding, socket and checks (goal >= 1 M/s in batches), and the models issue's throughput scenario with
// --partitions 2 against 1 on this machine (vitest prints each row's time; the derived rates are logged).
// Both use the BUILT code (dist): run `npx tsc -p tsconfig.json` first.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { bench, describe } from 'vitest';
import { join } from 'node:path';
import { encode, type WireEvent } from '../../src/backplane/protocol.js';
import { runPartitioned } from '../../src/backplane/run-partitioned.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { MAIN, ROOT } from '../e2e/cli.js';
import { childrenOf, commandLine, cpuTimeMs, start, until } from '../backplane/processes.js';

const PEER = fileURLToPath(new URL('../backplane/bench-peer.mjs', import.meta.url));
const EVENTS = 200_000;
const ONCE = { iterations: 1, warmupIterations: 0, warmupTime: 0, time: 0 };

interface Link {
  router: zmq.Router;
  peer: ChildProcess;
  identity: Buffer;
}
let link: Promise<Link> | undefined;

/** The other process, started on first use; it exits when this process ends (its stdin closes). */
function connect(): Promise<Link> {
  link ??= (async () => {
    const router = new zmq.Router({ linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
    await router.bind('tcp://127.0.0.1:*');
    const peer = spawn(process.execPath, [PEER, router.lastEndpoint!], { stdio: ['pipe', 'inherit', 'inherit'] });
    const identity = (await router.receive())[0]!;
    return { router, peer, identity };
  })();
  return link;
}

/** One batch: a `done` message carrying `n` Ethernet-frame events (100-byte frames), as a worker sends them. */
function batch(n: number, round: number): Buffer {
  const events: WireEvent[] = [];
  const frame = new Uint8Array(100).fill(7);
  for (let i = 0; i < n; i++) events.push([1_000_000_000 + i * 800, 3, 5, round * n + i, 1, { kind: 'frame', frame }]);
  return encode({ v: 1, type: 'done', partition: 0, round, next: -1, events, delivered: 0 });
}

/** Sends `events` events in batches of `size` and waits until the other process has checked them all. */
async function stream(size: number, events = EVENTS): Promise<void> {
  const { router, identity } = await connect();
  const messages = Math.ceil(events / size);
  const one = batch(size, 0);
  const last = batch(size, 1);
  const t0 = performance.now();
  for (let i = 0; i < messages - 1; i++) await router.send([identity, one]);
  await router.send([identity, last]);
  await router.receive();
  const s = (performance.now() - t0) / 1000;
  console.log(`backplane: ${(events / s / 1e6).toFixed(2)} M events/s between two processes, batches of ${size}`);
}

describe('backplane transport', () => {
  bench('200k events, batches of 100', () => stream(100), { iterations: 5, warmupIterations: 1, warmupTime: 0, time: 0 });
  bench('200k events, batches of 1000', () => stream(1000), { iterations: 5, warmupIterations: 1, warmupTime: 0, time: 0 });
  bench('20k events, one per message', () => stream(1, 20_000), ONCE);
});

// The throughput scenario (20,000 HTTP connections at 20,000/s) up to 100 ms of its 1.5 s: a partitioned run pays
// a message round trip per window, and this one has ~1.6 events per window (see docs/backplane.md).
describe('throughput scenario, first 100 ms', () => {
  const wall: Record<string, number> = {};
  const runWith = (n: number) => () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [MAIN, 'run', 'fixtures/bench/throughput.yaml', '--until', '100ms', '--json', '--partitions', String(n)], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
    wall[n] = performance.now() - t0;
    if (wall[1] !== undefined && wall[2] !== undefined) console.log(`throughput scenario (100 ms): --partitions 2 takes ${(wall[2] / wall[1]).toFixed(2)}x the time of --partitions 1 (speed-up ${(wall[1] / wall[2]).toFixed(2)})`);
  };
  bench('--partitions 1', runWith(1), ONCE);
  bench('--partitions 2', runWith(2), ONCE);
  // The best cut this model has: the whole sysplex in one process, the client hosts in the other (the router's
  // 20 us client link is the lookahead instead of a 500 ns LAN segment). Coordinator in this process.
  bench('--partitions 2, clients apart (API pin)', async () => {
    const loaded = loadRunFile(join(ROOT, 'fixtures/bench/throughput.yaml'));
    if (!loaded.ok) throw new Error('throughput.yaml does not load');
    const t0 = performance.now();
    let windows = 0;
    await runPartitioned(loaded.value, {
      untilPs: 100_000_000_000,
      partitions: 2,
      pin: { SYS1: 0, SYS2: 0, SYS3: 0, LAN1: 0, 'LAN1.clients': 1 },
      onStats: (s) => (windows = s.windows),
    });
    const ms = performance.now() - t0;
    if (wall[1] !== undefined) console.log(`throughput scenario (100 ms), clients apart: ${windows} windows, speed-up ${(wall[1] / ms).toFixed(2)}`);
  }, ONCE);
});

// How fast a failed partition ends the run (test/backplane/faults.test.ts checks that it does, not how fast): from
// the signal to the coordinator's exit 3. The goal is under 5 s; a SIGSTOP is found by 3 s of silence.
describe('a partition fails', () => {
  const failWith = (signal: NodeJS.Signals) => async () => {
    const r = start(['run', 'fixtures/bench/throughput.yaml', '--json', '--partitions', '2']);
    const workers = () => childrenOf(r.child.pid!).filter((c) => commandLine(c).includes(' worker --connect '));
    await until(() => workers().length === 2 && workers().every((w) => cpuTimeMs(w) >= 1800), 120_000, 'two busy workers');
    const victim = workers()[1]!;
    const t0 = performance.now();
    process.kill(victim, signal);
    const f = await r.done;
    const ms = performance.now() - t0;
    try {
      process.kill(victim, 'SIGKILL'); // a stopped worker the coordinator has not killed yet
    } catch {
      /* gone already */
    }
    if (f.status !== 3) throw new Error(`exit ${f.status}: ${f.stderr}`);
    console.log(`a partition fails (${signal}): the run ends with exit 3 after ${ms.toFixed(0)} ms (goal < 5000 ms)`);
  };
  bench('SIGKILL of a worker: time to exit 3', failWith('SIGKILL'), ONCE);
  bench('SIGSTOP of a worker: time to exit 3', failWith('SIGSTOP'), ONCE);
});
