// Virtual time: integer picoseconds held in JS numbers, exact up to 2^53 ps (about 2.5 hours).
// BigInt would lift the limit but costs an allocation per operation on the event loop's hot path.

export const PS = 1;
export const NS = 1_000;
export const US = 1_000_000;
export const MS = 1_000_000_000;
export const S = 1_000_000_000_000;

/** The latest virtual time a run may reach: 2^53 ps (exact integer arithmetic ends there). */
export const MAX_TIME_PS = Number.MAX_SAFE_INTEGER;

/** `12.345678 ms`: one number with the largest unit that keeps it at least 1 (in size: a negative span reads
 *  `-2 s`), six decimals at most. Reports, messages and the loader's summaries all print time with it. */
export function formatTime(ps: number): string {
  const units: [number, string][] = [[S, 's'], [MS, 'ms'], [US, 'us'], [NS, 'ns']];
  for (const [scale, unit] of units) {
    if (Math.abs(ps) >= scale) return `${trimDecimals(ps / scale)} ${unit}`;
  }
  return `${ps} ps`;
}

function trimDecimals(x: number): string {
  return x.toFixed(6).replace(/\.?0+$/, '');
}

/** Serialisation delay per byte for a bit rate, rounded up to whole picoseconds (10 Gb/s = 800 ps/B). */
export function psPerByte(bitsPerSecond: number): number {
  if (!(bitsPerSecond > 0)) return 0;
  return Math.ceil((8 * S) / bitsPerSecond);
}
