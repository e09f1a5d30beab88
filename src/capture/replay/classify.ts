// What one captured frame is to the replay: a TCP segment from a client to a DVIPA, one from a DVIPA back to
// a client, other IPv4 to a DVIPA, or something to skip (and under which `replay.skipped` counter).
// One mutable record is refilled for every frame: reading allocates nothing here.

import type { CaptureFrame } from '../frame.js';

export const FrameKind = {
  /** TCP from a client to a DVIPA. */
  ToDvipaTcp: 0,
  /** IPv4 other than a whole TCP segment (UDP, ICMP, fragments) to a DVIPA. */
  ToDvipaOther: 1,
  /** TCP from a DVIPA to a client: the recorded server side. */
  FromDvipaTcp: 2,
  /** IPv4 neither to a DVIPA nor TCP from one. */
  NotToDvipa: 3,
  /** ARP, IPv6 or an unknown link layer. */
  NonIpv4: 4,
  /** IPv4 whose header is broken, or cut short by the snapshot length. */
  Malformed: 5,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** The fields of a classified frame. `bytes` is a view of the frame: copy what must outlive the next frame. */
export class ClassifiedFrame {
  kind: FrameKind = FrameKind.NonIpv4;
  /** The IPv4 datagram (padding and FCS dropped). */
  packet: Uint8Array = new Uint8Array(0);
  src = 0;
  dst = 0;
  /** TCP fields (ToDvipaTcp, FromDvipaTcp). */
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  /** Offset of the TCP header in `packet` and its length. */
  tcpOffset = 0;
  tcpHeaderLength = 0;
  /** Offset of the payload in `packet` and its length. */
  payloadOffset = 0;
  payloadLength = 0;
  /** True when the IPv4 total length was 0 or past the captured bytes (segmentation offload on the capturing
   *  host): the segment is as long as what was captured. */
  offloaded = false;
}

/** True when `ip` is one of the DVIPAs. */
export type DvipaTest = (ip: number) => boolean;

export function classifyFrame(f: CaptureFrame, isDvipa: DvipaTest, out: ClassifiedFrame): ClassifiedFrame {
  if (!f.isIpv4) {
    // IPv4 too short for a header is broken IPv4, not another protocol.
    out.kind = f.etherType === 0x0800 ? FrameKind.Malformed : FrameKind.NonIpv4;
    return out;
  }
  const d = f.data;
  const o = f.l3Offset;
  const avail = f.l3Length;
  const vihl = d[o]!;
  const ihl = (vihl & 0x0f) << 2;
  if (vihl >> 4 !== 4 || ihl < 20 || ihl > avail) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  let total = (d[o + 2]! << 8) | d[o + 3]!;
  out.offloaded = false;
  if (total === 0 || total > avail) {
    // Offload captures carry 0 or the pre-segmentation length; a frame cut at the snaplen is broken.
    if (f.origLen > f.capLen) {
      out.kind = FrameKind.Malformed;
      return out;
    }
    out.offloaded = true;
    total = avail;
  } else if (total < ihl) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  const packet = d.subarray(o, o + total);
  out.packet = packet;
  out.src = ((d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!) >>> 0;
  out.dst = ((d[o + 16]! << 24) | (d[o + 17]! << 16) | (d[o + 18]! << 8) | d[o + 19]!) >>> 0;
  const toDvipa = isDvipa(out.dst);
  const fromDvipa = !toDvipa && isDvipa(out.src);
  if (!toDvipa && !fromDvipa) {
    out.kind = FrameKind.NotToDvipa;
    return out;
  }
  const fragment = (((d[o + 6]! << 8) | d[o + 7]!) & 0x3fff) !== 0;
  if (d[o + 9] !== 6 || fragment) {
    out.kind = toDvipa ? FrameKind.ToDvipaOther : FrameKind.NotToDvipa;
    return out;
  }
  const t = ihl;
  if (t + 20 > total) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  const thl = (packet[t + 12]! >> 4) << 2;
  if (thl < 20 || t + thl > total) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  out.kind = toDvipa ? FrameKind.ToDvipaTcp : FrameKind.FromDvipaTcp;
  out.tcpOffset = t;
  out.tcpHeaderLength = thl;
  out.srcPort = (packet[t]! << 8) | packet[t + 1]!;
  out.dstPort = (packet[t + 2]! << 8) | packet[t + 3]!;
  out.seq = ((packet[t + 4]! << 24) | (packet[t + 5]! << 16) | (packet[t + 6]! << 8) | packet[t + 7]!) >>> 0;
  out.ack = ((packet[t + 8]! << 24) | (packet[t + 9]! << 16) | (packet[t + 10]! << 8) | packet[t + 11]!) >>> 0;
  out.flags = packet[t + 13]!;
  out.window = (packet[t + 14]! << 8) | packet[t + 15]!;
  out.payloadOffset = t + thl;
  out.payloadLength = total - t - thl;
  return out;
}
