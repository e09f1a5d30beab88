// The latency histogram: exact below 2048 ps, within 0.1 % above, and merging histograms gives exactly the one
// recorded from all the values (so partitioned runs report the same figures as one process).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram, bucketOf, bucketRange } from '../../src/kernel/histogram.js';

function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

const valuePs = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1_000_000, max: 10_000_000_000_000 }));

describe('Histogram', () => {
  it('buckets invert: a value lies in its bucket, and a bucket is at most 1/1024 of its values wide', () => {
    fc.assert(
      fc.property(valuePs, (v) => {
        const { low, width } = bucketRange(bucketOf(v));
        expect(v).toBeGreaterThanOrEqual(low);
        expect(v).toBeLessThan(low + width);
        if (v >= 2048) expect(width / low).toBeLessThanOrEqual(1 / 1024);
        else expect(width).toBe(1);
      }),
    );
  });

  it('records a value in its bucket (the 32-bit fast path agrees with bucketOf) and sums it exactly', () => {
    fc.assert(
      fc.property(fc.array(valuePs, { minLength: 1, maxLength: 50 }), (values) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const expected = new Map<number, number>();
        for (const v of values) expected.set(bucketOf(v), (expected.get(bucketOf(v)) ?? 0) + 1);
        expect(h.toData().buckets).toEqual([...expected].sort((a, b) => a[0] - b[0]));
        const d = h.toData();
        expect(BigInt(d.sumHi) * 2n ** 32n + BigInt(d.sumLo)).toBe(values.reduce((a, v) => a + BigInt(v), 0n));
      }),
    );
  });

  it('a hand-worked set: 100 values 1..100 us', () => {
    const h = new Histogram();
    for (let i = 1; i <= 100; i++) h.record(i * 1_000_000);
    const s = h.summary();
    expect(s.count).toBe(100);
    expect(s.mean).toBe(50_500_000);
    expect(s.max).toBe(100_000_000);
    for (const [q, exact] of [[s.p50, 50e6], [s.p90, 90e6], [s.p99, 99e6], [s.p999, 100e6]] as const) {
      expect(Math.abs(q - exact) / exact).toBeLessThan(0.001);
    }
  });

  it('identical values report exactly that value at every quantile', () => {
    const h = new Histogram();
    for (let i = 0; i < 7; i++) h.record(123_456_789);
    expect(h.summary()).toEqual({ count: 7, mean: 123_456_789, p50: 123_456_789, p90: 123_456_789, p99: 123_456_789, p999: 123_456_789, max: 123_456_789 });
  });

  it('quantiles are within 0.1 % of the exact nearest-rank values; the mean and max are exact', () => {
    fc.assert(
      fc.property(fc.array(valuePs, { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 0.9, 0.99, 0.999), (values, q) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const exact = exactQuantile(values, q);
        expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(Math.max(0, exact / 1024));
        // A curve in one pass gives every point as quantile() does.
        const qs = [0.001, 0.25, 0.5, 0.5, 0.9, 0.99, 0.999, 1];
        expect(h.quantiles(qs)).toEqual(qs.map((x) => h.quantile(x)));
        qs.forEach((x, i) => expect(Math.abs(h.quantiles(qs)[i]! - exactQuantile(values, x))).toBeLessThanOrEqual(exactQuantile(values, x) / 1024));
        expect(h.summary().max).toBe(Math.max(...values));
        const sum = values.reduce((a, v) => a + BigInt(v), 0n);
        expect(h.summary().mean).toBe(Math.round(Number(sum) / values.length));
      }),
    );
  });

  it('merging in any split and order equals recording everything in one histogram', () => {
    fc.assert(
      fc.property(fc.array(valuePs, { maxLength: 200 }), fc.array(fc.nat(2), { maxLength: 200 }), (values, parts) => {
        const whole = new Histogram();
        const split = [new Histogram(), new Histogram(), new Histogram()];
        values.forEach((v, i) => {
          whole.record(v);
          split[(parts[i] ?? 0) % 3]!.record(v);
        });
        const merged = new Histogram().merge(split[2]!).merge(split[0]!.toData()).merge(Histogram.fromData(JSON.parse(JSON.stringify(split[1]!.toData()))));
        expect(merged.toData()).toEqual(whole.toData());
        expect(merged.summary()).toEqual(whole.summary());
      }),
    );
  });

  it('an empty histogram reports zeros', () => {
    expect(new Histogram().summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });
});
