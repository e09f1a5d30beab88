// Group membership: joining and leaving the TCP/IP sysplex group, members joining and failing as the XCF
// model reports them, the hellos in which stacks announce their DVIPA definitions to each other, and the
// periodic WLM weight exchange.

import type { ControlMessage, DvipaStatus } from '../xcf-messages.js';
import type { Distributor } from './distributor.js';
import { refreshOptLocal } from './optlocal.js';
import type { Ownership } from './ownership.js';
import type { SysplexState } from './state.js';
import type { Target } from './target.js';
import { JOIN_SETTLE_PS, JOIN_TIMER, WLM_POLL_PS, WLM_TIMER } from './timers.js';

export class Membership {
  /** The WLM weight last sent to each member: the poll sends only a changed one (the member keeps the last),
   *  so an idle sysplex exchanges nothing and the traffic grows with the members, not their square. */
  private readonly weightSent = new Map<string, number>();

  constructor(
    private readonly s: SysplexState,
    private readonly distributor: Distributor,
    private readonly ownership: Ownership,
    private readonly target: Target,
    private readonly timerBase: number,
  ) {}

  /** IPL or JOINGROUP: join the group and activate the DVIPAs this stack defines (once the join settles). */
  join(now: number): void {
    const s = this.s;
    s.inGroup = true;
    s.hal.xcfJoin(true);
    s.vdpt.setMember(s.indexOf(s.self), true);
    s.vdpt.setPathUp(s.indexOf(s.self), true);
    s.hal.setTimer(this.timerBase + JOIN_TIMER, now + JOIN_SETTLE_PS);
    s.hal.setTimer(this.timerBase + WLM_TIMER, now + WLM_POLL_PS);
  }

  /** The join settle time passed: the members' hellos are in, so the ownership rules can be applied. */
  settle(now: number): void {
    this.s.settled = true;
    this.ownership.resolveAll(now, false);
  }

  /** LEAVEGROUP (or the stack stopping): give up every DVIPA and leave the group. */
  leave(_now: number): void {
    const s = this.s;
    for (const d of s.dvipas.values()) {
      if (d.owner === s.self) this.ownership.deactivateLocally(d);
      d.owner = null;
      d.ad = null;
    }
    s.members.clear();
    this.weightSent.clear();
    this.target.forgetWeightsSent(null);
    s.inGroup = false;
    s.settled = false;
    s.hal.xcfJoin(false);
    s.hal.cancelTimer(this.timerBase + WLM_TIMER);
  }

  /** The XCF model reports a member joining or leaving (after the failure detection interval if it failed). */
  membership(now: number, stack: string, joined: boolean): void {
    const s = this.s;
    if (!s.inGroup || stack === s.self) return;
    const t = s.indexOf(stack);
    if (joined) {
      s.vdpt.setMember(t, true);
      s.vdpt.setPathUp(t, true);
      s.send(stack, { m: 'hello', xcfIp: s.xcfIp, dvipas: this.status(), reply: false });
      refreshOptLocal(s);
      return;
    }
    s.members.delete(stack);
    // What it was told is gone with it: a member that returns is told afresh.
    this.weightSent.delete(stack);
    this.target.forgetWeightsSent(stack);
    // Connections on the lost target are gone; the VCRT forgets them and the VDPT stops counting them.
    s.vcrt.deleteTarget(t);
    s.affinity.deleteTarget(t);
    s.vdpt.targetLost(t);
    for (const d of s.dvipas.values()) {
      d.awaiting.delete(stack);
      d.optLocalSent.clear();
      if (d.owner === stack) {
        d.owner = null;
        d.ad = null;
        d.keepLocalPorts.clear();
        d.activatedAt = -1;
      }
    }
    this.ownership.resolveAll(now, true);
    refreshOptLocal(s);
  }

  /** A member's hello: what it defines and backs up. Answers a first one, and tells a newcomer what this stack
   *  owns (adding it as a target where DESTIP covers it). */
  hello(now: number, from: string, m: Extract<ControlMessage, { m: 'hello' }>): void {
    const s = this.s;
    const t = s.indexOf(from);
    const known = s.members.has(from);
    s.members.set(from, { xcfIp: m.xcfIp, dvipas: new Map(m.dvipas.map((x) => [x.ip, x])) });
    // A newcomer (or a re-IPLed stack) knows no OPTLOCAL verdicts yet: send them all again.
    if (!known) for (const d of s.dvipas.values()) d.optLocalSent.clear();
    s.vdpt.setMember(t, true);
    s.vdpt.setPathUp(t, true);
    if (!m.reply || !known) s.send(from, { m: 'hello', xcfIp: s.xcfIp, dvipas: this.status(), reply: true });
    for (const d of s.dvipas.values()) {
      if (d.owner !== s.self) continue;
      s.send(from, { m: 'active', ip: d.ip, dist: d.ad });
      this.distributor.addMember(d, from);
    }
    this.ownership.resolveAll(now, false);
    refreshOptLocal(s);
  }

  /** Another member's WLM system weight. */
  wlm(from: string, weight: number): void {
    this.s.vdpt.setSystemWeight(this.s.indexOf(from), weight);
    refreshOptLocal(this.s);
  }

  /** The WLM poll: this system's weight to every member (when it changed) and to the VDPT, server weights to the
   *  distributors. */
  pollWlm(now: number, id: number): void {
    const s = this.s;
    if (!s.inGroup) return;
    const weight = Math.max(0, Math.min(64, Math.round(s.hal.wlmWeight())));
    s.vdpt.setSystemWeight(s.indexOf(s.self), weight);
    for (const stack of s.members.keys()) {
      if (this.weightSent.get(stack) === weight) continue;
      this.weightSent.set(stack, weight);
      s.send(stack, { m: 'wlm', weight });
    }
    this.target.reportServerWeights(weight);
    s.hal.setTimer(id, now + WLM_POLL_PS);
  }

  /** This stack's DVIPA definitions, as its hellos announce them. */
  status(): DvipaStatus[] {
    return [...this.s.dvipas.values()].map((d) => ({
      ip: d.ip,
      define: d.define === null ? null : (d.define.moveable ?? 'IMMEDIATE'),
      rank: d.backup?.rank ?? 0,
      deactivated: d.deactivated,
    }));
  }

  /** The operator changed a definition here: tell every member. */
  broadcastHello(): void {
    const s = this.s;
    for (const stack of s.members.keys()) s.send(stack, { m: 'hello', xcfIp: s.xcfIp, dvipas: this.status(), reply: true });
  }
}
