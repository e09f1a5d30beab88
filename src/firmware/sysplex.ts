// The Sysplex Distributor as one stack runs it: dynamic VIPA ownership (VIPADEFINE, VIPABACKUP ranks,
// takeover and takeback), the distributing stack's tables (VDPT, VCRT, timed affinities) and its data path,
// and the target side (listener reports, connection ends, reports to a new owner).
//
// Every stack keeps what the others told it over XCF (their DVIPA definitions, ranks, deactivations) and
// applies the same deterministic rules to it, so all stacks agree on who owns each DVIPA:
//  - the VIPADEFINE stack owns it while it is in the group and not deactivated (MOVEABLE IMMEDIATE takes it
//    back from a backup at once; WHENIDLE once the backup has no connections left);
//  - otherwise the highest-ranked backup in the group (ties by stack name) takes it over when the owner leaves,
//    and asks every target for its listeners and connections to rebuild the VDPT and VCRT.
// Messages travel as src/firmware/xcf-messages.ts defines them; a malformed one is counted and dropped.

import type { Hal } from './hal.js';
import type { Interfaces } from './interfaces.js';
import type { Profile, VipaBackup, VipaDefine, VipaDistribute } from './profile/types.js';
import {
  FlowKey,
  ForwardBatch,
  NEW_CONNECTION,
  NO_ENTRY,
  NOT_DISTRIBUTED,
  NO_TARGET,
  NOT_FOUND,
  ServiceTable,
  TimedAffinity,
  Vcrt,
  Vdpt,
  VdptPort,
  forwardDecision,
  keepLocal,
  selectTarget,
} from './sd/index.js';
import {
  type ConnTuple,
  type ControlMessage,
  type DistributionAd,
  type DvipaStatus,
  type VcrtTuple,
  decode,
  encodeControl,
  encodeForward,
  encodeRedirect,
} from './xcf-messages.js';
import { ipText } from './sd/types.js';
import { WlmWeights } from './sd/wlm-weights.js';

/** What the distributor needs from the rest of the stack. */
export interface SysplexHost {
  readonly hal: Hal;
  /** Listening sockets that would accept a connection to (ip, port). */
  listeners(ip: number, port: number): number;
  /** How full the backlog of the listener for (ip, port) is, 0 (idle) to 1 (dropping SYNs). */
  backlogFill(ip: number, port: number): number;
  /** Open connections whose local address is `ip`. */
  connectionsOn(ip: number): ConnTuple[];
  /** Hand a datagram to this stack's own IP input (a target receiving a forwarded packet). */
  deliverLocal(now: number, packet: Uint8Array): void;
  /** The OSA interface on whose subnet `ip` lies (where the owner registers it), or null. */
  interfaceFor(ip: number): string | null;
  /** Registers addresses with the OSAs (on a stand-in interface while their own is down). */
  readonly interfaces: Interfaces;
}

export type DvipaState = 'ACTIVE' | 'BACKUP' | 'MOVING' | 'QUIESCING' | 'DEACTIVATED' | 'NONE';

/** One DVIPA as this stack sees it. */
export interface Dvipa {
  readonly ip: number;
  readonly define: VipaDefine | null;
  readonly backup: VipaBackup | null;
  readonly distribute: VipaDistribute | null;
  state: DvipaState;
  /** The stack that owns (advertises) it now, as far as this stack knows. */
  owner: string | null;
  /** The owner's distribution advertisement, when this stack is one of its targets. */
  ad: DistributionAd | null;
  /** The interface this stack registered it on while owning it. */
  registeredOn: string | null;
  deactivated: boolean;
  /** Distributed ports this stack's VDPT holds while it distributes. */
  ports: VdptPort[];
  /** After a takeover: targets asked for their connections that have not answered yet. Until they have,
   *  a packet with no VCRT entry may belong to a connection the new owner has not learned of, so it is
   *  dropped (the client retransmits) rather than answered with a RST. */
  awaiting: Set<string>;
  /** Virtual time (ps) this stack activated it (as owner or as a target's internal copy); -1 when not. */
  activatedAt: number;
  /** Target side, OPTLOCAL: the ports for which the distributor last said a connection this stack originates
   *  may stay local (the "OPTLOCAL table" it pushes to its targets). */
  keepLocalPorts: Set<number>;
  /** Distributor side: the OPTLOCAL verdict last sent to each target, by `port:target`. */
  optLocalSent: Map<string, boolean>;
}

/** Where a connection this stack originates to a distributed DVIPA goes (Sysplex.originate). */
export type Origination =
  /** Not a distributed DVIPA of this sysplex (or no owner known): ordinary IP routing. */
  | 'route'
  /** OPTLOCAL: to the local listener, without the distributor. */
  | 'local'
  /** This stack distributes the DVIPA: its own distributor picks the target. */
  | 'distribute'
  /** The SYN (and the rest of the connection's inbound packets) go to the distributing stack over XCF. */
  | 'distributor';

interface Member {
  xcfIp: number;
  dvipas: Map<number, DvipaStatus>;
}

const WLM_TIMER = 1;
const AFFINITY_TIMER = 2;
const JOIN_TIMER = 3;
/** After joining, a stack waits this long for the members' hellos before it activates what it defines, so
 *  that a re-IPLed owner takes its DVIPA back by handover instead of racing the acting backup (assumed). */
const JOIN_SETTLE_PS = 100_000_000;
/** One second in ps: SYSPLEXWLMPOLL is in seconds (GLOBALCONFIG, default 60). */
const SECOND_PS = 1_000_000_000_000;

