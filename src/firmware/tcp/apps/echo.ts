// The echo service (RFC 862) as a TcpHandler: every byte received is sent back; the server closes its side
// once the client has closed and everything is echoed. Bytes the send buffer cannot take wait in a per-
// connection queue until onWritable.

import type { TcpConnection } from '../connection.js';
import type { TcpEngine } from '../engine.js';
import type { TcpListener } from '../listener.js';
import type { TcpHandler, TcpResult } from '../types.js';

class EchoState {
  /** Created when the send buffer first refuses bytes (most connections never need it). */
  pending: Uint8Array[] | null = null;
  peerClosed = false;
}

export interface EchoStats {
  connections: number;
  bytesEchoed: number;
}

export class EchoServer implements TcpHandler {
  readonly stats: EchoStats = { connections: 0, bytesEchoed: 0 };

  constructor(private readonly engine: TcpEngine) {}

  listen(now: number, ip: number, port = 7, backlog = 0): TcpResult<TcpListener> {
    return this.engine.listen(now, ip, port, backlog, this);
  }

  onAccept(_now: number, _conn: TcpConnection): void {
    this.stats.connections++;
    // conn.user gets an EchoState only when something must be remembered (bytes the send buffer refused, the
    // peer's FIN): a server holding a million idle connections keeps none.
  }

  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    const st = conn.user as EchoState | undefined;
    if (st !== undefined && st.pending !== null && st.pending.length > 0) {
      st.pending.push(data.slice());
      return;
    }
    const n = this.engine.write(now, conn, data);
    if (n < 0) return;
    this.stats.bytesEchoed += n;
    if (n < data.length) (((conn.user ??= new EchoState()) as EchoState).pending ??= []).push(data.slice(n));
  }

  onWritable(now: number, conn: TcpConnection): void {
    const st = conn.user as EchoState | undefined;
    if (st === undefined) return; // nothing waits, and the peer has not closed
    while (st.pending !== null && st.pending.length > 0) {
      const head = st.pending[0]!;
      const n = this.engine.write(now, conn, head);
      if (n < 0) return;
      this.stats.bytesEchoed += n;
      if (n < head.length) {
        st.pending[0] = head.subarray(n);
        return;
      }
      st.pending.shift();
    }
    if (st.peerClosed) this.engine.close(now, conn);
  }

  onPeerClosed(now: number, conn: TcpConnection): void {
    const st = (conn.user ??= new EchoState()) as EchoState;
    st.peerClosed = true;
    if (st.pending === null || st.pending.length === 0) this.engine.close(now, conn);
  }
}
