// What every role of the Sysplex Distributor reads and writes: this stack's DVIPAs, the other members as
// their hellos described them, the distributor's tables (VDPT, VCRT, timed affinities), the target index of
// each stack, and the group state. The roles (membership, ownership, distributor, target, ...) share one.

import { WlmWeights } from '../sd/wlm-weights.js';
import { SECOND_PS } from './timers.js';
import type { Hal } from '../hal.js';
import type { Profile, VipaBackup, VipaDefine, VipaDistribute, VipaRoute } from '../profile/types.js';
import { ServiceTable, TimedAffinity, Vcrt, Vdpt } from '../sd/index.js';
import { type ControlMessage, encodeControl } from '../xcf-messages.js';
import { type Dvipa, type Member, newDvipa } from './dvipa.js';
import type { SysplexHost } from './host.js';

export class SysplexState {
  readonly dvipas = new Map<number, Dvipa>();
  readonly members = new Map<string, Member>();
  readonly services = new ServiceTable();
  readonly vcrt: Vcrt;
  readonly vdpt: Vdpt;
  /** How often WLM weights are polled and exchanged (GLOBALCONFIG SYSPLEXWLMPOLL), ps. */
  readonly wlmPollPs: number;
  /** The systems' WLM capacity data, normalised into BASEWLM system weights. */
  readonly wlm = new WlmWeights();
  readonly affinity = new TimedAffinity();
  inGroup = false;
  /** The join settle time has passed. */
  settled = false;
  /** Members XCF lists in the group whose hello (their DVIPA state) has not arrived since this stack joined. */
  readonly unheard = new Set<string>();
  /** decidedAhead: datagrams forwarded on a decision of the look-ahead over their burst (a share of forwarded).
   *  viaIqd: forwarded or redirected datagrams that went over HiperSockets (IUTIQDIO) rather than XCF.
   *  viaVipaRoute: forwarded ones that went in GRE over the IP network (VIPAROUTE). */
  readonly counters = { forwarded: 0, redirected: 0, dropped: 0, malformed: 0, noTarget: 0, decidedAhead: 0, viaIqd: 0, viaVipaRoute: 0 };
  /** VIPADYNAMIC VIPAROUTE entries: targets reached over the IP network in GRE. */
  readonly vipaRoutes: readonly VipaRoute[];
  readonly hal: Hal;
  readonly self: string;
  readonly xcfIp: number;

  /** Target index <-> stack name; indices are handed out on first sight and never reused. */
  private readonly targetNames: string[] = [];
  private readonly targetIndex = new Map<string, number>();

  constructor(
    readonly host: SysplexHost,
    profile: Profile,
  ) {
    this.hal = host.hal;
    this.self = host.hal.stackName;
    this.xcfIp = profile.dynamicXcf?.ip ?? 0;
    this.vipaRoutes = profile.vipaRoutes;
    this.wlmPollPs = profile.globalConfig.sysplexWlmPoll * SECOND_PS;
    this.vcrt = new Vcrt({ services: this.services });
    this.vdpt = new Vdpt(this.services, { targets: 64 });
    for (const d of profile.vipaDefines) this.addDvipa(d.ip, { define: d });
    for (const b of profile.vipaBackups) this.addDvipa(b.ip, { backup: b });
    for (const v of profile.vipaDistributes) {
      const d = this.dvipas.get(v.ip);
      if (d !== undefined) (d as { distribute: VipaDistribute | null }).distribute = v;
    }
    this.indexOf(this.self);
  }

  addDvipa(ip: number, part: { define?: VipaDefine; backup?: VipaBackup }): Dvipa {
    const d = newDvipa(ip, part, this.dvipas.get(ip));
    this.dvipas.set(ip, d);
    return d;
  }

  /** The VDPT/VCRT target index of `stack`. */
  indexOf(stack: string): number {
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

  stackWithXcfIp(ip: number): string | null {
    if (ip === this.xcfIp) return this.self;
    for (const [s, m] of this.members) if (m.xcfIp === ip) return s;
    return null;
  }

  /** The listeners this stack reports for `d`'s port: none while the operator has deactivated the DVIPA here
   *  (it quiesces: keeps its connections, takes no new ones). */
  readyFor(d: Dvipa, port: number): number {
    return d.deactivated ? 0 : this.host.listeners(d.ip, port);
  }

  send(stack: string, m: ControlMessage): void {
    this.hal.xcfSend(stack, encodeControl(m));
  }
}
