// The live run's pure parts: the lag histogram's percentiles and the console's command lines.
import { describe, expect, it } from 'vitest';
import { LagHistogram } from '../../src/live/lag.js';
import { parseConsoleLine } from '../../src/live/console.js';

describe('LagHistogram', () => {
  it('gives percentiles within 1 us below 1 ms and the exact maximum', () => {
    const h = new LagHistogram(1000);
    for (let i = 0; i < 98; i++) h.add(10.4, 1);
    h.add(500.2, 1);
    h.add(25_000, 3);
    const s = h.summary();
    expect(s.samples).toBe(100);
    expect(s.p50Us).toBe(11);
    expect(s.p99Us).toBe(501);
    expect(s.maxUs).toBe(25_000);
    expect(s.behindMs).toBe(3); // only the sample over 1 ms counts its wall time as behind
  });

  it('stays within about 1 % above 1 ms, and says 0 with no samples', () => {
    expect(new LagHistogram().summary()).toMatchObject({ samples: 0, p50Us: 0, p99Us: 0, maxUs: 0 });
    const h = new LagHistogram();
    for (let i = 0; i < 10; i++) h.add(12_345, 0);
    h.add(50_000, 0);
    const p50 = h.quantile(0.5);
    expect(p50).toBeGreaterThanOrEqual(12_345);
    expect(p50).toBeLessThan(12_345 * 1.011);
  });
});

describe('live console lines', () => {
  it('tells displays, VARY commands, faults, status and quit apart', () => {
    expect(parseConsoleLine('D TCPIP,SYS1,NETSTAT,VCRT')).toEqual({ kind: 'display', command: 'D TCPIP,SYS1,NETSTAT,VCRT' });
    expect(parseConsoleLine('  v tcpip,sys3,sysplex,leavegroup ')).toEqual({ kind: 'fault', action: 'operator', command: 'v tcpip,sys3,sysplex,leavegroup' });
    expect(parseConsoleLine('lpar-down SYS1')).toEqual({ kind: 'fault', action: 'lpar-down', target: 'SYS1' });
    expect(parseConsoleLine('loss LAN1 5')).toEqual({ kind: 'fault', action: 'loss', target: 'LAN1', pct: 5 });
    expect(parseConsoleLine('status')).toEqual({ kind: 'status' });
    expect(parseConsoleLine('quit')).toEqual({ kind: 'quit' });
    expect(parseConsoleLine('')).toEqual({ kind: 'none' });
  });

  it('answers a mistake with a message instead of acting', () => {
    expect(parseConsoleLine('lpar-down')).toMatchObject({ kind: 'error' });
    expect(parseConsoleLine('loss LAN1 150')).toMatchObject({ kind: 'error' });
    expect(parseConsoleLine('reboot everything')).toEqual({ kind: 'error', message: "unknown command 'reboot' (help lists them)" });
  });
});