export class Sysplex {
  readonly dvipas = new Map<number, Dvipa>();
  readonly members = new Map<string, Member>();
  readonly services = new ServiceTable();
  readonly vcrt: Vcrt;
  readonly vdpt: Vdpt;
  readonly affinity: TimedAffinity;
  inGroup = false;
  /** The join settle time has passed (hellos exchanged). */
  private settled = false;
  /** decidedAhead: datagrams forwarded on a decision of the look-ahead over their burst (a share of forwarded). */
  readonly counters = { forwarded: 0, redirected: 0, dropped: 0, malformed: 0, noTarget: 0, decidedAhead: 0 };

  /** Target index <-> stack name; indices are handed out on first sight and never reused. */
  private readonly targetNames: string[] = [];
  private readonly targetIndex = new Map<string, number>();
  private readonly key = new FlowKey();
  /** Decisions taken ahead for the datagrams of the latest inbound burst (see lookAhead). */
  private readonly ahead = new LookAhead();
  private readonly hal: Hal;
  private readonly self: string;
  private readonly xcfIp: number;
  /** How often WLM weights are polled and exchanged (GLOBALCONFIG SYSPLEXWLMPOLL), ps. */
  private readonly wlmPollPs: number;
  /** The systems' WLM capacity data, normalised into BASEWLM system weights. */
  private readonly wlm = new WlmWeights();

  constructor(
    private readonly host: SysplexHost,
    profile: Profile,
    /** Timer ids this module may use: base + 1, base + 2. */
    private readonly timerBase: number,
  ) {
    this.hal = host.hal;
    this.self = host.hal.stackName;
    this.xcfIp = profile.dynamicXcf?.ip ?? 0;
    this.wlmPollPs = profile.globalConfig.sysplexWlmPoll * SECOND_PS;
    this.vcrt = new Vcrt({ services: this.services });
    this.vdpt = new Vdpt(this.services, { targets: 64 });
    this.affinity = new TimedAffinity();
    for (const d of profile.vipaDefines) this.dvipaFor(d.ip, { define: d });
    for (const b of profile.vipaBackups) this.dvipaFor(b.ip, { backup: b });
    for (const v of profile.vipaDistributes) {
      const d = this.dvipas.get(v.ip);
      if (d !== undefined) (d as { distribute: VipaDistribute | null }).distribute = v;
    }
    this.indexOf(this.self);
  }

  private dvipaFor(ip: number, part: { define?: VipaDefine; backup?: VipaBackup }): void {
    const old = this.dvipas.get(ip);
    this.dvipas.set(ip, {
      ip,
      define: part.define ?? old?.define ?? null,
      backup: part.backup ?? old?.backup ?? null,
      distribute: old?.distribute ?? null,
      state: 'NONE',
      owner: null,
      ad: null,
      registeredOn: null,
      deactivated: false,
      ports: [],
      awaiting: new Set(),
      activatedAt: -1,
      keepLocalPorts: new Set(),
      optLocalSent: new Map(),
    });
  }

  private indexOf(stack: string): number {
    let t = this.targetIndex.get(stack);
    if (t === undefined) {
      t = this.targetNames.length;
      this.targetNames.push(stack);
      this.targetIndex.set(stack, t);
    }
    return t;
  }

  targetName(t: number): string {
    return this.targetNames[t] ?? '?';
  }

  xcfIpOf(stack: string): number {
    return stack === this.self ? this.xcfIp : (this.members.get(stack)?.xcfIp ?? 0);
  }

  // ---- group membership ---------------------------------------------------------------------------------

  /** IPL or JOINGROUP: join the group and activate the DVIPAs this stack defines. */
  join(now: number): void {
    this.inGroup = true;
    this.hal.xcfJoin(true);
    this.vdpt.setMember(this.indexOf(this.self), true);
    this.vdpt.setPathUp(this.indexOf(this.self), true);
    for (const d of this.dvipas.values()) {
      if (d.state === 'NONE') d.state = d.define !== null ? 'NONE' : 'BACKUP';
    }
    this.hal.setTimer(this.timerBase + JOIN_TIMER, now + JOIN_SETTLE_PS);
    // The first poll at once: a distributor has weights from the start, not only after SYSPLEXWLMPOLL.
    this.hal.setTimer(this.timerBase + WLM_TIMER, now);
  }

  /** LEAVEGROUP (or the stack stopping): give up every DVIPA and leave the group. */
  leave(now: number): void {
    for (const d of this.dvipas.values()) {
      if (d.state === 'ACTIVE' && d.owner === this.self) this.deactivateLocally(now, d);
      d.state = 'NONE';
      d.owner = null;
      d.ad = null;
    }
    this.members.clear();
    this.inGroup = false;
    this.settled = false;
    this.hal.xcfJoin(false);
    this.hal.cancelTimer(this.timerBase + WLM_TIMER);
  }

  /** The XCF model reports a member joining or leaving (after the failure detection interval if it failed). */
  membership(now: number, stack: string, joined: boolean): void {
    if (!this.inGroup || stack === this.self) return;
    const t = this.indexOf(stack);
    if (joined) {
      this.vdpt.setMember(t, true);
      this.vdpt.setPathUp(t, true);
      this.send(stack, { m: 'hello', xcfIp: this.xcfIp, dvipas: this.status(), reply: false });
      // A joining system learns this one's WLM data now rather than at the next poll.
      this.send(stack, this.wlmMessage());
      this.refreshOptLocal();
      return;
    }
    this.members.delete(stack);
    if (this.wlm.delete(t)) this.applyWlmWeights();
    // Connections on the lost target are gone; the VCRT forgets them and the VDPT stops counting them.
    this.vcrt.deleteTarget(t);
    this.affinity.deleteTarget(t);
    this.vdpt.targetLost(t);
    for (const d of this.dvipas.values()) {
      d.awaiting.delete(stack);
      d.optLocalSent.clear();
      if (d.owner === stack) {
        d.owner = null;
        d.ad = null;
        d.keepLocalPorts.clear();
        d.activatedAt = -1;
      }
    }
    this.resolveAll(now, true);
    this.refreshOptLocal();
  }

