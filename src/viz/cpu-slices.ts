// CPU work slices per logical CP, seen from outside the LPAR model: after each event delivered to an LPAR, a
// CP whose free-again time moved forward started work at that instant lasting until the new free time; one
// that moved back was halted (lpar-down). Back-to-back work merges into one slice. A slice is handed on only
// when the next one starts (or at a halt or the end), so a halt can still cut it short.

import type { LparProbe } from './catalogue.js';
import type { Timeline } from './timeline.js';

export class CpuSlices {
  private readonly lastFree: Float64Array[];
  private readonly start: Float64Array[];
  private readonly end: Float64Array[];
  private readonly runs: Float64Array[];

  constructor(
    private readonly lpars: readonly LparProbe[],
    private readonly timeline: Timeline,
  ) {
    const per = () => lpars.map((l) => new Float64Array(l.host.cpu.processors));
    this.lastFree = per();
    this.start = per();
    this.end = per();
    this.runs = per();
    for (const l of lpars) for (let cp = 0; cp < l.host.cpu.processors; cp++) this.lastFree[l.index]![cp] = l.host.cpu.freeTime(cp);
  }

  /** After an event was delivered to LPAR `i` at `t`. */
  check(i: number, t: number): void {
    const cpu = this.lpars[i]!.host.cpu;
    const last = this.lastFree[i]!;
    for (let cp = 0; cp < last.length; cp++) {
      const f = cpu.freeTime(cp);
      const before = last[cp]!;
      if (f === before) continue;
      last[cp] = f;
      if (f > before && f > t) this.work(i, cp, t, f);
      else if (f < before) this.halt(i, cp, t);
    }
  }

  private work(i: number, cp: number, t: number, f: number): void {
    const start = this.start[i]!, end = this.end[i]!, runs = this.runs[i]!;
    if (runs[cp]! > 0 && end[cp] === t) {
      end[cp] = f;
      runs[cp]!++;
      return;
    }
    this.emit(i, cp, Infinity);
    start[cp] = t;
    end[cp] = f;
    runs[cp] = 1;
  }

  private halt(i: number, cp: number, t: number): void {
    this.emit(i, cp, t);
  }

  /** Hands on CP `cp`'s pending slice, cut at `limit`. */
  private emit(i: number, cp: number, limit: number): void {
    const runs = this.runs[i]!;
    if (runs[cp] === 0) return;
    const start = this.start[i]![cp]!;
    const end = Math.min(this.end[i]![cp]!, limit);
    if (end > start) this.timeline.cpuSlice(this.lpars[i]!.process, cp, start, end, runs[cp]!);
    runs[cp] = 0;
  }

  /** The run ended at `endPs`: pending slices end there at the latest. */
  finish(endPs: number): void {
    for (const l of this.lpars) for (let cp = 0; cp < l.host.cpu.processors; cp++) this.emit(l.index, cp, endPs);
  }
}
