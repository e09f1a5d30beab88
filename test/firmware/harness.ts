// A small in-memory sysplex for firmware tests: several firmware instances behind fake HALs, no kernel and no
// models. One event list in virtual time; the "LAN" delivers a datagram to whichever stack registered its
// destination (the OSA Address Table), XCF delivers between stacks in the group, and client hosts are TCP
// engines with the Linux preset.

import { createFirmware } from '../../src/firmware/index.js';
import type { Firmware, Hal } from '../../src/firmware/hal.js';
import { TcpEngine } from '../../src/firmware/tcp/engine.js';
import { LINUX_TCP_CONFIG } from '../../src/firmware/tcp/config.js';
import type { TcpConnection } from '../../src/firmware/tcp/connection.js';
import { TcpState, type TcpHandler } from '../../src/firmware/tcp/types.js';
import type { Stack } from '../../src/firmware/stack.js';
import { Prng } from '../../src/kernel/prng.js';
import { encodeControl } from '../../src/firmware/xcf-messages.js';
import { ipToString, ipv4Dst } from '../../src/net/ipv4.js';

export const US = 1_000_000;
export const MS = 1_000_000_000;
const NET_LATENCY = 20 * US;
const XCF_LATENCY = 5 * US;
const FAILURE_DETECTION = 2 * MS;

export const ip = (t: string) => t.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);

interface Ev { at: number; seq: number; run: () => void }

export interface TraceRec { t: number; stack: string; kind: string; fields: Record<string, unknown> }

/** Watches what the firmware does with each datagram the harness hands it (see routing-audit.ts). */
export interface HarnessObserver {
  /** A datagram reaches `node` from the LAN (`redirect` false) or as a redirect over XCF: `call` delivers it. */
  arrive(node: Node, packet: Uint8Array, redirect: boolean, call: () => void): void;
  /** `from` sends an XCF message to `to` (synchronously, inside whatever the firmware is doing). */
  xcfSend(from: string, to: string, message: Uint8Array): void;
  /** A trace record, as the firmware emits it. */
  trace(stack: string, kind: string, fields: Record<string, unknown>): void;
}

export class Node {
  fw!: Firmware;
  up = false;
  inGroup = false;
  timers = new Map<number, number>();
  weight = 32;
  opens: string[] = [];
  closes: string[] = [];
  constructor(readonly name: string, readonly profile: string) {}
}

export class Harness {
  now = 0;
  private seq = 0;
  private events: Ev[] = [];
  readonly nodes = new Map<string, Node>();
  /** The OSA Address Table: address -> stack. */
  readonly oat = new Map<number, string>();
  readonly traces: TraceRec[] = [];
  readonly clients = new Map<number, TcpEngine>();
  private readonly rng = new Prng(1, 'clients');
  observer: HarnessObserver | null = null;

  /** `xcfLatency`: how long an XCF signal and a membership change take to arrive, ps. */
  constructor(private readonly xcfLatency = XCF_LATENCY) {}

  add(name: string, profile: string, apps: { app: 'echo' | 'http'; port: number; response?: number }[] = [{ app: 'http', port: 80, response: 1000 }, { app: 'echo', port: 7 }]): Node {
    const node = new Node(name, profile);
    this.nodes.set(name, node);
    node.fw = createFirmware(this.hal(node), { profile, profileFile: `${name}.tcpip`, applications: apps });
    return node;
  }

  start(name: string): void {
    const node = this.nodes.get(name)!;
    node.up = true;
    node.fw.start(this.now);
  }

  /** lpar-down: the stack vanishes at once; the others learn after the failure detection interval. */
  fail(name: string): void {
    const node = this.nodes.get(name)!;
    node.up = false;
    node.timers.clear();
    for (const [a, s] of this.oat) if (s === name) this.oat.delete(a);
    const wasMember = node.inGroup;
    node.inGroup = false;
    if (wasMember) this.later(FAILURE_DETECTION, () => this.announce(name, false, true));
  }

  /** lpar-up: a fresh firmware from the same profile. */
  reIpl(name: string): void {
    const old = this.nodes.get(name)!;
    const node = this.add(name, old.profile);
    node.opens = old.opens;
    node.closes = old.closes;
    this.start(name);
  }

  operator(name: string, cmd: string): string {
    return this.nodes.get(name)!.fw.operator(this.now, cmd);
  }

