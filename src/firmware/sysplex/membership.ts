// Group membership: joining and leaving the TCP/IP sysplex group, members joining and failing as the XCF
// model reports them, the hellos in which stacks announce their DVIPA definitions to each other, and the
// periodic WLM weight exchange.

import type { ControlMessage, DvipaStatus } from '../xcf-messages.js';
import type { Distributor } from './distributor.js';
import { refreshOptLocal } from './optlocal.js';
import type { Ownership } from './ownership.js';
import type { SysplexState } from './state.js';
import type { Target } from './target.js';
import { JOIN_SETTLE_PS, JOIN_TIMER, WLM_TIMER } from './timers.js';

type WlmMessage = Extract<ControlMessage, { m: 'wlm' }>;

/** A change of unused capacity smaller than this share of the system's total is not sent (assumed: half a step
 *  of the 0-64 weight of a system alone, so no distributor's weight moves by a whole step without it). */
const WLM_RESOLUTION = 1 / 128;

export class Membership {
  /** The WLM data last sent to each member: the poll sends only a change (the member keeps the last), so an
   *  idle sysplex exchanges nothing after the join and the traffic grows with the members, not their square. */
  private readonly wlmSent = new Map<string, WlmMessage>();

  constructor(
    private readonly s: SysplexState,
    private readonly distributor: Distributor,
    private readonly ownership: Ownership,
    private readonly target: Target,
    private readonly timerBase: number,
  ) {}

  /** IPL or JOINGROUP: join the group and activate the DVIPAs this stack defines once the join settles and
   *  every member XCF lists has said in its hello what it has active (XCF reports those members at once). */
  join(now: number): void {
    const s = this.s;
    s.inGroup = true;
    s.unheard.clear();
    s.hal.xcfJoin(true);
    s.vdpt.setMember(s.indexOf(s.self), true);
    s.vdpt.setPathUp(s.indexOf(s.self), true);
    s.hal.setTimer(this.timerBase + JOIN_TIMER, now + JOIN_SETTLE_PS);
    // The first poll at once: a distributor has weights from the start, not only after SYSPLEXWLMPOLL.
    s.hal.setTimer(this.timerBase + WLM_TIMER, now);
  }

  /** The join settle time passed: the ownership rules apply (a DVIPA this stack defines is activated once the
   *  members' hellos are in, see `unheard`). */
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
    s.unheard.clear();
    this.wlmSent.clear();
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
      // Until its hello arrives this stack does not know what the member has active.
      if (!s.members.has(stack)) s.unheard.add(stack);
      s.vdpt.setMember(t, true);
      s.vdpt.setPathUp(t, true);
      s.send(stack, { m: 'hello', xcfIp: s.xcfIp, dvipas: this.status(), reply: false });
      // A joining system learns this one's WLM data now rather than at the next poll.
      this.sendWlm(stack, this.wlmMessage());
      refreshOptLocal(s);
      return;
    }
    s.members.delete(stack);
    s.unheard.delete(stack);
    this.wlmSent.delete(stack);
    if (s.wlm.delete(t)) this.applyWlmWeights();
    // Server weights it was told are gone with it: a member that returns is told afresh.
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

  /** A member's hello: what it defines and backs up, and what it has active. Answers a first one, and tells a
   *  newcomer what this stack owns (adding it as a target where DESTIP covers it). */
  hello(now: number, from: string, m: Extract<ControlMessage, { m: 'hello' }>): void {
    const s = this.s;
    const t = s.indexOf(from);
    const known = s.members.has(from);
    s.members.set(from, { xcfIp: m.xcfIp, dvipas: new Map(m.dvipas.map((x) => [x.ip, x])) });
    s.unheard.delete(from);
    // What the member has active it owns, as far as this stack knows (its `active` message with the
    // distribution follows): a returning VIPADEFINE stack then waits for the handover rather than activating.
    for (const x of m.dvipas) {
      const d = s.dvipas.get(x.ip);
      if (x.active && d !== undefined && d.owner !== s.self) d.owner = from;
    }
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

  /** Another member's WLM data: its capacity (normalised with everyone's), or from older hosts its weight. */
  wlm(from: string, m: Extract<ControlMessage, { m: 'wlm' }>): void {
    const t = this.s.indexOf(from);
    if (m.unused !== undefined && m.total !== undefined) {
      this.s.wlm.set(t, { unused: m.unused, total: m.total });
      this.applyWlmWeights();
    } else {
      this.s.vdpt.setSystemWeight(t, m.weight);
    }
    refreshOptLocal(this.s);
  }

  /** The WLM poll (every SYSPLEXWLMPOLL): this system's WLM data to every member and into the normalised
   *  weights, server weights to the distributors. */
  pollWlm(now: number, id: number): void {
    const s = this.s;
    if (!s.inGroup) return;
    const m = this.wlmMessage();
    const self = s.indexOf(s.self);
    if (m.unused !== undefined && m.total !== undefined) {
      s.wlm.set(self, { unused: m.unused, total: m.total });
      this.applyWlmWeights();
    } else {
      s.vdpt.setSystemWeight(self, m.weight);
    }
    for (const stack of s.members.keys()) if (wlmChanged(this.wlmSent.get(stack), m)) this.sendWlm(stack, m);
    this.target.reportServerWeights(s.vdpt.systemWeight[self]!);
    s.hal.setTimer(id, now + s.wlmPollPs);
  }

  private sendWlm(stack: string, m: WlmMessage): void {
    this.s.send(stack, m);
    this.wlmSent.set(stack, m);
  }

  /** This system's WLM data as the host's WLM gives it now. */
  private wlmMessage(): WlmMessage {
    const hal = this.s.hal;
    const weight = Math.max(0, Math.min(64, Math.round(hal.wlmWeight())));
    const c = hal.wlmCapacity?.();
    return c === undefined ? { m: 'wlm', weight } : { m: 'wlm', weight, unused: c.unused, total: c.total };
  }

  /** BASEWLM system weights: every reporting system's, normalised across them (WlmWeights). */
  private applyWlmWeights(): void {
    for (const [t, w] of this.s.wlm.weights()) this.s.vdpt.setSystemWeight(t, w);
  }

  /** This stack's DVIPA definitions, as its hellos announce them. */
  status(): DvipaStatus[] {
    return [...this.s.dvipas.values()].map((d) => ({
      ip: d.ip,
      define: d.define === null ? null : (d.define.moveable ?? 'IMMEDIATE'),
      rank: d.backup?.rank ?? 0,
      deactivated: d.deactivated,
      active: d.owner === this.s.self,
    }));
  }

  /** The operator changed a definition here: tell every member. */
  broadcastHello(): void {
    const s = this.s;
    for (const stack of s.members.keys()) s.send(stack, { m: 'hello', xcfIp: s.xcfIp, dvipas: this.status(), reply: true });
  }
}

/** `now` differs from what a member was last told enough to matter to its weights. */
export function wlmChanged(last: WlmMessage | undefined, now: WlmMessage): boolean {
  if (last === undefined || last.weight !== now.weight || last.total !== now.total) return true;
  if (last.unused === undefined || now.unused === undefined || now.total === undefined) return last.unused !== now.unused;
  return Math.abs(last.unused - now.unused) >= now.total * WLM_RESOLUTION;
}
