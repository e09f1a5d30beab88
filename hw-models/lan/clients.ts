// The client hosts behind a LAN's edge router (`LAN1.clients`): Linux-like hosts, each with its own address
// and its own TCP engine (the firmware's engine with the Linux preset: initial RTO 1 s, minimum RTO 200 ms,
// 6 SYN retries), running the scenario's workloads: HTTP GETs or echo exchanges, `connections` of them opened
// at `rate` over `clients` hosts, `request` bytes out, `response` bytes back, held `hold` before closing.
//
// One component holds every host so that the router link stays a single port; each host keeps its own
// sockets, ports and timers, and serialises onto its own NIC at `clientBps`.

import { Component, type Port } from '../../src/kernel/index.js';
import { Histogram, type HistogramData } from '../../src/kernel/histogram.js';
import { TcpEngine } from '../../src/firmware/tcp/engine.js';
import { ConnStore } from '../../src/firmware/tcp/conn-store.js';
import { LINUX_TCP_CONFIG } from '../../src/firmware/tcp/config.js';
import type { TcpConnection } from '../../src/firmware/tcp/connection.js';
import type { CloseReason, TcpHandler } from '../../src/firmware/tcp/types.js';
import { ipFromString } from '../../src/net/index.js';
import type { Ipv4Msg } from '../messages.js';
import { ResponseHeadReader } from '../../src/firmware/tcp/apps/http-text.js';

/** One workload as the client hosts run it (times in ps). */
export interface ClientWorkload {
  readonly dvipa: string;
  readonly port: number;
  readonly protocol: 'http' | 'echo';
  /** Number of client hosts. */
  readonly clients: number;
  /** Total connections to open. */
  readonly connections: number;
  /** New connections per virtual second over all clients (0 = all at once). */
  readonly rate: number;
  /** Request bytes each connection sends, response bytes it expects. */
  readonly request: number;
  readonly response: number;
  /** How long a client keeps the connection open after the response. */
  readonly holdPs: number;
  /** When the first connection starts. */
  readonly startPs: number;
}

/** A workload's DVIPA as a number (the loader has checked the text). */
function dvipaOf(text: string): number {
  const ip = ipFromString(text);
  if (!ip.ok) throw new Error(`workload DVIPA '${text}': ${ip.error.message}`);
  return ip.value;
}

// Kernel timer tags are 32-bit signed integers (the event queue keeps them in an Int32Array). A host's TCP
// timer carries the host's index as its tag and the engine's timer id as its data: packing both into the tag
// (host * 2^20 + id) wrapped negative from host 2,048 on, and a host's ids grow with every connection it opens.
const TAG_START = 0x7fff_fff0;
const TAG_CLOSE = 0x7fff_fff1;
/** Client hosts a component can hold: host indexes stay below TAG_START. */
export const MAX_CLIENT_HOSTS = TAG_START;

export interface ClientTotals {
  opened: number;
  completed: number;
  reset: number;
  /** Never completed their exchange: gave up, or not yet established at the end. */
  failed: number;
  /** Established and still open at the end of the run (a held connection is healthy, not failed). */
  open: number;
  bytesSent: number;
  bytesReceived: number;
}

/** Outcome of one connection, for the report's per-target `lost` count: client ip, client port, dvipa, port. */
export type ConnectionOutcome = [number, number, number, number, 'completed' | 'reset' | 'failed' | 'open'];

/** A workload's latency distributions, each from the SYN: connect (established), firstByte (the first response
 *  byte), complete (the whole response). */
interface WorkloadLatency {
  readonly connect: Histogram;
  readonly firstByte: Histogram;
  readonly complete: Histogram;
}

/** The same as mergeable plain data, for the report (and across partitions). */
export interface WorkloadLatencyData {
  readonly dvipa: string;
  readonly port: number;
  readonly protocol: string;
  readonly connect: HistogramData;
  readonly firstByte: HistogramData;
  readonly complete: HistogramData;
}

