import { describe, expect, it } from 'vitest';
import { allocate, entitlement } from '../../hw-models/cpc/prsm.js';

// IBM Z PR/SM Planning Guide, "Example 2. Without processor resource capping" and "Example 1. With processor
// resource capping": six shared physical cores, every LP with enough demand to use its share.
const busy = (weight: number, logicalCps: number, capped = false) => ({ weight, logicalCps, capped, demand: logicalCps });

describe('PR/SM processing weights', () => {
  it('gives busy uncapped LPs their weight share of the pool: 500/300/200 of 6 cores -> 50%, 30%, 20%', () => {
    const lps = [busy(500, 6), busy(300, 3), busy(200, 3)];
    expect(allocate(6, lps).map((a) => a / 6)).toEqual([0.5, 0.3, 0.2].map((x) => expect.closeTo(x, 9)));
  });

  it('holds busy capped LPs to their share: 500/480/20 -> 50%, 48%, 2%', () => {
    const lps = [busy(500, 6, true), busy(480, 3, true), busy(20, 3, true)];
    expect(allocate(6, lps).map((a) => a / 6)).toEqual([0.5, 0.48, 0.02].map((x) => expect.closeTo(x, 9)));
  });

  it('lends what an idle LP does not use to the uncapped ones in proportion to their weights, never to a capped one', () => {
    const lps = [busy(500, 6), { weight: 300, logicalCps: 3, capped: false, demand: 0.3 }, busy(200, 3, true)];
    const a = allocate(6, lps);
    expect(a[1]).toBeCloseTo(0.3, 9);
    expect(a[2]).toBeCloseTo(1.2, 9); // capped at 20% of 6
    expect(a[0]).toBeCloseTo(4.5, 9); // its 3 plus the 1.5 the second LP left
    // Alone on the machine an uncapped LP still gets no more than its logical CPs.
    expect(allocate(6, [busy(10, 2), { weight: 990, logicalCps: 4, capped: false, demand: 0 }])[0]).toBe(2);
    expect(entitlement(6, [busy(10, 2), busy(990, 4)], 1)).toBe(4);
  });
});
