// Issue 20, items 3 and 4, at full size (run on their own: `npx vitest bench --run test/bench/scale.bench.ts`,
// with node's heap raised, e.g. NODE_OPTIONS=--max-old-space-size=6144 for the full million):
// - fixtures/bench/million.yaml: 1,000,000 connections opened and held on the 32-LPAR sysplex. Prints bytes per
//   open connection from the heap, split into client end, server end and VCRT row, wall time and peak RSS.
//   `npm run bench` runs 100,000 of them (SCALE_CONNECTIONS=N for another count, SCALE_FULL=1 for the million;
//   `until` follows the count).
// - fixtures/bench/steady-hour.yaml: one hour of virtual time under steady load. Prints events per wall second
//   (and per CPU second) and the heap's slope after warm-up (bytes per virtual minute, least squares over the
//   samples, one every virtual minute, after the first quarter of the run).
//   `npm run bench` runs the first 120 virtual seconds (STEADY_SECONDS=S, or SCALE_FULL=1 for the hour).
// Memory is the heap after two collections plus the array buffers outside it (the control blocks' number rows,
// src/firmware/tcp/conn-store.ts, live there). The client end is measured by letting the client hosts' TCP
// engines go and collecting (their connections, and the engines themselves, which start with the run: about
// 1.5 KB per host, 100 B per connection at a million over 65,536 hosts, far more per connection in a smaller
// run); the VCRT row from the distributor's table storage; the server end is the rest of the growth over the
// idle sysplex (the target stacks' connections, their applications' state and the LPARs' connection ledgers).

import { bench, describe } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { loadScenario, type Scenario } from '../../src/scenario/index.js';
import { prepare, runPrepared, type Prepared } from '../../src/run/run-scenario.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heap(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

function load(file: string): Scenario {
  const r = loadScenario(file);
  if (!r.ok) throw new Error(r.errors.map(String).join('\n'));
  return r.value;
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** Lets every client host's TCP engine go (its connections, the rows they share, its timers) and the outcome
 *  records: the client end, including the hosts' engines, which start with the run. */
function dropClientEnds(p: Prepared): void {
  for (const c of p.clients) {
    const hosts = (c as unknown as { hosts: { engine: unknown; timers: Map<number, number> }[] }).hosts;
    for (const h of hosts) {
      h.engine = null;
      h.timers.clear();
    }
    (c as unknown as { flows: Map<number, unknown> }).flows.clear();
  }
}

/** Bytes of the distributor's VCRT storage and its rows. */
function vcrtOf(p: Prepared): { bytes: number; rows: number } {
  let bytes = 0;
  let rows = 0;
  for (const l of p.sysplex.lpars) {
    const fw = (l as unknown as { fw: { sysplex?: { vcrt: { storageBytes: number; size: number } } } | null }).fw;
    const v = fw?.sysplex?.vcrt;
    if (v === undefined || v.size === 0) continue;
    bytes += v.storageBytes;
    rows += v.size;
  }
  return { bytes, rows };
}

describe('a million open connections (fixtures/bench/million.yaml)', () => {
  bench(
    'open and hold',
    async () => {
      const s = load('fixtures/bench/million.yaml');
      const n = process.env.SCALE_FULL === '1' ? s.workload[0]!.connections : Number(process.env.SCALE_CONNECTIONS ?? 100_000);
      const w = s.workload[0]!;
      const untilPs = w.startPs + Math.ceil((n * 1e12) / w.rate) + 500e9;
      const scenario: Scenario = { ...s, untilPs, workload: [{ ...w, connections: n }], expect: [] };
      const p = await prepare(scenario);
      const idle = heap();
      let peakRss = process.memoryUsage().rss;
      const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
      const t0 = performance.now();
      const report = runPrepared(p);
      const wall = performance.now() - t0;
      clearInterval(timer);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const open = report.clients.open;
      const all = heap();
      const vcrt = vcrtOf(p);
      dropClientEnds(p);
      const withoutClients = heap();
      const client = (all - withoutClients) / open;
      const vcrtRow = vcrt.bytes / Math.max(1, vcrt.rows);
      const server = (withoutClients - idle - vcrt.bytes) / open;
      console.log(
        `million: ${n.toLocaleString('en-US')} connections, ${open.toLocaleString('en-US')} open, ${report.clients.failed} failed; ` +
          `${report.events.toLocaleString('en-US')} events in ${(wall / 1000).toFixed(1)} s wall; peak RSS ${mib(peakRss)}, heap ${mib(all)}\n` +
          `  bytes per open connection: client end ${client.toFixed(0)}, server end ${server.toFixed(0)}, VCRT row ${vcrtRow.toFixed(0)} ` +
          `(total ${((all - idle) / open).toFixed(0)})`,
      );
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});

describe('an hour of steady load (fixtures/bench/steady-hour.yaml)', () => {
  bench(
    'one virtual hour',
    async () => {
      const s = load('fixtures/bench/steady-hour.yaml');
      const seconds = process.env.SCALE_FULL === '1' ? s.untilPs / 1e12 : Number(process.env.STEADY_SECONDS ?? 120);
      const p = await prepare({ ...s, untilPs: seconds * 1e12, expect: [] });
      const samples: [number, number][] = [];
      // A sample every virtual minute (more often in a short run); collecting for them is not counted.
      const stepPs = Math.min(60e12, Math.max(1e12, Math.floor((seconds * 1e12) / 8)));
      let sampling = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      p.sim.start();
      for (let t = stepPs; t <= seconds * 1e12; t += stepPs) {
        p.sim.runUntil(t);
        const s0 = performance.now();
        samples.push([t / 60e12, heap()]);
        sampling += performance.now() - s0;
      }
      const report = runPrepared(p); // the rest, and the report
      const wall = performance.now() - t0 - sampling;
      const cpu = process.cpuUsage(cpu0);
      // CPU seconds as well as wall: on a shared machine the wall rate says more about the neighbours.
      const cpuS = (cpu.user + cpu.system) / 1e6 - sampling / 1000;
      // Slope after warm-up (the first quarter), least squares, bytes per virtual minute.
      const tail = samples.slice(Math.floor(samples.length / 4));
      const mx = tail.reduce((a, [x]) => a + x, 0) / tail.length;
      const my = tail.reduce((a, [, y]) => a + y, 0) / tail.length;
      const slope = tail.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / Math.max(1e-9, tail.reduce((a, [x]) => a + (x - mx) ** 2, 0));
      console.log(
        `steady: ${seconds} virtual s, ${report.events.toLocaleString('en-US')} events in ${(wall / 1000).toFixed(1)} s wall ` +
          `(${Math.round(report.events / (wall / 1000)).toLocaleString('en-US')} events/s, ${Math.round(report.events / cpuS).toLocaleString('en-US')} per CPU second); clients ${report.clients.completed} completed, ` +
          `${report.clients.failed} failed; heap ${mib(tail[0]?.[1] ?? 0)} -> ${mib(tail.at(-1)?.[1] ?? 0)}, slope ${(slope / 1024).toFixed(1)} KiB per virtual minute`,
      );
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
