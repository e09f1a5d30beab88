// Shared pieces of the Netstat console reports (SYSPLEX-DISTRIBUTOR.md section 2): the WTO envelope (header
// message, `n OF m RECORDS DISPLAYED`, `END OF THE REPORT`), fixed-width columns and the value forms z/OS
// prints (zero-padded counters, `addr..port`, generated VIPL link names, activation times).

import { ipText } from '../sd/types.js';

export { ipText };

/** The release the header messages name. */
export const RELEASE = 'V2R5';

/** GLOBALCONFIG MAXRECS default: records a report shows unless MAX= says otherwise. */
export const DEFAULT_MAX_RECORDS = 100;

/** What a report's body is, before the envelope. */
export interface ReportBody {
  readonly lines: string[];
  /** Records shown and records that matched; null for reports without a records line (VIPADCFG). */
  readonly shown: number | null;
  readonly total: number;
}

/**
 * The console envelope: SHORT format (an IPv4-only stack's default) opens with EZZ2500I, LONG with EZD0101I
 * and the WTO's message number; the records line and END OF THE REPORT close it.
 */
export function envelope(stack: string, long: boolean, wto: number, body: ReportBody): string {
  const head = long ? `EZD0101I NETSTAT CS ${RELEASE} ${stack} ${wto}` : `EZZ2500I NETSTAT CS ${RELEASE} ${stack}`;
  const out = [head, ...body.lines];
  if (body.shown !== null) out.push(`${body.shown} OF ${body.total} RECORDS DISPLAYED`);
  out.push('END OF THE REPORT');
  return out.join('\n');
}

/** Left-aligned in a column of n characters, with at least one blank after a value that fills it. */
export const pad = (s: string | number, n: number): string => {
  const t = String(s);
  return t.length >= n ? `${t} ` : t.padEnd(n);
};
export const zeros = (v: number, n: number): string => String(Math.max(0, Math.trunc(v))).padStart(n, '0');
/** `addr..port`, the long format's socket form. */
export const socket = (ip: number, port: number): string => `${ipText(ip)}..${port}`;

/** Eight upper-case hex digits (connection ids, link names). */
export function hex8(v: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** The generated link name of an IPv4 DVIPA: VIPL + its address in hex (VIPLC0A86501 for 192.168.101.1). */
export function viplName(ip: number): string {
  return `VIPL${hex8(ip)}`;
}

/** Prefix length of a contiguous mask. */
export function prefixOf(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m & 0x80000000; m = (m << 1) >>> 0) n++;
  return n;
}

/** Virtual time 0 is taken as 01/01/2025 00:00:00 (assumed: the emulator has no wall-clock IPL date). */
const EPOCH_DAYS = 20089; // days from 1970-01-01 to 2025-01-01

/** `MM/DD/YYYY HH:MM:SS` of a virtual time in picoseconds (for ACTTIME), computed without a Date. */
export function timestamp(ps: number): string {
  const secs = Math.floor(ps / 1e12);
  const days = EPOCH_DAYS + Math.floor(secs / 86400);
  const rest = secs % 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const two = (v: number) => String(v).padStart(2, '0');
  return `${two(m)}/${two(d)}/${y} ${two(Math.floor(rest / 3600))}:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)}`;
}
