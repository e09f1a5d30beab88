// The debugger's hold on a run: it drives a prepared sysplex in short slices on Node's event loop (so a DAP
// client or the console is served between them), sees every trace record through a sink, and stops the run
// between two kernel deliveries when a breakpoint hits, a step ends or a pause is asked for. While stopped
// nothing is delivered, so virtual time stands still; displays and operator commands run against the stopped
// state.
//
// Records that the stopping delivery produced after the one that stopped it wait in a backlog and are looked
// at, in order, before the simulation moves on: stepping walks through them one by one.

import { performance } from 'node:perf_hooks';
import { SimulationError, type Component, type TraceSink } from '../kernel/index.js';
import { formatTime } from '../kernel/time.js';
import { HeapWatch } from '../run/memory-budget.js';
import { assembleReport, evaluateExpectations, prepare, type Prepared } from '../run/run-scenario.js';
import type { Report } from '../run/report.js';
import type { Scenario } from '../scenario/types.js';
import { stackOf } from '../run/wiring.js';
import { Breakpoints } from './breakpoints.js';
import { CauseTracker } from './causes.js';
import { causeChain, debugEvent, type DebugEvent } from './events.js';
import { LparMap } from './lpar-map.js';

export type StopReason = 'entry' | 'function breakpoint' | 'exception' | 'step' | 'pause';

export interface Stop {
  readonly reason: StopReason;
  /** The thread that stopped. */
  readonly lpar: string;
  /** The event on top of its stack (null at entry, or when the LPAR has had none). */
  readonly event: DebugEvent | null;
  readonly breakpointIds: readonly number[];
  readonly description: string;
  /** For reason `exception`: `osa.drop` or `expectation`. */
  readonly exception?: { readonly id: string; readonly description: string };
  /** The run has reached its end (a failed expectation stopped it there): continuing ends it. */
  readonly atEnd: boolean;
}

export interface RunEnd {
  /** The run's report (partial when the debugger ended the run early; null when the run failed). */
  readonly report: Report | null;
  /** What `sysplex-emu run` would exit with: 0, 1 (an expectation failed) or 3 (the run failed). */
  readonly exitCode: number;
  /** One line saying how the run ended. */
  readonly message: string;
}

export interface EngineListener {
  stopped(stop: Stop): void;
  ended(end: RunEnd): void;
}

export type EngineState = 'ready' | 'running' | 'stopped' | 'ended';

type Mode = { readonly kind: 'continue' } | { readonly kind: 'next'; readonly lpar: string } | { readonly kind: 'stepIn' };

/** Events per runUntil call, and wall time per slice before the event loop gets a turn. */
const CHUNK_EVENTS = 1000;
const SLICE_MS = 15;

export interface DebugOptions {
  seed?: number;
  untilPs?: number;
}

/** Builds the scenario's sysplex with the debugger's trace sink in place. */
export async function prepareDebug(scenario: Scenario, options: DebugOptions = {}): Promise<DebugEngine> {
  let engine: DebugEngine | null = null;
  const relay: TraceSink = { record: (t, c, seq, k, f) => engine?.record(t, c, seq, k, f) };
  const p = await prepare(scenario, { ...options, sinks: [relay] });
  engine = new DebugEngine(p);
  return engine;
}

export class DebugEngine implements TraceSink {
  readonly breakpoints = new Breakpoints();
  readonly map: LparMap;
  private readonly causes: CauseTracker;
  private listener: EngineListener | null = null;
  private st: EngineState = 'ready';
  private mode: Mode = { kind: 'continue' };
  private armed = false;
  private pending: Stop | null = null;
  private backlog: DebugEvent[] = [];
  private readonly last = new Map<string, DebugEvent>();
  private current: Stop | null = null;
  private pauseWanted: string | null = null;
  private started = false;
  private readonly heap = new HeapWatch();
  private scheduled = false;
  private runWallMs = 0;
  private finished: RunEnd | null = null;

  constructor(readonly p: Prepared) {
    this.map = new LparMap(p.scenario.topology);
    const osas = new Set<Component>(p.sysplex.osas);
    this.causes = new CauseTracker(osas);
    const causes = this.causes;
    p.sim.addObserver((_t, dst, _src, kind, _port, payload) => causes.delivered(dst, kind, payload));
  }

  setListener(l: EngineListener | null): void {
    this.listener = l;
  }

  get state(): EngineState {
    return this.st;
  }
  get lpars(): readonly string[] {
    return this.map.lpars;
  }
  /** Virtual time now, ps. */
  get now(): number {
    return this.p.sim.now;
  }
  get events(): number {
    return this.p.sim.events;
  }
  get untilPs(): number {
    return this.p.untilPs;
  }
  /** The stop the run is in (null while running, before the start, or at the end). */
  get stop(): Stop | null {
    return this.current;
  }
  /** How the run ended (null until it has). */
  get end(): RunEnd | null {
    return this.finished;
  }