  private status(): DvipaStatus[] {
    return [...this.dvipas.values()].map((d) => ({
      ip: d.ip,
      define: d.define === null ? null : (d.define.moveable ?? 'IMMEDIATE'),
      rank: d.backup?.rank ?? 0,
      deactivated: d.deactivated,
    }));
  }

  private broadcastHello(): void {
    for (const stack of this.members.keys()) this.send(stack, { m: 'hello', xcfIp: this.xcfIp, dvipas: this.status(), reply: true });
  }

  // ---- ownership rules ----------------------------------------------------------------------------------

  /** The stack that should own `ip` now: the defining stack, else the highest-ranked backup in the group. */
  private designated(ip: number): string | null {
    let best: string | null = null;
    let bestRank = -1;
    const consider = (stack: string, s: { define: string | null; rank: number; deactivated: boolean } | undefined) => {
      if (s === undefined || s.deactivated) return;
      const rank = s.define !== null ? 255 : s.rank;
      if (rank <= 0) return;
      if (rank > bestRank || (rank === bestRank && best !== null && stack < best)) {
        best = stack;
        bestRank = rank;
      }
    };
    const mine = this.dvipas.get(ip);
    if (mine !== undefined && this.inGroup) {
      consider(this.self, { define: mine.define === null ? null : 'X', rank: mine.backup?.rank ?? 0, deactivated: mine.deactivated });
    }
    for (const [stack, m] of this.members) consider(stack, m.dvipas.get(ip));
    return best;
  }

  private resolveAll(now: number, afterLoss: boolean): void {
    for (const d of this.dvipas.values()) this.resolve(now, d, afterLoss);
  }

  /** Applies the ownership rules to one DVIPA after anything changed. */
  private resolve(now: number, d: Dvipa, afterLoss: boolean): void {
    if (!this.inGroup || !this.settled || d.deactivated) return;
    const want = this.designated(d.ip);
    if (d.owner === this.self) {
      // Takeback: hand the DVIPA to its VIPADEFINE stack back in the group. A higher-ranked backup that
      // returns does not pre-empt the backup acting now: backups take over only from a failed owner.
      const define = want === null ? null : (this.members.get(want)?.dvipas.get(d.ip)?.define ?? null);
      if (want !== null && want !== this.self && define !== null) {
        const whenIdle = define === 'WHENIDLE';
        if (whenIdle && this.connectionsOf(d) > 0) return;
        this.handOver(now, d, want);
      }
      return;
    }
    if (d.owner === null && want === this.self) {
      // Nobody owns it: a VIPADEFINE stack activates it at IPL; a backup only takes over an existing DVIPA.
      if (d.define !== null) this.activate(now, d, afterLoss ? 'takeover' : 'activate', []);
      else if (afterLoss) this.activate(now, d, 'takeover', []);
    }
  }

  private connectionsOf(d: Dvipa): number {
    let n = 0;
    for (const p of d.ports) for (let t = 0; t < p.targets; t++) n += p.activeConn[t]!;
    return n;
  }

  /** This stack becomes the owner (and, with a VIPADISTRIBUTE, the distributor) of `d`. */
  private activate(now: number, d: Dvipa, how: 'activate' | 'takeover' | 'takeback', vcrt: VcrtTuple[]): void {
    const previous = d.owner;
    d.owner = this.self;
    d.state = 'ACTIVE';
    d.activatedAt = now;
    d.keepLocalPorts.clear();
    d.optLocalSent.clear();
    const ifName = this.host.interfaceFor(d.ip);
    if (ifName !== null) {
      this.host.interfaces.register(ifName, d.ip);
      d.registeredOn = ifName;
    }
    const v = d.distribute;
    let ad: DistributionAd | null = null;
    if (v !== null) {
      ad = { ip: d.ip, ports: [...v.ports], dest: v.destinations === 'ALL' ? 'ALL' : v.destinations.map((x) => x.xcfIp) };
      d.ports = v.ports.map((port) => this.defineVdptPort(d.ip, port, v));
      d.ad = ad;
      for (const [client, clientPort, port, stack] of vcrt) this.restoreConnection(d.ip, client, clientPort, port, this.indexOf(stack));
    }
    if (this.hal.tracing) {
      const kind = how === 'activate' ? 'dvipa.activate' : how === 'takeover' ? 'dvipa.takeover' : 'dvipa.takeback';
      this.hal.trace(kind, { ip: ipText(d.ip), owner: this.self, from: previous ?? undefined, distributing: v !== null });
    }
    for (const stack of this.members.keys()) this.send(stack, { m: 'active', ip: d.ip, dist: ad });
    if (ad !== null) {
      this.reportLocalListeners(d);
      if (how === 'takeover') {
        for (const stack of this.members.keys()) {
          d.awaiting.add(stack);
          this.send(stack, { m: 'query', ip: d.ip });
        }
        this.restoreLocalConnections(d);
      }
      this.refreshOptLocal(d);
    }
  }

