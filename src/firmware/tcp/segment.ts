// The received segment being processed: one mutable record per engine, filled from the datagram's bytes
// without allocation (the payload stays in the host's packet; onData gets a view of it).

import { TcpDatagram, TcpOptionScan } from '../../net/tcp.js';

export class Segment extends TcpDatagram {
  readonly opts = new TcpOptionScan();
}
