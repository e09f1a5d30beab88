// TCP headers (RFC 9293) and options: MSS, window scale and timestamps (RFC 7323), SACK-permitted and SACK
// blocks (RFC 2018). The checksum covers the IPv4 pseudo-header.

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { transportChecksum } from './checksum.js';
import { netError, ok, type Parsed } from './errors.js';
import { allocPacket } from './packet-alloc.js';
import { IPV4_MIN_HEADER, IpProtocol, writeIpv4BasicHeader, writeIpv4Header, ipv4HeaderLength, type Ipv4Fields } from './ipv4.js';

export const TCP_MIN_HEADER = 20;
export const TCP_MAX_HEADER = 60;

export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  /** The ECN nonce bit (RFC 3540, historic), the low bit of byte 12. */
  NS: 0x100,
} as const;

export const TcpOptionKind = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamp: 8,
} as const;

export interface SackBlock {
  readonly left: number;
  readonly right: number;
}

export interface TcpTimestamp {
  readonly value: number;
  readonly echo: number;
}

export interface TcpOptions {
  readonly mss?: number;
  /** Shift count as sent (RFC 7323 caps its use at 14; the raw value is kept here). */
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  readonly sack?: readonly SackBlock[];
  readonly timestamp?: TcpTimestamp;
}

export interface TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Data offset in bytes. */
  readonly headerLength: number;
  /** TcpFlag bits, NS included. */
  readonly flags: number;
  /** Raw window field (not scaled). */
  readonly window: number;
  readonly checksum: number;
  readonly urgentPointer: number;
  readonly options: TcpOptions;
  /** Where the payload starts in the buffer given to the parser, and its length. */
  readonly payloadOffset: number;
  readonly payloadLength: number;
}

/** Mutable, reusable result of scanTcpOptions: the engine scans every segment into one of these. */
export class TcpOptionScan {
  /** -1 when absent. */
  mss = -1;
  /** -1 when absent. */
  windowScale = -1;
  sackPermitted = false;
  hasTimestamp = false;
  tsValue = 0;
  tsEcho = 0;
  /** Offset of the first SACK block's left edge, and the number of blocks (0 when absent). */
  sackOffset = 0;
  sackCount = 0;

  reset(): void {
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.hasTimestamp = false;
    this.tsValue = 0;
    this.tsEcho = 0;
    this.sackOffset = 0;
    this.sackCount = 0;
  }
}

/** Scans options in [start, end) into `out` without allocating. Unknown kinds are skipped. Returns -1 when
 *  well formed, else the offset of the first malformed option (the fields before it are filled in). */
export function scanTcpOptions(b: Uint8Array, start: number, end: number, out: TcpOptionScan): number {
  out.reset();
  let p = start;
  while (p < end) {
    const kind = b[p]!;
    if (kind === TcpOptionKind.EOL) break;
    if (kind === TcpOptionKind.NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) return p;
    const len = b[p + 1]!;
    if (len < 2 || p + len > end) return p;
    switch (kind) {
      case TcpOptionKind.MSS:
        if (len !== 4) return p;
        out.mss = readU16(b, p + 2);
        break;
      case TcpOptionKind.WindowScale:
        if (len !== 3) return p;
        out.windowScale = b[p + 2]!;
        break;
      case TcpOptionKind.SackPermitted:
        if (len !== 2) return p;
        out.sackPermitted = true;
        break;
      case TcpOptionKind.Sack:
        if ((len - 2) % 8 !== 0 || len === 2) return p;
        out.sackOffset = p + 2;
        out.sackCount = (len - 2) / 8;
        break;
      case TcpOptionKind.Timestamp:
        if (len !== 10) return p;
        out.hasTimestamp = true;
        out.tsValue = readU32(b, p + 2);
        out.tsEcho = readU32(b, p + 6);
        break;
      default:
        break;
    }
    p += len;
  }
  return -1;
}

function optionsFromScan(b: Uint8Array, s: TcpOptionScan): TcpOptions {
  const o: { -readonly [K in keyof TcpOptions]: TcpOptions[K] } = {};
  if (s.mss >= 0) o.mss = s.mss;
  if (s.windowScale >= 0) o.windowScale = s.windowScale;
  if (s.sackPermitted) o.sackPermitted = true;
  if (s.hasTimestamp) o.timestamp = { value: s.tsValue, echo: s.tsEcho };
  if (s.sackCount > 0) {
    const blocks: SackBlock[] = [];
    for (let i = 0; i < s.sackCount; i++) {
      const at = s.sackOffset + 8 * i;
      blocks.push({ left: readU32(b, at), right: readU32(b, at + 4) });
    }
    o.sack = blocks;
  }
  return o;
}

