// The distributor's per-packet hot path: where does an inbound IPv4 datagram for a DVIPA go?
//
// `forwardDecision(packet, vcrt)` reads the IPv4 and TCP headers straight from the bytes (src/net's accessors,
// no allocation, no exception) and looks the connection up in the VCRT. It returns a
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
// `ForwardBatch.run(packets, count, vcrt)` decides a burst (an inbound QDIO interrupt's worth of SBALs) with
// the same verdicts; it parses all first and then probes the VCRT for the whole burst so the cache misses of
// a 1 M-row table overlap instead of queueing one DRAM latency per packet.
//
// Checksums are not verified here: the target stack that owns the connection does that, as the real
// distributor forwards without terminating TCP.

import * as ipv4 from '../../net/ipv4.js';
import * as tcp from '../../net/tcp.js';
import { SdError } from './types.js';
import { NOT_FOUND as NOT_FOUND_IMPORTED, type Vcrt } from './vcrt.js';

// Module-local copies for the hot path (see the note in vcrt.ts on imported bindings).
const NOT_FOUND = NOT_FOUND_IMPORTED;
const ipv4Src = ipv4.ipv4Src;
const ipv4Dst = ipv4.ipv4Dst;
const tcpSrcPort = tcp.tcpSrcPort;
const tcpDstPort = tcp.tcpDstPort;
const tcpFlags = tcp.tcpFlags;

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

/** 0 when packet[offset .. offset + length) is a whole IPv4 datagram with a sound TCP header, else the verdict. */
function check(packet: Uint8Array, offset: number, length: number): number {
  if (length < 20) return MALFORMED;
  const b0 = packet[offset]!;
  const ihl = (b0 & 0x0f) << 2;
  if (b0 >>> 4 !== 4 || ihl < 20) return MALFORMED;
  const total = (packet[offset + 2]! << 8) | packet[offset + 3]!;
  if (total < ihl || total > length) return MALFORMED;
  if (packet[offset + 9] !== PROTO_TCP) return NOT_TCP;
  // More-fragments bit or a fragment offset: not a whole datagram.
  if (((packet[offset + 6]! & 0x3f) | packet[offset + 7]!) !== 0) return FRAGMENT;
  const tcpLength = total - ihl;
  if (tcpLength < 20) return MALFORMED;
  const dataOffset = (packet[offset + ihl + 12]! >>> 4) << 2;
  if (dataOffset < 20 || dataOffset > tcpLength) return MALFORMED;
  return 0;
}

/**
 * Parse the headers of packet[offset .. offset + length) into `key`; returns the service index (>= 1) when the
 * VCRT must be consulted, else the negative verdict.
 */
function classify(packet: Uint8Array, offset: number, length: number, vcrt: Vcrt, key: FlowKey): number {
  const verdict = check(packet, offset, length);
  if (verdict !== 0) return verdict;
  const t = offset + ((packet[offset]! & 0x0f) << 2);
  const dst = ipv4Dst(packet, offset);
  const dport = tcpDstPort(packet, t);
  const svc = vcrt.services.find(dst, dport);
  key.clientIp = ipv4Src(packet, offset);
  key.clientPort = tcpSrcPort(packet, t);
  key.dvipa = dst;
  key.port = dport;
  key.service = svc;
  key.tcpFlags = tcpFlags(packet, t);
  key.tcpOffset = t;
  return svc < 0 ? NOT_DISTRIBUTED : svc;
}

