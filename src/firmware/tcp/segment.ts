// The received segment being processed: one mutable record per engine, filled from the datagram's bytes
// without allocation (the payload stays in the host's packet; onData gets a view of it).

import { TcpOptionScan } from '../../net/tcp.js';

export class Segment {
  packet: Uint8Array = new Uint8Array(0);
  src = 0;
  dst = 0;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  /** Raw window field. */
  window = 0;
  payloadOffset = 0;
  /** Payload bytes (SYN and FIN not counted). */
  len = 0;
  readonly opts = new TcpOptionScan();
}
