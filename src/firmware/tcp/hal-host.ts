// Hosting the engine on the firmware HAL: datagrams leave through the OSA interface the stack's routing
// picks, timers become HAL timers (offset so they share the HAL's id space with other firmware timers), and
// connection events become the CONTRACT trace kinds tcp.open, tcp.close (reason 'timeout' when
// retransmissions ran out) and tcp.reset.

import type { Hal } from '../hal.js';
import { ipToString, ipv4Dst } from '../../net/ipv4.js';
import type { TcpConnection } from './connection.js';
import type { TcpConnectionEvent, TcpHost } from './types.js';

export interface HalRoute {
  readonly ifName: string;
  readonly nextHop: number;
}

export interface HalTcpHostOptions {
  /** The stack's route lookup for a destination; null drops the datagram (counted in `unroutable`). */
  readonly route: (dst: number) => HalRoute | null;
  /** Also told of connection and listener events (the SD target reports them to the distributor). */
  readonly onConnectionEvent?: TcpHost['onConnectionEvent'];
  readonly onListenerEvent?: TcpHost['onListenerEvent'];
}

export class HalTcpHost implements TcpHost {
  readonly rng: Hal['rng'];
  /** Datagrams dropped for want of a route. */
  unroutable = 0;

  constructor(
    private readonly hal: Hal,
    private readonly options: HalTcpHostOptions,
  ) {
    this.rng = hal.rng;
  }

  transmit(packet: Uint8Array): void {
    const r = this.options.route(ipv4Dst(packet));
    if (r === null) {
      this.unroutable++;
      return;
    }
    this.hal.transmit(r.ifName, packet, r.nextHop);
  }

  setTimer(id: number, at: number): void {
    this.hal.setTimer(id, at);
  }

  cancelTimer(id: number): void {
    this.hal.cancelTimer(id);
  }

  onConnectionEvent(now: number, kind: TcpConnectionEvent, conn: TcpConnection): void {
    if (this.hal.tracing && kind !== 'time-wait') {
      this.hal.trace(kind === 'open' ? 'tcp.open' : kind === 'reset' ? 'tcp.reset' : 'tcp.close', {
        local: ipToString(conn.localIp),
        localPort: conn.localPort,
        remote: ipToString(conn.remoteIp),
        remotePort: conn.remotePort,
        ...(kind === 'timeout' ? { reason: 'timeout' } : {}),
      });
    }
    this.options.onConnectionEvent?.(now, kind, conn);
  }

  onListenerEvent(now: number, listening: boolean, ip: number, port: number): void {
    this.options.onListenerEvent?.(now, listening, ip, port);
  }
}
