// The HTML report's latency plot data: percentile curves against nines, worked out on a set whose percentiles
// are known (1..1000 us), the last point the exact maximum, and nothing to plot without samples.
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/kernel/histogram.js';
import { latencyCurves } from '../../src/viz/latency-curve.js';

describe('latencyCurves', () => {
  it('gives each distribution its percentiles at 0, 1, 2 and 3 nines, ending at the maximum', () => {
    const us = new Histogram();
    for (let i = 1; i <= 1000; i++) us.record(i * 1_000_000);
    const twice = new Histogram();
    for (let i = 1; i <= 500; i++) twice.record(2 * i * 1_000_000);
    // Two parts of one distribution merge before the curve is drawn.
    const c = latencyCurves([{ label: 'a', parts: [us.toData()] }, { label: 'b', parts: [twice.toData(), new Histogram().toData()] }])!;
    expect(c.unit).toBe('ms'); // the largest value is 1 ms (below it, us)
    expect(c.maxX).toBe(3); // 1000 samples resolve 99.9 %
    expect(c.x).toHaveLength(3 * 20 + 1);
    const at = (s: number, x: number) => c.series[s]!.values[Math.round(x * 20)]!;
    for (const [x, exact] of [[0, 0.001], [1, 0.9], [2, 0.99]] as const) expect(Math.abs(at(0, x) - exact) / exact).toBeLessThan(0.001);
    expect(at(0, 3)).toBe(1); // the maximum, exactly
    expect(c.series[1]!.count).toBe(500);
    expect(Math.abs(at(1, 1) - 0.9) / 0.9).toBeLessThan(0.001);
    expect(at(1, 3)).toBe(1);
    // Below 1 ms the values are in us.
    const hundred = new Histogram();
    for (let i = 1; i <= 100; i++) hundred.record(i * 1_000_000);
    const small = latencyCurves([{ label: 'a', parts: [hundred.toData()] }])!;
    expect(small.unit).toBe('us');
    expect(small.maxX).toBe(2);
    expect(small.series[0]!.values.at(-1)).toBe(100);
    for (const s of c.series) for (let k = 1; k < s.values.length; k++) expect(s.values[k]!).toBeGreaterThanOrEqual(s.values[k - 1]!);
  });

  it('has nothing to draw without samples, and marks an empty distribution beside others as missing', () => {
    expect(latencyCurves([{ label: 'a', parts: [] }])).toBeNull();
    const h = new Histogram();
    for (let i = 0; i < 5; i++) h.record(3_000_000_000); // 3 ms: the unit becomes ms
    const c = latencyCurves([{ label: 'a', parts: [h.toData()] }, { label: 'none', parts: [] }])!;
    expect(c.unit).toBe('ms');
    expect(c.maxX).toBe(1); // at least one nine
    expect(c.series[0]!.values.every((v) => v === 3)).toBe(true);
    expect(c.series[1]!.values.every((v) => v === null)).toBe(true);
  });
});
