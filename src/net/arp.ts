// ARP for IPv4 over Ethernet (RFC 826): the 28-byte packet after the Ethernet header.

import { EtherType, readMac, writeMac } from './ethernet.js';
import { readU32, writeU32 } from './bytes.js';
import { netError, ok, type Parsed } from './errors.js';

export const ARP_LENGTH = 28;
export const ArpOp = { Request: 1, Reply: 2 } as const;
const HTYPE_ETHERNET = 1;

export interface ArpPacket {
  /** ArpOp.Request or ArpOp.Reply (other values are passed through). */
  readonly op: number;
  readonly senderMac: number;
  readonly senderIp: number;
  readonly targetMac: number;
  readonly targetIp: number;
}

export function parseArp(bytes: Uint8Array, offset = 0): Parsed<ArpPacket> {
  if (bytes.length - offset < 8) return netError('truncated', bytes.length, 'ARP header needs 8 bytes');
  const htype = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const ptype = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  const hlen = bytes[offset + 4]!;
  const plen = bytes[offset + 5]!;
  if (htype !== HTYPE_ETHERNET) return netError('unsupported', offset, `ARP hardware type ${htype} is not Ethernet`);
  if (ptype !== EtherType.IPv4) return netError('unsupported', offset + 2, `ARP protocol type 0x${ptype.toString(16)} is not IPv4`);
  if (hlen !== 6) return netError('bad-length', offset + 4, `ARP hardware length ${hlen}, expected 6`);
  if (plen !== 4) return netError('bad-length', offset + 5, `ARP protocol length ${plen}, expected 4`);
  if (bytes.length - offset < ARP_LENGTH) return netError('truncated', bytes.length, 'ARP packet needs 28 bytes');
  return ok({
    op: (bytes[offset + 6]! << 8) | bytes[offset + 7]!,
    senderMac: readMac(bytes, offset + 8),
    senderIp: readU32(bytes, offset + 14),
    targetMac: readMac(bytes, offset + 18),
    targetIp: readU32(bytes, offset + 24),
  });
}

/** Writes the 28-byte packet at `offset`. */
export function writeArp(buf: Uint8Array, offset: number, p: ArpPacket): number {
  buf[offset] = 0;
  buf[offset + 1] = HTYPE_ETHERNET;
  buf[offset + 2] = EtherType.IPv4 >>> 8;
  buf[offset + 3] = EtherType.IPv4 & 0xff;
  buf[offset + 4] = 6;
  buf[offset + 5] = 4;
  buf[offset + 6] = (p.op >>> 8) & 0xff;
  buf[offset + 7] = p.op & 0xff;
  writeMac(buf, offset + 8, p.senderMac);
  writeU32(buf, offset + 14, p.senderIp >>> 0);
  writeMac(buf, offset + 18, p.targetMac);
  writeU32(buf, offset + 24, p.targetIp >>> 0);
  return ARP_LENGTH;
}

export function buildArp(p: ArpPacket): Uint8Array {
  const b = new Uint8Array(ARP_LENGTH);
  writeArp(b, 0, p);
  return b;
}

/** Who has `targetIp`? Tell `senderIp`. The target MAC is zero, as RFC 826 leaves it. */
export function arpRequest(senderMac: number, senderIp: number, targetIp: number): Uint8Array {
  return buildArp({ op: ArpOp.Request, senderMac, senderIp, targetMac: 0, targetIp });
}

/** `senderIp` is at `senderMac`, to the asker. */
export function arpReply(senderMac: number, senderIp: number, targetMac: number, targetIp: number): Uint8Array {
  return buildArp({ op: ArpOp.Reply, senderMac, senderIp, targetMac, targetIp });
}

/** A gratuitous ARP (a request whose sender and target IP are both the announced address), as an OSA sends
 *  when an address is registered or taken over. */
export function gratuitousArp(mac: number, ip: number): Uint8Array {
  return buildArp({ op: ArpOp.Request, senderMac: mac, senderIp: ip, targetMac: 0, targetIp: ip });
}