/** Addresses for the pseudo-header; give them to have the checksum verified. */
export interface PseudoHeader {
  readonly src: number;
  readonly dst: number;
}

/** Parses the segment in [offset, offset + length). */
export function parseTcp(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  pseudo?: PseudoHeader,
): Parsed<TcpHeader> {
  const avail = Math.min(length, bytes.length - offset);
  if (avail < TCP_MIN_HEADER) return netError('truncated', offset + Math.max(0, avail), `TCP header needs 20 bytes, have ${Math.max(0, avail)}`);
  const headerLength = (bytes[offset + 12]! >>> 4) * 4;
  if (headerLength < TCP_MIN_HEADER) return netError('bad-header-length', offset + 12, `TCP data offset ${headerLength / 4} is below 5`);
  if (headerLength > avail) return netError('truncated', offset + avail, `TCP header of ${headerLength} bytes cut short at ${avail}`);
  const scan = new TcpOptionScan();
  const bad = scanTcpOptions(bytes, offset + TCP_MIN_HEADER, offset + headerLength, scan);
  if (bad >= 0) return netError('bad-option', bad, `malformed TCP option kind ${bytes[bad]}`);
  const checksum = readU16(bytes, offset + 16);
  if (pseudo && tcpChecksumOf(pseudo.src, pseudo.dst, bytes, offset, avail) !== 0) {
    return netError('bad-checksum', offset + 16, `TCP checksum 0x${checksum.toString(16)} is wrong`);
  }
  return ok({
    srcPort: readU16(bytes, offset),
    dstPort: readU16(bytes, offset + 2),
    seq: readU32(bytes, offset + 4),
    ack: readU32(bytes, offset + 8),
    headerLength,
    flags: bytes[offset + 13]! | ((bytes[offset + 12]! & 1) << 8),
    window: readU16(bytes, offset + 14),
    checksum,
    urgentPointer: readU16(bytes, offset + 18),
    options: optionsFromScan(bytes, scan),
    payloadOffset: offset + headerLength,
    payloadLength: avail - headerLength,
  });
}

/** Checksum over pseudo-header and segment: 0 for a segment whose checksum field is right; with the field
 *  zeroed, the value to store. */
export function tcpChecksumOf(src: number, dst: number, bytes: Uint8Array, offset: number, length: number): number {
  return transportChecksum(IpProtocol.TCP, src, dst, bytes, offset, length);
}

/** Computes and stores the checksum of the segment in [offset, offset + length). */
export function writeTcpChecksum(buf: Uint8Array, offset: number, length: number, src: number, dst: number): void {
  buf[offset + 16] = 0;
  buf[offset + 17] = 0;
  writeU16(buf, offset + 16, tcpChecksumOf(src, dst, buf, offset, length));
}

/** Bytes the options take once encoded and padded to a multiple of 4. */
export function tcpOptionsLength(o: TcpOptions | undefined): number {
  if (!o) return 0;
  let n = 0;
  if (o.mss !== undefined) n += 4;
  if (o.sackPermitted && o.timestamp) n += 12;
  else {
    if (o.timestamp) n += 12;
    if (o.sackPermitted) n += 4;
  }
  if (o.windowScale !== undefined) n += 4;
  if (o.sack && o.sack.length > 0) n += 4 + 8 * o.sack.length;
  return n;
}

/** Encodes options in the layout Linux uses (MSS, SACK-permitted+TS, NOP+WS; NOP-padded); returns bytes. */
export function writeTcpOptions(buf: Uint8Array, offset: number, o: TcpOptions): number {
  let p = offset;
  if (o.mss !== undefined) {
    buf[p] = TcpOptionKind.MSS;
    buf[p + 1] = 4;
    writeU16(buf, p + 2, o.mss);
    p += 4;
  }
  if (o.sackPermitted && o.timestamp) {
    buf[p] = TcpOptionKind.SackPermitted;
    buf[p + 1] = 2;
    p += 2;
    p = writeTimestamp(buf, p, o.timestamp.value, o.timestamp.echo);
  } else {
    if (o.timestamp) {
      buf[p] = TcpOptionKind.NOP;
      buf[p + 1] = TcpOptionKind.NOP;
      p = writeTimestamp(buf, p + 2, o.timestamp.value, o.timestamp.echo);
    }
    if (o.sackPermitted) {
      buf[p] = TcpOptionKind.NOP;
      buf[p + 1] = TcpOptionKind.NOP;
      buf[p + 2] = TcpOptionKind.SackPermitted;
      buf[p + 3] = 2;
      p += 4;
    }
  }
  if (o.windowScale !== undefined) {
    buf[p] = TcpOptionKind.NOP;
    buf[p + 1] = TcpOptionKind.WindowScale;
    buf[p + 2] = 3;
    buf[p + 3] = o.windowScale;
    p += 4;
  }
  if (o.sack && o.sack.length > 0) {
    buf[p] = TcpOptionKind.NOP;
    buf[p + 1] = TcpOptionKind.NOP;
    buf[p + 2] = TcpOptionKind.Sack;
    buf[p + 3] = 2 + 8 * o.sack.length;
    p += 4;
    for (const blk of o.sack) {
      writeU32(buf, p, blk.left >>> 0);
      writeU32(buf, p + 4, blk.right >>> 0);
      p += 8;
    }
  }
  return p - offset;
}

