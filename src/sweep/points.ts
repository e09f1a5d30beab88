// The points of a sweep: the cross product of every `--set` axis's values, each run with every seed. The first
// axis varies slowest, so rows read like nested loops in the order the options were written.

import { type SweepAxis, overrideOf } from '../scenario/index.js';

export interface SweepPoint {
  /** 0-based, in cross-product order. */
  readonly index: number;
  /** The value each axis takes here, as written. */
  readonly settings: readonly { readonly path: string; readonly text: string }[];
  /** `PATH=VALUE` for each axis. */
  readonly overrides: readonly string[];
  /** Position of each axis's value in its list. */
  readonly at: readonly number[];
}

export function crossProduct(axes: readonly SweepAxis[]): SweepPoint[] {
  const points: SweepPoint[] = [];
  const at = axes.map(() => 0);
  if (axes.some((a) => a.values.length === 0)) return points;
  for (;;) {
    points.push({
      index: points.length,
      settings: axes.map((a, k) => ({ path: a.path, text: a.texts[at[k]!]! })),
      overrides: axes.map((a, k) => overrideOf(a, at[k]!).text),
      at: [...at],
    });
    let k = axes.length - 1;
    while (k >= 0 && at[k] === axes[k]!.values.length - 1) at[k--] = 0;
    if (k < 0) return points;
    at[k]!++;
  }
}

/** The seeds of each point: the scenario's own and the next n - 1. */
export function seedsFrom(base: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => base + i);
}
