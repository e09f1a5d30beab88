// Unit strings of topology and scenario files, converted exactly (decimal arithmetic in BigInt, no float
// rounding): `250us` -> 250_000_000 ps, `4KiB` -> 4096 B, `20000/s`, `10GbE` -> 1e10 b/s, `5.2GHz`, `10km`.
// Errors are values carrying a message, never exceptions; the loader adds FILE:LINE:COL.

export type UnitResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

/** Largest virtual time the kernel can hold exactly (integer ps in a JS number). */
export const MAX_TIME_PS = 2 ** 53;

// The same patterns are in schema/*.schema.json (a test keeps them equal) so editors flag bad units as you type.
export const TIME_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(ps|ns|us|µs|ms|s)$';
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(B|KiB|MiB|GiB)?$';
export const RATE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(/(s|ms|us))?$';
export const BITRATE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(GbE|[KMGT]?b/s|[KMGT]?bps|[KMG]?B/s)$';
export const FREQUENCY_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(Hz|kHz|MHz|GHz)$';
export const DISTANCE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(mm|cm|m|km)$';

const TIME_UNITS: Readonly<Record<string, bigint>> = {
  ps: 1n, ns: 1_000n, us: 1_000_000n, 'µs': 1_000_000n, ms: 1_000_000_000n, s: 1_000_000_000_000n,
};
const SIZE_UNITS: Readonly<Record<string, bigint>> = { B: 1n, KiB: 1n << 10n, MiB: 1n << 20n, GiB: 1n << 30n };
const RATE_UNITS: Readonly<Record<string, bigint>> = { s: 1n, ms: 1_000n, us: 1_000_000n };
const FREQUENCY_UNITS: Readonly<Record<string, bigint>> = { Hz: 1n, kHz: 1_000n, MHz: 1_000_000n, GHz: 1_000_000_000n };
// Distances are kept exact in millimetres, then returned in metres.
const DISTANCE_UNITS_MM: Readonly<Record<string, bigint>> = { mm: 1n, cm: 10n, m: 1_000n, km: 1_000_000n };
const BITRATE_UNITS: Readonly<Record<string, bigint>> = {
  GbE: 1_000_000_000n,
  'b/s': 1n, 'Kb/s': 1_000n, 'Mb/s': 1_000_000n, 'Gb/s': 1_000_000_000n, 'Tb/s': 1_000_000_000_000n,
  bps: 1n, Kbps: 1_000n, Mbps: 1_000_000n, Gbps: 1_000_000_000n, Tbps: 1_000_000_000_000n,
  'B/s': 8n, 'KB/s': 8_000n, 'MB/s': 8_000_000n, 'GB/s': 8_000_000_000n,
};

const NUMBER_AND_UNIT = /^([0-9]+)(?:\.([0-9]+))?\s*(\S*)$/;

interface Quantity {
  readonly digits: bigint; // all digits, the decimal point removed
  readonly scale: bigint; // 10 ^ (digits after the point)
  readonly unit: string;
}

function split(text: string): Quantity | undefined {
  const m = NUMBER_AND_UNIT.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { digits: BigInt(m[1]! + frac), scale: 10n ** BigInt(frac.length), unit: m[3]! };
}

function show(text: string | number): string {
  return typeof text === 'string' ? JSON.stringify(text) : String(text);
}

function unitList(units: Readonly<Record<string, bigint>>): string {
  const names = Object.keys(units).filter((u) => u !== 'µs');
  return names.slice(0, -1).join(', ') + ' or ' + names[names.length - 1];
}

