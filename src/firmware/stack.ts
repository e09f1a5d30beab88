// The routing-stack firmware of one LPAR: IPv4 with the profile's home addresses and routes, the TCP engine
// with its sockets, the built-in applications, and the Sysplex Distributor. It implements the Firmware
// interface of hal.ts and talks to the world only through its Hal.

import { inSubnet, ipv4Dst, ipv4HeaderLen, ipv4Protocol, ipv4Src, IpProtocol } from '../net/ipv4.js';
import { tcpDstPort, tcpSrcPort } from '../net/tcp.js';
import type { ApplicationConfig, Firmware, FirmwareConfig, FirmwareView, Hal, VcrtRow, VdptRow, DvipaRow } from './hal.js';
import { parseProfile } from './profile/index.js';
import type { Profile, Route } from './profile/types.js';
import { Sysplex, type SysplexHost } from './sysplex/index.js';
import { greDecapsulate, IP_PROTOCOL_GRE } from './sysplex/vipa-route.js';
import type { ConnTuple } from './xcf-messages.js';
import { TcpEngine } from './tcp/engine.js';
import { ZOS_TCP_CONFIG, type TcpConfig } from './tcp/config.js';
import type { TcpConnection } from './tcp/connection.js';
import type { TcpListener } from './tcp/listener.js';
import type { TcpConnectionEvent, TcpHandler, TcpResult } from './tcp/types.js';
import { startApplication, type Application } from './servers.js';
import { ipText } from './sd/types.js';
import { operatorCommand } from './operator.js';
import { LOOP_INPUT, LOOP_LOCAL, Loopback } from './loopback.js';
import { InterfaceMonitor } from './interface-monitor.js';
import { Interfaces } from './interfaces.js';

/** HAL timer ids: the TCP engine's are positive; the Sysplex module's sit below zero, the loopback's at -1. */
const SYSPLEX_TIMER_BASE = -16;
const LOOPBACK_TIMER = -1;
const MONITOR_TIMER = -2;

interface HomeAddress {
  ip: number;
  ifName: string;
  prefixLen: number;
}

/** Thrown by start() when the profile does not parse: the host reports it as a failed IPL. */
export class ProfileRejected extends Error {}

export class Stack implements Firmware, SysplexHost {
  readonly profile: Profile;
  readonly homes: HomeAddress[] = [];
  readonly tcp: TcpEngine;
  readonly sysplex: Sysplex;
  readonly apps = new Map<number, Application>();
  /** Which interfaces work, and where each address is registered (ARP takeover when one fails). */
  readonly interfaces: Interfaces;
  /** SYSPLEXMONITOR MONINTERFACE: leaves the group when no monitored interface works. */
  private readonly monitor: InterfaceMonitor;
  readonly counters = { ipIn: 0, ipForwarded: 0, ipDropped: 0, noRoute: 0 };
  private readonly routes: Route[];
  /** Built-in servers by job name (from the profile's PORT reservations, else ECHO7, HTTP80 ...). */
  private readonly jobs = new Map<string, ApplicationConfig>();
  private started = false;
  /** Connections whose end the host already heard of at TIME_WAIT. */
  private readonly inTimeWait = new Set<TcpConnection>();
  /** Datagrams to this stack's own addresses, and within connections OPTLOCAL keeps here. */
  private readonly loopback: Loopback;
  /** Connections an application here opened to a distributed DVIPA that OPTLOCAL kept on this stack, by the
   *  client end's flow text `clientIp:clientPort>dvipa:port`. */
  private readonly keptLocal = new Set<string>();
  /** While connect() opens a connection OPTLOCAL keeps here: its destination, so transmit() can note its flow. */
  private originLocal: { dst: number; port: number } | null = null;
  private wto = 0;
  now = 0;

