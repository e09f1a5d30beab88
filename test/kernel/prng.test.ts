import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/kernel/prng.js';

const take = (r: Prng, n: number) => Array.from({ length: n }, () => r.nextU32());

describe('Prng', () => {
  it('gives the same stream for the same seed and name', () => {
    expect(take(new Prng(7, 'SYS1'), 100)).toEqual(take(new Prng(7, 'SYS1'), 100));
  });

  it('gives independent streams for other names and other seeds', () => {
    const a = take(new Prng(7, 'SYS1'), 1000);
    const b = take(new Prng(7, 'SYS2'), 1000);
    const c = take(new Prng(8, 'SYS1'), 1000);
    const same = (x: number[], y: number[]) => x.filter((v, i) => v === y[i]).length;
    expect(same(a, b)).toBeLessThan(3);
    expect(same(a, c)).toBeLessThan(3);
    // Pearson correlation of the two streams is near zero.
    const corr = (x: number[], y: number[]) => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length;
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < x.length; i++) {
        sxy += (x[i]! - mx) * (y[i]! - my);
        sxx += (x[i]! - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(Math.abs(corr(a, b))).toBeLessThan(0.1);
  });

  it('is uniform enough: nextInt buckets and nextFloat range', () => {
    const r = new Prng(1, 'x');
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[r.nextInt(10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const f = r.nextFloat();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
  });

  it('does not depend on which other generators exist', () => {
    const alone = take(new Prng(3, 'OSA1'), 10);
    take(new Prng(3, 'OSA2'), 500);
    expect(take(new Prng(3, 'OSA1'), 10)).toEqual(alone);
  });
});