function writeTimestamp(buf: Uint8Array, p: number, value: number, echo: number): number {
  buf[p] = TcpOptionKind.Timestamp;
  buf[p + 1] = 10;
  writeU32(buf, p + 2, value >>> 0);
  writeU32(buf, p + 6, echo >>> 0);
  return p + 10;
}

/** Writes NOP, NOP, TS (12 bytes): the option block of every segment once timestamps are agreed. */
export function writeTimestampOption(buf: Uint8Array, offset: number, value: number, echo: number): number {
  buf[offset] = TcpOptionKind.NOP;
  buf[offset + 1] = TcpOptionKind.NOP;
  writeTimestamp(buf, offset + 2, value, echo);
  return 12;
}

export interface TcpFields {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack?: number;
  /** TcpFlag bits. */
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer?: number;
  readonly options?: TcpOptions;
}

export function tcpHeaderLength(fields: TcpFields): number {
  return TCP_MIN_HEADER + tcpOptionsLength(fields.options);
}

/** Writes the header and options at `offset` with a zero checksum; returns the header length. */
export function writeTcpHeader(buf: Uint8Array, offset: number, fields: TcpFields): number {
  const optLen = fields.options ? writeTcpOptions(buf, offset + TCP_MIN_HEADER, fields.options) : 0;
  const hl = TCP_MIN_HEADER + optLen;
  writeTcpBaseHeader(buf, offset, fields.srcPort, fields.dstPort, fields.seq, fields.ack ?? 0, fields.flags, fields.window, hl);
  writeU16(buf, offset + 18, fields.urgentPointer ?? 0);
  return hl;
}

/** The header fields of an outgoing IPv4 datagram carrying TCP (no IP options, DF set). */
export interface TcpSegmentHeader {
  readonly src: number;
  readonly dst: number;
  /** IPv4 identification. */
  readonly id: number;
  readonly ttl: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** TcpFlag bits. */
  readonly flags: number;
  readonly window: number;
}

/** Writes the IPv4 header (20 bytes) and the fixed TCP header of the datagram that fills `buf`; the TCP options
 *  (`tcpHeaderLength` - 20 bytes) and the payload follow, then writeIpv4TcpChecksum. The senders on the packet
 *  path (the engine, the replay) fill one record and reuse it: a record crosses the call without boxing the
 *  32-bit addresses and sequence numbers that positional arguments would cost when the call is not inlined. */
export function writeIpv4TcpHeaders(buf: Uint8Array, h: TcpSegmentHeader, tcpHeaderLength: number): void {
  writeIpv4BasicHeader(buf, 0, h.src, h.dst, IpProtocol.TCP, h.id, h.ttl, buf.length);
  writeTcpBaseHeader(buf, IPV4_MIN_HEADER, h.srcPort, h.dstPort, h.seq, h.ack, h.flags, h.window, tcpHeaderLength);
}

/** Computes and stores the TCP checksum of the datagram that fills `buf` (TCP header at `tcpOffset`), with the
 *  addresses of its IPv4 header. */
export function writeIpv4TcpChecksum(buf: Uint8Array, tcpOffset: number): void {
  writeTcpChecksum(buf, tcpOffset, buf.length - tcpOffset, readU32(buf, 12), readU32(buf, 16));
}

/** The fixed 20 bytes of a TCP header at `offset`, checksum and urgent pointer zero; `headerLength` counts the
 *  options the caller writes after them. Positional, so the senders on the packet path allocate nothing. */
export function writeTcpBaseHeader(
  buf: Uint8Array,
  offset: number,
  srcPort: number,
  dstPort: number,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  headerLength: number,
): void {
  writeU16(buf, offset, srcPort);
  writeU16(buf, offset + 2, dstPort);
  writeU32(buf, offset + 4, seq >>> 0);
  writeU32(buf, offset + 8, ack >>> 0);
  buf[offset + 12] = ((headerLength >>> 2) << 4) | ((flags >>> 8) & 1);
  buf[offset + 13] = flags & 0xff;
  writeU16(buf, offset + 14, window);
  buf[offset + 16] = 0;
  buf[offset + 17] = 0;
  buf[offset + 18] = 0;
  buf[offset + 19] = 0;
}