  private defineVdptPort(ip: number, port: number, v: VipaDistribute): VdptPort {
    const existing = this.vdpt.get(ip, port);
    if (existing !== undefined) this.vdpt.remove(ip, port);
    const p = this.vdpt.define(ip, port, {
      method: v.method,
      autoSwitchBack: v.autoSwitchBack,
      healthSwitch: v.healthSwitch,
      optLocal: v.optLocal ?? -1,
      timedAffinitySeconds: v.timedAffinity,
    });
    const configure = (stack: string) => {
      const t = this.indexOf(stack);
      if (v.destinations === 'ALL') {
        p.addTarget(t);
        return;
      }
      const dest = v.destinations.find((x) => x.xcfIp === this.xcfIpOf(stack));
      if (dest === undefined) return;
      p.addTarget(t, { weight: dest.weight, preferred: dest.role === 'PREFERRED', backupRank: dest.role === 'BACKUP' ? dest.rank : undefined });
    };
    // DESTIP order for explicit lists; stack-name order for ALL.
    if (v.destinations === 'ALL') {
      for (const s of [this.self, ...this.members.keys()].sort()) configure(s);
    } else {
      for (const dest of v.destinations) {
        const stack = this.stackWithXcfIp(dest.xcfIp);
        if (stack !== null) configure(stack);
      }
    }
    // The rotation starts at the last target in DESTIP order (so the demo's 1000 connections split
    // 333/333/334 over SYS1..SYS3, as CONTRACT.md states).
    p.rrNext = Math.max(0, p.orderLength - 1);
    return p;
  }

  private stackWithXcfIp(ip: number): string | null {
    if (ip === this.xcfIp) return this.self;
    for (const [s, m] of this.members) if (m.xcfIp === ip) return s;
    return null;
  }

  private restoreConnection(dvipa: number, client: number, clientPort: number, port: number, t: number): void {
    const p = this.vdpt.get(dvipa, port);
    if (p === undefined) return;
    if (this.vcrt.insert(client, clientPort, dvipa, port, t)) p.connectionRestored(t);
  }

  private reportLocalListeners(d: Dvipa): void {
    const t = this.indexOf(this.self);
    for (const p of d.ports) if (p.isConfigured(t)) p.setReady(t, this.readyFor(d, p.port));
  }

  /** The listeners this stack reports for `d`'s port: none while the operator has deactivated the DVIPA here
   *  (it quiesces: keeps its connections, takes no new ones). */
  private readyFor(d: Dvipa, port: number): number {
    return d.deactivated ? 0 : this.host.listeners(d.ip, port);
  }

  private restoreLocalConnections(d: Dvipa): void {
    const t = this.indexOf(this.self);
    for (const [client, clientPort, port] of this.host.connectionsOn(d.ip)) this.restoreConnection(d.ip, client, clientPort, port, t);
  }

  /** Give ownership of `d` to `to`, passing the connection routing table along (nondisruptive). */
  private handOver(now: number, d: Dvipa, to: string): void {
    const rows: VcrtTuple[] = [];
    this.vcrt.forEach((client, clientPort, dvipa, port, target) => {
      if (dvipa === d.ip) rows.push([client, clientPort, port, this.targetName(target)]);
    });
    this.deactivateLocally(now, d);
    d.owner = to;
    d.state = d.deactivated ? 'DEACTIVATED' : d.backup !== null ? 'BACKUP' : 'NONE';
    this.send(to, { m: 'handover', ip: d.ip, vcrt: rows });
    if (this.hal.tracing) this.hal.trace('dvipa.handover', { ip: ipText(d.ip), to, connections: rows.length });
  }

  /** Stop owning `d` here: deregister it and drop the distributor's tables for it. */
  private deactivateLocally(_now: number, d: Dvipa): void {
    if (d.registeredOn !== null) this.host.interfaces.deregister(d.ip);
    d.registeredOn = null;
    d.awaiting.clear();
    d.activatedAt = -1;
    d.optLocalSent.clear();
    for (const p of d.ports) {
      this.vcrt.deleteAllOfService(p.service);
      this.affinity.deleteService(p.service);
      this.vdpt.remove(d.ip, p.port);
    }
    d.ports = [];
  }

  // ---- operator moves -------------------------------------------------------------------------------------

  /**
   * V TCPIP,,SYSPLEX,DEACTIVATE,DVIPA=ip: this stack gives the DVIPA up (the owner hands it, with its VCRT, to
   * the next stack in line) or leaves its backup chain; as a target it quiesces (reports no listeners, keeps
   * its connections). Returns null when done, else the operator message saying why not.
   */
  deactivate(now: number, ip: number): string | null {
    const d = this.dvipas.get(ip);
    if (d === undefined || (d.define === null && d.backup === null)) return `EZD1197I DVIPA ${ipText(ip)} IS NOT A VIPADEFINE OR VIPABACKUP DVIPA OF ${this.self}`;
    if (d.deactivated) return `EZD1197I DVIPA ${ipText(ip)} IS ALREADY DEACTIVATED`;
    d.deactivated = true;
    this.broadcastHello();
    if (d.owner === this.self) {
      const to = this.designated(ip);
      if (to !== null) this.handOver(now, d, to);
      else this.deactivateLocally(now, d);
      d.owner = to;
    } else {
      this.reportListeners(d);
    }
    d.state = 'DEACTIVATED';
    return null;
  }

