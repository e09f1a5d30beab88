// Operator moves on a DVIPA: V TCPIP,,SYSPLEX,DEACTIVATE and REACTIVATE.

import { ipText } from '../sd/types.js';
import type { Membership } from './membership.js';
import type { Ownership } from './ownership.js';
import type { SysplexState } from './state.js';
import type { Target } from './target.js';

export class OperatorMoves {
  constructor(
    private readonly s: SysplexState,
    private readonly group: Membership,
    private readonly ownership: Ownership,
    private readonly target: Target,
  ) {}

  /**
   * V TCPIP,,SYSPLEX,DEACTIVATE,DVIPA=ip: this stack gives the DVIPA up (the owner hands it, with its VCRT, to
   * the next stack in line) or leaves its backup chain; as a target it quiesces (reports no listeners, keeps
   * its connections). Returns null when done, else the operator message saying why not.
   */
  deactivate(_now: number, ip: number): string | null {
    const s = this.s;
    const d = s.dvipas.get(ip);
    if (d === undefined || (d.define === null && d.backup === null)) return `EZD1197I DVIPA ${ipText(ip)} IS NOT A VIPADEFINE OR VIPABACKUP DVIPA OF ${s.self}`;
    if (d.deactivated) return `EZD1197I DVIPA ${ipText(ip)} IS ALREADY DEACTIVATED`;
    d.deactivated = true;
    this.group.broadcastHello();
    if (d.owner === s.self) {
      const to = this.ownership.designated(ip);
      if (to !== null) this.ownership.handOver(d, to);
      else this.ownership.deactivateLocally(d);
      d.owner = to;
    } else {
      this.target.reportListeners(d);
    }
    return null;
  }

  /** V TCPIP,,SYSPLEX,REACTIVATE,DVIPA=ip: back into the chain; a VIPADEFINE stack takes the DVIPA back.
   *  Returns null when done, else why not. */
  reactivate(now: number, ip: number): string | null {
    const s = this.s;
    const d = s.dvipas.get(ip);
    if (d === undefined) return `EZD1197I DVIPA ${ipText(ip)} IS NOT DEFINED ON ${s.self}`;
    if (!d.deactivated) return `EZD1197I DVIPA ${ipText(ip)} IS NOT DEACTIVATED`;
    d.deactivated = false;
    this.group.broadcastHello();
    if (d.owner === null) this.ownership.resolve(now, d, false);
    else this.target.reportListeners(d);
    return null;
  }
}
