// The distributing stack's tables for the DVIPAs it owns: the VDPT ports VIPADISTRIBUTE defines (the one
// place their targets are configured), the VCRT rows of distributed connections, timed affinities, and the
// listener and weight reports targets send. Moving ownership itself is ownership.ts's job; routing
// datagrams through these tables is data-path.ts's.

import type { VipaDistribute } from '../profile/types.js';
import { NOT_FOUND, type VdptPort } from '../sd/index.js';
import { ipText } from '../sd/types.js';
import type { VcrtTuple } from '../xcf-messages.js';
import type { Dvipa } from './dvipa.js';
import type { SysplexState } from './state.js';
import { AFFINITY_TIMER } from './timers.js';

export class Distributor {
  constructor(
    private readonly s: SysplexState,
    private readonly timerBase: number,
  ) {}

  /** VIPADISTRIBUTE `v` in effect for `ip`: a VDPT port per distributed port, its targets the stacks `v` names. */
  definePorts(ip: number, v: VipaDistribute): VdptPort[] {
    return v.ports.map((port) => this.definePort(ip, port, v));
  }

  private definePort(ip: number, port: number, v: VipaDistribute): VdptPort {
    const s = this.s;
    const existing = s.vdpt.get(ip, port);
    if (existing !== undefined) s.vdpt.remove(ip, port);
    const p = s.vdpt.define(ip, port, {
      method: v.method,
      autoSwitchBack: v.autoSwitchBack,
      healthSwitch: v.healthSwitch,
      optLocal: v.optLocal ?? -1,
      timedAffinitySeconds: v.timedAffinity,
    });
    // DESTIP order for explicit lists; stack-name order for ALL.
    if (v.destinations === 'ALL') {
      for (const stack of [s.self, ...s.members.keys()].sort()) this.configureTarget(p, v, stack);
    } else {
      for (const dest of v.destinations) {
        const stack = s.stackWithXcfIp(dest.xcfIp);
        if (stack !== null) this.configureTarget(p, v, stack);
      }
    }
    // The rotation starts at the last target in DESTIP order (so the demo's 1000 connections split
    // 333/333/334 over SYS1..SYS3, as CONTRACT.md states).
    p.rrNext = Math.max(0, p.orderLength - 1);
    return p;
  }

  /** A stack joined: add it as a target of `d`'s ports (a DVIPA this stack distributes) where DESTIP covers it. */
  addMember(d: Dvipa, stack: string): void {
    for (const p of d.ports) this.configureTarget(p, d.distribute!, stack);
  }

  /** Makes `stack` a target of `p` as VIPADISTRIBUTE `v` names it: every stack for DESTIP ALL, else the DESTIP
   *  entry for its dynamic XCF address, with its weight and role; nothing when `v` does not name it. */
  private configureTarget(p: VdptPort, v: VipaDistribute, stack: string): void {
    const t = this.s.indexOf(stack);
    if (v.destinations === 'ALL') {
      p.addTarget(t);
      return;
    }
    const xcfIp = this.s.xcfIpOf(stack);
    const dest = v.destinations.find((x) => x.xcfIp === xcfIp);
    if (dest === undefined) return;
    p.addTarget(t, { weight: dest.weight, preferred: dest.role === 'PREFERRED', backupRank: dest.role === 'BACKUP' ? dest.rank : undefined });
  }

  /** A connection the distributor did not route itself (a takeover, a takeback): learn it for target `t`. */
  restoreConnection(dvipa: number, client: number, clientPort: number, port: number, t: number): void {
    const p = this.s.vdpt.get(dvipa, port);
    if (p === undefined) return;
    if (this.s.vcrt.insert(client, clientPort, dvipa, port, t)) p.connectionRestored(t);
  }

  restoreLocalConnections(d: Dvipa): void {
    const t = this.s.indexOf(this.s.self);
    for (const [client, clientPort, port] of this.s.host.connectionsOn(d.ip)) this.restoreConnection(d.ip, client, clientPort, port, t);
  }

  /** This stack is a target of its own distributor too: its listeners count like any target's. */
  reportLocalListeners(d: Dvipa): void {
    const t = this.s.indexOf(this.s.self);
    for (const p of d.ports) if (p.isConfigured(t)) p.setReady(t, this.s.readyFor(d, p.port));
  }

  /** Target `t` reports `ready` listeners on (ip, port); false when this stack does not distribute to it there. */
  setReady(ip: number, port: number, t: number, ready: number): boolean {
    const p = this.s.vdpt.get(ip, port);
    if (p === undefined || !p.isConfigured(t)) return false;
    p.setReady(t, ready);
    return true;
  }

  /** SERVERWLM: target `t`'s server-specific weight for (ip, port). */
  setServerWeight(ip: number, port: number, t: number, weight: number): void {
    const p = this.s.vdpt.get(ip, port);
    if (p !== undefined && p.isConfigured(t)) p.setServerWeight(t, weight);
  }

  /** A connection to (dvipa, port) on target `t` ended: forget it. False when the VCRT did not hold it. */
  connectionEnded(now: number, dvipa: number, port: number, client: number, clientPort: number, t: number): boolean {
    const s = this.s;
    const p = s.vdpt.get(dvipa, port);
    if (p === undefined) return false;
    if (s.vcrt.delete(client, clientPort, dvipa, port) === NOT_FOUND) return false;
    p.connectionEnded(t);
    if (p.affinityPs > 0 && s.affinity.closed(client, p.service, now, p.affinityPs)) this.armAffinityTimer();
    if (s.hal.tracing) s.hal.trace('vcrt.delete', { dvipa: ipText(dvipa), port, client: ipText(client), clientPort, target: s.targetName(t) });
    return true;
  }

  /** The VCRT rows of `d`, as a handover carries them to the new owner. */
  vcrtRows(d: Dvipa): VcrtTuple[] {
    const rows: VcrtTuple[] = [];
    this.s.vcrt.forEach((client, clientPort, dvipa, port, target) => {
      if (dvipa === d.ip) rows.push([client, clientPort, port, this.s.targetName(target)]);
    });
    return rows;
  }

  /** Stop distributing `d`: drop its VCRT rows, affinities and VDPT ports. */
  drop(d: Dvipa): void {
    const s = this.s;
    for (const p of d.ports) {
      s.vcrt.deleteAllOfService(p.service);
      s.affinity.deleteService(p.service);
      s.vdpt.remove(d.ip, p.port);
    }
    d.ports = [];
  }

  armAffinityTimer(): void {
    const next = this.s.affinity.nextExpiry();
    if (next >= 0) this.s.hal.setTimer(this.timerBase + AFFINITY_TIMER, next);
  }

  /** The timed-affinity timer fired. */
  expireAffinities(now: number): void {
    this.s.affinity.expire(now);
    this.armAffinityTimer();
  }
}
