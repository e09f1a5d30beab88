// The discrete-event kernel: components, links, the event queue and the run API that the CLI, the tests, the
// debugger and partition processes share.
//
// A partitioned run builds the same component graph in every process (wiring is deterministic) and marks which
// components are local; a message to a component that lives elsewhere leaves through `remote` with its full
// order key, and arrives in the other process through `inject()`. Because the key is (time, destination,
// source, per-source sequence) and components share no state, every process delivers each of its events in the
// same order as a single-process run would.

import { Component } from './component.js';
import { EventQueue, KIND_CONTROL, KIND_MESSAGE, KIND_TIMER, SOURCE_CONTROL } from './event-queue.js';

// Local copies of the event kinds for the hot loop: an imported binding may be compiled to a property load
// (vitest's module runner does that), which the loop should not pay for on every event.
const MESSAGE = 0;
const TIMER = 1;
import { Link, Port } from './link.js';
import { Prng } from './prng.js';
import { MAX_TIME_PS, formatTime, psPerByte } from './time.js';
import { TeeSink, type TraceSink } from './trace.js';

export type StopReason = 'until' | 'idle' | 'paused' | 'budget';

/** A message bound for a component of another partition, with the key that orders it. */
export interface RemoteEvent {
  time: number;
  dst: number;
  src: number;
  seq: number;
  port: number;
  payload: unknown;
}

/** Called for every delivered event (debugger stepping, statistics); null costs nothing. */
export type DeliveryObserver = (time: number, dst: Component, src: number, kind: number, port: number, payload: unknown) => void;