  /** V TCPIP,,SYSPLEX,REACTIVATE,DVIPA=ip: back into the chain; a VIPADEFINE stack takes the DVIPA back.
   *  Returns null when done, else why not. */
  reactivate(now: number, ip: number): string | null {
    const d = this.dvipas.get(ip);
    if (d === undefined) return `EZD1197I DVIPA ${ipText(ip)} IS NOT DEFINED ON ${this.self}`;
    if (!d.deactivated) return `EZD1197I DVIPA ${ipText(ip)} IS NOT DEACTIVATED`;
    d.deactivated = false;
    d.state = d.backup !== null && d.define === null ? 'BACKUP' : 'NONE';
    this.broadcastHello();
    if (d.owner === null) this.resolve(now, d, false);
    else this.reportListeners(d);
    return null;
  }

  // ---- XCF input ------------------------------------------------------------------------------------------

  xcfReceive(now: number, from: string, bytes: Uint8Array): void {
    if (!this.inGroup) return;
    const msg = decode(bytes);
    if (msg.kind === 'malformed') {
      this.counters.malformed++;
      if (this.hal.tracing) this.hal.trace('xcf.malformed', { from, reason: msg.reason });
      return;
    }
    if (msg.kind === 'forward') {
      this.host.deliverLocal(now, msg.packet);
      return;
    }
    if (msg.kind === 'redirect') {
      if (!this.route(now, msg.packet)) this.host.deliverLocal(now, msg.packet);
      return;
    }
    this.control(now, from, msg.message);
  }

  private control(now: number, from: string, m: ControlMessage): void {
    const t = this.indexOf(from);
    switch (m.m) {
      case 'hello': {
        const known = this.members.has(from);
        this.members.set(from, { xcfIp: m.xcfIp, dvipas: new Map(m.dvipas.map((s) => [s.ip, s])) });
        // A newcomer (or a re-IPLed stack) knows no OPTLOCAL verdicts yet: send them all again.
        if (!known) for (const d of this.dvipas.values()) d.optLocalSent.clear();
        this.vdpt.setMember(t, true);
        this.vdpt.setPathUp(t, true);
        if (!m.reply || !known) this.send(from, { m: 'hello', xcfIp: this.xcfIp, dvipas: this.status(), reply: true });
        // Tell the newcomer what this stack owns, and add it as a target where DESTIP ALL covers it.
        for (const d of this.dvipas.values()) {
          if (d.owner !== this.self) continue;
          this.send(from, { m: 'active', ip: d.ip, dist: d.ad });
          for (const p of d.ports) {
            const v = d.distribute!;
            if (v.destinations === 'ALL') p.addTarget(t);
            else {
              const dest = v.destinations.find((x) => x.xcfIp === m.xcfIp);
              if (dest !== undefined) p.addTarget(t, { weight: dest.weight, preferred: dest.role === 'PREFERRED', backupRank: dest.role === 'BACKUP' ? dest.rank : undefined });
            }
          }
        }
        this.resolveAll(now, false);
        this.refreshOptLocal();
        return;
      }
      case 'active': {
        const d = this.dvipas.get(m.ip);
        if (d !== undefined && d.owner === this.self && from !== this.self) {
          // Two owners: the one the rules designate keeps it.
          if (this.designated(m.ip) === this.self) return;
          this.deactivateLocally(now, d);
          d.state = d.backup !== null ? 'BACKUP' : 'NONE';
        }
        this.becomeTargetOf(now, from, m.ip, m.dist);
        return;
      }
      case 'handover': {
        const d = this.dvipas.get(m.ip);
        if (d === undefined) return;
        this.activate(now, d, 'takeback', m.vcrt);
        return;
      }
      case 'listen': {
        const p = this.vdpt.get(m.ip, m.port);
        if (p !== undefined && p.isConfigured(t)) {
          p.setReady(t, m.ready);
          if (this.hal.tracing) this.hal.trace('vdpt.update', { dvipa: ipText(m.ip), port: m.port, target: from, ready: m.ready });
          this.refreshOptLocal();
        }
        return;
      }
      case 'conn-end':
        this.connectionEnded(now, m.ip, m.port, m.client, m.clientPort, t);
        return;
      case 'query': {
        const d = this.dvipas.get(m.ip);
        const ad = d?.ad;
        const listeners: [number, number][] = d === undefined ? [] : (ad?.ports ?? []).map((port) => [port, this.readyFor(d, port)]);
        this.send(from, { m: 'report', ip: m.ip, listeners, conns: this.host.connectionsOn(m.ip) });
        return;
      }
      case 'report': {
        for (const [port, ready] of m.listeners) {
          const p = this.vdpt.get(m.ip, port);
          if (p !== undefined && p.isConfigured(t)) p.setReady(t, ready);
        }
        for (const [client, clientPort, port] of m.conns) this.restoreConnection(m.ip, client, clientPort, port, t);
        this.dvipas.get(m.ip)?.awaiting.delete(from);
        this.refreshOptLocal();
        return;
      }
      case 'sweight': {
        const p = this.vdpt.get(m.ip, m.port);
        if (p !== undefined && p.isConfigured(t)) p.setServerWeight(t, m.weight);
        return;
      }
      case 'wlm':
        if (m.unused !== undefined && m.total !== undefined) {
          this.wlm.set(t, { unused: m.unused, total: m.total });
          this.applyWlmWeights();
        } else {
          this.vdpt.setSystemWeight(t, m.weight);
        }
        this.refreshOptLocal();
        return;
      case 'optlocal': {
        const d = this.dvipas.get(m.ip);
        if (d === undefined || d.owner !== from) return;
        if (m.keep) d.keepLocalPorts.add(m.port);
        else d.keepLocalPorts.delete(m.port);
        return;
      }
    }
  }