// One per connection a workload opened, kept until it completes (a held one for the whole run): a million
// held connections keep a million of these, so the record is small. The SYN's time is the control block's
// openedAt, the client address follows from the host's index, the flags share one integer.
const ESTABLISHED = 1;
const ANSWERED = 2;
const DONE = 4;

class Flow {
  /** Until it closes: a closed connection is let go (thousands of them would otherwise stay alive, and every
   *  garbage collection would copy them), keeping only the ports the report needs. */
  conn: TcpConnection | null;
  received = 0;
  private bits = 0;
  outcome: 'completed' | 'reset' | 'failed' | null = null;

  constructor(
    readonly workload: ClientWorkload,
    conn: TcpConnection,
    /** The client host's index (its address is the first client address plus this). */
    readonly host: number,
    readonly clientPort: number,
    public expect: number,
    /** Reads the HTTP response head; null once it is through (or for echo, which has none). */
    public head: ResponseHeadReader | null,
  ) {
    this.conn = conn;
  }

  /** The handshake completed. */
  get established(): boolean {
    return (this.bits & ESTABLISHED) !== 0;
  }
  set established(v: boolean) {
    this.bits = v ? this.bits | ESTABLISHED : this.bits & ~ESTABLISHED;
  }
  /** A response byte has arrived. */
  get answered(): boolean {
    return (this.bits & ANSWERED) !== 0;
  }
  set answered(v: boolean) {
    this.bits = v ? this.bits | ANSWERED : this.bits & ~ANSWERED;
  }
  get done(): boolean {
    return (this.bits & DONE) !== 0;
  }
  set done(v: boolean) {
    this.bits = v ? this.bits | DONE : this.bits & ~DONE;
  }
}

class Host {
  engine!: TcpEngine;
  timers = new Map<number, number>();
  constructor(readonly ip: number) {}
}

export class ClientHosts extends Component implements TcpHandler {
  readonly totals: ClientTotals = { opened: 0, completed: 0, reset: 0, failed: 0, open: 0, bytesSent: 0, bytesReceived: 0 };
  private readonly hosts: Host[] = [];
  /** Connections not completed yet, by id (conn.user): a completed one is let go, so that hours of steady
   *  load keep flat memory; the report needs only the others. */
  private readonly flows = new Map<number, Flow>();
  private nextFlow = 0;
  /** Per workload, the next connection to open (the schedule is arithmetic: no list of a million starts). */
  private readonly cursors: { workload: ClientWorkload; dvipa: number; next: number }[] = [];
  private router!: Port;
  private readonly encoder = new TextEncoder();
  /** Every connection of a workload sends the same request. */
  private readonly requests = new Map<ClientWorkload, Uint8Array>();
  /** Per workload: SYN to established, to the first response byte, to the whole response. */
  private readonly latency = new Map<ClientWorkload, WorkloadLatency>();

  constructor(
    name: string,
    /** First client address (the subnet's .1) and how many hosts there are at most. */
    private readonly firstIp: number,
    private readonly workloads: readonly ClientWorkload[],
  ) {
    super(name);
    const hostCount = Math.max(1, ...workloads.map((w) => w.clients));
    for (let h = 0; h < hostCount; h++) this.hosts.push(new Host((firstIp + h) >>> 0));
    for (const w of workloads) if (w.connections > 0) this.cursors.push({ workload: w, dvipa: dvipaOf(w.dvipa), next: 0 });
  }

  /** When connection `i` of workload `w` starts. */
  private static startOf(w: ClientWorkload, i: number): number {
    return w.startPs + (w.rate > 0 ? Math.floor((i * 1e12) / w.rate) : 0);
  }

  /** The workload whose next connection starts first (ties: the earlier workload), or -1 when all are out. */
  private nextCursor(): number {
    let best = -1;
    let bestAt = Infinity;
    for (let k = 0; k < this.cursors.length; k++) {
      const c = this.cursors[k]!;
      if (c.next >= c.workload.connections) continue;
      const at = ClientHosts.startOf(c.workload, c.next);
      if (at < bestAt) {
        bestAt = at;
        best = k;
      }
    }
    return best;
  }

