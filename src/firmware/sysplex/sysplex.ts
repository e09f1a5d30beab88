// The Sysplex Distributor as one stack runs it: dynamic VIPA ownership (VIPADEFINE, VIPABACKUP ranks,
// takeover and takeback), the distributing stack's tables (VDPT, VCRT, timed affinities) and its data path,
// and the target side (listener reports, connection ends, reports to a new owner).
//
// This class is what the stack and its displays see; each job lives in a file of its own:
//   state.ts       what the roles share (DVIPAs, members, tables, target indices)
//   rules.ts       the ownership rules, as pure functions
//   ownership.ts   applying them: activation, takeover, takeback by handover, giving a DVIPA up
//   membership.ts  joining and leaving the group, members' hellos and failures, WLM polls
//   distributor.ts the VDPT ports and their targets (configured in one place), VCRT rows, target reports
//   data-path.ts   routing inbound datagrams through those tables (look-ahead.ts: burst decisions)
//   target.ts      the target side
//   optlocal.ts    OPTLOCAL and where connections this stack originates go
//   operator.ts    V TCPIP,,SYSPLEX,DEACTIVATE / REACTIVATE
//   dispatch.ts    XCF input, each message to its role
//   displays.ts    a DVIPA's status as the displays show it
//   timers.ts      the module's timers
// Messages travel as src/firmware/xcf-messages.ts defines them; a malformed one is counted and dropped.

import type { Profile } from '../profile/types.js';
import type { ServiceTable, TimedAffinity, Vcrt, Vdpt } from '../sd/index.js';
import { DataPath } from './data-path.js';
import { Dispatch } from './dispatch.js';
import * as displays from './displays.js';
import { Distributor } from './distributor.js';
import type { Dvipa, Member } from './dvipa.js';
import type { SysplexHost } from './host.js';
import { Membership } from './membership.js';
import { OperatorMoves } from './operator.js';
import { type Origination, originate } from './optlocal.js';
import { Ownership } from './ownership.js';
import { SysplexState } from './state.js';
import { Target } from './target.js';
import { AFFINITY_TIMER, JOIN_TIMER, WLM_TIMER } from './timers.js';

export class Sysplex {
  readonly dvipas: Map<number, Dvipa>;
  readonly members: Map<string, Member>;
  readonly services: ServiceTable;
  readonly vcrt: Vcrt;
  readonly vdpt: Vdpt;
  readonly affinity: TimedAffinity;
  readonly counters: SysplexState['counters'];

  private readonly s: SysplexState;
  private readonly group: Membership;
  private readonly ownership: Ownership;
  private readonly distributor: Distributor;
  private readonly target: Target;
  private readonly dataPath: DataPath;
  private readonly operator: OperatorMoves;
  private readonly dispatch: Dispatch;

  constructor(
    host: SysplexHost,
    profile: Profile,
    /** Timer ids this module may use: base + 1 to base + 3. */
    private readonly timerBase: number,
  ) {
    const s = (this.s = new SysplexState(host, profile));
    this.distributor = new Distributor(s, timerBase);
    this.ownership = new Ownership(s, this.distributor);
    this.target = new Target(s, this.distributor, this.ownership);
    this.group = new Membership(s, this.distributor, this.ownership, this.target, timerBase);
    this.dataPath = new DataPath(s);
    this.operator = new OperatorMoves(s, this.group, this.ownership, this.target);
    this.dispatch = new Dispatch(s, this.group, this.ownership, this.distributor, this.target, this.dataPath);
    this.dvipas = s.dvipas;
    this.members = s.members;
    this.services = s.services;
    this.vcrt = s.vcrt;
    this.vdpt = s.vdpt;
    this.affinity = s.affinity;
    this.counters = s.counters;
  }

  get inGroup(): boolean {
    return this.s.inGroup;
  }

  targetName(t: number): string {
    return this.s.targetName(t);
  }

  xcfIpOf(stack: string): number {
    return this.s.xcfIpOf(stack);
  }

  // ---- group membership ----

  join(now: number): void {
    this.group.join(now);
  }

  leave(now: number): void {
    this.group.leave(now);
  }

  membership(now: number, stack: string, joined: boolean): void {
    this.group.membership(now, stack, joined);
  }

  // ---- XCF input ----

  xcfReceive(now: number, from: string, bytes: Uint8Array): void {
    this.dispatch.xcfReceive(now, from, bytes);
  }

  // ---- the data path ----

  lookAhead(packets: readonly Uint8Array[]): void {
    this.dataPath.lookAhead(packets);
  }

  route(now: number, packet: Uint8Array): boolean {
    return this.dataPath.route(now, packet);
  }

  toDistributor(dst: number, packet: Uint8Array): boolean {
    return this.dataPath.toDistributor(dst, packet);
  }

  // ---- target side and connections this stack originates ----

  isTargetAddress(ip: number): boolean {
    return this.target.isTargetAddress(ip);
  }

  listenersChanged(port: number): void {
    this.target.listenersChanged(port);
  }

  localConnectionEnded(now: number, localIp: number, localPort: number, client: number, clientPort: number): void {
    this.target.localConnectionEnded(now, localIp, localPort, client, clientPort);
  }

  originate(dst: number, port: number): Origination {
    return originate(this.s, dst, port);
  }

  /** This stack owns (advertises) at least one DVIPA now. */
  advertisesDvipas(): boolean {
    for (const d of this.s.dvipas.values()) if (d.owner === this.s.self) return true;
    return false;
  }

  /** True when this stack owns (advertises) `ip` now. */
  owns(ip: number): boolean {
    return this.s.dvipas.get(ip)?.owner === this.s.self;
  }

  // ---- operator moves ----

  deactivate(now: number, ip: number): string | null {
    return this.operator.deactivate(now, ip);
  }

  reactivate(now: number, ip: number): string | null {
    return this.operator.reactivate(now, ip);
  }

  // ---- displays ----

  displayState(d: Dvipa): 'ACTIVE' | 'BACKUP' | 'QUIESCING' | 'DEACTIVATED' | null {
    return displays.displayState(this.s, d);
  }

  isDestination(d: Dvipa): boolean {
    return displays.isDestination(this.s, d);
  }

  isDistributing(d: Dvipa): boolean {
    return displays.isDistributing(this.s, d);
  }

  // ---- timers ----

  /** Returns true when the timer was this module's. */
  timer(now: number, id: number): boolean {
    if (id === this.timerBase + WLM_TIMER) this.group.pollWlm(now, id);
    else if (id === this.timerBase + JOIN_TIMER) this.group.settle(now);
    else if (id === this.timerBase + AFFINITY_TIMER) this.distributor.expireAffinities(now);
    else return false;
    return true;
  }
}
