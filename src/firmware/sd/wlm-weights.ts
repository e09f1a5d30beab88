// BASEWLM system weights as WLM computes them (z/OS MVS Programming: WLM Services, "Calculation of server
// weights"): WLM scans its service-unit table from level 7 (unused capacity) upwards to the first level at which
// some system has at least 5% of its capacity, and gives every system
//     weight = its SUs at that level x 64 / the SUs of all systems at that level,
// so weights are proportional to available capacity and normalised across the sysplex (an idle 1-CP and an idle
// 4-CP system get about 13 and 51). The model's systems report two levels: unused SUs and their whole capacity
// (every piece of work counted as displaceable: the model has no importance levels).

/** One system's WLM data: service units a second unused and in total. */
export interface WlmCapacity {
  readonly unused: number;
  readonly total: number;
}

/** The share of its capacity a system must have at a level for WLM to use that level. */
const LEVEL_MIN_SHARE = 0.05;

export class WlmWeights {
  private readonly systems = new Map<number, WlmCapacity>();

  /** Target t's latest WLM data. */
  set(t: number, c: WlmCapacity): void {
    this.systems.set(t, c);
  }

  /** Target t left the sysplex: the others are normalised without it. */
  delete(t: number): boolean {
    return this.systems.delete(t);
  }

  get size(): number {
    return this.systems.size;
  }

  /** System weight 0-64 of every system that reported, normalised across them. */
  weights(): Map<number, number> {
    let useUnused = false;
    for (const c of this.systems.values()) if (c.total > 0 && c.unused >= LEVEL_MIN_SHARE * c.total) useUnused = true;
    let sum = 0;
    for (const c of this.systems.values()) sum += useUnused ? c.unused : c.total;
    const out = new Map<number, number>();
    for (const [t, c] of this.systems) {
      const su = useUnused ? c.unused : c.total;
      out.set(t, sum > 0 ? Math.min(64, Math.round((su * 64) / sum)) : 0);
    }
    return out;
  }
}