  /** The owner `from` advertised `ip`; if this stack is one of its targets, it holds an internal copy and
   *  reports its listeners to the owner. */
  private becomeTargetOf(now: number, from: string, ip: number, ad: DistributionAd | null): void {
    let d = this.dvipas.get(ip);
    if (d === undefined && ad !== null && (ad.dest === 'ALL' || ad.dest.includes(this.xcfIp))) {
      this.dvipaFor(ip, {});
      d = this.dvipas.get(ip)!;
    }
    if (d === undefined) return;
    const wasTarget = d.ad !== null;
    d.owner = from;
    d.ad = ad !== null && (ad.dest === 'ALL' || ad.dest.includes(this.xcfIp)) ? ad : null;
    d.keepLocalPorts.clear();
    d.activatedAt = d.ad === null ? -1 : wasTarget && d.activatedAt >= 0 ? d.activatedAt : now;
    if (d.state === 'NONE' || d.state === 'ACTIVE') d.state = d.backup !== null ? 'BACKUP' : 'NONE';
    this.reportListeners(d);
  }

  /** Tell the owner of `d` (a DVIPA this stack is a target for) how many listeners each of its ports has. */
  private reportListeners(d: Dvipa): void {
    if (d.ad === null || d.owner === null || d.owner === this.self) return;
    for (const port of d.ad.ports) this.send(d.owner, { m: 'listen', ip: d.ip, port, ready: this.readyFor(d, port) });
  }

  // ---- target side ----------------------------------------------------------------------------------------

  /** True when `ip` is a distributed DVIPA this stack is a target for (it accepts connections to it). */
  isTargetAddress(ip: number): boolean {
    const d = this.dvipas.get(ip);
    return d !== undefined && (d.ad !== null || d.owner === this.self);
  }

  /** A listener opened or closed here: tell the distributor of every DVIPA it serves. */
  listenersChanged(port: number): void {
    for (const d of this.dvipas.values()) {
      if (d.ad === null || !d.ad.ports.includes(port)) continue;
      const ready = this.readyFor(d, port);
      if (d.owner === this.self) {
        const p = this.vdpt.get(d.ip, port);
        const t = this.indexOf(this.self);
        if (p !== undefined && p.isConfigured(t)) p.setReady(t, ready);
        this.refreshOptLocal(d);
      } else if (d.owner !== null) {
        this.send(d.owner, { m: 'listen', ip: d.ip, port, ready });
      }
    }
  }

  /** A connection on (localIp, localPort) ended here: the distributor must forget it. */
  localConnectionEnded(now: number, localIp: number, localPort: number, client: number, clientPort: number): void {
    const d = this.dvipas.get(localIp);
    if (d === undefined || d.ad === null || !d.ad.ports.includes(localPort)) return;
    if (d.owner === this.self) this.connectionEnded(now, localIp, localPort, client, clientPort, this.indexOf(this.self));
    else if (d.owner !== null) this.send(d.owner, { m: 'conn-end', ip: localIp, port: localPort, client, clientPort });
  }

  private connectionEnded(now: number, dvipa: number, port: number, client: number, clientPort: number, t: number): void {
    const p = this.vdpt.get(dvipa, port);
    if (p === undefined) return;
    if (this.vcrt.delete(client, clientPort, dvipa, port) === NOT_FOUND) return;
    p.connectionEnded(t);
    if (p.affinityPs > 0 && this.affinity.closed(client, p.service, now, p.affinityPs)) this.armAffinityTimer();
    if (this.hal.tracing) this.hal.trace('vcrt.delete', { dvipa: ipText(dvipa), port, client: ipText(client), clientPort, target: this.targetName(t) });
    // WHENIDLE takeback waits for the last connection.
    const d = this.dvipas.get(dvipa);
    if (d !== undefined && d.owner === this.self && this.connectionsOf(d) === 0) this.resolve(now, d, false);
  }

  private armAffinityTimer(): void {
    const next = this.affinity.nextExpiry();
    if (next >= 0) this.hal.setTimer(this.timerBase + AFFINITY_TIMER, next);
  }

  // ---- OPTLOCAL and connections this stack originates ------------------------------------------------------

  /**
   * Distributor: push each target its OPTLOCAL verdict (keepLocal over this VDPT) for every distributed port
   * coded with OPTLOCAL, when the verdict changed (the "OPTLOCAL table" the distributor keeps its targets
   * informed with). Called after anything that can move it: listener reports, WLM weights, membership.
   */
  private refreshOptLocal(only?: Dvipa): void {
    for (const d of only !== undefined ? [only] : this.dvipas.values()) {
      if (d.owner !== this.self) continue;
      for (const p of d.ports) {
        if (p.optLocal < 0) continue;
        for (let k = 0; k < p.orderLength; k++) {
          const t = p.order[k]!;
          const stack = this.targetNames[t]!;
          if (stack === this.self || !this.members.has(stack)) continue;
          const keep = keepLocal(p, t);
          const key = `${p.port}:${t}`;
          if (d.optLocalSent.get(key) === keep) continue;
          d.optLocalSent.set(key, keep);
          this.send(stack, { m: 'optlocal', ip: d.ip, port: p.port, keep });
        }
      }
    }
  }

