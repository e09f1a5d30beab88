// Latency distributions in the report (clients.latency), checked against what can be worked out by hand: with
// two connections 10 ms apart, the second finds every ARP cache warm, so its SYN crosses one OSA inbound and its
// SYN-ACK one OSA outbound: raising every OSA's per-frame latency by D moves its connect time by exactly 2D.
// The first connection also waits for the router's ARP request to be answered and the target's ARP request to
// go out, each one more frame through an OSA: its connect time (the max) moves by 4D.
import { describe, expect, it } from 'vitest';
import { cli } from './cli.js';

interface Summary { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number }
interface Latency { connect: Summary; firstByte: Summary; complete: Summary }

function run(frameLatency: string, extra: string[] = []): { latency: Latency; completed: number; human: string } {
  const args = ['run', 'fixtures/sweeps/short-http.yaml', '--set', `osas[*].frameLatency=${frameLatency}`, '--set', 'workload[0].connections=2', '--set', 'workload[0].rate=100/s', '--set', 'expect=[]', ...extra];
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
      expect(r.completed).toBe(2);
      for (const s of Object.values(r.latency)) expect(s.count).toBe(2);
      expect(r.latency.connect.max).toBeLessThan(r.latency.firstByte.max);
      expect(r.latency.firstByte.max).toBeLessThan(r.latency.complete.max);
      expect(r.latency.connect.p50).toBeLessThanOrEqual(r.latency.connect.max);
    }
  });

  it('moves by the frames each connection sends through an OSA: 2D warm, 4D for the first (ARP)', () => {
    expect(slow.latency.connect.max - fast.latency.connect.max).toBe(4 * D);
    // p50 is the warm connection's, within the histogram's 0.1 %.
    expect(Math.abs(slow.latency.connect.p50 - fast.latency.connect.p50 - 2 * D)).toBeLessThanOrEqual(slow.latency.connect.p50 / 1024);
  });

  it('the human report has one line per distribution', () => {
    expect(fast.human).toMatch(/^ {4}connect {4}mean [\d.]+ \w+, p50 .*, max .* \(2\)$/m);
    expect(fast.human).toMatch(/^ {4}first byte mean /m);
    expect(fast.human).toMatch(/^ {4}complete {3}mean /m);
  });

  it('the expectation language compares a latency with a time', () => {
    const ok = cli(['run', 'fixtures/sweeps/short-http.yaml', '--set', 'workload[0].connections=2', '--set', 'expect=["clients.latency.connect.p99 < 1s", "clients.latency.complete.max > 1us"]'], { timeoutMs: 120_000 });
    expect(ok.status, ok.stdout).toBe(0);
    const bad = cli(['run', 'fixtures/sweeps/short-http.yaml', '--set', 'workload[0].connections=2', '--set', 'expect=["clients.latency.connect.p99 < 1us"]'], { timeoutMs: 120_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL clients\.latency\.connect\.p99 < 1us/);
  });
});
