// The progress line of a partitioned run on a terminal: the virtual time each partition has reached and its
// events per wall second (wall time is read here, in the CLI layer, never in the models).

import { formatTime } from '../kernel/time.js';
import type { PartitionProgress } from './coordinator.js';

export function partitionProgress(untilPs: number, write: (text: string) => void = (t) => process.stderr.write(t)): {
  update: (state: readonly PartitionProgress[], virtualPs: number) => void;
  done: () => void;
} {
  const start = performance.now();
  const last = new Map<number, { at: number; delivered: number; rate: number }>();
  let shown = false;
  return {
    update(state, virtualPs) {
      const now = performance.now();
      const parts = state.map((p) => {
        const prev = last.get(p.partition) ?? { at: start, delivered: 0, rate: 0 };
        const dt = (now - prev.at) / 1000;
        const rate = dt > 0.05 ? (p.delivered - prev.delivered) / dt : prev.rate;
        last.set(p.partition, dt > 0.05 ? { at: now, delivered: p.delivered, rate } : prev);
        return `${p.label} ${formatTime(p.nowPs)} ${Math.round(rate).toLocaleString('en-US')} ev/s`;
      });
      const pct = untilPs > 0 && Number.isFinite(untilPs) ? ` (${((100 * virtualPs) / untilPs).toFixed(0)} %)` : '';
      write(`\r\x1b[K  virtual ${formatTime(virtualPs)}${pct} | ${parts.join(' | ')}`);
      shown = true;
    },
    done() {
      if (shown) write('\r\x1b[K');
    },
  };
}