  /** The router-facing port (connect it to the router's `clients` port). */
  get routerPort(): Port {
    return this.port('router');
  }

  override start(): void {
    this.router = this.port('router');
    // One store for every host's control blocks: a host holds a handful of connections, and rows in shared
    // chunks cost less than a chunk per host.
    const store = new ConnStore();
    this.hosts.forEach((host, h) => {
      host.engine = new TcpEngine(
        {
          transmit: (packet) => this.transmit(packet),
          setTimer: (id, at) => this.setHostTimer(h, id, at),
          cancelTimer: (id) => host.timers.delete(id),
          rng: this.rng,
        },
        LINUX_TCP_CONFIG,
        { store },
      );
    });
    this.armStart();
  }

  private setHostTimer(h: number, id: number, at: number): void {
    const host = this.hosts[h]!;
    host.timers.set(id, at);
    this.at(Math.max(at, this.now), h, id);
  }

  private transmit(packet: Uint8Array): void {
    const msg: Ipv4Msg = { kind: 'ipv4', packet };
    this.router.send(msg, packet.length + 38);
  }

  override onMessage(_port: Port, message: unknown): void {
    const m = message as Ipv4Msg;
    if (m.kind !== 'ipv4' || m.packet.length < 20) return;
    const p = m.packet;
    const dst = ((p[16]! << 24) | (p[17]! << 16) | (p[18]! << 8) | p[19]!) >>> 0;
    const h = (dst - this.firstIp) >>> 0;
    const host = this.hosts[h];
    if (host === undefined) return;
    host.engine.receive(this.now, p);
  }

  override onTimer(tag: number, data: unknown): void {
    if (tag === TAG_START) {
      this.startDue();
      return;
    }
    if (tag === TAG_CLOSE) {
      const flow = this.flows.get(data as number);
      if (flow?.conn) this.hosts[flow.host]!.engine.close(this.now, flow.conn);
      return;
    }
    const host = this.hosts[tag]!;
    const id = data as number;
    // A timer re-armed later, or cancelled, since this event was posted: the engine only ever moves its
    // deadline earlier, so an armed deadline still ahead belongs to a later event, and none means cancelled.
    const at = host.timers.get(id);
    if (at === undefined || at > this.now) return;
    host.timers.delete(id);
    host.engine.timer(this.now, id);
  }

  private armStart(): void {
    const k = this.nextCursor();
    if (k >= 0) this.at(ClientHosts.startOf(this.cursors[k]!.workload, this.cursors[k]!.next), TAG_START);
  }

  /** Opens every connection due by now, in start order (the earlier workload first on a tie). */
  private startDue(): void {
    for (;;) {
      const k = this.nextCursor();
      if (k < 0) return;
      const c = this.cursors[k]!;
      const at = ClientHosts.startOf(c.workload, c.next);
      if (at > this.now) {
        this.at(at, TAG_START);
        return;
      }
      const i = c.next++;
      this.open(c.workload, c.dvipa, i % c.workload.clients);
    }
  }

  private open(w: ClientWorkload, dvipa: number, h: number): void {
    const host = this.hosts[h]!;
    const r = host.engine.connect(this.now, host.ip, dvipa, w.port, this);
    this.totals.opened++;
    if (!r.ok) {
      this.totals.failed++;
      return;
    }
    const c = r.value;
    const flow = new Flow(w, c, h, c.localPort, w.response, w.protocol === 'http' ? new ResponseHeadReader() : null);
    c.user = this.nextFlow;
    this.flows.set(this.nextFlow++, flow);
  }

  // ---- TcpHandler -----------------------------------------------------------------------------------------

  onConnected(now: number, conn: TcpConnection): void {
    const flow = this.flows.get(conn.user as number)!;
    const w = flow.workload;
    flow.established = true;
    this.latencyOf(w).connect.record(now - conn.openedAt); // from the SYN
    let request = this.requests.get(w);
    if (request === undefined) {
      request = w.protocol === 'http' ? this.httpRequest(w) : new Uint8Array(w.request).fill(0x61);
      this.requests.set(w, request);
    }
    this.hosts[flow.host]!.engine.write(now, conn, request);
    this.totals.bytesSent += request.length;
  }

