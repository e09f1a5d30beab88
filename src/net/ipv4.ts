// IPv4 headers (RFC 791), addresses as unsigned 32-bit numbers, and prefix helpers.

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { internetChecksum, onesComplementSum } from './checksum.js';
import { netError, ok, type Parsed } from './errors.js';
import { allocPacket } from './packet-alloc.js';

export const IpProtocol = { ICMP: 1, TCP: 6, UDP: 17 } as const;
export const IPV4_MIN_HEADER = 20;
export const IPV4_MAX_HEADER = 60;
/** Flag bits in the flags/fragment-offset word. */
const DF = 0x4000;
const MF = 0x2000;

export interface Ipv4Header {
  /** Header length in bytes (IHL * 4). */
  readonly headerLength: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly totalLength: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Fragment offset in bytes (the field times 8). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: number;
  readonly dst: number;
  /** Bytes of options (headerLength - 20). */
  readonly optionsLength: number;
  /** Where the payload starts in the buffer given to the parser, and how long it is per totalLength. */
  readonly payloadOffset: number;
  readonly payloadLength: number;
}

export interface Ipv4ParseOptions {
  /** Check the header checksum (default true). */
  readonly verifyChecksum?: boolean;
}

/** Parses the header at `offset`. Bytes beyond totalLength (Ethernet padding) are allowed and ignored. */
export function parseIpv4(bytes: Uint8Array, offset = 0, options?: Ipv4ParseOptions): Parsed<Ipv4Header> {
  const avail = bytes.length - offset;
  if (avail < IPV4_MIN_HEADER) return netError('truncated', bytes.length, `IPv4 header needs 20 bytes, have ${Math.max(0, avail)}`);
  const vihl = bytes[offset]!;
  if (vihl >>> 4 !== 4) return netError('bad-version', offset, `IP version ${vihl >>> 4}, expected 4`);
  const headerLength = (vihl & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER) return netError('bad-header-length', offset, `IHL ${vihl & 0x0f} is below 5`);
  if (avail < headerLength) return netError('truncated', bytes.length, `IPv4 header of ${headerLength} bytes cut short`);
  const totalLength = readU16(bytes, offset + 2);
  if (totalLength < headerLength) return netError('bad-length', offset + 2, `total length ${totalLength} below header length ${headerLength}`);
  if (totalLength > avail) return netError('bad-length', offset + 2, `total length ${totalLength} exceeds the ${avail} bytes present`);
  const checksum = readU16(bytes, offset + 10);
  if (options?.verifyChecksum !== false && onesComplementSum(bytes, offset, headerLength) !== 0xffff) {
    return netError('bad-checksum', offset + 10, `IPv4 header checksum 0x${checksum.toString(16)} is wrong`);
  }
  const frag = readU16(bytes, offset + 6);
  return ok({
    headerLength,
    dscp: bytes[offset + 1]! >>> 2,
    ecn: bytes[offset + 1]! & 3,
    totalLength,
    id: readU16(bytes, offset + 4),
    dontFragment: (frag & DF) !== 0,
    moreFragments: (frag & MF) !== 0,
    fragmentOffset: (frag & 0x1fff) * 8,
    ttl: bytes[offset + 8]!,
    protocol: bytes[offset + 9]!,
    checksum,
    src: readU32(bytes, offset + 12),
    dst: readU32(bytes, offset + 16),
    optionsLength: headerLength - IPV4_MIN_HEADER,
    payloadOffset: offset + headerLength,
    payloadLength: totalLength - headerLength,
  });
}

export interface Ipv4Fields {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  /** Default 64. */
  readonly ttl?: number;
  readonly id?: number;
  readonly dscp?: number;
  readonly ecn?: number;
  /** Default true (path MTU discovery, as TCP stacks send). */
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  /** In bytes; must be a multiple of 8. */
  readonly fragmentOffset?: number;
  /** Raw option bytes; padded with zeros (EOL) to a multiple of 4, at most 40. */
  readonly options?: Uint8Array;
}

export function ipv4HeaderLength(fields: Ipv4Fields): number {
  const opt = fields.options?.length ?? 0;
  return IPV4_MIN_HEADER + ((opt + 3) & ~3);
}