/** A model failed while handling an event: the run ends with exit 3 naming it and the virtual time. */
export class SimulationError extends Error {
  constructor(
    readonly timePs: number,
    readonly component: string,
    override readonly cause: unknown,
  ) {
    super(`${component} failed at virtual time ${formatTime(timePs)} (${timePs} ps): ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class Simulation {
  now = 0;
  /** Events delivered so far. */
  events = 0;
  traceSink: TraceSink | null = null;
  observer: DeliveryObserver | null = null;
  /** Where messages to non-local components go (a partitioned run); null means every component is local. */
  remote: ((e: RemoteEvent) => void) | null = null;

  readonly queue = new EventQueue();
  readonly links: Link[] = [];
  private comps: Component[] = [];
  private byName = new Map<string, Component>();
  private local = new Uint8Array(0);
  private sealed = false;
  private started = false;
  private pauseRequested = false;
  private current: Component | null = null;

  constructor(readonly seed: number) {}

  // ---- hooks (instruments: traces, timelines, capture points, the debugger) ------------------------------

  /** Adds a trace sink beside any already there: both see every record. */
  addTraceSink(sink: TraceSink): void {
    this.traceSink = this.traceSink === null ? sink : new TeeSink([this.traceSink, sink]);
  }

  /** Adds a delivery observer after any already there. */
  addObserver(observer: DeliveryObserver): void {
    const before = this.observer;
    this.observer = before === null ? observer : (t, dst, src, kind, port, payload) => {
      before(t, dst, src, kind, port, payload);
      observer(t, dst, src, kind, port, payload);
    };
  }

  // ---- building ---------------------------------------------------------------------------------------

  add<T extends Component>(component: T): T {
    if (this.sealed) throw new Error(`cannot add ${component.name}: the simulation is sealed`);
    if (this.byName.has(component.name)) throw new Error(`duplicate component name ${component.name}`);
    component.sim = this;
    this.byName.set(component.name, component);
    return component;
  }

  createPort(owner: Component, name: string): Port {
    const p = new Port(owner, name, owner.ports.length);
    owner.ports.push(p);
    return p;
  }

  /** Joins two ports with a full-duplex link of one-way latency `latencyPs` (>= 1) and a bit rate (0 = none). */
  connect(a: Port, b: Port, latencyPs: number, bitsPerSecond: number, name = `${a.owner.name}.${a.name}-${b.owner.name}.${b.name}`): Link {
    if (a.link !== null || b.link !== null) throw new Error(`port already connected in link ${name}`);
    if (!Number.isInteger(latencyPs) || latencyPs < 1) throw new Error(`link ${name}: latency must be an integer >= 1 ps`);
    const link = new Link(name, a, b, latencyPs, psPerByte(bitsPerSecond));
    a.link = link;
    b.link = link;
    a.peer = b;
    b.peer = a;
    this.links.push(link);
    return link;
  }

  /** Fixes component ids (in name order, so ties break the same way in every process) and seeds the PRNGs.
   *  `isLocal` picks the components this process runs (all by default). */
  seal(isLocal: (c: Component) => boolean = () => true): void {
    if (this.sealed) return;
    const names = [...this.byName.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    if (names.length >= 2097152) throw new Error('too many components');
    this.comps = names.map((n, i) => {
      const c = this.byName.get(n)!;
      c.id = i;
      c.rng = new Prng(this.seed, n);
      return c;
    });
    this.local = Uint8Array.from(this.comps, (c) => (isLocal(c) ? 1 : 0));
    this.sealed = true;
  }

  get components(): readonly Component[] {
    return this.comps;
  }

  component(name: string): Component | undefined {
    return this.byName.get(name);
  }

  isLocal(c: Component): boolean {
    return this.local[c.id] === 1;
  }

  /** The smallest latency among links for which `crosses` holds: a partitioned run's lookahead. */
  minLatency(crosses: (l: Link) => boolean = () => true): number {
    let m = Infinity;
    for (const l of this.links) if (crosses(l) && l.latencyPs < m) m = l.latencyPs;
    return m;
  }

  // ---- posting events ---------------------------------------------------------------------------------

  postMessage(src: Component, dst: number, port: number, time: number, payload: unknown): void {
    const seq = src.seqOut++;
    if (this.local[dst] === 1) {
      this.queue.push(time, dst, src.id, seq, MESSAGE, port, payload);
    } else if (this.remote !== null) {
      this.remote({ time, dst, src: src.id, seq, port, payload });
    }
  }

  postTimer(c: Component, time: number, tag: number, data: unknown): void {
    if (!(time >= this.now)) throw new Error(`${c.name}: timer in the past (${time} < ${this.now})`);
    this.queue.push(time, c.id, c.id, c.seqOut++, TIMER, tag, data);
  }

  /** Schedules a control event (fault, operator command) for a component; `seq` orders controls that share a
   *  time and destination (use the fault's index in the scenario). Ignored for non-local components. */
  postControl(time: number, dst: Component, seq: number, control: unknown): void {
    if (this.local[dst.id] !== 1) return;
    this.queue.push(time, dst.id, SOURCE_CONTROL, seq, KIND_CONTROL, 0, control);
  }

  /** Adds an event that another partition sent here. */
  inject(e: RemoteEvent): void {
    if (this.local[e.dst] !== 1) throw new Error(`event for component ${e.dst}, which is not local`);
    if (e.time < this.now) throw new Error(`causality violation: event at ${e.time} ps injected at ${this.now} ps`);
    this.queue.push(e.time, e.dst, e.src, e.seq, KIND_MESSAGE, e.port, e.payload);
  }

  // ---- running ----------------------------------------------------------------------------------------

  /** Calls start() on every local component, once, at the current time. */
  start(): void {
    if (!this.sealed) this.seal();
    if (this.started) return;
    this.started = true;
    for (const c of this.comps) {
      if (this.local[c.id] !== 1) continue;
      this.current = c;
      try {
        c.start();
      } catch (err) {
        throw new SimulationError(this.now, c.name, err);
      } finally {
        this.current = null;
      }
    }
  }

  /** Time of the next pending event (Infinity when none). */
  nextEventTime(): number {
    return this.queue.peekTime();
  }

  /** Asks the running loop to stop after the event being delivered (from an observer or a trace sink). */
  pause(): void {
    this.pauseRequested = true;
  }

  /**
   * Delivers events in order while their time is <= `until` (inclusive) and at most `budget` of them.
   * Returns why it stopped: 'until' (time reached; `now` is set to `until`), 'idle' (no events left before
   * `until`... and none at all), 'paused' (pause() was called), 'budget' (the event budget ran out).
   */
  runUntil(until: number, budget = Infinity): StopReason {
    if (until !== Infinity && until > MAX_TIME_PS) throw new RangeError(`until ${until} ps is past 2^53 ps`);
    this.start();
    this.pauseRequested = false;
    const q = this.queue;
    const comps = this.comps;
    let delivered = 0;
    try {
      while (q.size > 0) {
        const t = q.peekTime();
        if (t > until) break;
        if (delivered >= budget) return 'budget';
        this.deliver(q.pop(), t, comps);
        delivered++;
        if (this.pauseRequested) {
          this.pauseRequested = false;
          return 'paused';
        }
      }
    } catch (err) {
      if (err instanceof SimulationError) throw err;
      throw new SimulationError(this.now, this.current?.name ?? '(kernel)', err);
    } finally {
      this.current = null;
    }
    if (q.size === 0 && until === Infinity) return 'idle';
    if (until !== Infinity) this.now = until;
    return 'until';
  }

  /** Delivers the next event if its time is <= `until`; false when there is none. */
  step(until = Infinity): boolean {
    this.start();
    const q = this.queue;
    if (q.size === 0 || q.peekTime() > until) return false;
    const slot = q.pop();
    try {
      this.deliver(slot, q.time[slot]!, this.comps);
    } catch (err) {
      throw new SimulationError(this.now, this.current?.name ?? '(kernel)', err);
    } finally {
      this.current = null;
    }
    return true;
  }

  private deliver(slot: number, t: number, comps: Component[]): void {
    const q = this.queue;
    const dst = comps[q.destination(slot)]!;
    const kind = q.kind[slot]!;
    const port = q.port[slot]!;
    const payload = q.payload[slot];
    const src = this.observer === null ? 0 : q.source(slot);
    q.release(slot);
    this.now = t;
    this.events++;
    this.current = dst;
    if (kind === MESSAGE) dst.onMessage(dst.ports[port]!, payload);
    else if (kind === TIMER) dst.onTimer(port, payload);
    else dst.onControl(payload);
    if (this.observer !== null) this.observer(t, dst, src, kind, port, payload);
  }
}

export { Component, Link, Port };
