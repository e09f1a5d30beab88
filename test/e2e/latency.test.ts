// Latency distributions in the report (clients.latency), checked against what can be worked out by hand: one
// connection, which round robin gives to the distributor SYS1 itself. Its SYN waits for the router's ARP request
// to be answered by OSA1 (one frame through an OSA), crosses OSA1 inbound (another), and its SYN-ACK leaves
// through OSA1 (a third; OSA1 learnt the router's MAC from the ARP request). Raising every OSA's per-frame
// latency by D therefore moves the connect time by exactly 3D. The queueing figures beside them (CPU wait per LPAR,
// inbound wait per OSA port, transfer time per XCF path) are checked by hand in test/hw-models; here, that the
// report, its human form and the expectation language carry them.
import { describe, expect, it } from 'vitest';
import { cli } from './cli.js';

interface Summary { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number }
interface Latency { connect: Summary; firstByte: Summary; complete: Summary }

function run(frameLatency: string, extra: string[] = []): { latency: Latency; completed: number; human: string } {
  const args = ['run', 'fixtures/sweeps/short-http.yaml', '--set', `osas[*].frameLatency=${frameLatency}`, '--set', 'workload[0].connections=1', '--set', 'expect=[]', ...extra];
  const json = cli([...args, '--json'], { timeoutMs: 120_000 });
  expect(json.status, json.stderr).toBe(0);
  const r = JSON.parse(json.stdout) as { clients: { completed: number; latency: Latency } };
  const human = cli(args, { timeoutMs: 120_000 }).stdout;
  return { latency: r.clients.latency, completed: r.clients.completed, human };
}

describe('client latency in the report', () => {
  const D = 200_000_000; // 200 us in ps
  const fast = run('1us');
  const slow = run('201us');

  it('counts every completed connection, and connect <= first byte <= complete', () => {
    for (const r of [fast, slow]) {
      expect(r.completed).toBe(1);
      for (const s of Object.values(r.latency)) expect(s.count).toBe(1);
      expect(r.latency.connect.max).toBeLessThan(r.latency.firstByte.max);
      expect(r.latency.firstByte.max).toBeLessThan(r.latency.complete.max);
      expect(r.latency.connect.p50).toBeLessThanOrEqual(r.latency.connect.max);
    }
  });

  it('moves by the three frames the connection sends through an OSA before it is established', () => {
    expect(slow.latency.connect.max - fast.latency.connect.max).toBe(3 * D);
    // With one value, every quantile is that value (clamped to [min, max]).
    expect(slow.latency.connect.p50).toBe(slow.latency.connect.max);
  });

  it('the human report has one line per distribution', () => {
    expect(fast.human).toMatch(/^ {4}connect {4}mean [\d.]+ \w+, p50 .*, max .* \(1\)$/m);
    expect(fast.human).toMatch(/^ {4}first byte mean /m);
    expect(fast.human).toMatch(/^ {4}complete {3}mean /m);
  });

  it('reports the CPU, OSA and XCF queueing figures, one line each, and expectations reach them', () => {
    const args = ['run', 'fixtures/sweeps/short-http.yaml', '--set', 'workload[0].connections=20'];
    const json = cli([...args, '--set', 'expect=[]', '--json'], { timeoutMs: 120_000 });
    expect(json.status, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout) as {
      lpars: { name: string; cpuWait: Summary }[];
      osas: { name: string; rxFrames: number; inboundWait: Summary }[];
      xcf: { systems: { name: string; paths: { peer: string; transfer: Summary }[] }[] };
    };
    const sys1 = r.lpars.find((l) => l.name === 'SYS1')!;
    expect(sys1.cpuWait.count).toBeGreaterThan(0);
    const osa1 = r.osas.find((o) => o.name === 'OSA1')!;
    expect(osa1.inboundWait.count).toBe(osa1.rxFrames);
    const toSys2 = r.xcf.systems.find((s) => s.name === 'SYS1')!.paths.find((p) => p.peer === 'SYS2')!;
    expect(toSys2.transfer.count).toBeGreaterThan(0);
    const human = cli([...args, '--set', 'expect=[]'], { timeoutMs: 120_000 }).stdout;
    expect(human).toMatch(/^ {2}SYS1 {3}CPU wait mean .* \(\d+\)$/m);
    expect(human).toMatch(/^ {2}OSA1 {3}inbound wait mean .* \(\d+\)$/m);
    expect(human).toMatch(/^ {2}XCF SYS1->SYS2 path 0 \(STRUCTURE CF01\) transfer mean .* \(\d+\)$/m);
    const exprs = [
      'lpars[name=SYS1].cpuWait.p99 < 1ms',
      'osas[name=OSA1].inboundWait.p99 < 1ms',
      'xcf.systems[name=SYS1].paths[peer=SYS2].transfer.p99 < 1ms',
      `xcf.systems[name=SYS1].paths[peer=SYS2].transfer.count == ${toSys2.transfer.count}`,
    ];
    const ok = cli([...args, '--set', `expect=${JSON.stringify(exprs)}`], { timeoutMs: 120_000 });
    expect(ok.status, ok.stdout).toBe(0);
    const bad = cli([...args, '--set', 'expect=["lpars[name=SYS1].cpuWait.max < 1ps"]'], { timeoutMs: 120_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`FAIL lpars[name=SYS1].cpuWait.max < 1ps   (actual: ${sys1.cpuWait.max})`);
  });

  it('the expectation language compares a latency with a time', () => {
    const ok = cli(['run', 'fixtures/sweeps/short-http.yaml', '--set', 'workload[0].connections=2', '--set', 'expect=["clients.latency.connect.p99 < 1s", "clients.latency.complete.max > 1us"]'], { timeoutMs: 120_000 });
    expect(ok.status, ok.stdout).toBe(0);
    const bad = cli(['run', 'fixtures/sweeps/short-http.yaml', '--set', 'workload[0].connections=2', '--set', 'expect=["clients.latency.connect.p99 < 1us"]'], { timeoutMs: 120_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL clients\.latency\.connect\.p99 < 1us/);
  });
});
