// PR/SM's division of a CPC's shared physical CPs among the LPARs whose logical CPs are shared (IBM Z PR/SM
// Planning Guide, "Processing weights", "Processing weight management", "Capping processing weights"):
// - an LPAR's share (entitlement) is its weight over the weights of all shared LPARs, times the shared CPs;
// - it gets what it asks for up to its share; a capped LPAR never more;
// - "unused CP cycles to which a logical core is entitled are made available to other logical cores in
//   proportion to the weights set for the other logical cores": what is left goes to uncapped LPARs that want
//   more, in proportion to their weights;
// - a logical CP never runs on more than one physical CP at a time, so no LPAR gets more than its logical CPs.
// Dedicated LPARs take their CPs out of the pool and are not weighed.

export interface PrsmLpar {
  readonly weight: number;
  readonly logicalCps: number;
  readonly capped: boolean;
  /** Physical CPs the LPAR would use now if it could. */
  readonly demand: number;
}

/** An LPAR's entitlement: its weight's share of the pool, never more than its logical CPs. */
export function entitlement(pool: number, lpars: readonly PrsmLpar[], i: number): number {
  let total = 0;
  for (const l of lpars) total += l.weight;
  const l = lpars[i]!;
  return total <= 0 ? 0 : Math.min(l.logicalCps, (pool * l.weight) / total);
}

/** Physical CPs each LPAR gets from `pool` shared CPs. */
export function allocate(pool: number, lpars: readonly PrsmLpar[]): number[] {
  const want = lpars.map((l) => Math.max(0, Math.min(l.demand, l.logicalCps)));
  const alloc = lpars.map((_, i) => Math.min(want[i]!, entitlement(pool, lpars, i)));
  let left = pool - alloc.reduce((a, b) => a + b, 0);
  for (let round = 0; round < lpars.length && left > 1e-9; round++) {
    let weights = 0;
    lpars.forEach((l, i) => {
      if (!l.capped && want[i]! - alloc[i]! > 1e-9) weights += l.weight;
    });
    if (weights === 0) break;
    let given = 0;
    lpars.forEach((l, i) => {
      if (l.capped || want[i]! - alloc[i]! <= 1e-9) return;
      const g = Math.min(want[i]! - alloc[i]!, (left * l.weight) / weights);
      alloc[i] = alloc[i]! + g;
      given += g;
    });
    left -= given;
  }
  return alloc;
}
