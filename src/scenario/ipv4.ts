// Dotted IPv4 addresses and CIDR subnets as unsigned 32-bit numbers, for the loader's consistency checks.
// Inputs have already matched the schema's patterns, so the octets are in range.

import { prefixToMask } from '../net/ipv4.js';

export interface Subnet {
  readonly network: number;
  readonly prefix: number;
  readonly mask: number;
}

export function ipToU32(ip: string): number {
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export { ipToString as u32ToIp } from '../net/ipv4.js';

export function parseSubnet(cidr: string): Subnet & { readonly address: number } {
  const [ip, len] = cidr.split('/') as [string, string];
  const prefix = Number(len);
  const mask = prefixToMask(prefix);
  const address = ipToU32(ip);
  return { address, network: (address & mask) >>> 0, prefix, mask };
}

export function inSubnet(ip: number, s: Subnet): boolean {
  return ((ip & s.mask) >>> 0) === s.network;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const mask = a.prefix < b.prefix ? a.mask : b.mask;
  return ((a.network & mask) >>> 0) === ((b.network & mask) >>> 0);
}
