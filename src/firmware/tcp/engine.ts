// The TCP engine: sans-I/O, in the style of smoltcp and quinn-proto. The host hands it IPv4 datagrams
// (receive), fires its timers (timer) and passes `now` (integer picoseconds) with every call; the engine
// answers through TcpHost (transmit, setTimer) and the applications' TcpHandler callbacks. Which datagrams
// reach it is the host's routing decision: a Sysplex Distributor target hands it SYNs for a DVIPA it does not
// advertise, and the engine serves them like any other address.

import { ipToString, ipv4Check, ipv4Dst, ipv4IsFragment, ipv4Protocol, ipv4Src, ipv4TotalLength, IpProtocol } from '../../net/ipv4.js';
import { readTcpDatagram, scanTcpOptions, tcpChecksumOf, TcpFlag, tcpHeaderLen } from '../../net/tcp.js';
import { LINUX_TCP_CONFIG, type TcpConfig } from './config.js';
import { ConnTable, endpointKey } from './conn-table.js';
import { TcpConnection } from './connection.js';
import { ConnStore } from './conn-store.js';
import { listenInput, segmentArrives } from './input.js';
import { IsnGenerator } from './isn.js';
import { TcpListener } from './listener.js';
import { emit, output, schedule, sendResetFor, sendSyn } from './output.js';
import { rtxTimeout } from './timers.js';
import { Segment } from './segment.js';
import { seqGt } from '../../net/tcp-seq.js';
import {
  newCounters,
  TcpState,
  type CloseReason,
  type TcpCounters,
  type TcpHandler,
  type TcpHost,
  type TcpInput,
  type TcpResult,
} from './types.js';

export interface TcpEngineOptions {
  /** Added to connection numbers to form host timer ids, for hosts that share one timer id space. */
  readonly timerIdBase?: number;
  /** Where the control blocks' number fields live; engines may share one (many small client hosts do).
   *  Default: the engine's own. */
  readonly store?: ConnStore;
}

export class TcpEngine {
  readonly config: TcpConfig;
  readonly counters: TcpCounters = newCounters();
  readonly timerIdBase: number;
  private readonly table = new ConnTable<TcpConnection>();
  private readonly byId = new Map<number, TcpConnection>();
  private readonly listenersByKey = new Map<number, TcpListener>();
  private readonly seg = new Segment();
  private nextId = 1;
  private ipId = 0;
  private nextEphemeral = -1;
  private readonly isns: IsnGenerator;
  private readonly store: ConnStore;

  constructor(
    readonly host: TcpHost,
    config: TcpConfig = LINUX_TCP_CONFIG,
    options: TcpEngineOptions = {},
  ) {
    this.config = config;
    this.timerIdBase = options.timerIdBase ?? 0;
    this.store = options.store ?? new ConnStore();
    this.isns = new IsnGenerator(host.rng);
  }

  // ---- Driving the engine -------------------------------------------------------------------------------

  /** A datagram for this engine (full IPv4 header, TCP inside). Never throws; says what it did. */
  receive(now: number, packet: Uint8Array): TcpInput {
    const r = this.receiveDatagram(now, packet);
    // The segment record would otherwise keep the packet, and with it the host's whole receive buffer, alive
    // until the next datagram: tens of kilobytes per idle engine, thousands of idle client hosts.
    this.seg.packet = NO_PACKET;
    return r;
  }

