// A TCP connection: its control block (RFC 9293 section 3.3.1 names) plus what applications and displays
// read. Fields are public for the engine's input/output modules; applications should treat everything but
// `handler` and `user` as read-only.

import type { TcpConfig } from './config.js';
import type { TcpListener } from './listener.js';
import { Reassembly } from './reassembly.js';
import { RttEstimator } from '../../net/rtt.js';
import { SendBuffer } from './send-buffer.js';
import { TcpState, tcpStateName, zosStateName, type TcpHandler } from './types.js';

export class TcpConnection {
  state: TcpState;
  /** The application's callbacks; an onAccept may replace it. */
  handler: TcpHandler;
  /** Free for the application's per-connection state (avoids a closure or a side Map). */
  user: unknown = undefined;

  // Send sequence space.
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** Highest sequence number sent + 1 (SND.NXT goes back on a timeout; this does not). */
  sndMax = 0;
  /** Peer's window in bytes (already scaled). */
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  maxSndWnd = 0;
  /** Shift applied to the peer's window field. */
  sndShift = 0;
  /** Both SYNs carried the window-scale option. */
  wsAgreed = false;
  readonly sendBuf: SendBuffer;
  /** close() was called: a FIN follows the last byte of the send buffer. */
  finQueued = false;
  /** The peer acknowledged our FIN: nothing more to send. */
  finAcked = false;

  // Receive sequence space.
  irs = 0;
  rcvNxt = 0;
  /** Shift we apply to the window we advertise. */
  rcvShift = 0;
  reasm: Reassembly | null = null;

  /** Largest payload we put in a segment (peer's MSS, ours, minus the timestamp option). */
  effMss = 536;
  tsOn = false;
  tsRecent = 0;
  tsOffset = 0;
  lastAckSent = 0;
  peerSackPermitted = false;

  // Congestion control (RFC 5681, NewReno recovery of RFC 6582).
  cwnd = 0;
  ssthresh = 0x3fff_ffff;
  dupAcks = 0;
  inRecovery = false;
  recover = 0;

  readonly rtt: RttEstimator;
  /** RTT timing of one segment: sequence number that acknowledges it, and when it was sent (-1 = none). */
  rttSeq = 0;
  rttTime = -1;
  /** Consecutive retransmissions of the oldest outstanding segment (SYN, data or FIN). */
  retries = 0;

  // One host timer per connection, re-armed lazily: deadlines below, the time the host timer is set for.
  armedAt = Infinity;
  rtxAt = 0;
  dackAt = 0;
  /** TIME_WAIT expiry, FIN_WAIT_2 idle limit or connect timeout. */
  closeAt = 0;

  ackNow = false;
  unackedSegs = 0;

  // Application bookkeeping.
  /** The application knows this connection (active open, or accepted). */
  accepted: boolean;
  /** Data and FIN that arrived before accept. */
  pendingRx: Uint8Array[] | null = null;
  pendingRxBytes = 0;
  pendingFin = false;
  wantWritable = false;
  /** write() only queues while corked (TCP_CORK): uncork() sends, so a head and body share segments. */
  corked = false;
  closeNotified = false;
  /** Reached ESTABLISHED at some point (the host heard 'open'). */
  wasEstablished = false;

  // Per-connection figures for displays.
  readonly openedAt: number;
  establishedAt = -1;
  bytesIn = 0;
  bytesOut = 0;
  segmentsRetransmitted = 0;

  constructor(
    /** Engine-unique number; the host timer id is derived from it. */
    readonly id: number,
    readonly localIp: number,
    readonly localPort: number,
    readonly remoteIp: number,
    readonly remotePort: number,
    /** The listener that accepted it, or null for an active open. */
    readonly listener: TcpListener | null,
    handler: TcpHandler,
    config: TcpConfig,
    now: number,
  ) {
    this.state = TcpState.CLOSED;
    this.handler = handler;
    this.sendBuf = new SendBuffer(config.sendBuffer);
    this.rtt = new RttEstimator(config);
    this.accepted = listener === null;
    this.openedAt = now;
  }

  get passive(): boolean {
    return this.listener !== null;
  }

  /** RFC name: ESTABLISHED, TIME_WAIT ... */
  get stateName(): string {
    return tcpStateName(this.state);
  }

  /** As z/OS Netstat shows it on the console: Estblsh, TimeWt ... */
  get zosState(): string {
    return zosStateName(this.state);
  }

  /** Bytes written and not yet acknowledged. */
  get unacknowledged(): number {
    return this.sendBuf.length;
  }

  /** Smoothed RTT and current RTO in picoseconds (0 RTT before the first sample). */
  get srtt(): number {
    return this.rtt.srtt;
  }
  get rto(): number {
    return this.rtt.rto;
  }
}