  constructor(
    readonly hal: Hal,
    readonly config: FirmwareConfig,
  ) {
    const parsed = parseProfile(config.profile, config.profileFile, config.profileSource);
    if (!parsed.ok) throw new ProfileRejected(parsed.errors.map((e) => e.toString()).join('\n'));
    this.profile = parsed.profile;
    for (const i of this.profile.interfaces) this.homes.push({ ip: i.ip, ifName: i.name, prefixLen: i.prefixLen });
    // The older DEVICE/LINK form names its addresses on the HOME statement.
    for (const h of this.profile.homes) if (!this.homes.some((x) => x.ip === h.ip)) this.homes.push({ ip: h.ip, ifName: h.linkName, prefixLen: 32 });
    this.interfaces = new Interfaces(hal, this.profile.interfaces);
    const monitored = this.profile.interfaces.filter((i) => i.monSysplex).map((i) => i.name);
    this.monitor = new InterfaceMonitor(hal, this.profile.globalConfig.sysplexMonitor, monitored, MONITOR_TIMER);
    this.loopback = new Loopback(hal, LOOPBACK_TIMER);
    // Most specific route first; DEFAULT last.
    this.routes = [...this.profile.routes].sort((a, b) => b.prefixLen - a.prefixLen);
    const mtu = Math.min(...this.profile.interfaces.map((i) => i.mtu ?? 1500), 1500);
    const tcpConfig: TcpConfig = { ...ZOS_TCP_CONFIG, mss: mtu - 40 };
    this.tcp = new TcpEngine(
      {
        transmit: (packet) => this.transmit(packet),
        setTimer: (id, at) => hal.setTimer(id, at),
        cancelTimer: (id) => hal.cancelTimer(id),
        rng: hal.rng,
        onConnectionEvent: (now, kind, conn) => this.connectionEvent(now, kind, conn),
        onListenerEvent: (_now, listening, _ip, port) => this.listenerEvent(listening, port),
      },
      tcpConfig,
    );
    this.sysplex = new Sysplex(this, this.profile, SYSPLEX_TIMER_BASE);
    const jobsByPort = new Map(this.profile.portReservations.filter((r) => r.protocol === 'TCP').map((r) => [r.port, r.jobName]));
    for (const app of config.applications) this.jobs.set(jobsByPort.get(app.port) ?? `${app.app.toUpperCase()}${app.port}`, app);
  }

  // ---- Firmware -------------------------------------------------------------------------------------------

  start(now: number): void {
    if (this.started) return;
    this.started = true;
    this.now = now;
    for (const h of this.homes) this.interfaces.register(h.ifName, h.ip);
    for (const [job, app] of this.jobs) this.startApp(now, job, app);
    if (this.profile.dynamicXcf !== null) this.sysplex.join(now);
  }

  receive(now: number, _ifName: string, packet: Uint8Array): void {
    this.now = now;
    if (packet.length < 20 || packet[0]! >>> 4 !== 4) {
      this.counters.ipDropped++;
      return;
    }
    if (this.sysplex.route(now, packet)) return;
    this.ipInput(now, packet);
  }

  inboundBurst(_ifName: string, packets: readonly Uint8Array[]): void {
    this.sysplex.lookAhead(packets);
  }

  interfaceState(now: number, ifName: string, up: boolean): void {
    this.now = now;
    this.interfaces.setState(ifName, up);
    this.monitor.changed(now, (i) => this.interfaces.isActive(i), this.sysplex);
  }

  xcfReceive(now: number, fromStack: string, message: Uint8Array): void {
    this.now = now;
    this.sysplex.xcfReceive(now, fromStack, message);
  }

  xcfMembership(now: number, event: { stack: string; joined: boolean; failed: boolean }): void {
    this.now = now;
    this.sysplex.membership(now, event.stack, event.joined);
  }

  timer(now: number, id: number): void {
    this.now = now;
    if (id === LOOPBACK_TIMER) this.loopback.drain((packet, kind) => (kind === LOOP_LOCAL ? this.ipInput(now, packet) : this.receive(now, 'LOOPBACK', packet)));
    else if (id === MONITOR_TIMER) this.monitor.timer(now, this.sysplex);
    else if (id < 0) this.sysplex.timer(now, id);
    else this.tcp.timer(now, id);
  }

  operator(now: number, command: string): string {
    this.now = now;
    return operatorCommand(this, now, command);
  }

  // ---- IP -------------------------------------------------------------------------------------------------

  /** Datagrams addressed to this stack: its home addresses, the DVIPAs it owns, and those it is a target for. */
  private ipInput(now: number, packet: Uint8Array): void {
    this.counters.ipIn++;
    const dst = ipv4Dst(packet);
    if (!this.isLocalAddress(dst)) {
      this.counters.ipDropped++;
      return;
    }
    if (ipv4Protocol(packet) === IpProtocol.TCP) this.tcp.receive(now, packet);
    else if (ipv4Protocol(packet) === IP_PROTOCOL_GRE) this.greInput(now, packet);
    else this.counters.ipDropped++;
  }