  private receiveDatagram(now: number, packet: Uint8Array): TcpInput {
    const c = this.counters;
    const hl = ipv4Check(packet, 0, this.config.verifyChecksums);
    if (hl < 0) {
      c.inErrs++;
      return hl === -5 ? 'bad-checksum' : 'malformed';
    }
    if (ipv4Protocol(packet) !== IpProtocol.TCP) {
      c.dropped++;
      return 'not-tcp';
    }
    if (ipv4IsFragment(packet)) {
      c.dropped++;
      return 'fragment';
    }
    const tcpLen = ipv4TotalLength(packet) - hl;
    const thl = tcpLen >= 20 ? tcpHeaderLen(packet, hl) : 0;
    if (thl < 20 || thl > tcpLen) {
      c.inErrs++;
      return 'malformed';
    }
    const src = ipv4Src(packet);
    const dst = ipv4Dst(packet);
    if (this.config.verifyChecksums && tcpChecksumOf(src, dst, packet, hl, tcpLen) !== 0) {
      c.inErrs++;
      return 'bad-checksum';
    }
    const seg = this.seg;
    readTcpDatagram(packet, hl, thl, hl + tcpLen, seg);
    // Malformed options are ignored, not fatal (as Linux does); the fields before the fault still count.
    scanTcpOptions(packet, hl + 20, hl + thl, seg.opts);
    c.inSegs++;

    let conn = this.table.get(dst, seg.dstPort, src, seg.srcPort);
    if (conn !== undefined) {
      const f = seg.flags;
      const reuse =
        conn.state === TcpState.TIME_WAIT &&
        (f & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.SYN &&
        (seqGt(seg.seq, conn.rcvNxt) || (conn.tsOn && seg.opts.hasTimestamp && seqGt(seg.opts.tsValue, conn.tsRecent))) &&
        this.findListener(dst, seg.dstPort) !== undefined;
      if (!reuse) {
        segmentArrives(this, conn, seg, now);
        return 'ok';
      }
      // A new incarnation of a connection in TIME_WAIT (RFC 9293 section 3.10.7.4 / RFC 6191).
      this.free(conn, now, 'reopen');
      conn = undefined;
    }
    const l = this.findListener(dst, seg.dstPort);
    if (l !== undefined) return listenInput(this, l, seg, now);
    if (seg.flags & TcpFlag.RST) return 'no-socket';
    c.noSocket++;
    sendResetFor(this, seg);
    return 'no-socket';
  }

  /** Host timer `id` fired. Returns false when the id is not (or no longer) one of this engine's. */
  timer(now: number, id: number): boolean {
    const conn = this.byId.get(id - this.timerIdBase);
    if (conn === undefined) return false;
    conn.armedAt = Infinity;
    if (conn.closeAt > 0 && now >= conn.closeAt) {
      conn.closeAt = 0;
      this.closeTimeout(conn, now);
      if (conn.state === TcpState.CLOSED) return true;
    }
    if (conn.dackAt > 0 && now >= conn.dackAt) {
      conn.dackAt = 0;
      this.counters.delayedAcks++;
      conn.ackNow = true;
    }
    if (conn.rtxAt > 0 && now >= conn.rtxAt) {
      conn.rtxAt = 0;
      rtxTimeout(this, conn, now);
      if (conn.state === TcpState.CLOSED) return true;
    }
    output(this, conn, now);
    return true;
  }

  // ---- Sockets interface ----------------------------------------------------------------------------------

  /** Listens on (localIp, port); localIp 0 listens on every address the host hands over. backlog 0 means the
   *  configured default; larger values are capped at maxBacklog (SOMAXCONN). */
  listen(now: number, localIp: number, port: number, backlog: number, handler: TcpHandler): TcpResult<TcpListener> {
    if (!isPort(port)) return fail('bad-port', `port ${port} is not 1-65535`);
    const key = endpointKey(localIp, port);
    if (this.listenersByKey.has(key)) return fail('address-in-use', `already listening on ${fmt(localIp, port)}`);
    const c = this.config;
    const b = backlog > 0 ? Math.min(Math.floor(backlog), c.maxBacklog) : c.listenBacklog;
    const l = new TcpListener(localIp >>> 0, port, b, handler, now);
    this.listenersByKey.set(key, l);
    this.host.onListenerEvent?.(now, true, l.ip, port);
    return { ok: true, value: l };
  }

  /** Stops listening; connections not yet accepted are reset. Established ones are not affected. */
  unlisten(now: number, l: TcpListener): void {
    if (l.closed) return;
    l.closed = true;
    this.listenersByKey.delete(endpointKey(l.ip, l.port));
    const orphans: TcpConnection[] = [];
    for (const conn of this.table.values()) if (conn.listener === l && !conn.accepted) orphans.push(conn);
    for (const conn of orphans) this.abort(now, conn);
    this.host.onListenerEvent?.(now, false, l.ip, l.port);
  }

  /** Pauses (false) or resumes (true) accepting; resuming hands queued connections to the application. */
  setAccepting(now: number, l: TcpListener, accepting: boolean): void {
    l.accepting = accepting;
    while (accepting && l.acceptQueue.length > 0 && l.accepting) {
      const conn = l.acceptQueue.shift()!;
      this.acceptNow(conn, now);
    }
  }

  /** Opens a connection from localIp (port from the ephemeral range unless given) to remoteIp:remotePort. */
  connect(
    now: number,
    localIp: number,
    remoteIp: number,
    remotePort: number,
    handler: TcpHandler,
    localPort = 0,
  ): TcpResult<TcpConnection> {
    if (!isPort(remotePort)) return fail('bad-port', `remote port ${remotePort} is not 1-65535`);
    let port = localPort;
    if (port === 0) {
      port = this.ephemeralPort(localIp >>> 0, remoteIp >>> 0, remotePort);
      if (port === 0) return fail('no-ports', `no free ephemeral port on ${fmt(localIp, 0)} towards ${fmt(remoteIp, remotePort)}`);
    } else if (!isPort(port)) {
      return fail('bad-port', `local port ${port} is not 1-65535`);
    } else if (this.table.get(localIp >>> 0, port, remoteIp >>> 0, remotePort) !== undefined) {
      return fail('address-in-use', `${fmt(localIp, port)} -> ${fmt(remoteIp, remotePort)} exists`);
    }
    const conn = this.createConnection(localIp >>> 0, port, remoteIp >>> 0, remotePort, null, handler, now);
    conn.state = TcpState.SYN_SENT;
    this.counters.activeOpens++;
    if (this.config.connectTimeout > 0) conn.closeAt = now + this.config.connectTimeout;
    sendSyn(this, conn, now);
    schedule(this, conn);
    return { ok: true, value: conn };
  }

  /** Queues bytes for sending; returns how many were taken (0 when the send buffer is full: onWritable
   *  follows), or -1 when the connection can no longer send (closed, reset, or close() was called). */
  write(now: number, conn: TcpConnection, data: Uint8Array, offset = 0, length = data.length - offset): number {
    const s = conn.state;
    if (conn.finQueued || !(s === TcpState.SYN_SENT || s === TcpState.SYN_RECEIVED || s === TcpState.ESTABLISHED || s === TcpState.CLOSE_WAIT)) {
      return -1;
    }
    const start = Math.max(0, Math.min(offset, data.length));
    length = Math.max(0, Math.min(length, data.length - start));
    const n = conn.sendBuf.push(data, start, length);
    if (n < length) conn.wantWritable = true;
    if (n > 0 && !conn.corked) output(this, conn, now);
    return n;
  }

  /** Holds back writes (like TCP_CORK) so several write() calls go out as full segments at uncork(). */
  cork(conn: TcpConnection): void {
    conn.corked = true;
  }

  uncork(now: number, conn: TcpConnection): void {
    if (!conn.corked) return;
    conn.corked = false;
    if (conn.state !== TcpState.CLOSED) output(this, conn, now);
  }

  /** Graceful close: a FIN follows the data already written. Reading continues until the peer's FIN. */
  close(now: number, conn: TcpConnection): void {
    switch (conn.state) {
      case TcpState.SYN_SENT:
        if (conn.sendBuf.length > 0) {
          conn.finQueued = true; // data was written: send it and the FIN once connected (RFC 9293 3.10.4)
          return;
        }
        this.free(conn, now, null);
        this.notifyClosed(conn, now, 'normal');
        return;
      case TcpState.SYN_RECEIVED:
        conn.finQueued = true; // FIN_WAIT_1 once the handshake completes
        return;
      case TcpState.ESTABLISHED:
        conn.finQueued = true;
        conn.state = TcpState.FIN_WAIT_1;
        output(this, conn, now);
        return;
      case TcpState.CLOSE_WAIT:
        conn.finQueued = true;
        conn.state = TcpState.LAST_ACK;
        output(this, conn, now);
        return;
      default:
        return; // already closing or closed
    }
  }

  /** Abortive close: a RST to the peer, the connection is gone at once (the application hears 'reset'). */
  abort(now: number, conn: TcpConnection): void {
    const s = conn.state;
    if (s === TcpState.CLOSED) return;
    if (s === TcpState.TIME_WAIT) {
      this.free(conn, now, 'close');
      return;
    }
    if (s !== TcpState.SYN_SENT) {
      if (s === TcpState.ESTABLISHED || s === TcpState.CLOSE_WAIT) this.counters.estabResets++;
      emit(this, conn, now, conn.sndNxt, TcpFlag.RST | TcpFlag.ACK, 0, 0);
    }
    this.free(conn, now, 'reset');
    this.notifyClosed(conn, now, 'reset');
  }

  // ---- Questions the host asks ----------------------------------------------------------------------------

  /** Is someone listening on (ip, port), on that address or on every address? */
  hasListener(ip: number, port: number): boolean {
    return this.findListener(ip, port) !== undefined;
  }

  findListener(ip: number, port: number): TcpListener | undefined {
    return this.listenersByKey.get(endpointKey(ip, port)) ?? this.listenersByKey.get(endpointKey(0, port));
  }

  listeners(): IterableIterator<TcpListener> {
    return this.listenersByKey.values();
  }

  connections(): IterableIterator<TcpConnection> {
    return this.table.values();
  }

  get connectionCount(): number {
    return this.table.size;
  }

  connection(localIp: number, localPort: number, remoteIp: number, remotePort: number): TcpConnection | undefined {
    return this.table.get(localIp >>> 0, localPort, remoteIp >>> 0, remotePort);
  }

  // ---- Internal: used by input.ts, output.ts and timers.ts --------------------------------------------------

  /** @internal */
  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** @internal A new control block in the table (state CLOSED until the caller sets it). */
  createConnection(
    localIp: number,
    localPort: number,
    remoteIp: number,
    remotePort: number,
    listener: TcpListener | null,
    handler: TcpHandler,
    now: number,
  ): TcpConnection {
    const conn = new TcpConnection(this.nextId++, localIp, localPort, remoteIp, remotePort, listener, handler, this.config, now, this.store);
    conn.iss = this.isns.isn(now, localIp, localPort, remoteIp, remotePort);
    conn.tsOffset = this.isns.tsOffset(localIp, remoteIp);
    conn.sndUna = conn.iss;
    conn.sndNxt = conn.iss;
    conn.sndMax = conn.iss;
    conn.recover = conn.iss;
    this.table.add(conn);
    this.byId.set(conn.id, conn);
    return conn;
  }

  /** @internal Removes the control block. `kind` is what the host hears if the connection was ever
   *  established (null: nothing, for half-open connections that just vanish). */
  free(conn: TcpConnection, now: number, kind: 'close' | 'reset' | 'timeout' | 'reopen' | null): void {
    if (conn.state === TcpState.CLOSED) return;
    const wasHalfOpen = conn.state === TcpState.SYN_RECEIVED;
    conn.state = TcpState.CLOSED;
    this.table.delete(conn);
    this.byId.delete(conn.id);
    if (conn.armedAt !== Infinity) this.host.cancelTimer(this.timerIdBase + conn.id);
    conn.armedAt = Infinity;
    conn.rtxAt = 0;
    conn.dackAt = 0;
    conn.closeAt = 0;
    const l = conn.listener;
    if (l !== null) {
      if (wasHalfOpen) l.synQueue--;
      if (!conn.accepted) {
        const i = l.acceptQueue.indexOf(conn);
        if (i >= 0) l.acceptQueue.splice(i, 1);
      }
    }
    conn.release(this.store);
    if (conn.wasEstablished && kind !== null) this.host.onConnectionEvent?.(now, kind, conn);
  }

  /** @internal Tells the application (once, if it knows the connection). */
  notifyClosed(conn: TcpConnection, now: number, reason: CloseReason): void {
    if (conn.closeNotified || !conn.accepted) return;
    conn.closeNotified = true;
    conn.handler.onClosed?.(now, conn, reason);
  }

  /** @internal The handshake completed. */
  establish(conn: TcpConnection, now: number): void {
    const wasHalfOpen = conn.state === TcpState.SYN_RECEIVED;
    conn.state = conn.finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED;
    conn.wasEstablished = true;
    conn.establishedAt = now;
    conn.retries = 0;
    conn.rtt.backoff = 0;
    this.host.onConnectionEvent?.(now, 'open', conn);
    const l = conn.listener;
    if (l === null) {
      conn.handler.onConnected?.(now, conn);
      return;
    }
    if (wasHalfOpen) l.synQueue--;
    if (l.accepting && !l.closed) this.acceptNow(conn, now);
    else l.acceptQueue.push(conn);
  }

  private acceptNow(conn: TcpConnection, now: number): void {
    const l = conn.listener!;
    conn.accepted = true;
    l.acceptedTotal++;
    conn.handler.onAccept?.(now, conn);
    const pending = conn.pendingRx;
    if (pending !== null) {
      conn.pendingRx = null;
      conn.pendingRxBytes = 0;
      for (const chunk of pending) {
        if (conn.state === TcpState.CLOSED) return;
        conn.handler.onData?.(now, conn, chunk);
      }
      if (conn.state !== TcpState.CLOSED) {
        conn.ackNow = true; // the window opened again
        output(this, conn, now);
      }
    }
    if (conn.pendingFin && conn.state !== TcpState.CLOSED) {
      conn.pendingFin = false;
      conn.handler.onPeerClosed?.(now, conn);
    }
    if (conn.state === TcpState.TIME_WAIT) this.notifyClosed(conn, now, 'normal');
  }

  /** @internal In-order bytes for the application (held until accept for a queued connection). */
  deliver(conn: TcpConnection, now: number, data: Uint8Array): void {
    conn.bytesIn += data.length;
    this.counters.bytesReceived += data.length;
    if (conn.accepted) {
      conn.handler.onData?.(now, conn, data);
    } else {
      (conn.pendingRx ??= []).push(data.slice());
      conn.pendingRxBytes += data.length;
    }
  }

  /** @internal The peer's FIN was taken in. */
  peerClosed(conn: TcpConnection, now: number): void {
    if (conn.accepted) conn.handler.onPeerClosed?.(now, conn);
    else conn.pendingFin = true;
  }

  /** @internal Both FINs are through; hold the tuple for 2*MSL. */
  enterTimeWait(conn: TcpConnection, now: number, notify = true): void {
    conn.state = TcpState.TIME_WAIT;
    conn.rtxAt = 0;
    conn.rttTime = -1;
    conn.closeAt = now + Math.max(1, this.config.timeWait);
    this.host.onConnectionEvent?.(now, 'time-wait', conn);
    if (notify) this.notifyClosed(conn, now, 'normal');
  }

  private closeTimeout(conn: TcpConnection, now: number): void {
    switch (conn.state) {
      case TcpState.TIME_WAIT:
        this.free(conn, now, 'close');
        return;
      case TcpState.SYN_SENT: // CONNECTTIMEOUT
        this.counters.attemptFails++;
        this.counters.timeouts++;
        this.free(conn, now, 'timeout');
        this.notifyClosed(conn, now, 'timeout');
        return;
      case TcpState.FIN_WAIT_2: // the peer never sent its FIN
        this.counters.timeouts++;
        this.free(conn, now, 'timeout');
        this.notifyClosed(conn, now, 'timeout');
        return;
      default:
        return;
    }
  }

  private ephemeralPort(localIp: number, remoteIp: number, remotePort: number): number {
    const c = this.config;
    const range = c.ephemeralHigh - c.ephemeralLow + 1;
    if (this.nextEphemeral < 0) this.nextEphemeral = c.ephemeralLow + (this.host.rng.nextU32() % range);
    for (let i = 0; i < range; i++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port >= c.ephemeralHigh ? c.ephemeralLow : port + 1;
      if (this.table.get(localIp, port, remoteIp, remotePort) !== undefined) continue;
      if (this.listenersByKey.has(endpointKey(localIp, port)) || this.listenersByKey.has(endpointKey(0, port))) continue;
      return port;
    }
    return 0;
  }
}

const NO_PACKET = new Uint8Array(0);

function isPort(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= 65535;
}

function fail(code: 'address-in-use' | 'no-ports' | 'bad-port' | 'not-listening', message: string): { ok: false; error: { code: typeof code; message: string } } {
  return { ok: false, error: { code, message } };
}

function fmt(ip: number, port: number): string {
  return `${ipToString(ip)}:${port}`;
}
