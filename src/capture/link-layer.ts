// Link types we read and how to find the network layer behind each, with 802.1Q / QinQ tags stripped.
// Numbers are LINKTYPE_* values from the pcap/pcapng link-type registry.

import { EtherType } from '../net/ethernet.js';

export const LinkType = {
  /** BSD loopback: a 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW as some BSDs write it into files (12 on most, 14 on OpenBSD): raw IPv4 or IPv6. */
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  /** Raw IPv4 or IPv6, told apart by the version nibble. */
  RAW: 101,
  /** OpenBSD loopback: a 4-byte address family in network byte order. */
  LOOP: 108,
  /** Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10). */
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  /** Linux cooked capture v2 (`tcpdump -i any` with libpcap 1.10+). */
  LINUX_SLL2: 276,
} as const;

const SUPPORTED = new Set<number>(Object.values(LinkType));

export function isSupportedLinkType(linkType: number): boolean {
  return SUPPORTED.has(linkType);
}

/** At most this many stacked tags are stripped; more is treated as an unknown payload. */
const MAX_TAGS = 8;

/**
 * What `decodeNetworkLayer` found. One instance per reader is reused for every frame, so decoding allocates
 * nothing; the reader copies the fields into the frame.
 */
export class NetworkLayer {
  /** EtherType of the network layer (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP ...), 0 when unknown. */
  etherType = 0;
  /** Offset of the network-layer header within the frame's data, -1 when there is none. */
  offset = -1;
  /** Length of the network-layer packet (IPv4: its total length, without link padding or FCS). */
  length = 0;
  /** VLAN id of the outermost 802.1Q / 802.1ad tag, -1 when untagged. */
  vlanId = -1;
  /** Number of VLAN tags stripped. */
  vlanTags = 0;
}

/**
 * Finds the network layer of one captured frame `buf[start .. start+len)` of `linkType`. Never throws: a frame
 * too short or of an unknown protocol simply has no network layer (offset -1), for the caller to count.
 */
export function decodeNetworkLayer(
  out: NetworkLayer,
  linkType: number,
  buf: Uint8Array,
  start: number,
  len: number,
): void {
  out.etherType = 0;
  out.offset = -1;
  out.length = 0;
  out.vlanId = -1;
  out.vlanTags = 0;
  let off: number;
  let type: number;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (len < 14) return;
      type = (buf[start + 12]! << 8) | buf[start + 13]!;
      off = 14;
      if (type < 0x0600) {
        // IEEE 802.3 length field: only LLC/SNAP (AA AA 03, OUI 0) carries an EtherType.
        if (len < 22 || buf[start + 14] !== 0xaa || buf[start + 15] !== 0xaa || buf[start + 16] !== 0x03) return;
        if (buf[start + 17] !== 0 || buf[start + 18] !== 0 || buf[start + 19] !== 0) return;
        type = (buf[start + 20]! << 8) | buf[start + 21]!;
        off = 22;
      }
      break;
    case LinkType.LINUX_SLL:
      if (len < 16) return;
      type = (buf[start + 14]! << 8) | buf[start + 15]!;
      off = 16;
      break;
    case LinkType.LINUX_SLL2:
      if (len < 20) return;
      type = (buf[start]! << 8) | buf[start + 1]!;
      off = 20;
      break;
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
      if (len < 1) return;
      type = rawIpType(buf[start]!);
      off = 0;
      break;
    case LinkType.IPV4:
      type = EtherType.IPv4;
      off = 0;
      break;
    case LinkType.IPV6:
      type = EtherType.IPv6;
      off = 0;
      break;
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (len < 4) return;
      // The family is in host order for NULL; accept either order (families are small numbers).
      const b0 = buf[start]!;
      const b3 = buf[start + 3]!;
      const family = b0 === 0 ? b3 : b0;
      type = family === 2 ? EtherType.IPv4 : family === 24 || family === 28 || family === 30 ? EtherType.IPv6 : 0;
      off = 4;
      break;
    }
    default:
      return;
  }
  // Strip 802.1Q (0x8100), 802.1ad (0x88a8) and old QinQ (0x9100) tags: 2 bytes TCI, then the inner type.
  while ((type === EtherType.VLAN || type === EtherType.QinQ || type === EtherType.QinQLegacy) && out.vlanTags < MAX_TAGS) {
    if (off + 4 > len) return;
    if (out.vlanTags === 0) out.vlanId = ((buf[start + off]! << 8) | buf[start + off + 1]!) & 0x0fff;
    type = (buf[start + off + 2]! << 8) | buf[start + off + 3]!;
    off += 4;
    out.vlanTags++;
  }
  if (off > len) return;
  // Below 0x0600 a cooked header's protocol is a Linux special (802.2 LLC, CAN ...), not an EtherType.
  out.etherType = type >= 0x0600 ? type : 0;
  out.offset = off;
  let l3len = len - off;
  if (type === EtherType.IPv4 && l3len >= 20) {
    // Trust the IPv4 total length when it is sane: it drops Ethernet padding and trailing FCS. Segmentation
    // offload captures may carry 0 or a length past the captured bytes; then keep what was captured.
    const total = (buf[start + off + 2]! << 8) | buf[start + off + 3]!;
    const ihl = (buf[start + off]! & 0x0f) << 2;
    if (buf[start + off]! >> 4 === 4 && total >= ihl && ihl >= 20 && total <= l3len) l3len = total;
  }
  out.length = l3len;
}

function rawIpType(firstByte: number): number {
  const version = firstByte >> 4;
  return version === 4 ? EtherType.IPv4 : version === 6 ? EtherType.IPv6 : 0;
}
