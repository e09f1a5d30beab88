// What one captured frame is to the replay: a TCP segment from a client to a DVIPA, one from a DVIPA back to
// a client, other IPv4 to a DVIPA, or something to skip (and under which `replay.skipped` counter).
// One mutable record is refilled for every frame: reading allocates nothing here.

import { EtherType } from '../../net/ethernet.js';
import { IPV4_MIN_HEADER, ipv4Dst, ipv4HeaderLen, ipv4IsFragment, ipv4Protocol, ipv4Src, ipv4TotalLength, IpProtocol } from '../../net/ipv4.js';
import { readTcpDatagram, TCP_MIN_HEADER, TcpDatagram, tcpHeaderLen } from '../../net/tcp.js';
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

/** The fields of a classified frame: `packet` is the IPv4 datagram (padding and FCS dropped), a view of the
 *  frame (copy what must outlive the next frame); the TCP fields are set for ToDvipaTcp and FromDvipaTcp. */
export class ClassifiedFrame extends TcpDatagram {
  kind: FrameKind = FrameKind.NonIpv4;
  /** True when the IPv4 total length was 0 or past the captured bytes (segmentation offload on the capturing
   *  host): the segment is as long as what was captured. */
  offloaded = false;
}

/** True when `ip` is one of the DVIPAs. */
export type DvipaTest = (ip: number) => boolean;

export function classifyFrame(f: CaptureFrame, isDvipa: DvipaTest, out: ClassifiedFrame): ClassifiedFrame {
  if (!f.isIpv4) {
    // IPv4 too short for a header is broken IPv4, not another protocol.
    out.kind = f.etherType === EtherType.IPv4 ? FrameKind.Malformed : FrameKind.NonIpv4;
    return out;
  }
  const d = f.data;
  const o = f.l3Offset;
  const avail = f.l3Length;
  const ihl = ipv4HeaderLen(d, o);
  if (d[o]! >> 4 !== 4 || ihl < IPV4_MIN_HEADER || ihl > avail) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  let total = ipv4TotalLength(d, o);
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
  out.src = ipv4Src(packet);
  out.dst = ipv4Dst(packet);
  const toDvipa = isDvipa(out.dst);
  const fromDvipa = !toDvipa && isDvipa(out.src);
  if (!toDvipa && !fromDvipa) {
    out.kind = FrameKind.NotToDvipa;
    return out;
  }
  if (ipv4Protocol(packet) !== IpProtocol.TCP || ipv4IsFragment(packet)) {
    out.kind = toDvipa ? FrameKind.ToDvipaOther : FrameKind.NotToDvipa;
    return out;
  }
  const t = ihl;
  if (t + TCP_MIN_HEADER > total) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  const thl = tcpHeaderLen(packet, t);
  if (thl < TCP_MIN_HEADER || t + thl > total) {
    out.kind = FrameKind.Malformed;
    return out;
  }
  out.kind = toDvipa ? FrameKind.ToDvipaTcp : FrameKind.FromDvipaTcp;
  readTcpDatagram(packet, t, thl, total, out);
  return out;
}
