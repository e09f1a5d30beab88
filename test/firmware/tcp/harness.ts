// A tiny in-memory network for TCP engine tests: hosts (each one TcpEngine) joined by a wire with a fixed
// one-way latency, on which a test can drop, duplicate or delay chosen segments. Virtual time in ps; events
// in (time, insertion) order, so every run is the same. Every datagram put on the wire is recorded.

import { Prng } from '../../../src/kernel/prng.js';
import { ipToString } from '../../../src/net/ipv4.js';
import { parseIpv4 } from '../../../src/net/ipv4.js';
import { parseTcp, TcpFlag, tcpFlagsToString, type TcpHeader } from '../../../src/net/tcp.js';
import { LINUX_TCP_CONFIG, type TcpConfig } from '../../../src/firmware/tcp/config.js';
import { TcpEngine } from '../../../src/firmware/tcp/engine.js';
import type { TcpConnection } from '../../../src/firmware/tcp/connection.js';
import type { CloseReason, TcpHandler, TcpHost } from '../../../src/firmware/tcp/types.js';

export const US = 1_000_000;
export const MS = 1_000_000_000;
export const S = 1_000_000_000_000;

export interface WireSegment {
  /** Index in the order segments were put on the wire. */
  readonly index: number;
  readonly t: number;
  readonly src: number;
  readonly dst: number;
  readonly tcp: TcpHeader;
  readonly packet: Uint8Array;
  /** What the wire did with it. */
  fate: 'delivered' | 'dropped' | 'duplicated' | 'delayed';
}

/** A test's say over one segment: undefined lets it through. */
export type WireAction = 'drop' | 'dup' | { delay: number } | undefined;

export class TestHost implements TcpHost {
  readonly engine: TcpEngine;
  readonly rng: Prng;
  readonly timers = new Map<number, number>();
  readonly events: string[] = [];
  setTimerCalls = 0;

  constructor(
    readonly net: TestNet,
    readonly name: string,
    readonly ip: number,
    config: TcpConfig,
  ) {
    this.rng = new Prng(net.seed, name);
    this.engine = new TcpEngine(this, config);
  }

  transmit(packet: Uint8Array): void {
    this.net.send(this, packet);
  }
  setTimer(id: number, at: number): void {
    this.setTimerCalls++;
    this.timers.set(id, at);
  }
  cancelTimer(id: number): void {
    this.timers.delete(id);
  }
  onConnectionEvent(now: number, kind: string, conn: TcpConnection): void {
    this.events.push(`${kind} ${conn.localPort}-${conn.remotePort}`);
  }
}

interface Pending {
  t: number;
  order: number;
  to: TestHost;
  packet: Uint8Array;
}

export class TestNet {
  now = 0;
  readonly hosts: TestHost[] = [];
  readonly wire: WireSegment[] = [];
  /** Decides the fate of each segment put on the wire. */
  filter: (seg: WireSegment) => WireAction = () => undefined;
  private readonly pending: Pending[] = [];
  private order = 0;
  /** Unclaimed datagrams (no host with that address). */
  readonly lost: Uint8Array[] = [];

  constructor(
    readonly seed = 1,
    readonly latency = 50 * US,
  ) {}

  addHost(name: string, ip: number, config: TcpConfig = LINUX_TCP_CONFIG): TestHost {
    const h = new TestHost(this, name, ip, config);
    this.hosts.push(h);
    return h;
  }

  send(from: TestHost, packet: Uint8Array): void {
    const ip = parseIpv4(packet);
    if (!ip.ok) throw new Error(`${from.name} sent a bad IPv4 datagram: ${ip.error.message}`);
    const tcp = parseTcp(packet, ip.value.payloadOffset, ip.value.payloadLength, { src: ip.value.src, dst: ip.value.dst });
    if (!tcp.ok) throw new Error(`${from.name} sent a bad TCP segment: ${tcp.error.message}`);
    const seg: WireSegment = { index: this.wire.length, t: this.now, src: ip.value.src, dst: ip.value.dst, tcp: tcp.value, packet, fate: 'delivered' };
    this.wire.push(seg);
    const to = this.hosts.find((h) => h.ip === ip.value.dst);
    if (to === undefined) {
      this.lost.push(packet);
      return;
    }
    const action = this.filter(seg);
    if (action === 'drop') {
      seg.fate = 'dropped';
      return;
    }
    let at = this.now + this.latency;
    if (action === 'dup') {
      seg.fate = 'duplicated';
      this.enqueue(at, to, packet);
    } else if (action !== undefined) {
      seg.fate = 'delayed';
      at += action.delay;
    }
    this.enqueue(at, to, packet);
  }