  /** A distributor's VIPAROUTE packet: the forwarded datagram inside goes to IP input, for a DVIPA this stack
   *  is a target of (anything else in GRE is dropped, as z/OS takes GRE only from its distributors). */
  private greInput(now: number, packet: Uint8Array): void {
    const inner = greDecapsulate(packet);
    if (inner === null || ipv4Protocol(inner) !== IpProtocol.TCP) {
      this.counters.ipDropped++;
      return;
    }
    const dst = ipv4Dst(inner);
    if (!this.sysplex.isTargetAddress(dst) && !this.isOwnAddress(dst)) {
      this.counters.ipDropped++;
      return;
    }
    this.tcp.receive(now, inner);
  }

  isLocalAddress(ip: number): boolean {
    return this.isOwnAddress(ip) || this.sysplex.isTargetAddress(ip);
  }

  /** A home address, the dynamic XCF address or loopback (127.0.0.0/8). */
  private isOwnAddress(ip: number): boolean {
    for (const h of this.homes) if (h.ip === ip) return true;
    if (this.profile.dynamicXcf !== null && this.profile.dynamicXcf.ip === ip) return true;
    return ip >>> 24 === 127;
  }

  /**
   * Sends a datagram the TCP engine built. To this stack's own addresses it loops back; to a distributed
   * DVIPA it goes where the connection belongs (kept local by OPTLOCAL, this stack's own distributor, or the
   * distributing stack over XCF); anything else by the most specific route to its destination.
   */
  private transmit(packet: Uint8Array): void {
    const dst = ipv4Dst(packet);
    if (this.isOwnAddress(dst)) {
      this.loopback.send(this.now, packet, LOOP_INPUT);
      return;
    }
    if (this.sysplex.dvipas.has(dst) && this.toDvipa(dst, packet)) return;
    const route = this.routeFor(dst);
    if (route === null) {
      this.counters.noRoute++;
      return;
    }
    this.hal.transmit(route.ifName, packet, route.gateway ?? dst);
  }

  /** A datagram from a local application to a DVIPA of the sysplex; false when plain routing should take it. */
  private toDvipa(dst: number, packet: Uint8Array): boolean {
    const o = this.originLocal;
    if (o !== null && o.dst === dst && o.port === dstPort(packet)) this.keptLocal.add(flowText(packet));
    if (this.keptLocal.size > 0 && this.keptLocal.has(flowText(packet))) {
      this.loopback.send(this.now, packet, LOOP_LOCAL);
      return true;
    }
    if (this.sysplex.owns(dst)) {
      this.loopback.send(this.now, packet, LOOP_INPUT);
      return true;
    }
    return this.sysplex.toDistributor(dst, packet);
  }

  /** The most specific route to `dst` over an interface that works. */
  routeFor(dst: number): Route | null {
    for (const r of this.routes) {
      if (!this.interfaces.isActive(r.ifName)) continue;
      if (r.isDefault) return r;
      if (inSubnet(dst, r.dest, r.prefixLen)) return r;
    }
    return null;
  }

  // ---- SysplexHost ----------------------------------------------------------------------------------------

  listeners(ip: number, port: number): number {
    return this.tcp.hasListener(ip, port) ? 1 : 0;
  }

  backlogFill(ip: number, port: number): number {
    const l = this.tcp.findListener(ip, port);
    if (l === undefined || l.backlog <= 0) return 0;
    return Math.min(1, Math.max(l.synQueue, l.acceptQueue.length) / l.backlog);
  }

  connectionsOn(ip: number): ConnTuple[] {
    const out: ConnTuple[] = [];
    for (const c of this.tcp.connections()) if (c.localIp === ip) out.push([c.remoteIp, c.remotePort, c.localPort]);
    return out;
  }

  sendRouted(packet: Uint8Array): boolean {
    const dst = ipv4Dst(packet);
    const route = this.routeFor(dst);
    if (route === null) {
      this.counters.noRoute++;
      return false;
    }
    this.hal.transmit(route.ifName, packet, route.gateway ?? dst);
    return true;
  }

  deliverLocal(now: number, packet: Uint8Array): void {
    this.ipInput(now, packet);
  }

  interfaceFor(ip: number): string | null {
    for (const i of this.profile.interfaces) if (inSubnet(ip, i.ip, i.prefixLen)) return i.name;
    return this.profile.interfaces[0]?.name ?? null;
  }

