// `--perfetto FILE`: the Chrome / Perfetto JSON trace format (the "Trace Event Format"), which loads in
// ui.perfetto.dev and chrome://tracing. One process per LPAR, per hardware block (OSA port, XCF path), for the
// distributor, the clients and the sysplex as a whole, named and ordered by metadata events. Threads of an
// LPAR: one per logical CP (complete `X` slices of CPU work) and one per connection lane (`B`/`E` slices,
// open to close). Counters (`C`) for every numeric signal, on change. Instants (`i`): faults with global
// scope (a line across every track), DVIPA moves and membership news on their process.
// Timestamps are microseconds with picosecond decimals, written from integers (no float rounding).
// Written as the run goes; the only state kept is which lanes have been named.

import { OutFile } from './out-file.js';
import { psToUs } from './time-format.js';
import type { ConnectionEnd, InstantEvent, RunMeta, SignalDef, SignalValues, TimelineConsumer } from './timeline.js';

/** Threads of an LPAR's process: CPs from 1, connection lanes from here. */
export const LANE_TID = 1000;

export class PerfettoWriter implements TimelineConsumer {
  private readonly out: OutFile;
  private signals: readonly SignalDef[] = [];
  private names: string[] = [];
  private pids: number[] = [];
  private named = new Set<number>();
  private first = true;

  constructor(path: string) {
    this.out = new OutFile(path, '--perfetto');
  }

  private event(json: string): void {
    this.out.write(this.first ? '\n' : ',\n');
    this.out.write(json);
    this.first = false;
  }

  open(signals: readonly SignalDef[], meta: RunMeta): void {
    this.signals = signals;
    this.names = signals.map((s) => JSON.stringify(s.name));
    this.pids = signals.map((s) => s.process + 1);
    const other = { generator: 'sysplex-emu', scenario: meta.scenario, seed: meta.seed, untilPs: meta.untilPs, sampleIntervalPs: meta.sampleIntervalPs };
    this.out.write(`{"displayTimeUnit":"ns","otherData":${JSON.stringify(other)},"traceEvents":[`);
    meta.processes.forEach((p, i) => {
      const pid = i + 1;
      const label = p.kind === 'lpar' ? `${p.name} (LPAR)` : p.kind === 'osa' ? `${p.name} (OSA-Express)` : p.name;
      this.event(`{"ph":"M","name":"process_name","pid":${pid},"tid":0,"args":{"name":${JSON.stringify(label)}}}`);
      this.event(`{"ph":"M","name":"process_sort_index","pid":${pid},"tid":0,"args":{"sort_index":${pid}}}`);
      const cps = meta.cps.get(i) ?? 0;
      for (let cp = 0; cp < cps; cp++) {
        this.event(`{"ph":"M","name":"thread_name","pid":${pid},"tid":${cp + 1},"args":{"name":"CP${cp}"}}`);
        this.event(`{"ph":"M","name":"thread_sort_index","pid":${pid},"tid":${cp + 1},"args":{"sort_index":${cp + 1}}}`);
      }
    });
  }

  changes(t: number, changed: readonly number[], values: SignalValues): void {
    const ts = psToUs(t);
    for (const i of changed) {
      if (this.signals[i]!.type === 'string') continue;
      const v = values.num[i]!;
      if (!Number.isFinite(v)) continue;
      this.event(`{"ph":"C","name":${this.names[i]},"pid":${this.pids[i]},"ts":${ts},"args":{"value":${v}}}`);
    }
  }

  instant(e: InstantEvent): void {
    const scope = e.category === 'fault' ? 'g' : 'p';
    const args = e.args === undefined ? '' : `,"args":${JSON.stringify(e.args)}`;
    this.event(`{"ph":"i","name":${JSON.stringify(e.label)},"cat":"${e.category}","pid":${e.process + 1},"tid":0,"ts":${psToUs(e.t)},"s":"${scope}"${args}}`);
  }

  cpu(process: number, cp: number, start: number, end: number, runs: number): void {
    const args = runs === 1 ? '}' : `,"args":{"runs":${runs}}}`;
    this.event(`{"ph":"X","name":"work","pid":${process + 1},"tid":${cp + 1},"ts":${psToUs(start)},"dur":${psToUs(end - start)}${args}`);
  }

  connection(t: number, process: number, lane: number, name: string, how: ConnectionEnd | null): void {
    const pid = process + 1;
    const tid = LANE_TID + lane;
    const key = pid * 1_000_000 + tid;
    if (!this.named.has(key)) {
      this.named.add(key);
      this.event(`{"ph":"M","name":"thread_name","pid":${pid},"tid":${tid},"args":{"name":"connections ${lane}"}}`);
      this.event(`{"ph":"M","name":"thread_sort_index","pid":${pid},"tid":${tid},"args":{"sort_index":${tid}}}`);
    }
    // Names are client endpoints (digits, dots and a colon): nothing to escape.
    if (how === null) this.event(`{"ph":"B","name":"${name}","cat":"connection","pid":${pid},"tid":${tid},"ts":${psToUs(t)}}`);
    else this.event(`{"ph":"E","pid":${pid},"tid":${tid},"ts":${psToUs(t)},"args":{"end":"${how}"}}`);
  }

  finish(): void {
    this.out.write('\n]}\n');
    this.out.close();
  }

  abandon(): void {
    this.out.abandon();
  }
}
