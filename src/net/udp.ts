// UDP (RFC 768) over IPv4.

import { readU16, writeU16 } from './bytes.js';
import { transportChecksum } from './checksum.js';
import { netError, ok, type Parsed } from './errors.js';
import { IpProtocol } from './ipv4.js';
import type { PseudoHeader } from './tcp.js';

export const UDP_HEADER_LENGTH = 8;

export interface UdpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  /** The length field: header plus payload. */
  readonly length: number;
  /** 0 means the sender computed none. */
  readonly checksum: number;
  readonly payloadOffset: number;
  readonly payloadLength: number;
}

/** Parses the datagram in [offset, offset + length); the length field may be shorter than the bytes given
 *  (padding) but not longer. Give `pseudo` to verify a non-zero checksum. */
export function parseUdp(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  pseudo?: PseudoHeader,
): Parsed<UdpHeader> {
  const avail = Math.min(length, bytes.length - offset);
  if (avail < UDP_HEADER_LENGTH) return netError('truncated', offset + Math.max(0, avail), `UDP header needs 8 bytes, have ${Math.max(0, avail)}`);
  const len = readU16(bytes, offset + 4);
  if (len < UDP_HEADER_LENGTH) return netError('bad-length', offset + 4, `UDP length ${len} below 8`);
  if (len > avail) return netError('bad-length', offset + 4, `UDP length ${len} exceeds the ${avail} bytes present`);
  const checksum = readU16(bytes, offset + 6);
  if (pseudo && checksum !== 0) {
    if (transportChecksum(IpProtocol.UDP, pseudo.src, pseudo.dst, bytes, offset, len) !== 0) return netError('bad-checksum', offset + 6, `UDP checksum 0x${checksum.toString(16)} is wrong`);
  }
  return ok({
    srcPort: readU16(bytes, offset),
    dstPort: readU16(bytes, offset + 2),
    length: len,
    checksum,
    payloadOffset: offset + UDP_HEADER_LENGTH,
    payloadLength: len - UDP_HEADER_LENGTH,
  });
}

/** A UDP datagram (header + copy of payload) with its checksum. */
export function buildUdp(srcPort: number, dstPort: number, payload: Uint8Array, src: number, dst: number): Uint8Array {
  const d = new Uint8Array(UDP_HEADER_LENGTH + payload.length);
  d.set(payload, UDP_HEADER_LENGTH);
  writeUdpHeader(d, 0, srcPort, dstPort, payload.length, src, dst);
  return d;
}

/** Writes the header at `offset` in front of the `payloadLength` bytes already after it, checksum included
 *  (a computed 0 is sent as 0xffff, RFC 768). */
export function writeUdpHeader(buf: Uint8Array, offset: number, srcPort: number, dstPort: number, payloadLength: number, src: number, dst: number): void {
  const len = UDP_HEADER_LENGTH + payloadLength;
  writeU16(buf, offset, srcPort);
  writeU16(buf, offset + 2, dstPort);
  writeU16(buf, offset + 4, len);
  buf[offset + 6] = 0;
  buf[offset + 7] = 0;
  const c = transportChecksum(IpProtocol.UDP, src, dst, buf, offset, len);
  writeU16(buf, offset + 6, c === 0 ? 0xffff : c);
}