  // ---- sockets API for the LPAR's applications ------------------------------------------------------------

  /**
   * connect(): an application of this LPAR opens a connection to remoteIp:remotePort, from `localIp` (0: the
   * home address of the interface towards the destination). To a distributed DVIPA the Sysplex Distributor
   * decides first: OPTLOCAL keeps the connection on this stack when a local listener is ready (and the
   * distributor's verdict allows it), otherwise its SYN goes to the distributing stack, which picks a target.
   */
  connect(now: number, remoteIp: number, remotePort: number, handler: TcpHandler, localIp = 0): TcpResult<TcpConnection> {
    this.now = now;
    const dst = remoteIp >>> 0;
    const src = localIp !== 0 ? localIp >>> 0 : this.sourceFor(dst);
    const how = this.sysplex.originate(dst, remotePort);
    if (how !== 'route' && this.hal.tracing) this.hal.trace('sd.originate', { dvipa: ipText(dst), port: remotePort, how });
    if (how === 'local') this.originLocal = { dst, port: remotePort };
    try {
      return this.tcp.connect(now, src, dst, remotePort, handler);
    } finally {
      this.originLocal = null;
    }
  }

  /** listen(): an application listens on (localIp, port); 0 = every address of the stack, DVIPAs included. */
  listen(now: number, localIp: number, port: number, handler: TcpHandler, backlog = 0): TcpResult<TcpListener> {
    this.now = now;
    return this.tcp.listen(now, localIp >>> 0, port, backlog, handler);
  }

  /** close() of a listening socket: the distributor hears the listener is gone. */
  unlisten(now: number, listener: TcpListener): void {
    this.now = now;
    this.tcp.unlisten(now, listener);
  }

  /** The source address for a connection to `dst`: the home address on the interface of its route. */
  sourceFor(dst: number): number {
    const route = this.routeFor(dst);
    const home = (route !== null ? this.homes.find((h) => h.ifName === route.ifName) : undefined) ?? this.homes[0];
    return home?.ip ?? this.profile.dynamicXcf?.ip ?? 0;
  }

  // ---- TCP events -----------------------------------------------------------------------------------------

  private connectionEvent(now: number, kind: TcpConnectionEvent, c: TcpConnection): void {
    if (kind === 'open') {
      this.hal.tcpConnection('open', c.localIp, c.localPort, c.remoteIp, c.remotePort);
      if (this.hal.tracing) this.hal.trace('tcp.open', { local: `${ipText(c.localIp)}:${c.localPort}`, remote: `${ipText(c.remoteIp)}:${c.remotePort}` });
      return;
    }
    // The connection is over for its application when it enters TIME_WAIT (the host's accounting counts it
    // closed then); the distributor forgets it only when the control block is freed 2 * MSL later, so the
    // peer's retransmitted FIN still reaches this stack rather than drawing a RST from the distributor.
    if (kind === 'time-wait') {
      this.inTimeWait.add(c);
      this.hal.tcpConnection('close', c.localIp, c.localPort, c.remoteIp, c.remotePort);
      return;
    }
    // A client reused the four-tuple of a connection in TIME_WAIT here (Linux does, as soon as its own side
    // is closed): the new connection keeps the distributor's VCRT entry, which still points at this stack.
    if (kind === 'reopen') {
      this.inTimeWait.delete(c);
      if (this.hal.tracing) this.hal.trace('tcp.close', { local: `${ipText(c.localIp)}:${c.localPort}`, remote: `${ipText(c.remoteIp)}:${c.remotePort}`, reason: 'reopen' });
      return;
    }
    if (this.keptLocal.size > 0) this.keptLocal.delete(`${c.localIp}:${c.localPort}>${c.remoteIp}:${c.remotePort}`);
    const how = kind === 'close' ? 'close' : 'reset';
    if (!this.inTimeWait.delete(c)) this.hal.tcpConnection(how, c.localIp, c.localPort, c.remoteIp, c.remotePort);
    if (this.hal.tracing) {
      this.hal.trace(kind === 'close' ? 'tcp.close' : 'tcp.reset', { local: `${ipText(c.localIp)}:${c.localPort}`, remote: `${ipText(c.remoteIp)}:${c.remotePort}`, reason: kind });
    }
    this.sysplex.localConnectionEnded(now, c.localIp, c.localPort, c.remoteIp, c.remotePort);
  }