  private announce(stack: string, joined: boolean, failed: boolean): void {
    for (const n of this.nodes.values()) if (n.up && n.inGroup && n.name !== stack) n.fw.xcfMembership(this.now, { stack, joined, failed });
  }

  later(delay: number, run: () => void): void {
    this.events.push({ at: this.now + delay, seq: this.seq++, run });
  }

  private hal(node: Node): Hal {
    const h = this;
    return {
      stackName: node.name,
      rng: new Prng(1, node.name),
      tracing: true,
      transmit(_if, packet) {
        const dst = ipv4Dst(packet);
        h.later(NET_LATENCY, () => h.deliver(dst, packet));
      },
      registerAddress(_if, a) {
        h.oat.set(a, node.name);
      },
      deregisterAddress(_if, a) {
        if (h.oat.get(a) === node.name) h.oat.delete(a);
      },
      xcfSend(to, message) {
        const copy = message.slice();
        h.observer?.xcfSend(node.name, to, copy);
        h.later(h.xcfLatency, () => {
          const peer = h.nodes.get(to);
          if (!node.up || peer === undefined || !peer.up || !peer.inGroup) return;
          // Message type 3 carries a datagram for a DVIPA the receiver owns (xcf-messages.ts).
          if (h.observer !== null && copy.length > 22 && copy[1] === 3) h.observer.arrive(peer, copy.subarray(2), true, () => peer.fw.xcfReceive(h.now, node.name, copy));
          else peer.fw.xcfReceive(h.now, node.name, copy);
        });
      },
      xcfJoin(join) {
        if (join) {
          node.inGroup = true;
          // XCF on the joining system knows the members already there (IXCJOIN returns them): it hears of them
          // at once; the others learn of the newcomer one signal later.
          const there = [...h.nodes.values()].filter((n) => n !== node && n.up && n.inGroup).map((n) => n.name);
          h.later(0, () => {
            if (!node.up || !node.inGroup) return;
            for (const stack of there) node.fw.xcfMembership(h.now, { stack, joined: true, failed: false });
          });
          h.later(h.xcfLatency, () => {
            if (node.up && node.inGroup) h.announce(node.name, true, false);
          });
        } else {
          node.inGroup = false;
          h.later(h.xcfLatency, () => h.announce(node.name, false, false));
        }
      },
      setTimer(id, at) {
        node.timers.set(id, at);
        h.events.push({ at, seq: h.seq++, run: () => {
          if (node.up && node.timers.get(id) === at) {
            node.timers.delete(id);
            node.fw.timer(h.now, id);
          }
        } });
      },
      cancelTimer(id) {
        node.timers.delete(id);
      },
      wlmWeight: () => node.weight,
      tcpConnection(event, lip, lport, rip, rport) {
        (event === 'open' ? node.opens : node.closes).push(`${rip}:${rport}>${lip}:${lport}`);
      },
      trace(kind, fields) {
        h.observer?.trace(node.name, kind, fields);
        h.traces.push({ t: h.now, stack: node.name, kind, fields });
      },
    };
  }

  /** The "LAN": to a client engine, or to the stack whose OSA registered the address. */
  deliver(dst: number, packet: Uint8Array): void {
    const client = this.clients.get(dst);
    if (client !== undefined) {
      client.receive(this.now, packet);
      return;
    }
    const stack = this.oat.get(dst);
    const node = stack === undefined ? undefined : this.nodes.get(stack);
    if (node === undefined || !node.up) return;
    if (this.observer !== null) this.observer.arrive(node, packet, false, () => node.fw.receive(this.now, 'OSA', packet));
    else node.fw.receive(this.now, 'OSA', packet);
  }

  client(address: string): TcpEngine {
    const a = ip(address);
    let e = this.clients.get(a);
    if (e === undefined) {
      const timers = new Map<number, number>();
      const engine: TcpEngine = new TcpEngine(
        {
          transmit: (packet) => {
            const dst = ipv4Dst(packet);
            this.later(NET_LATENCY, () => this.deliver(dst, packet));
          },
          setTimer: (id, at) => {
            timers.set(id, at);
            this.events.push({ at, seq: this.seq++, run: () => {
              if (timers.get(id) === at) {
                timers.delete(id);
                engine.timer(this.now, id);
              }
            } });
          },
          cancelTimer: (id) => timers.delete(id),
          rng: this.rng,
        },
        LINUX_TCP_CONFIG,
      );
      e = engine;
      this.clients.set(a, e);
    }
    return e;
  }