  timeText(): string {
    return formatTime(this.p.sim.now);
  }

  // ---- the trace sink -----------------------------------------------------------------------------------

  record(t: number, component: string, seq: number, kind: string, fields: Record<string, unknown> | undefined): void {
    const e = debugEvent(t, component, seq, kind, fields, this.map.lparOf(component, fields), this.p.sim.events);
    this.causes.observe(e);
    this.last.set(e.lpar, e);
    if (!this.armed) return; // an operator command run while stopped
    if (this.pending !== null) {
      this.backlog.push(e);
      return;
    }
    const stop = this.consider(e);
    if (stop !== null) {
      this.pending = stop;
      this.p.sim.pause();
    }
  }

  private consider(e: DebugEvent): Stop | null {
    const hit = this.breakpoints.match(e);
    if (hit !== null) {
      return {
        reason: hit.reason, lpar: e.lpar, event: e, breakpointIds: hit.ids, description: hit.description, atEnd: false,
        ...(hit.reason === 'exception' ? { exception: { id: 'osa.drop', description: hit.description } } : {}),
      };
    }
    const m = this.mode;
    if (m.kind === 'stepIn' || (m.kind === 'next' && m.lpar === e.lpar)) {
      const description = m.kind === 'next' ? `next event on ${e.lpar}` : 'step to the next event anywhere';
      return { reason: 'step', lpar: e.lpar, event: e, breakpointIds: [], description, atEnd: false };
    }
    return null;
  }

  // ---- what a thread shows --------------------------------------------------------------------------------

  /** The thread's stack: the event on top (the stop's event on the stopped thread, else the LPAR's latest),
   *  then its causes. */
  frames(lpar: string): DebugEvent[] {
    const top = this.current !== null && this.current.lpar === lpar && this.current.event !== null ? this.current.event : this.last.get(lpar);
    return top === undefined ? [] : causeChain(top);
  }

  /** The LPAR's most recent event. */
  latest(lpar: string): DebugEvent | undefined {
    return this.last.get(lpar);
  }

  // ---- moving -----------------------------------------------------------------------------------------------

  /** Runs until a breakpoint or the end. */
  continue(): void {
    this.resume({ kind: 'continue' });
  }
  /** Runs to the next event on `lpar` (or a breakpoint). */
  next(lpar: string): void {
    this.resume({ kind: 'next', lpar });
  }
  /** Runs to the next event anywhere (or a breakpoint). */
  stepIn(): void {
    this.resume({ kind: 'stepIn' });
  }

  /** Stops a running run at the next chance, on `lpar`'s thread. */
  pause(lpar: string = this.map.lpars[0]!): void {
    if (this.st === 'running') this.pauseWanted = lpar;
  }

  /** Reports a stop at the start (before time 0's events) without running. */
  stopAtEntry(): void {
    if (this.st !== 'ready') return;
    const lpar = this.map.lpars[0]!;
    this.current = { reason: 'entry', lpar, event: null, breakpointIds: [], description: 'stopped before the run starts', atEnd: false };
    this.emitLater(() => this.listener?.stopped(this.current!));
  }

  private resume(mode: Mode): void {
    if (this.st === 'ended') throw new Error('the run has ended');
    this.mode = mode;
    if (this.st === 'running') return;
    if (this.current?.atEnd) {
      this.current = null;
      this.st = 'running';
      this.emitLater(() => this.conclude(this.finished!));
      return;
    }
    this.current = null;
    this.st = 'running';
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }

  private emitLater(fn: () => void): void {
    setImmediate(fn);
  }

  private pump(): void {
    this.scheduled = false;
    if (this.st !== 'running') return;
    const sim = this.p.sim;
    const t0 = performance.now();
    const deadline = t0 + SLICE_MS;
    this.armed = true;
    try {
      // Records already produced by the delivery that stopped the run come first.
      while (this.backlog.length > 0) {
        const e = this.backlog.shift()!;
        const stop = this.consider(e);
        if (stop !== null) return this.enterStop(stop);
      }
      if (!this.started) {
        this.started = true;
        sim.start();
        if (this.pending !== null) return this.enterStop(this.pending);
      }
      for (;;) {
        const why = sim.runUntil(this.p.untilPs, CHUNK_EVENTS);
        this.heap.check(); // out of memory ends the run (exit 3, one line) like a model failure
        if (this.pending !== null) return this.enterStop(this.pending);
        if (why === 'until' || why === 'idle') return this.finish();
        if (this.pauseWanted !== null) {
          const lpar = this.pauseWanted;
          const e = this.last.get(lpar) ?? null;
          return this.enterStop({ reason: 'pause', lpar, event: e, breakpointIds: [], description: 'paused', atEnd: false });
        }
        if (performance.now() >= deadline) break;
      }
    } catch (err) {
      return this.fail(err);
    } finally {
      this.armed = false;
      this.runWallMs += performance.now() - t0;
    }
    this.schedule();
  }

