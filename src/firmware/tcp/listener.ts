// A listening socket: its backlog bounds both half-open connections (SYN queue) and established ones the
// application has not accepted yet (accept queue); SYNs beyond either are dropped, as Linux does without
// SYN cookies.

import type { TcpConnection } from './connection.js';
import type { TcpHandler } from './types.js';

export class TcpListener {
  /** Half-open connections (SYN_RECEIVED) created by this listener. */
  synQueue = 0;
  /** Established connections waiting for the application (only while `accepting` is false). */
  readonly acceptQueue: TcpConnection[] = [];
  /** When false, completed handshakes wait in the accept queue (a busy or stalled server). */
  accepting = true;
  closed = false;
  /** Connections accepted so far, and SYNs dropped for a full backlog. */
  acceptedTotal = 0;
  dropped = 0;

  constructor(
    /** 0 = every address the host hands to the engine (INADDR_ANY). */
    readonly ip: number,
    readonly port: number,
    readonly backlog: number,
    readonly handler: TcpHandler,
    readonly openedAt: number,
  ) {}

  /** Room for another SYN? */
  get full(): boolean {
    return this.synQueue >= this.backlog || this.acceptQueue.length >= this.backlog;
  }
}
