// Ethernet II frames with stacked 802.1Q / 802.1ad (QinQ) tags. MAC addresses are 48-bit unsigned numbers
// (exact in a double), so they compare and hash without allocation.

import { netError, ok, type Parsed } from './errors.js';
import { allocPacket } from './packet-alloc.js';

export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  IPv6: 0x86dd,
  /** 802.1Q customer tag. */
  VLAN: 0x8100,
  /** 802.1ad service tag (QinQ outer). */
  QinQ: 0x88a8,
  /** Pre-standard QinQ outer tag still seen in captures. */
  QinQLegacy: 0x9100,
} as const;

export const MAC_BROADCAST = 0xffff_ffff_ffff;
export const ETHERNET_HEADER_LENGTH = 14;
export const VLAN_TAG_LENGTH = 4;
/** At most this many stacked tags are parsed; more is hostile input. */
export const MAX_VLAN_TAGS = 4;

export interface VlanTag {
  /** Tag protocol identifier: EtherType.VLAN, QinQ or QinQLegacy. */
  readonly tpid: number;
  /** Priority code point 0-7. */
  readonly pcp: number;
  /** Drop eligible indicator. */
  readonly dei: boolean;
  /** VLAN id 0-4095. */
  readonly vid: number;
}

export interface EthernetHeader {
  readonly dst: number;
  readonly src: number;
  /** Outermost first. */
  readonly tags: readonly VlanTag[];
  /** The EtherType after the tags. */
  readonly etherType: number;
  /** Bytes of header including tags: where the payload starts, relative to the frame start. */
  readonly headerLength: number;
}

export interface EthernetFields {
  readonly dst: number;
  readonly src: number;
  readonly tags?: readonly VlanTag[];
  readonly etherType: number;
}

export function isVlanTpid(type: number): boolean {
  return type === EtherType.VLAN || type === EtherType.QinQ || type === EtherType.QinQLegacy;
}

export function readMac(bytes: Uint8Array, offset: number): number {
  const hi = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const lo = ((bytes[offset + 2]! << 24) | (bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!) >>> 0;
  return hi * 0x1_0000_0000 + lo;
}

export function writeMac(bytes: Uint8Array, offset: number, mac: number): void {
  const hi = Math.floor(mac / 0x1_0000_0000) & 0xffff;
  const lo = mac >>> 0;
  bytes[offset] = hi >>> 8;
  bytes[offset + 1] = hi & 0xff;
  bytes[offset + 2] = lo >>> 24;
  bytes[offset + 3] = (lo >>> 16) & 0xff;
  bytes[offset + 4] = (lo >>> 8) & 0xff;
  bytes[offset + 5] = lo & 0xff;
}

/** `02:00:0a:01:01:01`. */
export function macToString(mac: number): string {
  let s = '';
  for (let i = 5; i >= 0; i--) {
    const byte = Math.floor(mac / 2 ** (8 * i)) & 0xff;
    s += (byte < 16 ? '0' : '') + byte.toString(16) + (i > 0 ? ':' : '');
  }
  return s;
}

/** Parses `aa:bb:cc:dd:ee:ff` or `aa-bb-...`; the error offset is the character index. */
export function macFromString(text: string): Parsed<number> {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return netError('bad-address', 0, `MAC address '${text}' needs six hex bytes`);
  let mac = 0;
  let col = 0;
  for (const part of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(part)) return netError('bad-address', col, `bad MAC byte '${part}'`);
    mac = mac * 256 + parseInt(part, 16);
    col += part.length + 1;
  }
  return ok(mac);
}

export function parseEthernet(frame: Uint8Array, offset = 0): Parsed<EthernetHeader> {
  if (frame.length - offset < ETHERNET_HEADER_LENGTH) {
    return netError('truncated', frame.length, `Ethernet header needs 14 bytes, have ${Math.max(0, frame.length - offset)}`);
  }
  const dst = readMac(frame, offset);
  const src = readMac(frame, offset + 6);
  let p = offset + 12;
  let type = (frame[p]! << 8) | frame[p + 1]!;
  const tags: VlanTag[] = [];
  while (isVlanTpid(type)) {
    if (tags.length === MAX_VLAN_TAGS) return netError('unsupported', p, `more than ${MAX_VLAN_TAGS} stacked VLAN tags`);
    if (frame.length < p + 2 + VLAN_TAG_LENGTH) return netError('truncated', frame.length, 'VLAN tag cut short');
    const tci = (frame[p + 2]! << 8) | frame[p + 3]!;
    tags.push({ tpid: type, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff });
    p += VLAN_TAG_LENGTH;
    type = (frame[p]! << 8) | frame[p + 1]!;
  }
  if (type < 0x0600) return netError('unsupported', p, `802.3 length field ${type} instead of an EtherType`);
  return ok({ dst, src, tags, etherType: type, headerLength: p + 2 - offset });
}

export function ethernetHeaderLength(fields: EthernetFields): number {
  return ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH * (fields.tags?.length ?? 0);
}

/** Writes the header at `offset`; returns the number of bytes written. */
export function writeEthernetHeader(buf: Uint8Array, offset: number, fields: EthernetFields): number {
  writeMac(buf, offset, fields.dst);
  writeMac(buf, offset + 6, fields.src);
  let p = offset + 12;
  for (const tag of fields.tags ?? []) {
    buf[p] = tag.tpid >>> 8;
    buf[p + 1] = tag.tpid & 0xff;
    const tci = ((tag.pcp & 7) << 13) | (tag.dei ? 0x1000 : 0) | (tag.vid & 0x0fff);
    buf[p + 2] = tci >>> 8;
    buf[p + 3] = tci & 0xff;
    p += VLAN_TAG_LENGTH;
  }
  buf[p] = (fields.etherType >>> 8) & 0xff;
  buf[p + 1] = fields.etherType & 0xff;
  return p + 2 - offset;
}

/** A whole frame: header followed by a copy of `payload`. No FCS. */
export function buildEthernetFrame(fields: EthernetFields, payload: Uint8Array): Uint8Array {
  const h = ethernetHeaderLength(fields);
  const frame = allocPacket(h + payload.length);
  writeEthernetHeader(frame, 0, fields);
  frame.set(payload, h);
  return frame;
}

// Fast accessors for hot paths: no allocation, no validation beyond bounds (they return -1 when short).

/** Offset of the payload after any VLAN tags, or -1 when the frame is too short or has too many tags. */
export function ethernetPayloadOffset(frame: Uint8Array): number {
  let p = 12;
  for (let n = 0; n <= MAX_VLAN_TAGS; n++) {
    if (frame.length < p + 2) return -1;
    const type = (frame[p]! << 8) | frame[p + 1]!;
    if (!isVlanTpid(type)) return p + 2;
    p += VLAN_TAG_LENGTH;
  }
  return -1;
}

/** The EtherType after any VLAN tags, or -1. */
export function ethernetType(frame: Uint8Array): number {
  const off = ethernetPayloadOffset(frame);
  return off < 0 ? -1 : (frame[off - 2]! << 8) | frame[off - 1]!;
}
