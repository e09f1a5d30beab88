// Paces a simulation to the wall clock, as ns-3's RealtimeSimulatorImpl does, from outside the kernel: the
// kernel's runUntil() is called with the wall clock's "now" (in virtual picoseconds since the run started),
// so virtual time never gets ahead of real time; between events the driver sleeps (a timer for waits over
// a couple of milliseconds, then a yield to the event loop each turn, so inputs are read at once).
//
// Lag: each time the driver finds due events, how late the earliest of them is (wall now - its virtual
// time). A run that falls more than `maxLagPs` behind fails (exit 3) naming the virtual time.
//
// Inputs from the outside world (TAP frames, console commands) are given inputTime(): the wall clock's now,
// rounded up to a whole nanosecond and always later than every event already delivered, so that replaying
// the same inputs at the same times delivers every event in the same order.

import { setImmediate as yieldTurn } from 'node:timers/promises';
import { type Simulation, SimulationError } from '../kernel/index.js';
import { MS, NS, formatTime } from '../kernel/time.js';
import { LagHistogram, type LagSummary } from './lag.js';

/** Events delivered before the driver lets the event loop read inputs. */
const BUDGET = 2000;
/** Waits longer than this sleep on a timer (Node's timers have millisecond granularity); shorter ones spin. */
const SPIN_PS = 2 * MS;
/** The longest sleep, so that progress lines and stop requests are seen. */
const MAX_SLEEP_MS = 100;

export interface RealtimeOptions {
  untilPs: number;
  /** Fail when the run falls further behind than this (ps); none by default. */
  maxLagPs?: number;
  /** Called about every 250 ms of wall time. */
  progress?: (sim: Simulation, untilPs: number) => void;
}

export interface RealtimeReport extends LagSummary {
  /** Why the run ended: its end time, or a stop request (Ctrl-C, `quit`). */
  ended: 'until' | 'stopped';
}

export class RealtimeDriver {
  readonly lag = new LagHistogram();
  private t0 = 0;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private lastSample = 0;

  constructor(
    readonly sim: Simulation,
    private readonly options: RealtimeOptions,
  ) {}

  /** The wall clock as virtual time (ps since the run started). */
  wallPs(): number {
    return Math.floor((performance.now() - this.t0) * MS);
  }

  /** The virtual time to give an input that arrived now (see the header). */
  inputTime(): number {
    const t = Math.max(this.wallPs(), this.sim.now + 1);
    return Math.min(Math.ceil(t / NS) * NS, this.options.untilPs);
  }

  /** Ends the run at the next turn (Ctrl-C, the console's quit). */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /** An input arrived: stop sleeping. */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  async run(): Promise<RealtimeReport> {
    const { sim, options } = this;
    const until = options.untilPs;
    sim.start();
    this.t0 = performance.now();
    this.lastSample = this.t0;
    let lastProgress = this.t0;
    while (!this.stopped) {
      const wall = this.wallPs();
      const due = Math.min(wall, until);
      const next = sim.nextEventTime();
      if (next <= due) this.sample(wall - next);
      const r = sim.runUntil(due, BUDGET);
      if (options.progress !== undefined && performance.now() - lastProgress > 250) {
        lastProgress = performance.now();
        options.progress(sim, until);
      }
      if (r === 'budget') {
        await yieldTurn();
        continue;
      }
      if (due >= until) break;
      const wait = sim.nextEventTime() - this.wallPs();
      if (wait > SPIN_PS) await this.sleep(Math.min(wait / MS - 1, MAX_SLEEP_MS));
      else await yieldTurn();
    }
    // A stop may come between two budgets: deliver the rest of this instant, so that a replay that runs to
    // the same end time delivers exactly the same events.
    if (this.stopped) sim.runUntil(sim.now);
    return { ...this.lag.summary(), ended: this.stopped ? 'stopped' : 'until' };
  }

  private sample(lagPs: number): void {
    const now = performance.now();
    this.lag.add(lagPs / 1e6, now - this.lastSample);
    this.lastSample = now;
    const max = this.options.maxLagPs;
    if (max !== undefined && lagPs > max) {
      throw new SimulationError(this.sim.now, 'realtime', new Error(`the run fell ${formatTime(lagPs)} behind the wall clock, past the limit of ${formatTime(max)} (--max-lag)`));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
