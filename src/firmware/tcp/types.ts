// The engine's outside: what its host provides (TcpHost), what applications implement (TcpHandler), and the
// small value types both see. The engine never reads a clock or draws randomness by itself.

import type { TcpConnection } from './connection.js';

/** Connection states of RFC 9293 (LISTEN is a listener, not a connection). */
export const TcpState = {
  CLOSED: 0,
  SYN_SENT: 1,
  SYN_RECEIVED: 2,
  ESTABLISHED: 3,
  FIN_WAIT_1: 4,
  FIN_WAIT_2: 5,
  CLOSE_WAIT: 6,
  CLOSING: 7,
  LAST_ACK: 8,
  TIME_WAIT: 9,
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

const RFC_NAMES = ['CLOSED', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
// As z/OS Netstat prints them ("TCP connection status" table of the IP System Administrator's Commands): the
// MVS console (D TCPIP,,NETSTAT) abbreviates harder than TSO/UNIX netstat. LastAck/Closing/TimeWt on the
// console are assumed (the table excerpt seen does not show them).
const ZOS_CONSOLE_NAMES = ['Closed', 'SynSent', 'SynRcvd', 'Estblsh', 'FinWt1', 'FinWt2', 'ClosWt', 'Closing', 'LastAck', 'TimeWt'];
const ZOS_TSO_NAMES = ['Closed', 'SynSent', 'SynRcvd', 'Establsh', 'FinWait1', 'FinWait2', 'ClosWait', 'Closing', 'LastAck', 'TimeWait'];

export function tcpStateName(state: TcpState): string {
  return RFC_NAMES[state] ?? 'UNKNOWN';
}

/** The state as z/OS Netstat shows it: `console` for D TCPIP,,NETSTAT,CONN, `tso` for TSO/UNIX netstat. */
export function zosStateName(state: TcpState, form: 'console' | 'tso' = 'console'): string {
  return (form === 'console' ? ZOS_CONSOLE_NAMES : ZOS_TSO_NAMES)[state] ?? 'Unknown';
}

/** Why a connection ended, as the application hears it. A local abort() ends with 'reset' (a RST was sent). */
export type CloseReason = 'normal' | 'reset' | 'timeout';

/** What the host gives the engine. Every call is synchronous. */
export interface TcpHost {
  /** Send a full IPv4 datagram (TCP inside). The engine does not touch the array afterwards. The host must
   *  not call back into the engine from here (queue the delivery instead): the engine is not re-entrant. */
  transmit(packet: Uint8Array): void;
  /** Arm timer `id` (an engine-chosen positive integer) at virtual time `at` (ps); re-arming replaces it. */
  setTimer(id: number, at: number): void;
  cancelTimer(id: number): void;
  /** Seeded randomness: initial sequence numbers, timestamp offsets, the first ephemeral port. */
  readonly rng: { nextU32(): number };
  /** Connection lifecycle for traces and the Sysplex Distributor's connection reports:
   *  'open' on reaching ESTABLISHED; 'close' when the control block is freed after an orderly end (after
   *  TIME_WAIT for the side that closed first); 'reset' when freed by a RST sent or received; 'timeout' when
   *  freed because retransmissions ran out. */
  onConnectionEvent?(now: number, kind: TcpConnectionEvent, conn: TcpConnection): void;
  /** A listener appeared or went away (the SD target reports these to the distributor). */
  onListenerEvent?(now: number, listening: boolean, ip: number, port: number): void;
}

/** 'time-wait' when the side that closed first enters TIME_WAIT: over for the application, while the
 *  control block lives on for 2 * MSL ('close' follows when it is freed). 'reopen' instead of 'close' when a
 *  new SYN for the same four-tuple ended TIME_WAIT early (RFC 6191): the tuple goes on as a new connection
 *  ('open' follows), so whatever routes it to this host (the distributor's VCRT entry) must stay. */
export type TcpConnectionEvent = 'open' | 'time-wait' | 'close' | 'reset' | 'timeout' | 'reopen';

/** Application callbacks: one object given once to listen() or connect(); accepted connections inherit the
 *  listener's handler (an onAccept may replace conn.handler). Data views are valid only during the call. */
export interface TcpHandler {
  /** A passive connection completed its handshake and was accepted. */
  onAccept?(now: number, conn: TcpConnection): void;
  /** An active open completed. */
  onConnected?(now: number, conn: TcpConnection): void;
  /** In-order bytes arrived. The view aliases the packet or a reassembly buffer: copy to keep it. */
  onData?(now: number, conn: TcpConnection, data: Uint8Array): void;
  /** Room in the send buffer again after write() accepted less than it was given. */
  onWritable?(now: number, conn: TcpConnection): void;
  /** The peer sent FIN: no more data will arrive. */
  onPeerClosed?(now: number, conn: TcpConnection): void;
  /** The connection is over for the application (called once). */
  onClosed?(now: number, conn: TcpConnection, reason: CloseReason): void;
}

/** Engine counters in the spirit of the TCP MIB (RFC 4022) plus a few of our own. */
export interface TcpCounters {
  activeOpens: number;
  passiveOpens: number;
  attemptFails: number;
  estabResets: number;
  inSegs: number;
  outSegs: number;
  retransSegs: number;
  inErrs: number;
  outRsts: number;
  inRsts: number;
  /** SYNs dropped because the listener's backlog was full. */
  listenDrops: number;
  /** Segments to a port with no socket (answered by RST). */
  noSocket: number;
  fastRetransmits: number;
  rtoTimeouts: number;
  /** Connections dropped because retransmissions ran out. */
  timeouts: number;
  challengeAcks: number;
  delayedAcks: number;
  /** Datagrams the engine cannot use: fragments, not TCP, malformed. */
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
}

export function newCounters(): TcpCounters {
  return {
    activeOpens: 0, passiveOpens: 0, attemptFails: 0, estabResets: 0, inSegs: 0, outSegs: 0, retransSegs: 0,
    inErrs: 0, outRsts: 0, inRsts: 0, listenDrops: 0, noSocket: 0, fastRetransmits: 0, rtoTimeouts: 0,
    timeouts: 0, challengeAcks: 0, delayedAcks: 0, dropped: 0, bytesSent: 0, bytesReceived: 0,
  };
}

/** A socket call that cannot be done. */
export type TcpErrorCode = 'address-in-use' | 'no-ports' | 'bad-port' | 'not-listening';

export interface TcpError {
  readonly code: TcpErrorCode;
  readonly message: string;
}

export type TcpResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: TcpError };

/** What receive() made of a datagram (a constant string, no allocation). */
export type TcpInput =
  | 'ok' // handed to a connection or listener
  | 'no-socket' // nothing there; answered with RST unless it was one
  | 'listen-drop' // a SYN dropped because the backlog is full
  | 'bad-checksum'
  | 'malformed' // not a usable IPv4/TCP datagram
  | 'not-tcp'
  | 'fragment';