  run(until: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.events.length; i++) {
        const e = this.events[i]!;
        const b = best < 0 ? undefined : this.events[best]!;
        if (b === undefined || e.at < b.at || (e.at === b.at && e.seq < b.seq)) best = i;
      }
      if (best < 0 || this.events[best]!.at > until) break;
      const [e] = this.events.splice(best, 1);
      this.now = e!.at;
      e!.run();
    }
    this.now = until;
  }
}

/** An HTTP client connection that records how it ended. */
export class HttpGet implements TcpHandler {
  outcome: 'completed' | 'reset' | 'timeout' | null = null;
  received = 0;
  conn!: TcpConnection;
  constructor(
    private readonly engine: TcpEngine,
    /** Keep the connection open this long after the response (0 = close at once). */
    private readonly holdUntil: number | null = null,
  ) {}
  static open(h: Harness, client: string, dvipa: string, port = 80, hold = false): HttpGet {
    const engine = h.client(client);
    const g = new HttpGet(engine, hold ? Infinity : null);
    const r = engine.connect(h.now, ip(client), ip(dvipa), port, g);
    if (!r.ok) throw new Error(r.error.message);
    g.conn = r.value;
    return g;
  }
  onConnected(now: number, conn: TcpConnection): void {
    const req = new TextEncoder().encode(`GET /100 HTTP/1.1\r\nHost: x\r\nConnection: ${this.holdUntil === null ? 'close' : 'keep-alive'}\r\n\r\n`);
    this.engine.write(now, conn, req);
  }
  onData(_now: number, _conn: TcpConnection, data: Uint8Array): void {
    this.received += data.length;
  }
  onPeerClosed(now: number, conn: TcpConnection): void {
    this.engine.close(now, conn);
  }
  onClosed(_now: number, _conn: TcpConnection, reason: 'normal' | 'reset' | 'timeout'): void {
    this.outcome = reason === 'normal' ? 'completed' : reason;
  }
  close(now: number): void {
    this.engine.close(now, this.conn);
  }
  /** Another request on a kept-alive connection. */
  request(now: number, size = 10): void {
    this.engine.write(now, this.conn, new TextEncoder().encode(`GET /${size} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`));
  }
}

export function profile(n: number, vipa: string, dist = 'VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN 10.1.1.10 PORT 7 80 DESTIP ALL'): string {
  return `GLOBALCONFIG SYSPLEXWLMPOLL 1
IPCONFIG DATAGRAMFWD SYSPLEXROUTING DYNAMICXCF 10.9.9.${n} 255.255.255.0 1
INTERFACE OSA${n} DEFINE IPAQENET PORTNAME OSA${n} IPADDR 10.1.1.${n}/24
BEGINROUTES
  ROUTE 10.1.1.0/24 = OSA${n} MTU 1500
  ROUTE DEFAULT 10.1.1.254 OSA${n} MTU 1500
ENDROUTES
VIPADYNAMIC
  ${vipa}
  ${dist}
ENDVIPADYNAMIC
PORT 7 TCP ECHOSRV
     80 TCP HTTPSRV
`;
}

export const STACKS = ['SYS1', 'SYS2', 'SYS3'] as const;
/** A little more than one SYSPLEXWLMPOLL interval of the harness profiles (1 s). */
export const WLM_POLL = 1_100 * MS;
export const DVIPA = '10.1.1.10';

/** The demo sysplex (SYS1 owns 10.1.1.10, SYS2 backs it up at 200, SYS3 at 100) with `dist` as every stack's
 *  VIPADISTRIBUTE, started and settled. */
export function sysplex(dist?: string, settle = 1 * MS): Harness {
  const h = new Harness();
  h.add('SYS1', profile(1, `VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 ${DVIPA}`, dist));
  h.add('SYS2', profile(2, `VIPABACKUP 200 ${DVIPA}`, dist));
  h.add('SYS3', profile(3, `VIPABACKUP 100 ${DVIPA}`, dist));
  for (const s of STACKS) h.start(s);
  h.run(h.now + settle);
  return h;
}

