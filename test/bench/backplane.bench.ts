// The backplane's speed (issue 5, issue 21): events per second between two processes through the backplane's own
// encoding, socket and checks (goal >= 1 M/s in batches), the cost of a hand-off between two threads (the
// same-host transport's channels and promises), and the throughput scenario and the two-CPC sysplex32 with --partitions 2
// against 1 on this machine (vitest prints each row's time; the derived rates and ratios are logged).
// Both use the BUILT code (dist): run `npx tsc -p tsconfig.json` first.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { bench, describe } from 'vitest';
import { encode, type WireEvent } from '../../src/backplane/protocol.js';
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

// A hand-off of the threads transport: two threads in lockstep, each sending 10 frames through its channel and
// publishing a promise, then waiting for the other's promise and draining its channel, as thread-worker.ts does
// when each partition needs the other's next promise to go on (the worst case: nothing to run meanwhile).
describe('threads transport', () => {
  bench('20k hand-offs between two threads, 10 events each way', async () => {
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ SharedWindow }) => {
        const win = new SharedWindow(workerData.layout);
        const me = workerData.p, other = 1 - me, frame = new Uint8Array(100).fill(7);
        let got = 0;
        const t0 = performance.now();
        for (let r = 1; r <= 20000; r++) {
          const events = [];
          for (let i = 0; i < 10; i++) events.push([r * 1000 + i, 3, 5, r * 10 + i, 1, { kind: 'frame', frame }]);
          win.send(me, other, events, () => {});
          win.publish(me, r);
          win.signal(other); // (a run's publish wakes the other only when it can run: here it always can)
          for (;;) {
            const seen = win.signals(me);
            if (win.promiseOf(other) >= r) break;
            win.sleep(me, seen);
          }
          win.drain(me, () => got++);
        }
        if (got !== 200000) throw new Error('lost mail');
        parentPort.postMessage(performance.now() - t0);
      });`;
    const { sharedLayout } = await import('../../dist/src/backplane/shared-window.js');
    const layout = sharedLayout(2);
    const module = new URL('../../dist/src/backplane/shared-window.js', import.meta.url).href;
    const ms = await Promise.all([0, 1].map((p) => new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { p, layout, module } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    console.log(`threads transport: ${((Math.max(...ms) * 1000) / 20000).toFixed(1)} us per hand-off (10 events each way)`);
  }, ONCE);
});

/** Runs the CLI; returns its wall time and the report. */
function cli(args: string[]): { ms: number; report: { events: number; backplane?: { rounds: number; eventsPerRound: number } } } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [MAIN, 'run', ...args, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return { ms: performance.now() - t0, report: JSON.parse(r.stdout) };
}

// The throughput scenario (20,000 HTTP connections at 20,000/s) up to 300 ms of its 1.5 s: the cut falls on the
// router's 20 us client link, about 13 events in a window of that length. Each row logs its speed-up over the
// one-process row (threads: `rounds` are the windows the partitions ran, each between two looks at the promises).
describe('throughput scenario, first 300 ms', () => {
  const wall: Record<string, number> = {};
  const row = (name: string, extra: string[]) => () => {
    const { ms, report } = cli(['fixtures/bench/throughput.yaml', '--until', '300ms', ...extra]);
    wall[name] = ms;
    const bp = report.backplane;
    if (wall.one !== undefined && bp !== undefined) console.log(`throughput scenario (300 ms), ${name}: speed-up ${(wall.one / ms).toFixed(2)} (${bp.rounds} rounds, ${bp.eventsPerRound} events a window)`);
  };
  bench('--partitions 1', row('one', []), ONCE);
  bench('--partitions 2 (threads)', row('threads', ['--partitions', '2']), ONCE);
  bench('--partitions 2 --transport processes (ZeroMQ)', row('processes', ['--partitions', '2', '--transport', 'processes']), ONCE);
});

// Issue 21's large shape (fixtures/bench/sysplex32.yaml: 32 LPARs on two CPCs 10 km apart) up to 300 ms: the cut
// falls between the CPCs (CE-LR at 10 km, 52 us), about 290 events in a window of that length.
describe('sysplex32 on two CPCs, first 300 ms', () => {
  const wall: Record<string, number> = {};
  const row = (name: string, extra: string[]) => () => {
    const { ms, report } = cli(['fixtures/bench/sysplex32.yaml', '--until', '300ms', ...extra]);
    wall[name] = ms;
    const bp = report.backplane;
    if (wall.one !== undefined && bp !== undefined) console.log(`sysplex32 (300 ms), ${name}: speed-up ${(wall.one / ms).toFixed(2)} (${bp.rounds} rounds, ${bp.eventsPerRound} events a window)`);
  };
  bench('--partitions 1', row('one', []), ONCE);
  bench('--partitions 2 (threads)', row('threads', ['--partitions', '2']), ONCE);
});

// A replay partitioned (fixtures/scenarios/replay.yaml: 11 captured flows over 1.9 s of mostly idle virtual time).
// With 3 partitions the cut falls on 500 ns LAN links: before the floor under the threads' promises it took
// minutes, the promises climbing 500 ns per exchange through the idle stretches.
describe('replay.yaml partitioned', () => {
  const wall: Record<string, number> = {};
  const row = (name: string, extra: string[]) => () => {
    const { ms, report } = cli(['fixtures/scenarios/replay.yaml', ...extra]);
    wall[name] = ms;
    const bp = report.backplane;
    if (wall.one !== undefined && bp !== undefined) console.log(`replay.yaml, ${name}: speed-up ${(wall.one / ms).toFixed(2)} (${bp.rounds} rounds, ${bp.eventsPerRound} events a window)`);
  };
  bench('--partitions 1', row('one', []), ONCE);
  bench('--partitions 2 (threads)', row('two threads', ['--partitions', '2']), ONCE);
  bench('--partitions 3 (threads)', row('three threads', ['--partitions', '3']), ONCE);
  bench('--partitions 2 --transport processes (ZeroMQ)', row('two processes', ['--partitions', '2', '--transport', 'processes']), ONCE);
});

// How fast a failed partition ends the run (test/backplane/faults.test.ts checks that it does, not how fast): from
// the signal to the coordinator's exit 3. The goal is under 5 s; a SIGSTOP is found by 3 s of silence.
describe('a partition fails', () => {
  const failWith = (signal: NodeJS.Signals) => async () => {
    const r = start(['run', 'fixtures/bench/throughput.yaml', '--json', '--partitions', '2', '--transport', 'processes']);
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