/** A TCP segment (header + copy of payload) with its checksum for the given addresses. */
export function buildTcpSegment(fields: TcpFields, payload: Uint8Array, src: number, dst: number): Uint8Array {
  const hl = tcpHeaderLength(fields);
  const seg = allocPacket(hl + payload.length);
  writeTcpHeader(seg, 0, fields);
  seg.set(payload, hl);
  writeTcpChecksum(seg, 0, seg.length, src, dst);
  return seg;
}

/** A whole IPv4 datagram carrying a TCP segment, both checksums filled in. */
export function buildIpv4Tcp(ip: Omit<Ipv4Fields, 'protocol'>, tcp: TcpFields, payload: Uint8Array = EMPTY): Uint8Array {
  const ipFields: Ipv4Fields = { ...ip, protocol: IpProtocol.TCP };
  const ihl = ipv4HeaderLength(ipFields);
  const thl = tcpHeaderLength(tcp);
  const packet = allocPacket(ihl + thl + payload.length);
  writeIpv4Header(packet, 0, ipFields, thl + payload.length);
  writeTcpHeader(packet, ihl, tcp);
  packet.set(payload, ihl + thl);
  writeTcpChecksum(packet, ihl, thl + payload.length, ip.src, ip.dst);
  return packet;
}

const EMPTY = new Uint8Array(0);

/** The header fields of one IPv4 datagram carrying TCP, as a receiver reads them: one mutable record refilled
 *  per packet (readTcpDatagram), so reading allocates nothing. `packet` is the caller's bytes, not a copy. */
export class TcpDatagram {
  packet: Uint8Array = EMPTY;
  src = 0;
  dst = 0;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  /** TcpFlag bits of byte 13 (NS not included). */
  flags = 0;
  /** Raw window field (not scaled). */
  window = 0;
  /** Offset of the TCP header in `packet`, and its length with options. */
  tcpOffset = 0;
  tcpHeaderLength = 0;
  /** Offset of the payload in `packet`, and its length (SYN and FIN not counted). */
  payloadOffset = 0;
  payloadLength = 0;
}

/** Fills `out` from an IPv4 datagram (its header at byte 0) whose TCP header of `tcpHeaderLength` bytes starts at `tcpOffset` and
 *  whose TCP segment ends at `end`. No validation: the caller has checked those three against the bytes. */
export function readTcpDatagram(packet: Uint8Array, tcpOffset: number, tcpHeaderLength: number, end: number, out: TcpDatagram): void {
  const t = tcpOffset;
  out.packet = packet;
  out.src = readU32(packet, 12);
  out.dst = readU32(packet, 16);
  out.srcPort = readU16(packet, t);
  out.dstPort = readU16(packet, t + 2);
  out.seq = readU32(packet, t + 4);
  out.ack = readU32(packet, t + 8);
  out.flags = packet[t + 13]!;
  out.window = readU16(packet, t + 14);
  out.tcpOffset = t;
  out.tcpHeaderLength = tcpHeaderLength;
  out.payloadOffset = t + tcpHeaderLength;
  out.payloadLength = end - t - tcpHeaderLength;
}

// Fast accessors over a segment starting at `off` (no allocation, no validation).

export function tcpSrcPort(p: Uint8Array, off: number): number {
  return readU16(p, off);
}
export function tcpDstPort(p: Uint8Array, off: number): number {
  return readU16(p, off + 2);
}
export function tcpSeq(p: Uint8Array, off: number): number {
  return readU32(p, off + 4);
}
export function tcpAck(p: Uint8Array, off: number): number {
  return readU32(p, off + 8);
}
/** TcpFlag bits of byte 13 (NS not included). */
export function tcpFlags(p: Uint8Array, off: number): number {
  return p[off + 13]!;
}
export function tcpHeaderLen(p: Uint8Array, off: number): number {
  return (p[off + 12]! >>> 4) * 4;
}
export function tcpWindow(p: Uint8Array, off: number): number {
  return readU16(p, off + 14);
}

/** `S.` style flag text as tcpdump prints it (S, F, R, P, U, E, W, then `.` for ACK). */
export function tcpFlagsToString(flags: number): string {
  let s = '';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  if (flags & TcpFlag.ACK) s += '.';
  return s === '' ? 'none' : s;
}