/** Connections each stack accepted on DVIPA:port (tcp.open reports), in STACKS order. */
export function acceptedBy(h: Harness, port = 80): number[] {
  return STACKS.map((s) => h.nodes.get(s)!.opens.filter((o) => o.endsWith(`>${ip(DVIPA)}:${port}`)).length);
}

/** Established connections each stack holds on DVIPA:port now, in STACKS order. */
export function openOn(h: Harness, port = 80): number[] {
  return STACKS.map((s) => {
    const n = h.nodes.get(s)!;
    if (!n.up) return 0;
    let open = 0;
    for (const c of (n.fw as Stack).tcp.connections()) if (c.localIp === ip(DVIPA) && c.localPort === port && c.state === TcpState.ESTABLISHED) open++;
    return open;
  });
}

/** Opens `n` HTTP connections from distinct clients, `gap` apart, that stay open (keep-alive) when `hold`. */
export function openMany(h: Harness, n: number, opts: { hold?: boolean; gap?: number; port?: number; first?: number } = {}): HttpGet[] {
  const out: HttpGet[] = [];
  const first = opts.first ?? 0;
  for (let i = 0; i < n; i++) {
    const k = first + i;
    out.push(HttpGet.open(h, clientAddress(k), DVIPA, opts.port ?? 80, opts.hold ?? false));
    if (opts.gap !== undefined) h.run(h.now + opts.gap);
  }
  return out;
}

/** The k-th distinct client address (198.51.100.1, ...). */
export function clientAddress(k: number): string {
  return `198.51.${100 + Math.floor(k / 250)}.${1 + (k % 250)}`;
}

/** A HAL for one stack alone that writes what the firmware asks of it as lines (`register OSA1 10.1.1.1`,
 *  `transmit OSA1 via 10.1.1.254 <hex>`, `xcf SYS2 <hex>`, `xcf join`), with its timers in a Map. */
export function recordingHal(stackName: string, log: string[]): { hal: Hal; timers: Map<number, number> } {
  const timers = new Map<number, number>();
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  let seed = 7;
  const hal: Hal = {
    stackName,
    rng: { nextU32: () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) },
    tracing: false,
    transmit: (ifName, packet, nextHop) => void log.push(`transmit ${ifName} via ${ipToString(nextHop)} ${hex(packet)}`),
    registerAddress: (ifName, a) => void log.push(`register ${ifName} ${ipToString(a)}`),
    deregisterAddress: (ifName, a) => void log.push(`deregister ${ifName} ${ipToString(a)}`),
    xcfSend: (to, message) => void log.push(`xcf ${to} ${hex(message)}`),
    xcfJoin: (join) => void log.push(join ? 'xcf join' : 'xcf leave'),
    setTimer: (id, at) => void timers.set(id, at),
    cancelTimer: (id) => void timers.delete(id),
    tcpConnection: () => {},
    wlmWeight: () => 32,
    trace: () => {},
  };
  return { hal, timers };
}

/** SYS1 alone behind `hal`, distributing 10.1.1.10:80 round robin over SYS2 and SYS3, which it has been told
 *  (over XCF) are in the group and listen; `timers` are the HAL's, to settle the join. */
export function loneDistributor(hal: Hal, timers: Map<number, number>): Firmware {
  const fw = createFirmware(hal, {
    profile: profile(1, 'VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 10.1.1.10', 'VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN 10.1.1.10 PORT 80 DESTIP 10.9.9.2 10.9.9.3'),
    profileFile: 'SYS1.tcpip',
    applications: [],
  });
  fw.start(0);
  for (const [name, n] of [['SYS2', 2], ['SYS3', 3]] as const) {
    fw.xcfMembership(0, { stack: name, joined: true, failed: false });
    fw.xcfReceive(0, name, encodeControl({ m: 'hello', xcfIp: (0x0a090900 + n) >>> 0, dvipas: [], reply: false }));
  }
  // The join settles: SYS1 activates the DVIPA and becomes the distributor.
  for (const [id, at] of [...timers]) if (at <= MS) fw.timer(at, id);
  for (const name of ['SYS2', 'SYS3']) fw.xcfReceive(MS, name, encodeControl({ m: 'listen', ip: ip(DVIPA), port: 80, ready: 1 }));
  return fw;
}
