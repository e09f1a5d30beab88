// Builds the client segments a replay sends: one allocation per datagram (the message the router receives),
// headers written in place by src/net, both checksums filled in.

import { IPV4_MIN_HEADER } from '../../net/ipv4.js';
import { TCP_MIN_HEADER, TcpFlag, tcpOptionsLength, writeIpv4TcpChecksum, writeIpv4TcpHeaders, writeTcpOptions, writeTimestampOption, type TcpOptions } from '../../net/tcp.js';

/** TcpSegmentHeader's fields and what the replay adds. */
export interface SegmentFields {
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** TSval/TSecr when timestamps are on (tsOn), else ignored. */
  tsOn: boolean;
  tsVal: number;
  tsEcr: number;
  /** Only on a SYN: its options, as the recorded client sent them. */
  syn: TcpOptions | null;
  /** IPv4 identification. */
  id: number;
  ttl: number;
}

/** An IPv4 datagram carrying one TCP segment with `payload[start, end)`. `f` is the caller's scratch: its ack
 *  is zeroed when the ACK flag is clear. */
export function buildSegment(f: SegmentFields, payload: Uint8Array | null, start: number, end: number): Uint8Array {
  const len = payload === null ? 0 : end - start;
  const optLen = f.syn !== null ? tcpOptionsLength(f.syn) : f.tsOn ? 12 : 0;
  const t = IPV4_MIN_HEADER;
  const thl = TCP_MIN_HEADER + optLen;
  const p = new Uint8Array(t + thl + len);
  if ((f.flags & TcpFlag.ACK) === 0) f.ack = 0;
  writeIpv4TcpHeaders(p, f, thl);
  if (f.syn !== null) writeTcpOptions(p, t + TCP_MIN_HEADER, f.syn);
  else if (f.tsOn) writeTimestampOption(p, t + TCP_MIN_HEADER, f.tsVal, f.tsEcr);
  if (len > 0) p.set(payload!.subarray(start, end), t + thl);
  writeIpv4TcpChecksum(p, t);
  return p;
}
