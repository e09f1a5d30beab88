// The distributor's per-packet hot path: where does an inbound IPv4 datagram for a DVIPA go?
//
// `forwardDecision(packet, vcrt)` reads the IPv4 and TCP headers straight from the bytes (offsets by hand: no
// dependency on src/net, no allocation, no exception) and looks the connection up in the VCRT. It returns a
// target index (>= 0) or one of the negative codes below. A caller that needs the parsed fields (to distribute
// a NEW_CONNECTION) passes a FlowKey it allocated once; the decision fills it in.
//
//   target >= 0       forward to that target (a retransmitted SYN of a known connection included)
//   NEW_CONNECTION    SYN without ACK for a distributed (DVIPA, port) and no row: run the distribution method
//   NO_ENTRY          any other TCP segment of a distributed port without a row (stale; RST it or drop)
//   NOT_DISTRIBUTED   TCP to an address/port the ServiceTable does not know: the stack's own local delivery
//   NOT_TCP           a well-formed IPv4 datagram carrying another protocol
//   FRAGMENT          an IP fragment: the ports are not reliably there; reassemble and ask again
//   MALFORMED         not IPv4, bad IHL, total length beyond the bytes, TCP header cut short or bad offset
//
// `diagnose(packet)` explains a MALFORMED verdict with the byte offset of the offending field (for traces and
// the capture reader's `skipped.malformed`); it is off the hot path. Checksums are not verified here: the
// target stack that owns the connection does that, as the real distributor forwards without terminating TCP.

import { NOT_FOUND, type Vcrt } from './vcrt.js';

export const NEW_CONNECTION = -1;
export const NO_ENTRY = -2;
export const NOT_TCP = -3;
export const MALFORMED = -4;
export const NOT_DISTRIBUTED = -5;
export const FRAGMENT = -6;

const PROTO_TCP = 6;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

/** The fields of the last decided packet, filled by forwardDecision when the caller passes one. */
export class FlowKey {
  clientIp = 0;
  clientPort = 0;
  dvipa = 0;
  port = 0;
  /** Service index, or -1 when (dvipa, port) is not distributed. */
  service = -1;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  tcpFlags = 0;
  /** Byte offset of the TCP header within the packet array. */
  tcpOffset = 0;
}

/**
 * Decide where the IPv4 datagram in packet[offset .. offset + length) goes. Never throws, never allocates.
 * `length` is the bytes available (a frame may carry padding after the datagram's total length).
 */
export function forwardDecision(
  packet: Uint8Array,
  vcrt: Vcrt,
  key: FlowKey | null = null,
  offset = 0,
  length = packet.length - offset,
): number {
  if (length < 20) return MALFORMED;
  const b0 = packet[offset]!;
  const ihl = (b0 & 0x0f) << 2;
  if (b0 >>> 4 !== 4 || ihl < 20) return MALFORMED;
  const total = (packet[offset + 2]! << 8) | packet[offset + 3]!;
  if (total < ihl || total > length) return MALFORMED;
  if (packet[offset + 9] !== PROTO_TCP) return NOT_TCP;
  // More-fragments bit or a fragment offset: not a whole datagram.
  if (((packet[offset + 6]! & 0x3f) | packet[offset + 7]!) !== 0) return FRAGMENT;
  const t = offset + ihl;
  const tcpLength = total - ihl;
  if (tcpLength < 20) return MALFORMED;
  const dataOffset = (packet[t + 12]! >>> 4) << 2;
  if (dataOffset < 20 || dataOffset > tcpLength) return MALFORMED;

  const src = ((packet[offset + 12]! << 24) | (packet[offset + 13]! << 16) | (packet[offset + 14]! << 8) | packet[offset + 15]!) >>> 0;
  const dst = ((packet[offset + 16]! << 24) | (packet[offset + 17]! << 16) | (packet[offset + 18]! << 8) | packet[offset + 19]!) >>> 0;
  const sport = (packet[t]! << 8) | packet[t + 1]!;
  const dport = (packet[t + 2]! << 8) | packet[t + 3]!;
  const flags = packet[t + 13]!;
  const svc = vcrt.services.find(dst, dport);
  if (key !== null) {
    key.clientIp = src;
    key.clientPort = sport;
    key.dvipa = dst;
    key.port = dport;
    key.service = svc;
    key.tcpFlags = flags;
    key.tcpOffset = t;
  }
  if (svc < 0) return NOT_DISTRIBUTED;
  const target = vcrt.lookupService(src, sport, svc);
  if (target !== NOT_FOUND) return target;
  return (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN ? NEW_CONNECTION : NO_ENTRY;
}

/** Why a datagram is MALFORMED (or not): the byte offset (from `offset`) of the field at fault. */
export interface PacketDiagnosis {
  readonly ok: boolean;
  readonly offset: number;
  readonly reason: string;
}

/** The reason behind a MALFORMED verdict, with a byte offset; `ok` when the headers parse. Never throws. */
export function diagnose(packet: Uint8Array, offset = 0, length = packet.length - offset): PacketDiagnosis {
  const bad = (at: number, reason: string): PacketDiagnosis => ({ ok: false, offset: at, reason });
  if (length < 20) return bad(length, `IPv4 header needs 20 bytes, ${length} present`);
  const b0 = packet[offset]!;
  if (b0 >>> 4 !== 4) return bad(0, `IP version ${b0 >>> 4}, not 4`);
  const ihl = (b0 & 0x0f) << 2;
  if (ihl < 20) return bad(0, `IHL ${ihl >>> 2} words is below the minimum of 5`);
  const total = (packet[offset + 2]! << 8) | packet[offset + 3]!;
  if (total < ihl) return bad(2, `total length ${total} is shorter than the ${ihl}-byte header`);
  if (total > length) return bad(2, `total length ${total} exceeds the ${length} bytes present`);
  if (packet[offset + 9] !== PROTO_TCP) return { ok: true, offset: 9, reason: `protocol ${packet[offset + 9]}, not TCP` };
  if (((packet[offset + 6]! & 0x3f) | packet[offset + 7]!) !== 0) return { ok: true, offset: 6, reason: 'IP fragment' };
  if (total - ihl < 20) return bad(ihl, `TCP header needs 20 bytes, ${total - ihl} present`);
  const dataOffset = (packet[offset + ihl + 12]! >>> 4) << 2;
  if (dataOffset < 20) return bad(ihl + 12, `TCP data offset ${dataOffset >>> 2} words is below the minimum of 5`);
  if (dataOffset > total - ihl) return bad(ihl + 12, `TCP data offset ${dataOffset} bytes exceeds the ${total - ihl}-byte segment`);
  return { ok: true, offset: 0, reason: 'well-formed IPv4/TCP' };
}
