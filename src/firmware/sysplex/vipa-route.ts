// VIPAROUTE (IP Configuration Reference, "VIPADYNAMIC - VIPAROUTE statement"): a distributor with a VIPAROUTE
// for a target's dynamic XCF address (or DEFAULT) forwards to that target over the IP network instead of its
// dynamic XCF interface: the client's datagram in GRE (RFC 2784, no options: flags and version 0, protocol
// 0x0800), the outer header addressed to the VIPAROUTE's target address and routed by the normal IP routing
// table (an OSA). The target stack takes the inner datagram out and handles it as a forwarded one.
// The outer source address is the distributor's dynamic XCF address (assumed; IBM names a "GRE source IP
// address" without saying which).

import { writeIpv4Header } from '../../net/index.js';
import type { VipaRoute } from '../profile/types.js';

export const IP_PROTOCOL_GRE = 47;
const GRE_HEADER = 4;
const ETHERTYPE_IPV4 = 0x0800;

/** The VIPAROUTE target address for a target with dynamic XCF address `xcfIp`: its own entry first, else
 *  DEFAULT; 0 when none matches (the target is reached over dynamic XCF). */
export function vipaRouteTarget(routes: readonly VipaRoute[], xcfIp: number): number {
  let fallback = 0;
  for (const r of routes) {
    if (r.xcfIp === xcfIp) return r.targetIp >>> 0;
    if (r.xcfIp === null && fallback === 0) fallback = r.targetIp >>> 0;
  }
  return fallback;
}

/** `inner` in GRE in IPv4 from `src` to `dst` (may be fragmented on the way: DF clear). */
export function greEncapsulate(src: number, dst: number, inner: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + GRE_HEADER + inner.length);
  writeIpv4Header(out, 0, { src, dst, protocol: IP_PROTOCOL_GRE, dontFragment: false }, GRE_HEADER + inner.length);
  out[22] = ETHERTYPE_IPV4 >>> 8;
  out[23] = ETHERTYPE_IPV4 & 0xff;
  out.set(inner, 20 + GRE_HEADER);
  return out;
}

/** The datagram inside a GRE packet (an IPv4 datagram with protocol 47), or null when it is not a plain GRE
 *  packet carrying IPv4 (options, checksum, key or sequence bits set; another protocol; cut short). */
export function greDecapsulate(packet: Uint8Array): Uint8Array | null {
  if (packet.length < 20 || packet[9] !== IP_PROTOCOL_GRE) return null;
  const ihl = (packet[0]! & 0x0f) << 2;
  const total = Math.min(packet.length, (packet[2]! << 8) | packet[3]!);
  if (total < ihl + GRE_HEADER + 20) return null;
  if (packet[ihl] !== 0 || packet[ihl + 1] !== 0) return null;
  if (((packet[ihl + 2]! << 8) | packet[ihl + 3]!) !== ETHERTYPE_IPV4) return null;
  const inner = packet.subarray(ihl + GRE_HEADER, total);
  return inner[0]! >>> 4 === 4 ? inner : null;
}
