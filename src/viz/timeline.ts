// The hub between what a run shows (sampled counters, trace events, CPU work) and the files that show it (VCD,
// Perfetto, HTML). Signal values are coalesced per virtual instant: several changes of one signal at the same
// time become one change to its last value, so a waveform never shows a zero-width glitch and the output does
// not depend on the order in which events of one instant were delivered.

import type { Report } from '../run/report.js';

export type SignalType = 'bit' | 'int' | 'real' | 'string';

/** Every signal's current value: numbers in one typed array (the hot path), strings beside them. */
export interface SignalValues {
  readonly num: Float64Array;
  readonly text: readonly string[];
}

/** Which HTML plot a signal belongs to, and how values merge when the plot's buckets are coarsened. */
export interface PlotRef {
  readonly plot: string;
  readonly label: string;
  /** max: peaks survive (queue fill); mean: rates and percentages (equal-width buckets, so exact). */
  readonly merge: 'max' | 'mean';
}

export interface SignalDef {
  /** VCD scope path under the top scope, e.g. ['SYS1'] or ['XCF', 'SYS1-SYS2_p0']. */
  readonly scope: readonly string[];
  readonly name: string;
  readonly type: SignalType;
  /** Index of the process (Perfetto) the signal's counter belongs to. */
  readonly process: number;
  readonly plot?: PlotRef;
}

/** A Perfetto process: an LPAR, a hardware block, the distributor, the clients, or the sysplex itself. */
export interface ProcessDef {
  readonly name: string;
  readonly kind: 'sysplex' | 'lpar' | 'osa' | 'xcf' | 'distributor' | 'clients';
}

/** A moment worth marking: a fault, a DVIPA move, a membership change. */
export interface InstantEvent {
  readonly t: number;
  /** fault: an injected fault or operator command (marked on every time axis); dvipa: takeover/takeback/
   *  activate/handover (marked too); info: shown in Perfetto only. */
  readonly category: 'fault' | 'dvipa' | 'info';
  readonly label: string;
  readonly process: number;
  readonly args?: Record<string, string | number | boolean>;
}

/** How a connection's slice ended: close, reset, lpar-down, reopened, or open-at-end. */
export type ConnectionEnd = string;

export interface RunMeta {
  readonly scenario: string;
  readonly seed: number;
  readonly untilPs: number;
  readonly sampleIntervalPs: number;
  readonly processes: readonly ProcessDef[];
  /** Process index -> number of logical CPs (LPARs only). */
  readonly cps: ReadonlyMap<number, number>;
}

/** Something that writes a timeline out. Every hook but open/finish/abandon is optional. */
export interface TimelineConsumer {
  open(signals: readonly SignalDef[], meta: RunMeta): void;
  /** Values that changed at instant `t`, ascending signal index. The first call lists every signal. */
  changes?(t: number, changed: readonly number[], values: SignalValues): void;
  /** A sampler tick: every signal's value at `t` (changes of `t` delivered so far included). */
  tick?(t: number, values: SignalValues): void;
  instant?(e: InstantEvent): void;
  /** Work one logical CP did without a pause, [start, end); `runs` inputs back to back. Plain arguments: this
   *  is called for every piece of CPU work of the run. */
  cpu?(process: number, cp: number, start: number, end: number, runs: number): void;
  /** A connection on a target stack opened (`how` null) or ended, on one of the stack's lanes. */
  connection?(t: number, process: number, lane: number, name: string, how: ConnectionEnd | null): void;
  finish(endPs: number, report: Report): void;
  abandon(): void;
}

export class Timeline {
  readonly values: SignalValues;
  private readonly num: Float64Array;
  private readonly text: string[];
  private readonly emittedNum: Float64Array;
  private readonly emittedText: string[];
  private readonly dirty: Uint8Array;
  private readonly changed: number[] = [];
  private readonly out: number[] = [];
  private instant = 0;
  private first = true;

  constructor(
    readonly signals: readonly SignalDef[],
    private readonly consumers: readonly TimelineConsumer[],
  ) {
    this.num = new Float64Array(signals.length);
    this.text = signals.map(() => '');
    this.emittedNum = new Float64Array(signals.length);
    this.emittedText = [...this.text];
    this.dirty = new Uint8Array(signals.length);
    this.values = { num: this.num, text: this.text };
  }

  open(meta: RunMeta): void {
    for (const c of this.consumers) c.open(this.signals, meta);
  }

  /** Sets numeric signal `i` to `v` at virtual time `t` (never earlier than the last call's). */
  set(t: number, i: number, v: number): void {
    if (t !== this.instant) this.advance(t);
    if (this.num[i] === v) return;
    this.num[i] = v;
    if (this.dirty[i] === 0) {
      this.dirty[i] = 1;
      this.changed.push(i);
    }
  }

  /** Sets string signal `i`. */
  setText(t: number, i: number, v: string): void {
    if (t !== this.instant) this.advance(t);
    if (this.text[i] === v) return;
    this.text[i] = v;
    if (this.dirty[i] === 0) {
      this.dirty[i] = 1;
      this.changed.push(i);
    }
  }

  tick(t: number): void {
    if (t !== this.instant) this.advance(t);
    for (const c of this.consumers) c.tick?.(t, this.values);
  }

  instantEvent(e: InstantEvent): void {
    for (const c of this.consumers) c.instant?.(e);
  }

  cpuSlice(process: number, cp: number, start: number, end: number, runs: number): void {
    for (const c of this.consumers) c.cpu?.(process, cp, start, end, runs);
  }

  connection(t: number, process: number, lane: number, name: string, how: ConnectionEnd | null): void {
    for (const c of this.consumers) c.connection?.(t, process, lane, name, how);
  }

  /** Hands the changes of the instant that ended to the consumers; moves to `next`. */
  advance(next: number): void {
    const list = this.changed;
    if (this.first) {
      this.first = false;
      const all = this.signals.map((_, i) => i);
      for (const i of list) this.dirty[i] = 0;
      list.length = 0;
      this.emit(all);
    } else if (list.length > 0) {
      const out = this.out;
      out.length = 0;
      for (const i of list) {
        this.dirty[i] = 0;
        if (this.num[i] !== this.emittedNum[i] || this.text[i] !== this.emittedText[i]) out.push(i);
      }
      list.length = 0;
      if (out.length > 1) out.sort(ascending);
      if (out.length > 0) this.emit(out);
    }
    this.instant = next;
  }

  private emit(out: number[]): void {
    for (const i of out) {
      this.emittedNum[i] = this.num[i]!;
      this.emittedText[i] = this.text[i]!;
    }
    for (const c of this.consumers) c.changes?.(this.instant, out, this.values);
  }

  finish(endPs: number, report: Report): void {
    this.advance(endPs);
    for (const c of this.consumers) c.finish(endPs, report);
  }

  abandon(): void {
    for (const c of this.consumers) c.abandon();
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}