/** Writes a header for a datagram of `payloadLength` bytes at `offset`, checksum included; returns its length. */
export function writeIpv4Header(buf: Uint8Array, offset: number, fields: Ipv4Fields, payloadLength: number): number {
  const hl = ipv4HeaderLength(fields);
  buf[offset] = 0x40 | (hl >>> 2);
  buf[offset + 1] = (((fields.dscp ?? 0) & 0x3f) << 2) | ((fields.ecn ?? 0) & 3);
  writeU16(buf, offset + 2, hl + payloadLength);
  writeU16(buf, offset + 4, fields.id ?? 0);
  const frag =
    (fields.dontFragment ?? true ? DF : 0) | (fields.moreFragments ? MF : 0) | (((fields.fragmentOffset ?? 0) >>> 3) & 0x1fff);
  writeU16(buf, offset + 6, frag);
  buf[offset + 8] = fields.ttl ?? 64;
  buf[offset + 9] = fields.protocol;
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  writeU32(buf, offset + 12, fields.src >>> 0);
  writeU32(buf, offset + 16, fields.dst >>> 0);
  if (fields.options) {
    buf.set(fields.options, offset + IPV4_MIN_HEADER);
    buf.fill(0, offset + IPV4_MIN_HEADER + fields.options.length, offset + hl);
  }
  writeU16(buf, offset + 10, internetChecksum(buf, offset, hl));
  return hl;
}

/** The 20-byte header without options that TCP senders write on the packet path: no dscp/ecn, DF set (path
 *  MTU discovery), no fragment offset; checksum included. Positional, so sending allocates nothing. */
export function writeIpv4BasicHeader(
  buf: Uint8Array,
  offset: number,
  src: number,
  dst: number,
  protocol: number,
  id: number,
  ttl: number,
  totalLength: number,
): void {
  buf[offset] = 0x45;
  buf[offset + 1] = 0;
  writeU16(buf, offset + 2, totalLength);
  writeU16(buf, offset + 4, id);
  writeU16(buf, offset + 6, DF);
  buf[offset + 8] = ttl;
  buf[offset + 9] = protocol;
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  writeU32(buf, offset + 12, src >>> 0);
  writeU32(buf, offset + 16, dst >>> 0);
  writeU16(buf, offset + 10, internetChecksum(buf, offset, IPV4_MIN_HEADER));
}

/** A whole datagram: header followed by a copy of `payload`. */
export function buildIpv4(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const hl = ipv4HeaderLength(fields);
  const packet = allocPacket(hl + payload.length);
  writeIpv4Header(packet, 0, fields, payload.length);
  packet.set(payload, hl);
  return packet;
}

/** Recomputes the header checksum in place (after a TTL or address rewrite). */
export function refreshIpv4Checksum(packet: Uint8Array, offset = 0): void {
  const hl = (packet[offset]! & 0x0f) * 4;
  packet[offset + 10] = 0;
  packet[offset + 11] = 0;
  writeU16(packet, offset + 10, internetChecksum(packet, offset, hl));
}

// Fast accessors: no allocation and no validation; call ipv4Check first on untrusted bytes.

export function ipv4Src(p: Uint8Array, offset = 0): number {
  return readU32(p, offset + 12);
}
export function ipv4Dst(p: Uint8Array, offset = 0): number {
  return readU32(p, offset + 16);
}
export function ipv4Protocol(p: Uint8Array, offset = 0): number {
  return p[offset + 9]!;
}
export function ipv4HeaderLen(p: Uint8Array, offset = 0): number {
  return (p[offset]! & 0x0f) * 4;
}
export function ipv4TotalLength(p: Uint8Array, offset = 0): number {
  return readU16(p, offset + 2);
}
/** True for a fragment (MF set or a non-zero offset). */
export function ipv4IsFragment(p: Uint8Array, offset = 0): boolean {
  return (readU16(p, offset + 6) & 0x3fff) !== 0;
}

/** Allocation-free validation of version, lengths and (optionally) the header checksum. Returns the header
 *  length in bytes, or a negative number: -1 truncated, -2 bad version, -3 bad header length, -4 bad total
 *  length, -5 bad checksum. */
