// Shared vocabulary of the Sysplex Distributor tables: target indices, flag bits, the distribution methods and
// the one typed error the tables throw when a caller hands them a number out of range.
//
// A *target index* is a small integer (0-255) the owning stack assigns to each stack of the XCF group (for
// example its position in the group's member list). The tables never see stack names, only these indices, so
// their rows stay a few bytes wide; the stack maps indices to names and dynamic XCF addresses for displays.
// IPv4 addresses are unsigned 32-bit numbers (10.1.1.10 = 0x0a01010a), as in src/firmware/hal.ts.

/** Target indices are 0..MAX_TARGETS-1 (one byte in a VCRT row). A sysplex has at most 32 systems. */
export const MAX_TARGETS = 256;

/** The DISTMETHOD of a VIPADISTRIBUTE statement, as the profile parser defines it. */
export type { DistMethod } from '../profile/types.js';

// VCRT row flags (one byte per row).
/** A timed-affinity record (client IP <-> DVIPA port, client port 0), not a live connection. */
export const VCRT_AFFINITY = 0x01;
/** The connection belongs to a stack holding the DVIPA in MOVING state (takeback in progress). */
export const VCRT_MOVING = 0x02;
/** Learned from a target during takeover rather than distributed by this stack. */
export const VCRT_RESTORED = 0x04;

/** What the tables reject; `code` names the rule, `detail` the value that broke it. */
export type SdErrorCode =
  | 'TARGET_RANGE'
  | 'ADDRESS_RANGE'
  | 'PORT_RANGE'
  | 'VALUE_RANGE'
  | 'SERVICES_FULL'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_TARGET'
  | 'BAD_CONFIG';

/** The typed error of src/firmware/sd: thrown only for caller bugs (numbers out of range), never for traffic. */
export class SdError extends Error {
  override readonly name = 'SdError';
  constructor(
    readonly code: SdErrorCode,
    message: string,
    readonly detail: number | string = '',
  ) {
    super(message);
  }
}

export function checkTarget(t: number): void {
  if (!Number.isInteger(t) || t < 0 || t >= MAX_TARGETS) {
    throw new SdError('TARGET_RANGE', `target index ${t} is not an integer in 0..${MAX_TARGETS - 1}`, t);
  }
}

export function checkAddress(ip: number): void {
  if (!Number.isInteger(ip) || ip < 0 || ip > 0xffffffff) {
    throw new SdError('ADDRESS_RANGE', `IPv4 address ${ip} is not an unsigned 32-bit integer`, ip);
  }
}

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new SdError('PORT_RANGE', `port ${port} is not an integer in 0..65535`, port);
  }
}

export function checkRange(what: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new SdError('VALUE_RANGE', `${what} ${v} is not an integer in ${lo}..${hi}`, v);
  }
}

/** Dotted-quad text of an address, for displays and messages. */
export { ipToString as ipText } from '../../net/ipv4.js';
