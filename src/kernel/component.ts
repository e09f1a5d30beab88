// A component: a model with named ports, its own seeded random stream, and handlers the kernel calls.
// Components share no mutable state: they talk only through links (messages with a latency), which is what
// lets a run be split across processes with the smallest link latency as lookahead.

import type { Prng } from './prng.js';
import type { Port } from './link.js';
import type { Simulation } from './simulation.js';

export abstract class Component {
  /** Dense id assigned by Simulation.seal() in name order: the event order ties on it. */
  id = -1;
  /** Set by Simulation.add(). */
  sim!: Simulation;
  rng!: Prng;
  /** Per-source sequence of everything this component posts (messages and timers). */
  seqOut = 0;
  /** Per-component sequence of trace records. */
  traceSeq = 0;
  readonly ports: Port[] = [];

  constructor(readonly name: string) {}

  /** A message arrived on one of this component's ports. */
  abstract onMessage(port: Port, message: unknown): void;

  /** A timer this component armed with `after()` / `at()` fired. */
  onTimer(_tag: number, _data: unknown): void {}

  /** A control event of the run (a fault or an operator command) addressed to this component. */
  onControl(_control: unknown): void {}

  /** Called once when the run starts (time 0), in component order. */
  start(): void {}

  /** Virtual time now, ps. */
  get now(): number {
    return this.sim.now;
  }

  /** The port named `name`, created on first use. */
  port(name: string): Port {
    for (const p of this.ports) if (p.name === name) return p;
    return this.sim.createPort(this, name);
  }

  /** Arms a timer `delay` ps from now; `tag` and `data` come back in onTimer. Timers cannot be cancelled:
   *  a component that re-arms keeps a generation number in `data` or its own state and ignores stale ones. */
  after(delay: number, tag: number, data?: unknown): void {
    this.sim.postTimer(this, this.sim.now + delay, tag, data);
  }

  at(time: number, tag: number, data?: unknown): void {
    this.sim.postTimer(this, time, tag, data);
  }

  /** True when trace records are wanted; check it before building a record's fields. */
  get tracing(): boolean {
    return this.sim.traceSink !== null;
  }

  trace(kind: string, fields?: Record<string, unknown>): void {
    const sink = this.sim.traceSink;
    if (sink !== null) sink.record(this.sim.now, this.name, this.traceSeq++, kind, fields);
  }
}