/** The verdict for a segment without a VCRT row: only a bare SYN opens a connection. */
function missVerdict(tcpFlags: number): number {
  return (tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN ? NEW_CONNECTION : NO_ENTRY;
}

const scratchKey = new FlowKey();

/**
 * Decide where the IPv4 datagram in packet[offset .. offset + length) goes. Never throws, never allocates.
 * `length` is the bytes available (a frame may carry padding after the datagram's total length).
 * Each call pays one dependent cache miss into a large VCRT; for a burst of packets ForwardBatch overlaps them.
 */
export function forwardDecision(
  packet: Uint8Array,
  vcrt: Vcrt,
  key: FlowKey | null = null,
  offset = 0,
  length = packet.length - offset,
): number {
  const k = key ?? scratchKey;
  const svc = classify(packet, offset, length, vcrt, k);
  if (svc < 0) return svc;
  const target = vcrt.lookupService(k.clientIp, k.clientPort, svc);
  return target !== NOT_FOUND ? target : missVerdict(k.tcpFlags);
}

/**
 * Forwarding decisions for a burst of datagrams, as a QDIO inbound interrupt hands the stack several SBALs
 * at once. Results go to `decisions[j]` (same codes as forwardDecision), the parsed flow fields to the other
 * columns (valid where the verdict is a target, NEW_CONNECTION or NO_ENTRY). The VCRT probes of the whole
 * burst overlap (Vcrt.lookupMany), which is what lifts a 1 M-row table past the DRAM latency of one miss per
 * packet. Allocate one per stack; `run` allocates nothing.
 */
export class ForwardBatch {
  readonly decisions: Int32Array;
  readonly clientIp: Uint32Array;
  readonly clientPort: Uint16Array;
  readonly service: Int32Array;
  readonly tcpFlags: Uint8Array;
  private readonly keys: Uint32Array;
  private readonly lookupIps: Uint32Array;
  private readonly lookupOf: Uint16Array;
  private readonly found: Int32Array;
  private readonly homes: Uint32Array;

  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 0xffff) {
      throw new SdError('VALUE_RANGE', `batch capacity ${capacity} is not an integer in 1..65535`, capacity);
    }
    this.decisions = new Int32Array(capacity);
    this.clientIp = new Uint32Array(capacity);
    this.clientPort = new Uint16Array(capacity);
    this.service = new Int32Array(capacity);
    this.tcpFlags = new Uint8Array(capacity);
    this.keys = new Uint32Array(capacity);
    this.lookupIps = new Uint32Array(capacity);
    this.lookupOf = new Uint16Array(capacity);
    this.found = new Int32Array(capacity);
    this.homes = new Uint32Array(capacity);
  }

  /** Decide packets[0 .. count) (count <= capacity; more are ignored). Each array is one whole datagram. */
  run(packets: readonly Uint8Array[], count: number, vcrt: Vcrt): void {
    const n = count < this.capacity ? count : this.capacity;
    const services = vcrt.services;
    const decisions = this.decisions;
    const ips = this.clientIp;
    const ports = this.clientPort;
    const svcs = this.service;
    const flags = this.tcpFlags;
    const lookupIps = this.lookupIps;
    const keys = this.keys;
    const lookupOf = this.lookupOf;
    let lookups = 0;
    for (let j = 0; j < n; j++) {
      const p = packets[j]!;
      const verdict = check(p, 0, p.length);
      if (verdict !== 0) {
        decisions[j] = verdict;
        continue;
      }
      const t = (p[0]! & 0x0f) << 2;
      const ip = ipv4Src(p);
      const sport = tcpSrcPort(p, t);
      const svc = services.find(ipv4Dst(p), tcpDstPort(p, t));
      ips[j] = ip;
      ports[j] = sport;
      svcs[j] = svc;
      flags[j] = tcpFlags(p, t);
      if (svc < 0) {
        decisions[j] = NOT_DISTRIBUTED;
        continue;
      }
      lookupIps[lookups] = ip;
      keys[lookups] = ((sport << 16) | svc) >>> 0;
      lookupOf[lookups++] = j;
    }
    vcrt.lookupMany(lookupIps, keys, lookups, this.found, this.homes);
    for (let l = 0; l < lookups; l++) {
      const j = lookupOf[l]!;
      const t = this.found[l]!;
      decisions[j] = t !== NOT_FOUND ? t : missVerdict(flags[j]!);
    }
  }
}
