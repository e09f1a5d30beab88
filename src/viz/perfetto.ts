// `--perfetto FILE`: the Chrome / Perfetto JSON trace format (the "Trace Event Format"), which loads in
// ui.perfetto.dev and chrome://tracing. One process per LPAR, per hardware block (OSA port, XCF path), for the
// distributor, the clients and the sysplex as a whole, named and ordered by metadata events. Threads of an
// LPAR: one per logical CP (complete `X` slices of CPU work) and one per connection lane (`B`/`E` slices,
// open to close). Counters (`C`) for every numeric signal, on change. Instants (`i`): faults with global
// scope (a line across every track), DVIPA moves and membership news on their process.
// Timestamps are microseconds with picosecond decimals, written from integers (no float rounding).
// Written as the run goes; the only state kept is which lanes have been named.

import { ascii, OutFile } from './out-file.js';
import { psToUs } from './time-format.js';
import type { ConnectionEnd, InstantEvent, RunMeta, SignalDef, SignalValues, TimelineConsumer } from './timeline.js';

/** Threads of an LPAR's process: CPs from 1, connection lanes from here. */
export const LANE_TID = 1000;

// The pieces of the frequent events, encoded once (see OutFile).
const X_PID = ascii(',\n{"ph":"X","name":"work","pid":');
const TID = ascii(',"tid":');
const TS = ascii(',"ts":');
const DUR = ascii(',"dur":');
const RUNS = ascii(',"args":{"runs":');
const CLOSE1 = ascii('}');
const CLOSE2 = ascii('}}');
const C_NAME = ascii(',\n{"ph":"C","name":');
const PID = ascii(',"pid":');
const VALUE = ascii(',"args":{"value":');
const B_NAME = ascii(',\n{"ph":"B","cat":"connection","name":"');
const B_PID = ascii('","pid":');
const E_PID = ascii(',\n{"ph":"E","pid":');
const END = ascii(',"args":{"end":"');
const CLOSE_END = ascii('"}}');

export class PerfettoWriter implements TimelineConsumer {
  private readonly out: OutFile;
  private signals: readonly SignalDef[] = [];
  private names: Uint8Array[] = [];
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
    this.names = signals.map((s) => Buffer.from(JSON.stringify(s.name), 'utf8'));
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
    const o = this.out;
    for (const i of changed) {
      if (this.signals[i]!.type === 'string') continue;
      const v = values.num[i]!;
      if (!Number.isFinite(v)) continue;
      o.bytes(C_NAME);
      o.bytes(this.names[i]!);
      o.bytes(PID);
      o.int(this.pids[i]!);
      o.bytes(TS);
      o.us(t);
      o.bytes(VALUE);
      if (Number.isInteger(v) && v >= 0) o.int(v);
      else o.write(String(v));
      o.bytes(CLOSE2);
    }
  }

  instant(e: InstantEvent): void {
    const scope = e.category === 'fault' ? 'g' : 'p';
    const args = e.args === undefined ? '' : `,"args":${JSON.stringify(e.args)}`;
    this.event(`{"ph":"i","name":${JSON.stringify(e.label)},"cat":"${e.category}","pid":${e.process + 1},"tid":0,"ts":${psToUs(e.t)},"s":"${scope}"${args}}`);
  }

  cpu(process: number, cp: number, start: number, end: number, runs: number): void {
    const o = this.out;
    o.bytes(X_PID);
    o.int(process + 1);
    o.bytes(TID);
    o.int(cp + 1);
    o.bytes(TS);
    o.us(start);
    o.bytes(DUR);
    o.us(end - start);
    if (runs === 1) o.bytes(CLOSE1);
    else {
      o.bytes(RUNS);
      o.int(runs);
      o.bytes(CLOSE2);
    }
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
    const o = this.out;
    if (how === null) {
      // Names are client endpoints (digits, dots and a colon): nothing to escape.
      o.bytes(B_NAME);
      o.write(name);
      o.bytes(B_PID);
    } else o.bytes(E_PID);
    o.int(pid);
    o.bytes(TID);
    o.int(tid);
    o.bytes(TS);
    o.us(t);
    if (how === null) o.bytes(CLOSE1);
    else {
      o.bytes(END);
      o.write(how);
      o.bytes(CLOSE_END);
    }
  }

  finish(): void {
    this.out.write('\n]}\n');
    this.out.close();
  }

  abandon(): void {
    this.out.abandon();
  }
}