  private enterStop(stop: Stop): void {
    this.pending = null;
    this.pauseWanted = null;
    this.current = stop;
    this.st = 'stopped';
    this.listener?.stopped(stop);
  }

  /** The run reached its end time: the report, the expectations, and a stop if one failed and is caught. */
  private finish(): void {
    this.pauseWanted = null;
    const p = this.p;
    p.traceWriter?.close();
    const report = assembleReport(p, this.runWallMs);
    for (const i of p.instruments) i.finish?.(p, report);
    evaluateExpectations(p, report);
    const failed = (report.expectations ?? []).filter((e) => !e.ok);
    const end: RunEnd = {
      report,
      exitCode: failed.length > 0 ? 1 : 0,
      message: `the run ended at virtual time ${formatTime(this.now)}${failed.length > 0 ? `: ${failed.length} expectation(s) failed` : ''}`,
    };
    this.finished = end;
    if (failed.length > 0 && this.breakpoints.expectation) {
      const first = failed[0]!;
      const description = `expectation failed: ${first.expr} (actual ${JSON.stringify(first.actual)})`;
      const lpar = this.map.lpars.find((l) => new RegExp(`\\b${l}\\b`).test(first.expr)) ?? this.map.lpars[0]!;
      this.enterStop({
        reason: 'exception', lpar, event: null, breakpointIds: [], description, atEnd: true,
        exception: { id: 'expectation', description: failed.map((f) => `${f.expr} (actual ${JSON.stringify(f.actual)})`).join('\n') },
      });
      return;
    }
    this.conclude(end);
  }

  private conclude(end: RunEnd): void {
    this.st = 'ended';
    this.current = null;
    this.finished = end;
    this.listener?.ended(end);
  }

  private fail(err: unknown): void {
    const e = err instanceof SimulationError ? err : new SimulationError(this.now, '(kernel)', err);
    this.p.traceWriter?.abandon();
    for (const i of this.p.instruments) i.abandon?.();
    this.conclude({ report: null, exitCode: 3, message: `run failed: ${e.message}` });
  }

  /** Ends the run now (the client disconnected or the console quit). Returns how it ended; the listener is
   *  not called. */
  abort(why: string): RunEnd {
    if (this.finished !== null && this.st === 'ended') return this.finished;
    if (this.finished !== null) {
      // Stopped at the end on a failed expectation: the run is complete.
      this.st = 'ended';
      this.current = null;
      return this.finished;
    }
    this.st = 'ended';
    this.current = null;
    this.p.traceWriter?.abandon();
    for (const i of this.p.instruments) i.abandon?.();
    const report = assembleReport(this.p, this.runWallMs);
    this.finished = { report, exitCode: 0, message: `${why} at virtual time ${formatTime(this.now)} (of ${formatTime(this.p.untilPs)}): the run ended there` };
    return this.finished;
  }

  // ---- operator commands ------------------------------------------------------------------------------------

  /** Runs an operator command (`D TCPIP,SYS1,NETSTAT,VCRT`, `V TCPIP,SYS2,SYSPLEX,LEAVEGROUP`) on the LPAR
   *  it names, now, outside virtual time. */
  operator(command: string): { ok: boolean; text: string } {
    const stack = stackOf(command);
    if (stack === undefined) return { ok: false, text: 'name the stack: D TCPIP,SYS1,NETSTAT,VCRT or V TCPIP,SYS1,SYSPLEX,LEAVEGROUP' };
    const lpar = this.p.sysplex.lpar(stack) ?? this.p.sysplex.lpar(stack.toUpperCase());
    if (lpar === undefined) return { ok: false, text: `no LPAR named ${stack} (LPARs: ${this.map.lpars.join(', ')})` };
    if (!lpar.isUp) {
      return { ok: false, text: this.started ? `${lpar.name} is down` : `${lpar.name} has not been IPLed yet: the run starts with continue` };
    }
    try {
      const text = lpar.operatorNow(command.trim());
      return text === undefined ? { ok: false, text: `${lpar.name} cannot take a command now` } : { ok: true, text };
    } catch (err) {
      return { ok: false, text: `${lpar.name}: the command failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}