  private httpRequest(w: ClientWorkload): Uint8Array {
    const head = `GET /${w.response} HTTP/1.1\r\nHost: ${w.dvipa}\r\nUser-Agent: sysplex-emu\r\nConnection: close\r\n`;
    const padLen = Math.max(0, w.request - head.length - 2 - 'X-Pad: \r\n'.length);
    const text = padLen > 0 ? `${head}X-Pad: ${'x'.repeat(padLen)}\r\n\r\n` : `${head}\r\n`;
    return this.encoder.encode(text);
  }

  onData(now: number, conn: TcpConnection, data: Uint8Array): void {
    const flow = this.flows.get(conn.user as number)!;
    this.totals.bytesReceived += data.length;
    if (!flow.answered) {
      flow.answered = true;
      this.latencyOf(flow.workload).firstByte.record(now - conn.openedAt);
    }
    let body = data.length;
    if (flow.head !== null) {
      // The body size comes from the head's Content-Length.
      body = flow.head.feed(data);
      if (body < 0) return;
      if (flow.head.contentLength >= 0) flow.expect = flow.head.contentLength;
      flow.head = null;
    }
    flow.received += body;
    if (!flow.done && flow.received >= flow.expect) {
      flow.done = true;
      this.latencyOf(flow.workload).complete.record(now - conn.openedAt);
      if (flow.workload.holdPs > 0) this.after(flow.workload.holdPs, TAG_CLOSE, conn.user);
      else this.hosts[flow.host]!.engine.close(now, conn);
    }
  }

  onPeerClosed(now: number, conn: TcpConnection): void {
    this.hosts[this.flows.get(conn.user as number)!.host]!.engine.close(now, conn);
  }

  onClosed(_now: number, conn: TcpConnection, reason: CloseReason): void {
    const flow = this.flows.get(conn.user as number)!;
    flow.conn = null;
    if (flow.outcome !== null) return;
    if (reason === 'normal' && flow.done) {
      flow.outcome = 'completed';
      this.totals.completed++;
      this.flows.delete(conn.user as number);
    } else if (reason === 'reset') {
      flow.outcome = 'reset';
      this.totals.reset++;
    } else {
      flow.outcome = 'failed';
      this.totals.failed++;
    }
  }

  /** Each workload's latency distributions (in the order of the workloads), as mergeable data. */
  latencyData(): WorkloadLatencyData[] {
    return this.workloads.map((w) => {
      const l = this.latencyOf(w);
      return { dvipa: w.dvipa, port: w.port, protocol: w.protocol, connect: l.connect.toData(), firstByte: l.firstByte.toData(), complete: l.complete.toData() };
    });
  }

  private latencyOf(w: ClientWorkload): WorkloadLatency {
    let l = this.latency.get(w);
    if (l === undefined) {
      l = { connect: new Histogram(), firstByte: new Histogram(), complete: new Histogram() };
      this.latency.set(w, l);
    }
    return l;
  }

  /** Totals at the end: a connection not closed yet is `open` once established, `failed` before. */
  summary(): ClientTotals {
    let open = 0;
    let pending = 0;
    for (const f of this.flows.values()) {
      if (f.outcome !== null) continue;
      if (f.established) open++;
      else pending++;
    }
    return { ...this.totals, open, failed: this.totals.failed + pending };
  }

  /** Every connection that did not complete, with its 4-tuple, for the per-target `lost` count (an open one
   *  is lost only if its target no longer holds it). */
  notCompleted(): ConnectionOutcome[] {
    const out: ConnectionOutcome[] = [];
    for (const f of this.flows.values()) {
      if (f.outcome === 'completed') continue;
      out.push([(this.firstIp + f.host) >>> 0, f.clientPort, dvipaOf(f.workload.dvipa), f.workload.port, f.outcome ?? (f.established ? 'open' : 'failed')]);
    }
    return out;
  }
}

