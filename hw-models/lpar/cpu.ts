// The LPAR's logical processors: when each CP is free again, how busy they have been, and the WLM system
// weight that spare capacity gives. Work is charged in cycles at the LPAR's clock.

import { S } from '../../src/kernel/index.js';
import { LPAR } from './datasheet.js';

export class Cpu {
  /** When each logical CP is free again, ps. */
  private readonly freeAt: Float64Array;
  private readonly psPerCycle: number;
  /** Busy time charged so far, ps (work that runs past `now` included). */
  busyPs = 0;
  /** Physical CP time used so far, ps: busy time x the speed it ran at. */
  physicalPs = 0;
  /** How fast the logical CPs run: 1 on dedicated CPs; PR/SM's share of a physical CP on shared ones. */
  speed = 1;
  /** WLM's capacity in CPs: the logical CPs, or a shared LPAR's entitlement. */
  capacityCps: number;
  /** Busy ps charged in the current WLM window, and the utilisation of the last complete one. */
  private window = 0;
  private windowBusy = 0;
  private lastUtil = 0;
  /** WLM capacity samples: time, busy ps, ... (the first pair starts the window). */
  private readonly samples: number[] = [0, 0];

  constructor(
    readonly processors: number,
    readonly clockHz: number,
    private readonly wlmWindowPs: number = LPAR.wlmWindowPs,
  ) {
    this.freeAt = new Float64Array(Math.max(1, processors));
    this.psPerCycle = S / clockHz;
    this.capacityCps = processors;
  }

  /** The CP that frees up first. */
  earliest(): number {
    const f = this.freeAt;
    let best = 0;
    for (let i = 1; i < f.length; i++) if (f[i]! < f[best]!) best = i;
    return best;
  }

  freeTime(cp: number): number {
    return this.freeAt[cp]!;
  }

  /** Duration of `cycles` of work at the current speed, ps (whole picoseconds). */
  duration(cycles: number): number {
    return Math.round((cycles * this.psPerCycle) / this.speed);
  }

  /** Cycles that run in `ps` at the current speed. */
  cyclesIn(ps: number): number {
    return (ps * this.speed) / this.psPerCycle;
  }

  /** Runs `cycles` on `cp` from `now`; returns when it finishes. */
  run(cp: number, now: number, cycles: number): number {
    const d = this.duration(cycles);
    this.freeAt[cp] = now + d;
    this.busyPs += d;
    this.physicalPs += d * this.speed;
    this.roll(now);
    this.windowBusy += d;
    return now + d;
  }

  /** The LPAR stopped: work in progress is abandoned and not counted beyond `now`. */
  halt(now: number): void {
    for (let i = 0; i < this.freeAt.length; i++) {
      if (this.freeAt[i]! > now) this.busyPs -= this.freeAt[i]! - now;
      this.freeAt[i] = now;
    }
  }

  /** Busy share of all CPs from time 0 to `now`, percent. */
  busyPct(now: number): number {
    if (now <= 0) return 0;
    let ahead = 0;
    for (let i = 0; i < this.freeAt.length; i++) if (this.freeAt[i]! > now) ahead += this.freeAt[i]! - now;
    return (100 * (this.busyPs - ahead)) / (now * this.freeAt.length);
  }

  /** WLM system weight 0-64 from the spare capacity of the last complete window. */
  wlmWeight(now: number): number {
    this.roll(now);
    const w = Math.round(LPAR.wlmMaxWeight * (1 - this.lastUtil));
    return w < 0 ? 0 : w > LPAR.wlmMaxWeight ? LPAR.wlmMaxWeight : w;
  }

  /**
   * WLM's capacity data (WLM Services, "Calculation of server weights": service units over the last 3 minutes):
   * the capacity of the LPAR's CPs in cycles a second (service units are proportional to it on one machine
   * type), and the part of it left unused over the last `LPAR.wlmCapacityWindowPs` (3 minutes; since the IPL when
   * shorter, and all of it before the first `wlmWindowPs` of history).
   */
  wlmCapacity(now: number): { unused: number; total: number } {
    const busy = this.physicalUntil(now);
    // Samples of (time, busy) taken at each call, the oldest one still inside the window kept as its start.
    this.samples.push(now, busy);
    while (this.samples.length > 4 && this.samples[2]! <= now - LPAR.wlmCapacityWindowPs) this.samples.splice(0, 2);
    const t0 = this.samples[0]!;
    const b0 = this.samples[1]!;
    const total = this.capacityCps * this.clockHz;
    const span = now - t0;
    // Before its first sample window WLM has no history: all capacity counts as available.
    const util = span < this.wlmWindowPs ? 0 : Math.min(1, Math.max(0, (busy - b0) / (span * this.capacityCps)));
    return { unused: total * (1 - util), total };
  }

  /** Busy ps of all CPs up to `now` (work running past `now` counted up to it). */
  busyUntil(now: number): number {
    let ahead = 0;
    for (let i = 0; i < this.freeAt.length; i++) if (this.freeAt[i]! > now) ahead += this.freeAt[i]! - now;
    return this.busyPs - ahead;
  }

  /** Physical CP ps used up to `now`. */
  physicalUntil(now: number): number {
    let ahead = 0;
    for (let i = 0; i < this.freeAt.length; i++) if (this.freeAt[i]! > now) ahead += this.freeAt[i]! - now;
    return this.physicalPs - ahead * this.speed;
  }

  private roll(now: number): void {
    const w = Math.floor(now / this.wlmWindowPs);
    if (w === this.window) return;
    this.lastUtil = w === this.window + 1 ? Math.min(1, this.windowBusy / (this.wlmWindowPs * this.freeAt.length)) : 0;
    this.window = w;
    this.windowBusy = 0;
  }
}
