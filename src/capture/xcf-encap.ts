// How an XCF capture point shows XCF signalling to Wireshark (docs/capture.md, "XCF links"): each message on a
// signalling path becomes an Ethernet + IPv4 frame between the two stacks' dynamic XCF addresses.
// - A forwarded or redirected datagram (XCF type 1 or 3) is IP-in-IP (protocol 4): the inner datagram is the
//   client's packet exactly as the distributor forwarded it, so Wireshark follows its TCP connection. The
//   outer IPv4 identification field carries the XCF type (1 forward, 3 redirect).
// - Every other message goes in UDP from and to port XCF_UDP_PORT: control messages as the stack sent them
//   (version 1, type 2, a JSON body).
// A CTC device end (the channel's acknowledgement) is no XCF message and shows nothing; member status goes to
// the couple data set, not over the paths.

import { EtherType, ETHERNET_HEADER_LENGTH, ipv4HeaderLength, IpProtocol, UDP_HEADER_LENGTH, writeIpv4Header, writeMac, writeU16, writeU32, writeUdpHeader } from '../net/index.js';
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from '../net/checksum.js';
import type { XcfPathMsg } from '../../hw-models/messages.js';

/** UDP port of XCF control and status messages in captures (no Wireshark dissector claims it). */
export const XCF_UDP_PORT = 5099;
const IP_IN_IP = 4;
const ETH = ETHERNET_HEADER_LENGTH;
const IP = 20;
const UDP = UDP_HEADER_LENGTH;
const MAX_PAYLOAD = 65535 - IP - UDP;

/** The two ends of an XCF link as a capture shows them. */
export interface XcfEndpoint {
  readonly name: string;
  /** Dynamic XCF address. */
  readonly ip: number;
  readonly mac: number;
}

/** The frame a capture shows for `msg` sent from `from` to `to` (null: nothing to show). */
export function encapsulateXcf(msg: XcfPathMsg, from: XcfEndpoint, to: XcfEndpoint): Uint8Array | null {
  if (msg.kind !== 'xcf-data') return null;
  const b = msg.bytes;
  if (b.length >= 22 && (b[1] === 1 || b[1] === 3) && b[2]! >> 4 === 4) return ipInIp(b, from, to);
  return udp(b.subarray(0, Math.min(b.length, MAX_PAYLOAD)), from, to);
}

function header(frame: Uint8Array, from: XcfEndpoint, to: XcfEndpoint): void {
  writeMac(frame, 0, to.mac);
  writeMac(frame, 6, from.mac);
  writeU16(frame, 12, EtherType.IPv4);
}

function ipInIp(b: Uint8Array, from: XcfEndpoint, to: XcfEndpoint): Uint8Array {
  const inner = b.subarray(2, 2 + Math.min(b.length - 2, 65535 - IP));
  const frame = new Uint8Array(ETH + IP + inner.length);
  header(frame, from, to);
  writeIpv4Header(frame, ETH, { src: from.ip, dst: to.ip, protocol: IP_IN_IP, id: b[1]! }, inner.length);
  frame.set(inner, ETH + IP);
  return frame;
}

function udp(payload: Uint8Array, from: XcfEndpoint, to: XcfEndpoint): Uint8Array {
  const ihl = ipv4HeaderLength({ src: 0, dst: 0, protocol: IpProtocol.UDP });
  const frame = new Uint8Array(ETH + ihl + UDP + payload.length);
  header(frame, from, to);
  writeIpv4Header(frame, ETH, { src: from.ip, dst: to.ip, protocol: IpProtocol.UDP }, UDP + payload.length);
  const u = ETH + ihl;
  frame.set(payload, u + UDP);
  writeUdpHeader(frame, u, XCF_UDP_PORT, XCF_UDP_PORT, payload.length, from.ip, to.ip);
  return frame;
}

/** The frame a HiperSockets capture point shows for a dynamic XCF write over the IQD CHPID: the forwarded or
 *  redirected datagram itself in an Ethernet frame between the two stacks (IUTIQDIO carries IP datagrams, no
 *  encapsulation); anything else as encapsulateXcf shows it. */
export function iqdFrame(bytes: Uint8Array, from: XcfEndpoint, to: XcfEndpoint): Uint8Array | null {
  if (!(bytes.length >= 22 && (bytes[1] === 1 || bytes[1] === 3) && bytes[2]! >> 4 === 4)) {
    return encapsulateXcf({ kind: 'xcf-data', from: from.name, bytes }, from, to);
  }
  const inner = bytes.subarray(2);
  const frame = new Uint8Array(ETH + inner.length);
  header(frame, from, to);
  frame.set(inner, ETH);
  return frame;
}