  private enqueue(t: number, to: TestHost, packet: Uint8Array): void {
    this.pending.push({ t, order: this.order++, to, packet });
  }

  /** Runs events until nothing is left or `until` is reached; returns the number of events. */
  run(until = Infinity, maxEvents = 1_000_000): number {
    let n = 0;
    for (; n < maxEvents; n++) {
      // Next packet.
      let pi = -1;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        const best = pi < 0 ? undefined : this.pending[pi]!;
        if (best === undefined || p.t < best.t || (p.t === best.t && p.order < best.order)) pi = i;
      }
      // Next timer.
      let th: TestHost | undefined;
      let tid = 0;
      let tat = Infinity;
      for (const h of this.hosts) {
        for (const [id, at] of h.timers) {
          if (at < tat) {
            th = h;
            tid = id;
            tat = at;
          }
        }
      }
      const pt = pi < 0 ? Infinity : this.pending[pi]!.t;
      const t = Math.min(pt, tat);
      if (t === Infinity || t > until) {
        if (until !== Infinity && this.now < until) this.now = until;
        break;
      }
      if (pt <= tat) {
        const p = this.pending.splice(pi, 1)[0]!;
        this.now = Math.max(this.now, p.t);
        p.to.engine.receive(this.now, p.packet);
      } else {
        th!.timers.delete(tid);
        this.now = Math.max(this.now, tat);
        th!.engine.timer(this.now, tid);
      }
    }
    return n;
  }

  /** Runs until `done()` holds (checked after every event) or time `until` passes. */
  runUntil(done: () => boolean, until = 3600 * S): boolean {
    while (!done()) {
      if (this.run(until, 1) === 0) return done();
    }
    return true;
  }

  /** tcpdump-like lines for the recorded segments, sequence numbers relative to each side's ISN. */
  transcript(filter: (s: WireSegment) => boolean = () => true): string[] {
    const isn = new Map<string, number>();
    const out: string[] = [];
    const name = (ip: number) => this.hosts.find((h) => h.ip === ip)?.name ?? ipToString(ip);
    for (const s of this.wire) {
      const me = `${s.src}:${s.tcp.srcPort}`;
      const peer = `${s.dst}:${s.tcp.dstPort}`;
      if (s.tcp.flags & TcpFlag.SYN && !isn.has(me)) isn.set(me, s.tcp.seq);
      if (!filter(s)) continue;
      const rel = (v: number, k: string) => (isn.has(k) ? (v - isn.get(k)!) >>> 0 : v);
      let line = `${name(s.src)}>${name(s.dst)} ${tcpFlagsToString(s.tcp.flags)} seq=${rel(s.tcp.seq, me)}`;
      if (s.tcp.flags & TcpFlag.ACK) line += ` ack=${rel(s.tcp.ack, peer)}`;
      line += ` len=${s.tcp.payloadLength}`;
      if (s.fate !== 'delivered') line += ` [${s.fate}]`;
      out.push(line);
    }
    return out;
  }
}

/** An application that records what happens to its connections (and can echo, or send on connect). */
export class Recorder implements TcpHandler {
  readonly log: string[] = [];
  readonly received = new Map<TcpConnection, number[]>();
  readonly closed = new Map<TcpConnection, CloseReason>();
  accepted: TcpConnection[] = [];
  connected: TcpConnection[] = [];
  peerClosed: TcpConnection[] = [];
  /** Close our side when the peer closes. */
  closeOnPeerClose = true;

  constructor(readonly engine: () => TcpEngine) {}

  onAccept(now: number, conn: TcpConnection): void {
    this.accepted.push(conn);
    this.log.push(`accept ${conn.remotePort}`);
  }
  onConnected(now: number, conn: TcpConnection): void {
    this.connected.push(conn);
    this.log.push(`connected ${conn.localPort}`);
  }
  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    let arr = this.received.get(conn);
    if (!arr) this.received.set(conn, (arr = []));
    for (const b of data) arr.push(b);
  }
  onPeerClosed(now: number, conn: TcpConnection): void {
    this.peerClosed.push(conn);
    this.log.push('peer-closed');
    if (this.closeOnPeerClose) this.engine().close(now, conn);
  }
  onClosed(now: number, conn: TcpConnection, reason: CloseReason): void {
    this.closed.set(conn, reason);
    this.log.push(`closed ${reason}`);
  }
  bytes(conn: TcpConnection): Uint8Array {
    return Uint8Array.from(this.received.get(conn) ?? []);
  }
}

/** Deterministic test data. */
export function pattern(n: number, salt = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt + (i >>> 8)) & 0xff;
  return b;
}

export const CLIENT_IP = 0xc6336407; // 198.51.100.7
export const SERVER_IP = 0x0a01010a; // 10.1.1.10