/** An exact whole number of base units, or why not. */
function whole(
  text: string | number,
  kind: string,
  example: string,
  units: Readonly<Record<string, bigint>>,
  max: number,
  base: string,
  bare?: string,
): UnitResult {
  if (typeof text === 'number') {
    if (bare !== undefined && Number.isSafeInteger(text) && text >= 0) return { ok: true, value: text };
    if (bare !== undefined) return { ok: false, message: `${show(text)} is not a ${kind}: expected a whole number of ${base} or a unit, e.g. ${example}` };
    return { ok: false, message: `${show(text)} has no unit: a ${kind} needs one of ${unitList(units)} (e.g. ${example})` };
  }
  const q = split(text);
  if (!q) {
    return { ok: false, message: `${show(text)} is not a ${kind}: expected a number with a unit, e.g. ${example}` };
  }
  let mult: bigint | undefined;
  if (q.unit === '') {
    if (bare === undefined) {
      return { ok: false, message: `${show(text)} has no unit: a ${kind} needs one of ${unitList(units)} (e.g. ${example})` };
    }
    mult = 1n;
  } else {
    mult = Object.hasOwn(units, q.unit) ? units[q.unit] : undefined;
  }
  if (mult === undefined) {
    return { ok: false, message: `${show(text)}: unknown ${kind} unit "${q.unit}" (use ${unitList(units)}${bare ?? ''})` };
  }
  const num = q.digits * mult;
  if (num % q.scale !== 0n) return { ok: false, message: `${show(text)} is not a whole number of ${base}` };
  const value = num / q.scale;
  if (value > BigInt(max)) return { ok: false, message: `${show(text)} is too large (at most ${max} ${base})` };
  return { ok: true, value: Number(value) };
}

/** `250us` -> 250_000_000 (integer picoseconds, at most 2^53). */
export function parseTime(text: string | number): UnitResult {
  return whole(text, 'time', '250us', TIME_UNITS, MAX_TIME_PS, 'ps');
}

/** `4KiB` -> 4096; a plain integer is bytes. */
export function parseSize(text: string | number): UnitResult {
  if (typeof text === 'string' && /^[0-9.]+\s*[kKMG]B$/.test(text)) {
    return { ok: false, message: `${show(text)}: sizes are binary, write KiB, MiB or GiB (4KiB = 4096 bytes)` };
  }
  return whole(text, 'size', '4KiB', SIZE_UNITS, Number.MAX_SAFE_INTEGER, 'bytes', ', or a plain number of bytes');
}

/** `10GbE`, `10Gb/s`, `8GB/s` -> bits per second. */
export function parseBitRate(text: string | number): UnitResult {
  return whole(text, 'bit rate', '10GbE or 10Gb/s', BITRATE_UNITS, Number.MAX_SAFE_INTEGER, 'bits per second');
}

/** `5.2GHz` -> 5_200_000_000 Hz. */
export function parseFrequency(text: string | number): UnitResult {
  return whole(text, 'frequency', '5.2GHz', FREQUENCY_UNITS, Number.MAX_SAFE_INTEGER, 'Hz');
}

/** `20000/s` (also `/ms`, `/us`) -> events per virtual second; a plain number is per second. May be fractional. */
export function parseRate(text: string | number): UnitResult {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text >= 0) return { ok: true, value: text };
    return { ok: false, message: `${show(text)} is not a rate: expected e.g. 20000/s` };
  }
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(?:\/(\S*))?$/.exec(text);
  if (!m) return { ok: false, message: `${show(text)} is not a rate: expected a count per time, e.g. 20000/s` };
  const per = m[2] ?? 's';
  const mult = Object.hasOwn(RATE_UNITS, per) ? RATE_UNITS[per] : undefined;
  if (mult === undefined) return { ok: false, message: `${show(text)}: unknown rate unit "/${per}" (use /s, /ms or /us)` };
  const value = Number(m[1]) * Number(mult);
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) return { ok: false, message: `${show(text)} is too large` };
  return { ok: true, value };
}

/** `10km` -> 10000, `150m` -> 150 (metres; fractions allowed, exact to the millimetre). */
export function parseDistance(text: string | number): UnitResult {
  if (typeof text === 'number') {
    return { ok: false, message: `${show(text)} has no unit: a distance needs one of mm, cm, m or km (e.g. 10km)` };
  }
  const mm = whole(text, 'distance', '10km or 150m', DISTANCE_UNITS_MM, Number.MAX_SAFE_INTEGER, 'millimetres');
  return mm.ok ? { ok: true, value: mm.value / 1000 } : mm;
}

/** Picoseconds as one number with its unit, for messages: the kernel's, as virtual time is its unit. */
export { formatTime } from '../kernel/time.js';