  private listenerEvent(listening: boolean, port: number): void {
    if (this.hal.tracing) this.hal.trace('stack.listen', { port, listening });
    if (this.started) this.sysplex.listenersChanged(port);
  }

  // ---- applications ---------------------------------------------------------------------------------------

  private startApp(now: number, job: string, app: ApplicationConfig): boolean {
    if (this.apps.has(app.port)) return false;
    const started = startApplication(this.tcp, now, app, job);
    if (started === null) return false;
    this.apps.set(app.port, started);
    return true;
  }

  /** The message number of the next console report (EZD0101I ... nnn): counts this stack's displays. */
  nextWto(): number {
    return ++this.wto;
  }

  /** `S jobname` / `P jobname` from the console: start or stop a built-in server. */
  startJob(now: number, job: string): string {
    const app = this.jobs.get(job);
    if (app === undefined) return `IEF612I PROCEDURE ${job} NOT FOUND`;
    return this.startApp(now, job, app) ? `$HASP373 ${job} STARTED` : `IEE105I ${job} ALREADY ACTIVE`;
  }

  stopJob(now: number, job: string): string {
    const app = this.jobs.get(job);
    const running = app === undefined ? undefined : this.apps.get(app.port);
    if (app === undefined || running === undefined) return `IEE341I ${job} NOT ACTIVE`;
    running.stop(now);
    this.apps.delete(app.port);
    return `$HASP395 ${job} ENDED`;
  }

  // ---- views ----------------------------------------------------------------------------------------------

  inspect(): FirmwareView {
    const s = this.sysplex;
    const dvipas: DvipaRow[] = [...s.dvipas.values()].map((d) => ({
      ip: ipText(d.ip),
      state: s.displayState(d) ?? 'NONE',
      origin: d.owner === this.hal.stackName ? (d.define !== null ? 'VIPADEFINE' : 'VIPABACKUP') : d.backup !== null ? 'VIPABACKUP' : d.define !== null ? 'VIPADEFINE' : 'VIPADISTRIBUTE',
      rank: d.define !== null ? 255 : (d.backup?.rank ?? 0),
      distributing: d.owner === this.hal.stackName && d.ports.length > 0,
      owner: d.owner,
      backups: this.backupsOf(d.ip),
    }));
    const vdpt: VdptRow[] = [];
    s.vdpt.forEachPort((p) => {
      for (let k = 0; k < p.orderLength; k++) {
        const t = p.order[k]!;
        const target = s.targetName(t);
        vdpt.push({
          dvipa: ipText(p.dvipa), port: p.port, target, targetXcf: ipText(s.xcfIpOf(target)), ready: p.ready[t]!,
          totalConn: p.totalConn[t]!, activeConn: p.activeConn[t]!, weight: p.displayWeight(t), method: p.method,
        });
      }
    });
    return {
      stack: this.hal.stackName,
      inGroup: s.inGroup,
      dvipas,
      vdpt,
      vcrtSize: s.vcrt.size,
      vcrt: (offset: number, count: number): VcrtRow[] =>
        s.vcrt.page(offset, count).map((e) => ({ dvipa: ipText(e.dvipa), port: e.port, client: ipText(e.clientIp), clientPort: e.clientPort, target: s.targetName(e.target) })),
      connections: this.tcp.connectionCount,
      counters: { ...this.counters, ...s.counters },
    };
  }

  /** Stacks that back `ip` up, highest rank first, as this stack knows them. */
  backupsOf(ip: number): string[] {
    const ranks: [string, number][] = [];
    const mine = this.sysplex.dvipas.get(ip);
    if (mine?.backup && !mine.deactivated) ranks.push([this.hal.stackName, mine.backup.rank]);
    for (const [stack, m] of this.sysplex.members) {
      const st = m.dvipas.get(ip);
      if (st !== undefined && st.rank > 0 && !st.deactivated) ranks.push([stack, st.rank]);
    }
    return ranks.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([s]) => s);
  }
}

/** `srcIp:srcPort>dstIp:dstPort` of an IPv4/TCP datagram (IPs as unsigned numbers). */
function flowText(p: Uint8Array): string {
  const t = ipv4HeaderLen(p);
  return `${ipv4Src(p)}:${tcpSrcPort(p, t)}>${ipv4Dst(p)}:${tcpDstPort(p, t)}`;
}

function dstPort(p: Uint8Array): number {
  return tcpDstPort(p, ipv4HeaderLen(p));
}
