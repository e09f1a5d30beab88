// A progress line on stderr for long runs when stderr is a terminal: virtual time reached, share of the
// run, events per wall second. Wall time is read here, in the CLI, never in simulation code.

import type { Simulation } from '../kernel/simulation.js';
import { formatTime } from '../kernel/time.js';

export function progressLine(): { update: (sim: Simulation, untilPs: number) => void; done: () => void } {
  const start = performance.now();
  let last = 0;
  let shown = false;
  return {
    update(sim, untilPs) {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      const pct = untilPs > 0 && Number.isFinite(untilPs) ? ` (${((100 * sim.now) / untilPs).toFixed(0)} %)` : '';
      const rate = Math.round(sim.events / ((now - start) / 1000));
      process.stderr.write(`\r  virtual ${formatTime(sim.now)}${pct}, ${sim.events.toLocaleString('en-US')} events, ${rate.toLocaleString('en-US')} events/s   `);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
