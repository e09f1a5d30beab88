// The sweep's parts: the cross product, a report as metrics named the way expectations name them, and the
// results table with several seeds.
import { describe, expect, it } from 'vitest';
import { parseAxis, type SweepAxis } from '../../src/scenario/index.js';
import { crossProduct, seedsFrom } from '../../src/sweep/points.js';
import { metricsOf } from '../../src/sweep/metrics.js';
import { summarise, toCsv } from '../../src/sweep/results.js';
import { numericAxis, sweepPage } from '../../src/sweep/html.js';
import type { Report } from '../../src/run/report.js';

function axis(text: string): SweepAxis {
  const a = parseAxis(text);
  if (typeof a === 'string') throw new Error(a);
  return a;
}

const report = (completed: number, busy: number): Report => ({
  virtualTimePs: 1000, events: 10, wallMs: 12.5, seed: 1, partitions: 1,
  lpars: [{ name: 'SYS1', up: true, cpuBusyPct: busy }],
  dvipas: [{ ip: '10.1.1.10', owner: 'SYS1', state: 'ACTIVE', backups: [] }],
  distribution: [{ dvipa: '10.1.1.10', port: 80, method: 'ROUNDROBIN', targets: [{ stack: 'SYS1', ready: 1, totalConn: completed, activeConn: 0, lost: 0 }] }],
  clients: { opened: completed, completed, reset: 0, failed: 0, bytesSent: 0, bytesReceived: 0 },
});

describe('crossProduct', () => {
  it('3 x 2 values make 6 points, the first axis varying slowest', () => {
    const points = crossProduct([axis('a=1,2,3'), axis('b=x,y')]);
    expect(points.map((p) => p.overrides.join(' '))).toEqual(['a=1 b=x', 'a=1 b=y', 'a=2 b=x', 'a=2 b=y', 'a=3 b=x', 'a=3 b=y']);
    expect(points.map((p) => p.at)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    expect(seedsFrom(7, 3)).toEqual([7, 8, 9]);
  });
});

describe('metricsOf', () => {
  it('names every number by the path an expectation would use, without wall time or the selecting fields', () => {
    const m = metricsOf(report(5, 12.5));
    expect(m.get('clients.completed')).toBe(5);
    expect(m.get('lpars[name=SYS1].cpuBusyPct')).toBe(12.5);
    expect(m.get('lpars[name=SYS1].up')).toBe(1);
    expect(m.get('distribution[dvipa=10.1.1.10,port=80].targets[stack=SYS1].totalConn')).toBe(5);
    expect(m.has('wallMs')).toBe(false);
    expect(m.has('distribution[dvipa=10.1.1.10,port=80].port')).toBe(false);
    // Latency distributions; an XCF path is named by its peer and number, as `xcf-down SYS1-SYS2:0` counts them.
    const s = { count: 3, mean: 2, p50: 2, p90: 3, p99: 3, p999: 3, max: 3 };
    const path = { peer: 'SYS2', path: 0, kind: 'CTC' as const, via: 'SYS1-SYS2', up: true, signals: 3, meanTransferPs: 1, maxTransferPs: 2, maxPending: 1, rejected: 0, redriven: 0, transfer: s };
    const xcf = { systems: [{ name: 'SYS1', sent: 3, received: 0, dropped: 0, failovers: 0, statusSent: 0, rejected: 0, redriven: 0, expanded: 0, cfRequests: 0, subchannelWaits: 0, paths: [path] }], cfs: [], partitions: [], statusUpdates: 0 };
    const withWaits = metricsOf({ ...report(5, 12.5), lpars: [{ name: 'SYS1', up: true, cpuBusyPct: 1, cpuWait: s }], xcf });
    expect(withWaits.get('lpars[name=SYS1].cpuWait.p99')).toBe(3);
    expect(withWaits.get('xcf.systems[name=SYS1].paths[peer=SYS2,path=0].transfer.p50')).toBe(2);
    expect(withWaits.has('xcf.systems[name=SYS1].paths[peer=SYS2,path=0].path')).toBe(false);
  });
});

describe('results', () => {
  it('with seeds: mean, min, max and sd per metric; a failed run is the row error', () => {
    const [p] = crossProduct([axis('a=1')]);
    const r = summarise(p!, [
      { seed: 1, metrics: metricsOf(report(4, 10)), error: null, wallSeconds: 1 },
      { seed: 2, metrics: metricsOf(report(6, 10)), error: 'expectation failed: x', wallSeconds: 1 },
    ]);
    expect(r.metrics.get('clients.completed')).toEqual({ mean: 5, min: 4, max: 6, sd: 1 });
    expect(r.error).toBe('expectation failed: x');
    const csv = toCsv([r], ['a'], 2).split('\n');
    expect(csv[0]).toMatch(/^a,error,virtualTimePs,virtualTimePs\.min,virtualTimePs\.max,virtualTimePs\.sd,/);
    expect(csv[1]).toMatch(/^1,expectation failed: x,1000,1000,1000,0,/);
  });

  it('the page plots only metrics that vary, against the first axis in its unit', () => {
    const axes = [axis('osas[*].frameLatency=1us,4us')];
    expect(numericAxis(axes[0]!)).toEqual({ values: [1_000_000, 4_000_000], unit: 'ps' });
    const points = crossProduct(axes);
    const results = points.map((p, i) => summarise(p, [{ seed: 1, metrics: metricsOf(report(5 + i, 10)), error: null, wallSeconds: 1 }]));
    const page = sweepPage('t', axes, results, 1);
    expect(page.plots.map((p) => p.metric)).toEqual(['distribution[dvipa=10.1.1.10,port=80].targets[stack=SYS1].totalConn', 'clients.opened', 'clients.completed']);
    expect(page.plots[0]!.series[0]!.mean).toEqual([5, 6]);
    expect(page.constant.map((c) => c.metric)).toContain('lpars[name=SYS1].cpuBusyPct');
  });
});
