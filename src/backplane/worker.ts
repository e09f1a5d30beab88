// A partition process (`sysplex-emu worker --connect ENDPOINT`): connects to the coordinator, builds the same
// component graph as every other process, runs its own components window by window as the coordinator grants
// them, and sends every message for another partition back with its full order key.
//
// It exits by itself when the coordinator goes away: on `stop`, when the coordinator has been silent for
// SILENCE_MS (a heartbeat, not a hope), and, when the coordinator spawned it, as soon as its stdin closes.

import * as zmq from 'zeromq';
import { type Component, type RemoteEvent, SimulationError } from '../kernel/index.js';
import { formatTime } from '../kernel/time.js';
import { HeapWatch } from '../run/memory-budget.js';
import { notCompletedOf, prepare, type Prepared, reportPart } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { type CurveFiles, clientOptions, readCurveFiles } from './curve.js';
import { spliceInstrument } from './external.js';
import { Outbox } from './outbox.js';
import {
  checkFromCoordinator,
  isEventProblem,
  encode,
  type FromCoordinator,
  type GrantMsg,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type SummarizeMsg,
  unpack,
  type WelcomeWorkerMsg,
  type WireEvent,
  wireTime,
} from './protocol.js';
import { CHECK_MS, HEARTBEAT_MS, JOIN_MS, SILENCE_MS, SLICE_EVENTS, YIELD_MS } from './timing.js';
import { TraceChunkSink } from './trace-chunks.js';
import { hasInstruments, WorkerInstruments } from './instrument-parts.js';
import { SAMPLER_NAME } from '../viz/instrument.js';

export interface WorkerOptions {
  connect: string;
  curve?: CurveFiles;
  /** Set when the coordinator spawned this process (environment SYSPLEX_EMU_PARTITION / SYSPLEX_EMU_TOKEN). */
  partition?: number;
  token?: string;
  /** Exit when stdin closes (the coordinator that spawned this process is gone). */
  watchStdin: boolean;
  log: (line: string) => void;
}

/** Runs the worker until the run ends; returns the process exit status. */
export async function runWorker(opts: WorkerOptions): Promise<number> {
  return new Worker(opts).run();
}