  /**
   * Where a connection an application of this stack opens to dst:port goes. For a distributed DVIPA: local
   * when OPTLOCAL allows it and a local listener is ready (the distributor's verdict on a target, keepLocal
   * over its own VDPT on the distributor); else through the distributor, which picks the target.
   */
  originate(dst: number, port: number): Origination {
    const d = this.dvipas.get(dst);
    if (d === undefined || !this.inGroup) return 'route';
    if (d.owner === this.self) {
      const p = this.vdpt.get(dst, port);
      if (p === undefined) return 'route';
      return this.readyFor(d, port) > 0 && keepLocal(p, this.indexOf(this.self)) ? 'local' : 'distribute';
    }
    if (d.ad === null || d.owner === null || !this.members.has(d.owner)) return 'route';
    return d.ad.ports.includes(port) && d.keepLocalPorts.has(port) && this.readyFor(d, port) > 0 ? 'local' : 'distributor';
  }

  /** This stack owns (advertises) at least one DVIPA now. */
  advertisesDvipas(): boolean {
    for (const d of this.dvipas.values()) if (d.owner === this.self) return true;
    return false;
  }

  /** True when this stack owns (advertises) `ip` now. */
  owns(ip: number): boolean {
    return this.dvipas.get(ip)?.owner === this.self;
  }

  /** Send a datagram this stack originated to the stack distributing its destination DVIPA, over XCF (the
   *  distributor routes it as if it came from the LAN); false when no such stack is in the group. */
  toDistributor(dst: number, packet: Uint8Array): boolean {
    const d = this.dvipas.get(dst);
    if (d === undefined || d.owner === null || d.owner === this.self || !this.members.has(d.owner)) return false;
    this.counters.redirected++;
    this.hal.xcfSend(d.owner, encodeRedirect(packet));
    return true;
  }

  // ---- displays ---------------------------------------------------------------------------------------------

  /**
   * `d`'s status as Netstat VIPADYN shows it here, or null when this stack does not hold it (out of the
   * group, or neither owner, backup nor target). A VIPADEFINE stack that does not own its DVIPA at the moment
   * waits as BACKUP; a deactivated one is QUIESCING while connections to it remain here [R: SYSPLEX-
   * DISTRIBUTOR.md 4.4, ACTIVE -> QUIESCING -> deactivated]. MOVING is not modelled: a stack that gave a
   * distributed DVIPA away stays one of its targets, so its connections are plain target connections.
   */
  displayState(d: Dvipa): 'ACTIVE' | 'BACKUP' | 'QUIESCING' | 'DEACTIVATED' | null {
    if (!this.inGroup) return null;
    if (d.owner === this.self) return 'ACTIVE';
    if (d.deactivated) return this.host.connectionsOn(d.ip).length > 0 ? 'QUIESCING' : 'DEACTIVATED';
    if (d.backup !== null || d.define !== null) return 'BACKUP';
    return d.ad !== null ? 'ACTIVE' : null;
  }

  /** This stack is one of `d`'s distribution targets (DESTIP ALL or its dynamic XCF address named). */
  isDestination(d: Dvipa): boolean {
    return d.ad !== null && (d.ad.dest === 'ALL' || d.ad.dest.includes(this.xcfIp));
  }

  /** This stack distributes `d` now (owns it, with a VIPADISTRIBUTE in effect). */
  isDistributing(d: Dvipa): boolean {
    return d.owner === this.self && d.ports.length > 0;
  }

  // ---- the distributor's data path ------------------------------------------------------------------------

  /**
   * A QDIO interrupt's datagrams, before route() sees them one by one: decide them all now, so the VCRT misses
   * of a burst overlap (ForwardBatch). route() uses a decision only while the VCRT is unchanged since, and
   * only a forward to a target; everything else it decides again.
   */
  lookAhead(packets: readonly Uint8Array[]): void {
    if (this.vdpt.size > 0) this.ahead.decide(packets, this.vcrt);
  }

  /**
   * An inbound datagram from the OSA. Returns true when the distributor took it (forwarded it to a target,
   * or dropped it); false when it is for this stack's own IP input.
   */
  route(now: number, packet: Uint8Array): boolean {
    if (this.vdpt.size === 0) return this.redirect(packet);
    const early = this.ahead.take(packet, this.vcrt.generation);
    if (early >= 0) {
      this.counters.decidedAhead++;
      this.forwardTo(now, early, packet);
      return true;
    }
    const key = this.key;
    const target = forwardDecision(packet, this.vcrt, key);
    if (target >= 0) {
      this.forwardTo(now, target, packet);
      return true;
    }
    if (target === NO_ENTRY && this.dvipas.get(key.dvipa)?.awaiting.size) {
      this.counters.dropped++;
      return true;
    }
    if (target === NOT_DISTRIBUTED) return this.redirect(packet);
    if (target !== NEW_CONNECTION) {
      // Not TCP, or no VCRT entry: the local stack decides (a local connection or a RST).
      return false;
    }
    const p = this.vdpt.byService(key.service)!;
    const chosen = selectTarget(p, key.clientIp, now, p.affinityPs > 0 ? this.affinity : null);
    if (chosen === NO_TARGET) {
      this.counters.noTarget++;
      if (this.hal.tracing) this.hal.trace('sd.notarget', { dvipa: ipText(key.dvipa), port: key.port, client: ipText(key.clientIp) });
      this.counters.dropped++;
      return true;
    }
    this.vcrt.insertService(key.clientIp, key.clientPort, key.service, chosen);
    p.connectionStarted(chosen);
    if (p.affinityPs > 0) this.affinity.opened(key.clientIp, key.service, chosen);
    if (this.hal.tracing) {
      this.hal.trace('vcrt.insert', {
        dvipa: ipText(key.dvipa), port: key.port, client: ipText(key.clientIp), clientPort: key.clientPort, target: this.targetName(chosen),
      });
    }
    this.forwardTo(now, chosen, packet);
    return true;
  }

