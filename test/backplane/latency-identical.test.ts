// Issue 22: the report's latency distributions (clients' connect, first byte and complete; each LPAR's CPU
// queue wait; each OSA port's inbound queue wait; each XCF path's transfer time) are identical with 1, 2 and 3
// partitions, through the built CLI. With 2 partitions the client hosts run apart (their histograms come from
// another process); with 3, SYS2 and SYS3 run apart from SYS1 and CF01, so the transfer times of the paths
// between SYS1 and the others are measured in another process than the one that sends on them and merged into
// the sender's path entry (`run --partitions N --plan` shows the cut).
import { describe, expect, it } from 'vitest';
import { comparable, run } from './processes.js';

interface Summary { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number }
interface Report {
  clients: { completed: number; latency: Record<'connect' | 'firstByte' | 'complete', Summary>; workloads: { latency: unknown }[] };
  lpars: { name: string; cpuWait: Summary }[];
  osas: { name: string; rxFrames: number; inboundWait: Summary }[];
  xcf: { systems: { name: string; received: number; paths: { peer: string; path: number; transfer: Summary }[] }[] };
}

/** Every latency distribution of a report, named by the path an expectation would use. */
function distributions(r: Report): Record<string, Summary> {
  const out: Record<string, Summary> = {};
  for (const [k, s] of Object.entries(r.clients.latency)) out[`clients.latency.${k}`] = s;
  r.clients.workloads.forEach((w, i) => {
    for (const [k, s] of Object.entries(w.latency as Record<string, Summary>)) out[`clients.workloads[${i}].latency.${k}`] = s;
  });
  for (const l of r.lpars) out[`lpars[name=${l.name}].cpuWait`] = l.cpuWait;
  for (const o of r.osas) out[`osas[name=${o.name}].inboundWait`] = o.inboundWait;
  for (const s of r.xcf.systems) for (const p of s.paths) out[`xcf.systems[name=${s.name}].paths[${p.path}:${p.peer}].transfer`] = p.transfer;
  return out;
}

describe('latency distributions across partitions', () => {
  it('short-http: 1, 2 and 3 partitions give the same histograms, and they count what the report counts', async () => {
    const runs = await Promise.all([1, 2, 3].map((n) => run(['run', 'fixtures/sweeps/short-http.yaml', '--json', '--partitions', String(n)])));
    for (const [i, r] of runs.entries()) expect(r.status, `${i + 1} partitions: ${r.stderr}`).toBe(0);
    const [one, two, three] = runs.map((r) => JSON.parse(r.stdout) as Report);

    // The single-process figures are not empty: every kind of distribution saw samples.
    const d1 = distributions(one!);
    expect(d1['clients.latency.connect']!.count).toBe(one!.clients.completed);
    for (const l of one!.lpars) expect(d1[`lpars[name=${l.name}].cpuWait`]!.count, l.name).toBeGreaterThan(0);
    // Every frame the OSA accepted was presented to its LPAR before the end, each with its wait recorded.
    for (const o of one!.osas) expect(o.inboundWait.count, o.name).toBe(o.rxFrames);
    expect(one!.osas[0]!.inboundWait.count).toBeGreaterThan(0);
    // Every signal a system received is one transfer time on a path that ends there.
    for (const s of one!.xcf.systems) {
      const into = one!.xcf.systems.flatMap((x) => x.paths.filter((p) => p.peer === s.name)).reduce((n, p) => n + p.transfer.count, 0);
      expect(into, `signals into ${s.name}`).toBe(s.received);
      expect(s.received).toBeGreaterThan(0);
    }
    for (const s of Object.values(d1)) if (s.count > 0) expect(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max).toBe(true);

    for (const [n, r] of [[2, two!], [3, three!]] as const) {
      expect(distributions(r), `${n} partitions`).toEqual(d1);
      expect(comparable(runs[n - 1]!.stdout), `the whole report with ${n} partitions`).toEqual(comparable(runs[0]!.stdout));
    }
  }, 300_000);
});
