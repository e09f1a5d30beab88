// Sysplex problem detection for interfaces (GLOBALCONFIG SYSPLEXMONITOR MONINTERFACE, INTERFACE ... MONSYSPLEX).
//
// z/OS Communications Server, IP Configuration Guide, "Sysplex problem detection and recovery": a stack that
// advertises DVIPAs and is not alone in its TCP/IP sysplex group checks that at least one of its monitored
// interfaces is active. When none has been for the TIMERSECS interval it reports EZD1209E and, with RECOVERY,
// leaves the group (its DVIPAs go to their backups, its VIPADYNAMIC definitions are kept); with AUTOREJOIN it
// joins again once a monitored interface is back. Here the check runs when an interface changes state and when
// the TIMERSECS interval after the last one went down ends, rather than on a periodic tick.

import type { Hal } from './hal.js';
import type { SysplexMonitor } from './profile/types.js';

/** What the monitor needs of the sysplex group membership (src/firmware/sysplex/membership.ts). */
export interface MonitoredGroup {
  readonly inGroup: boolean;
  /** Other members of the group. */
  readonly members: ReadonlyMap<string, unknown>;
  /** This stack owns a DVIPA or distributes one. */
  advertisesDvipas(): boolean;
  leave(now: number): void;
  join(now: number): void;
}

const PS_PER_S = 1_000_000_000_000;

export class InterfaceMonitor {
  /** When the last monitored interface went down (-1: one is active). */
  private downSince = -1;
  /** The monitor took the stack out of the group (so AUTOREJOIN may bring it back). */
  private left = false;

  constructor(
    private readonly hal: Hal,
    private readonly options: SysplexMonitor,
    /** The MONSYSPLEX interfaces. */
    private readonly monitored: readonly string[],
    readonly timerId: number,
  ) {}

  private get enabled(): boolean {
    return this.options.monInterface && this.monitored.length > 0;
  }

  /** An interface changed state: start the interval when none is left, end it (and rejoin) when one is back. */
  changed(now: number, isActive: (ifName: string) => boolean, group: MonitoredGroup): void {
    if (!this.enabled) return;
    const anyUp = this.monitored.some(isActive);
    if (!anyUp) {
      if (this.downSince < 0) {
        this.downSince = now;
        this.hal.setTimer(this.timerId, now + this.options.timerSecs * PS_PER_S);
      }
      return;
    }
    if (this.downSince >= 0) {
      this.downSince = -1;
      this.hal.cancelTimer(this.timerId);
    }
    if (this.left && this.options.autoRejoin && !group.inGroup) {
      this.left = false;
      if (this.hal.tracing) this.hal.trace('sysplex.monitor', { problem: 'interfaces', action: 'rejoin' });
      group.join(now);
    }
  }

  /** The TIMERSECS interval ended with every monitored interface still down. */
  timer(now: number, group: MonitoredGroup): void {
    if (this.downSince < 0) return;
    this.downSince = -1;
    if (!group.inGroup || group.members.size === 0 || !group.advertisesDvipas()) return;
    const leave = this.options.recovery;
    // EZD1209E: no monitored interface active for at least TIMERSECS.
    if (this.hal.tracing) this.hal.trace('sysplex.monitor', { problem: 'interfaces', message: 'EZD1209E', action: leave ? 'leave' : 'none' });
    if (!leave) return;
    this.left = true;
    group.leave(now);
  }
}