  /** A datagram from the LAN for a DVIPA another stack owns now (it moved, and the LAN has not learned it
   *  yet): hand it to the owner over XCF instead of answering it here with a RST. */
  private redirect(packet: Uint8Array): boolean {
    if (this.dvipas.size === 0 || packet.length < 20) return false;
    const dst = ((packet[16]! << 24) | (packet[17]! << 16) | (packet[18]! << 8) | packet[19]!) >>> 0;
    const d = this.dvipas.get(dst);
    if (d === undefined || d.owner === null || d.owner === this.self || !this.members.has(d.owner)) return false;
    this.counters.redirected++;
    if (this.hal.tracing) this.hal.trace('conn.redirect', { to: d.owner, bytes: packet.length });
    this.hal.xcfSend(d.owner, encodeRedirect(packet));
    return true;
  }

  private forwardTo(now: number, t: number, packet: Uint8Array): void {
    const stack = this.targetNames[t]!;
    if (stack === this.self) {
      this.host.deliverLocal(now, packet);
      return;
    }
    this.counters.forwarded++;
    if (this.hal.tracing) this.hal.trace('conn.forward', { to: stack, bytes: packet.length });
    this.hal.xcfSend(stack, encodeForward(packet));
  }

  /**
   * SERVERWLM: each server this stack runs for a distributed port gets a WLM server-specific weight: the
   * system weight, reduced by how full the server's backlog is (a server falling behind its connection
   * requests is worth less new work), 0 without a listener. Sent to the distributor with every WLM poll.
   */
  private reportServerWeights(systemWeight: number): void {
    const self = this.indexOf(this.self);
    for (const d of this.dvipas.values()) {
      if (d.ad === null || !this.isDestination(d) || d.owner === null) continue;
      for (const port of d.ad.ports) {
        const ready = this.host.listeners(d.ip, port);
        const weight = ready === 0 ? 0 : Math.round(systemWeight * (1 - this.host.backlogFill(d.ip, port)));
        if (d.owner === this.self) {
          const p = this.vdpt.get(d.ip, port);
          if (p !== undefined && p.isConfigured(self)) p.setServerWeight(self, weight);
        } else {
          this.send(d.owner, { m: 'sweight', ip: d.ip, port, weight });
        }
      }
    }
  }

  // ---- timers ---------------------------------------------------------------------------------------------

  /** Returns true when the timer was this module's. */
  timer(now: number, id: number): boolean {
    if (id === this.timerBase + WLM_TIMER) {
      if (!this.inGroup) return true;
      const m = this.wlmMessage();
      const self = this.indexOf(this.self);
      if (m.unused !== undefined && m.total !== undefined) {
        this.wlm.set(self, { unused: m.unused, total: m.total });
        this.applyWlmWeights();
      } else {
        this.vdpt.setSystemWeight(self, m.weight);
      }
      for (const stack of this.members.keys()) this.send(stack, m);
      this.reportServerWeights(this.vdpt.systemWeight[self]!);
      this.hal.setTimer(id, now + this.wlmPollPs);
      return true;
    }
    if (id === this.timerBase + JOIN_TIMER) {
      this.settled = true;
      this.resolveAll(now, false);
      return true;
    }
    if (id === this.timerBase + AFFINITY_TIMER) {
      this.affinity.expire(now);
      this.armAffinityTimer();
      return true;
    }
    return false;
  }

  /** This system's WLM data as the host's WLM gives it now. */
  private wlmMessage(): Extract<ControlMessage, { m: 'wlm' }> {
    const weight = Math.max(0, Math.min(64, Math.round(this.hal.wlmWeight())));
    const c = this.hal.wlmCapacity?.();
    return c === undefined ? { m: 'wlm', weight } : { m: 'wlm', weight, unused: c.unused, total: c.total };
  }

  /** BASEWLM system weights: every reporting system's, normalised across them (WlmWeights). */
  private applyWlmWeights(): void {
    for (const [t, w] of this.wlm.weights()) this.vdpt.setSystemWeight(t, w);
  }

  private send(stack: string, m: ControlMessage): void {
    this.hal.xcfSend(stack, encodeControl(m));
  }
}

/** Forward decisions taken for a burst ahead of time, handed out as its datagrams arrive in order. */
class LookAhead {
  private readonly batch = new ForwardBatch(256);
  private packets: readonly Uint8Array[] | null = null;
  private decided = 0;
  private next = 0;
  private generation = -1;

  decide(packets: readonly Uint8Array[], vcrt: Vcrt): void {
    this.decided = Math.min(packets.length, this.batch.capacity);
    this.batch.run(packets, this.decided, vcrt);
    this.packets = packets;
    this.next = 0;
    this.generation = vcrt.generation;
  }

  /** The target decided for `packet` when it is the burst's next datagram and the VCRT is still at the
   *  generation of the decision; else -1 (and a datagram out of turn ends the burst). */
  take(packet: Uint8Array, generation: number): number {
    const list = this.packets;
    if (list === null) return -1;
    const j = this.next;
    if (j >= this.decided || list[j] !== packet) {
      this.packets = null;
      return -1;
    }
    this.next = j + 1;
    return generation === this.generation ? this.batch.decisions[j]! : -1;
  }
}
