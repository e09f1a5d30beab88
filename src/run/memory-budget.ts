// The memory a run will need, estimated from its workloads before it starts, against what this process may
// use. A workload that cannot fit is bad input (exit 2, naming the field, the estimate and the limit) rather
// than a run that dies of heap exhaustion minutes later; the run itself also watches the heap (heapWatch) so
// that an estimate that was too low still ends with one line and exit 3, never V8's dump.

import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { InputError } from '../errors.js';
import type { Scenario, WorkloadSpec } from '../scenario/types.js';

/** Bytes per open connection: client end, server end, VCRT row and ledgers together, heap and the control
 *  blocks' array-buffer rows (measured by the scale bench, test/bench/scale.bench.ts: 1,634 with a million held
 *  on the 32-LPAR sysplex, 4,103 at 50,000 where the 65,536 client hosts' engines weigh more; rounded up). */
export const BYTES_PER_OPEN_CONNECTION = 2_000;
/** Heap bytes kept for every connection ever opened (the client's outcome record, the ledger keys). */
export const BYTES_PER_CONNECTION = 250;
/** Heap bytes per client host (its TCP engine, ports and timers). */
export const BYTES_PER_CLIENT_HOST = 2_000;
/** How long a connection without `hold` stays open, at most, for the estimate (handshake, exchange, close
 *  and a few retransmissions of a loaded sysplex). */
const LIFETIME_PS = 1e12;

export interface MemoryEstimate {
  readonly bytes: number;
  /** The workload that needs the most, or null when there is none. */
  readonly largest: WorkloadSpec | null;
}

/** Bytes the run's workloads need at their peak (a generous upper bound, not a measurement). */
export function estimateRunBytes(workloads: readonly WorkloadSpec[], untilPs: number): MemoryEstimate {
  let bytes = 0;
  let hosts = 0;
  let largest: WorkloadSpec | null = null;
  let largestBytes = -1;
  for (const w of workloads) {
    const b = workloadBytes(w, untilPs);
    bytes += b;
    hosts = Math.max(hosts, w.clients);
    if (b > largestBytes) {
      largestBytes = b;
      largest = w;
    }
  }
  return { bytes: bytes + hosts * BYTES_PER_CLIENT_HOST, largest };
}

function workloadBytes(w: WorkloadSpec, untilPs: number): number {
  if (w.startPs > untilPs) return 0;
  // Opened by the end of the run, and open at the same time (everything at once without a rate).
  const opened = w.rate > 0 ? Math.min(w.connections, Math.floor(((untilPs - w.startPs) * w.rate) / 1e12) + 1) : w.connections;
  const concurrent = w.rate > 0 ? Math.min(opened, Math.ceil(((w.holdPs + LIFETIME_PS) * w.rate) / 1e12)) : opened;
  // Each open connection also holds a request and a response's worth of buffers at worst.
  return opened * BYTES_PER_CONNECTION + concurrent * (BYTES_PER_OPEN_CONNECTION + w.request + w.response);
}

/** Heap this process may still use: V8's limit less what is in use now. */
export function heapHeadroom(): { limit: number; available: number } {
  const h = getHeapStatistics();
  return { limit: h.heap_size_limit, available: h.heap_size_limit - h.used_heap_size };
}

/** Throws an InputError at the largest workload's `connections` when the estimate does not fit. */
export function checkMemoryBudget(scenario: Scenario, untilPs: number, headroom = heapHeadroom()): void {
  const e = estimateRunBytes(scenario.workload, untilPs);
  if (e.bytes <= headroom.available || e.largest === null) return;
  const w = e.largest;
  const at = w.connectionsAt ?? w.at;
  const index = scenario.workload.indexOf(w);
  throw new InputError(
    at.file,
    `workload[${index}].connections: ${w.connections.toLocaleString('en-US')} connections need an estimated ${gib(e.bytes)} of heap, ` +
      `more than the ${gib(headroom.available)} this process has (limit ${gib(headroom.limit)}); open fewer or hold them shorter, ` +
      `or raise the limit with NODE_OPTIONS=--max-old-space-size=<MiB>`,
    { line: at.line, col: at.col },
  );
}

/** During the run: a heap about to run out ends it with one line (exit 3) instead of V8's fatal dump. */
export class HeapWatch {
  /** Events between two looks (a model that keeps a few KiB per event cannot fill the last tenth between). */
  static readonly EVENTS = 2048;
  /** What the old generation may hold: V8's heap limit less the young generation (3 semi-spaces of 16 MiB). */
  private readonly limit = getHeapStatistics().heap_size_limit - 48 * 2 ** 20;

  /** Throws when the old generation is past 90 % of what it may hold. */
  check(): void {
    let used = 0;
    for (const s of getHeapSpaceStatistics()) if (s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space') used += s.space_used_size;
    if (used > this.limit * 0.9) {
      throw new RangeError(`out of memory: the heap holds ${gib(used)} of its ${gib(this.limit)} limit (raise it with NODE_OPTIONS=--max-old-space-size=<MiB>, or run a smaller workload)`);
    }
  }
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}
