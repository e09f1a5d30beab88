// INBPERF DYNAMIC as z/OS does it (IPCONFIG, "Dynamic LAN idle timer"): the stack, not the adapter, watches
// the inbound traffic of an OSA and re-tunes how long the OSA holds ready frames before it interrupts. Here it
// measures frames per second over each sample interval (checked when an interrupt arrives) and picks the
// MINLATENCY, BALANCED or MINCPU hold for the next one (thresholds assumed, DYNAMIC_LAN_IDLE).

import { DYNAMIC_LAN_IDLE, OSA } from '../osa/datasheet.js';
import { S } from '../../src/kernel/index.js';

export class LanIdleTuner {
  private since = 0;
  private frames = 0;
  /** The hold the OSA was last told, ps. */
  holdPs: number = OSA.interrupts.DYNAMIC.holdPs;

  /** An interrupt brought `n` frames at `now`: the new hold to tell the OSA, or -1 when it stays. */
  interrupt(now: number, n: number): number {
    this.frames += n;
    const span = now - this.since;
    if (span < DYNAMIC_LAN_IDLE.samplePs) return -1;
    const rate = (this.frames * S) / span;
    this.since = now;
    this.frames = 0;
    const hold =
      rate < DYNAMIC_LAN_IDLE.latencyBelow ? OSA.interrupts.MINLATENCY.holdPs
      : rate > DYNAMIC_LAN_IDLE.cpuAbove ? OSA.interrupts.MINCPU.holdPs
      : OSA.interrupts.BALANCED.holdPs;
    if (hold === this.holdPs) return -1;
    this.holdPs = hold;
    return hold;
  }
}
