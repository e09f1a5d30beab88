// One line of a latency distribution in the human report (client latency, CPU and OSA queue waits, XCF transfer
// times all print the same way).

import type { LatencySummary } from '../kernel/histogram.js';
import { formatTime } from '../kernel/time.js';

/** `mean 1.1 ms, p50 1.2 ms, p90 ..., p99 ..., p99.9 ..., max ... (N)`. */
export function latencyLine(s: LatencySummary): string {
  return `mean ${formatTime(s.mean)}, p50 ${formatTime(s.p50)}, p90 ${formatTime(s.p90)}, p99 ${formatTime(s.p99)}, p99.9 ${formatTime(s.p999)}, max ${formatTime(s.max)} (${s.count.toLocaleString('en-US')})`;
}