class Worker {
  private readonly socket: zmq.Dealer;
  private readonly out: Outbox;
  private partition = -1;
  private prepared: Prepared | null = null;
  private readonly heap = new HeapWatch();
  private isLocal: (c: Component) => boolean = () => false;
  private outgoing: WireEvent[] = [];
  private traceSink: TraceChunkSink | null = null;
  /** Capture points and replay riding along (the welcome's instruments), or null. */
  private instruments: WorkerInstruments | null = null;
  /** Whether the plan gives this partition the timelines' sampler (whose ticks it then counts). */
  private ownsSampler = true;
  private lastHeard = performance.now();
  private lastTick = performance.now();
  private welcomed = false;
  private finished: ((code: number) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dropped = 0;
  /** The message being handled; the next waits for it. */
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly opts: WorkerOptions) {
    const curve = opts.curve === undefined ? {} : clientOptions(readCurveFiles(opts.curve, 'worker'));
    this.socket = new zmq.Dealer({ linger: 0, maxMessageSize: MAX_MESSAGE_BYTES, ...curve });
    this.out = new Outbox(this.socket, (err) => this.end(3, `backplane send failed: ${(err as Error).message}`));
  }

  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    this.socket.connect(this.opts.connect);
    this.send({ v: PROTOCOL_VERSION, type: 'hello', role: 'worker', ...(this.opts.partition !== undefined ? { partition: this.opts.partition } : {}), ...(this.opts.token !== undefined ? { token: this.opts.token } : {}) });
    this.timer = setInterval(() => this.tick(), Math.min(HEARTBEAT_MS, CHECK_MS));
    if (this.opts.watchStdin) {
      process.stdin.on('end', () => this.end(3, 'the coordinator is gone (stdin closed)'));
      process.stdin.on('error', () => this.end(3, 'the coordinator is gone (stdin closed)'));
      process.stdin.resume();
    }
    void this.receive();
    return done;
  }

  private send(message: object): void {
    this.out.send(encode(message));
  }

  private tick(): void {
    const now = performance.now();
    // A process frozen by a debugger or the OS has not heard anything either: do not blame the coordinator.
    if (now - this.lastTick > SILENCE_MS / 2) this.lastHeard = now;
    this.lastTick = now;
    const limit = this.welcomed ? SILENCE_MS : JOIN_MS;
    if (now - this.lastHeard > limit) {
      this.end(3, this.welcomed ? `the coordinator has been silent for ${(SILENCE_MS / 1000).toFixed(1)} s` : `no coordinator answered at ${this.opts.connect}`);
      return;
    }
    if (this.welcomed) this.send({ v: PROTOCOL_VERSION, type: 'hb', partition: this.partition });
  }

  /** Reads every message as it arrives (so that the coordinator's heartbeats count even while a long window or
   *  the graph's construction is under way) and hands the work to handle(), one message at a time. */
  private async receive(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        this.lastHeard = performance.now();
        if (frames.length !== 1) {
          this.drop('a multi-frame message');
          continue;
        }
        let decoded: unknown;
        try {
          decoded = unpack(frames[0]!);
        } catch {
          this.drop('bytes that are not msgpack');
          continue;
        }
        const m = checkFromCoordinator(decoded);
        if (typeof m === 'string') {
          // A grant with a bad event cannot be run: that ends the run; other garbage is dropped.
          if (isEventProblem(m) && this.welcomed) this.work = this.work.then(() => this.fail(new Error(`the coordinator sent a bad event: ${m}`)));
          else this.drop(m);
          continue;
        }
        if (m.type === 'hb') continue;
        if (m.type === 'stop') {
          await this.out.drain();
          this.end(0);
          return;
        }
        this.work = this.work.then(() => this.handle(m)).catch((err: unknown) => this.fail(err));
      }
    } catch (err) {
      this.end(3, `backplane: ${(err as Error).message}`);
    }
  }

  private async handle(m: FromCoordinator): Promise<void> {
    if (this.finished === null) return;
    switch (m.type) {
      case 'welcome':
        if (this.welcomed || !('scenario' in m)) return this.drop('an unexpected welcome');
        return this.welcome(m);
      case 'grant':
        if (this.prepared === null) return this.drop('a grant before the welcome');
        return this.grant(m);
      case 'outcomes':
        if (this.prepared !== null) this.observed('outcomes', this.instruments?.outcomes(this.prepared));
        if (this.prepared !== null) this.send({ v: PROTOCOL_VERSION, type: 'outcomes', partition: this.partition, notCompleted: notCompletedOf(this.prepared, this.isLocal) });
        return;
      case 'summarize':
        if (this.prepared !== null) this.summarize(m);
        return;
      default:
        return;
    }
  }

  private drop(what: string): void {
    if (++this.dropped <= 10) this.opts.log(`worker: dropped ${what}`);
  }

  private async welcome(m: WelcomeWorkerMsg): Promise<void> {
    this.welcomed = true;
    this.partition = m.partition;
    const assignment = m.assignment;
    const me = m.partition;
    // With timelines every worker runs a sampler of its own (timeline-worker.ts).
    const sampler = m.instruments?.timelines !== undefined ? SAMPLER_NAME : undefined;
    this.isLocal = (c) => assignment[c.name] === me || c.name === sampler;
    this.ownsSampler = sampler === undefined || assignment[sampler] === me;
    if (m.trace) this.traceSink = new TraceChunkSink();
    try {
      const wi = m.instruments !== undefined && hasInstruments(m.instruments) ? new WorkerInstruments(m.instruments, m.scenario as Scenario, m.untilPs) : null;
      this.instruments = wi;
      const p = await prepare(m.scenario as Scenario, {
        seed: m.seed,
        untilPs: m.untilPs,
        isLocal: this.isLocal,
        instruments: [spliceInstrument(m.externals), ...(wi?.instruments() ?? [])],
        ...(wi !== null ? { clientsFor: wi.clientsFor } : {}),
        ...(this.traceSink !== null ? { sinks: [this.traceSink] } : {}),
      });
      const names = p.sim.components.map((c) => c.name);
      const unknown = names.filter((n) => assignment[n] === undefined);
      if (unknown.length > 0 || names.length !== Object.keys(assignment).length) {
        throw new Error(`this worker built another graph than the coordinator (${unknown.length > 0 ? `unknown components ${unknown.join(', ')}` : 'a different number of components'}): are both the same version?`);
      }
      p.sim.remote = (e: RemoteEvent) => {
        this.outgoing.push([e.time, e.dst, e.src, e.seq, e.port, e.payload]);
      };
      this.prepared = p;
      p.sim.start();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.observed('window', this.instruments?.window());
    this.send({ v: PROTOCOL_VERSION, type: 'ready', partition: me, next: wireTime(this.prepared.sim.nextEventTime()), events: this.takeOutgoing(), ...this.traceField() });
  }

  private async grant(m: GrantMsg): Promise<void> {
    const sim = this.prepared!.sim;
    try {
      for (const e of m.events) {
        if (m.last ? e[0] > m.bound : e[0] >= m.bound) throw new Error(`the coordinator sent a bad event: time ${e[0]} is outside the window`);
        sim.inject({ time: e[0], dst: e[1], src: e[2], seq: e[3], port: e[4], payload: e[5] });
      }
      const until = m.last ? m.bound : m.bound - 1;
      let yielded = performance.now();
      // A replay that is over ends the run (told to the coordinator with this window): run to that instant, all
      // of it, and no further ('paused' comes at that instant). A partition about to run out of memory fails with
      // one line (exit 3), not V8's dump: the heap is looked at after every window (most hold a few events) and
      // every slice of a long one.
      const limit = (): number => Math.min(until, this.instruments?.endPs ?? Infinity);
      for (let r = sim.runUntil(limit(), SLICE_EVENTS); r === 'budget' || r === 'paused'; r = sim.runUntil(limit(), SLICE_EVENTS)) {
        this.heap.check();
        if (performance.now() - yielded > YIELD_MS) {
          // Let the heartbeat timer and the socket breathe during a long window.
          await new Promise((r) => setImmediate(r));
          yielded = performance.now();
        }
      }
      this.heap.check();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.observed('window', this.instruments?.window());
    this.send({ v: PROTOCOL_VERSION, type: 'done', partition: this.partition, round: m.round, next: wireTime(sim.nextEventTime()), events: this.takeOutgoing(), delivered: this.delivered(), ...this.traceField() });
  }

  private summarize(m: SummarizeMsg): void {
    const p = this.prepared!;
    const part = reportPart(p, m.notCompleted, this.isLocal);
    const displays = m.displays.map((cmd) => p.sysplex.operatorDisplay(cmd) ?? null);
    this.observed('summary', this.instruments?.summary(p, m.replayFlows));
    this.send({ v: PROTOCOL_VERSION, type: 'summary', partition: this.partition, delivered: this.delivered(), part, displays });
  }

  /** What the instruments saw, just before the message of its stage (the coordinator reads them in order). */
  private observed(stage: 'window' | 'outcomes' | 'summary', what: object | null | undefined): void {
    if (what === null || what === undefined) return;
    this.send({ v: PROTOCOL_VERSION, type: 'observed', partition: this.partition, stage, ...what });
  }

  /** Events delivered here, as one process would count them (a sampler's ticks once in the whole run). */
  private delivered(): number {
    return this.prepared!.sim.events - (this.instruments?.extraEvents(this.ownsSampler) ?? 0);
  }

  private takeOutgoing(): WireEvent[] {
    const o = this.outgoing;
    this.outgoing = [];
    return o;
  }

  private traceField(): { trace?: ReturnType<TraceChunkSink['take']> } {
    const chunk = this.traceSink?.take();
    return chunk === undefined ? {} : { trace: chunk };
  }

  /** A model failed (or the graph could not be built): tell the coordinator, which ends the run with exit 3. */
  private fail(err: unknown): void {
    const sim = this.prepared?.sim;
    const timePs = err instanceof SimulationError ? err.timePs : (sim?.now ?? 0);
    const message = err instanceof SimulationError ? err.message : `${(err as Error).message ?? String(err)} (at virtual time ${formatTime(timePs)})`;
    this.send({ v: PROTOCOL_VERSION, type: 'error', partition: this.partition, message, timePs });
    void this.out.drain().then(() => this.end(3));
  }

  private end(code: number, why?: string): void {
    if (this.finished === null) return;
    if (why !== undefined) this.opts.log(`worker${this.partition >= 0 ? ` (partition ${this.partition})` : ''}: ${why}`);
    const finish = this.finished;
    this.finished = null;
    if (this.timer !== null) clearInterval(this.timer);
    this.out.close();
    this.socket.close();
    if (this.opts.watchStdin) process.stdin.pause();
    finish(code);
  }
}