export function ipv4Check(p: Uint8Array, offset = 0, verifyChecksum = true): number {
  const avail = p.length - offset;
  if (avail < IPV4_MIN_HEADER) return -1;
  const vihl = p[offset]!;
  if (vihl >>> 4 !== 4) return -2;
  const hl = (vihl & 0x0f) * 4;
  if (hl < IPV4_MIN_HEADER || hl > avail) return -3;
  const total = readU16(p, offset + 2);
  if (total < hl || total > avail) return -4;
  if (verifyChecksum && onesComplementSum(p, offset, hl) !== 0xffff) return -5;
  return hl;
}

// Addresses and prefixes.

/** `10.1.1.10` for 0x0a01010a. */
export function ipToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

/** The address of text already known to be a dotted quad (a loader-checked file, our own output, a test's
 *  literal); anything else is a bug, thrown as an Error. */
export function ipOf(text: string): number {
  const r = ipFromString(text);
  if (!r.ok) throw new Error(`'${text}' is not an IPv4 address: ${r.error.message}`);
  return r.value;
}

/** Parses dotted-quad text strictly (four decimal parts 0-255, no leading zeros, no spaces); the error
 *  offset is the character index of the offending part. */
export function ipFromString(text: string): Parsed<number> {
  let ip = 0;
  let part = 0;
  let digits = 0;
  let partStart = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // a virtual '.' ends the last part
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && part === 0) return netError('bad-address', partStart, `leading zero in '${text}'`);
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255) return netError('bad-address', partStart, `part of '${text}' exceeds 255`);
    } else if (c === 0x2e) {
      if (digits === 0) return netError('bad-address', i, `empty part in IPv4 address '${text}'`);
      if (parts === 4) return netError('bad-address', partStart, `more than four parts in '${text}'`);
      ip = ip * 256 + part;
      parts++;
      part = 0;
      digits = 0;
      partStart = i + 1;
    } else {
      return netError('bad-address', i, `unexpected character '${text[i]}' in IPv4 address '${text}'`);
    }
  }
  if (parts !== 4) return netError('bad-address', text.length, `IPv4 address '${text}' needs four parts`);
  return ok(ip >>> 0);
}

/** The netmask of a prefix length 0-32 (24 -> 0xffffff00). */
export function prefixToMask(prefix: number): number {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return 0xffff_ffff;
  return (0xffff_ffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a contiguous netmask, or -1 when the mask has holes. */
export function maskToPrefix(mask: number): number {
  const m = mask >>> 0;
  const inverted = ~m >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return -1;
  return Math.clz32(inverted);
}

export function networkOf(ip: number, prefix: number): number {
  return (ip & prefixToMask(prefix)) >>> 0;
}

export function inSubnet(ip: number, network: number, prefix: number): boolean {
  const mask = prefixToMask(prefix);
  return ((ip & mask) >>> 0) === ((network & mask) >>> 0);
}

export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** A parsed `10.1.1.7/24`: `address` as written, `network` with the host bits cleared. */
export interface CidrText extends Cidr {
  readonly address: number;
}

/** Parses `10.1.1.0/24` (host bits are cleared; a bare address means /32). */
export function parseCidr(text: string): Parsed<Cidr> {
  const slash = text.indexOf('/');
  const addr = ipFromString(slash < 0 ? text : text.slice(0, slash));
  if (!addr.ok) return addr;
  if (slash < 0) return ok({ network: addr.value, prefix: 32 });
  const p = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(p) || Number(p) > 32) return netError('bad-address', slash + 1, `bad prefix length '${p}'`);
  const prefix = Number(p);
  return ok({ network: networkOf(addr.value, prefix), prefix });
}

/** parseCidr for text already known good (see ipOf). */
export function cidrOf(text: string): CidrText {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`'${text}' is not an IPv4 subnet: ${r.error.message}`);
  const slash = text.indexOf('/');
  return { address: ipOf(slash < 0 ? text : text.slice(0, slash)), ...r.value };
}

/** `10.1.1.0/24`. */
export function cidrToString(c: Cidr): string {
  return `${ipToString(c.network)}/${c.prefix}`;
}

/** True when the two prefixes share an address (the shorter one contains the other's network). */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return inSubnet(a.network, b.network, Math.min(a.prefix, b.prefix));
}
