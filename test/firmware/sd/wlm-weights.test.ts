import { describe, expect, it } from 'vitest';
import { WlmWeights } from '../../../src/firmware/sd/wlm-weights.js';

const CP = 5.2e9; // one CP's capacity, cycles a second

describe('BASEWLM system weights (WLM Services, "Calculation of server weights")', () => {
  it('gives idle systems weights proportional to their capacity, normalised to 64 across the sysplex', () => {
    const w = new WlmWeights();
    w.set(0, { unused: CP, total: CP });
    w.set(1, { unused: 4 * CP, total: 4 * CP });
    expect([...w.weights()]).toEqual([[0, 13], [1, 51]]); // 64 x 1/5 and 64 x 4/5
  });

  it('counts only unused capacity while some system has at least 5% of its own left', () => {
    const w = new WlmWeights();
    w.set(0, { unused: CP, total: CP });
    w.set(1, { unused: 2 * CP, total: 4 * CP }); // half busy
    expect([...w.weights()]).toEqual([[0, 21], [1, 43]]);
    w.set(0, { unused: 0, total: CP });
    expect(w.weights().get(0)).toBe(0);
    expect(w.weights().get(1)).toBe(64);
  });

  it('falls back to whole capacity when every system is above 95% busy, and forgets a system that left', () => {
    const w = new WlmWeights();
    w.set(0, { unused: 0.01 * CP, total: CP });
    w.set(1, { unused: 0.02 * CP, total: 3 * CP });
    expect([...w.weights()]).toEqual([[0, 16], [1, 48]]);
    expect(w.delete(1)).toBe(true);
    expect([...w.weights()]).toEqual([[0, 64]]);
  });
});
