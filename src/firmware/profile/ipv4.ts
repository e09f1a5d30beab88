// IPv4 text <-> unsigned 32-bit numbers, as the profile writes them (dotted quads, masks, /prefix lengths).
// Pure functions; no allocation beyond the result (the parser calls them once per address token).

/** Parse a strict dotted quad (`10.1.1.10`; 1-3 decimal digits per part, each 0-255). Null if it is not one. */
export function parseIpv4(text: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      part = part * 10 + (ch - 48);
      if (++digits > 3 || part > 255) return null;
    } else if (ch === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return (value * 256 + part) >>> 0;
}

/** True when the text has the shape of a dotted quad (digits and dots), valid or not: used to word errors. */
export function looksLikeIpv4(text: string): boolean {
  return /^[0-9]+(\.[0-9]*){1,}$/.test(text) && text.includes('.');
}

/** `10.1.1.10` from 0x0a01010a. */
export { ipToString as formatIpv4 } from '../../net/ipv4.js';

/** The mask of a prefix length 0-32 (24 -> 255.255.255.0). */
export { prefixToMask } from '../../net/ipv4.js';

/** The prefix length of a contiguous mask, or -1 when the one bits are not contiguous from the top. */
export function maskToPrefix(mask: number): number {
  const inverted = ~mask >>> 0;
  // A contiguous mask inverted is 2^k - 1: adding one clears every bit.
  if ((inverted & (inverted + 1)) !== 0) return -1;
  return Math.clz32(inverted);
}

/** Classful default prefix of an address (A /8, B /16, C /24, else /32): IPADDR without /len uses it. */
export function classfulPrefix(ip: number): number {
  const top = ip >>> 24;
  if (top < 128) return 8;
  if (top < 192) return 16;
  if (top < 224) return 24;
  return 32;
}
