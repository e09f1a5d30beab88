// OSA-Express (QDIO, layer 3) parameters. Line rate, INBPERF and the per-frame latency come from the topology
// (src/scenario/defaults.ts); the rest is here. Sources: IBM z/OS Communications Server IP Configuration
// Reference (INTERFACE ... IPAQENET: INBPERF, QDIO priority queues), IBM OSA-Express Implementation Guide
// (SG24-5948: QDIO queues of 128 SBALs, 16 SBALEs each; up to 4 outbound priority queues; ARP offload;
// gratuitous ARP on address registration). IBM publishes no per-packet latency or interrupt timer values:
// those are marked assumed.

import { MS, US } from '../../src/kernel/index.js';
import type { ArpTableParams } from '../lan/arp-table.js';

/** The INBPERF settings of INTERFACE ... IPAQENET. */
export type Inbperf = 'BALANCED' | 'DYNAMIC' | 'MINCPU' | 'MINLATENCY';

/** How the OSA coalesces inbound interrupts for one INBPERF setting. */
export interface InterruptPolicy {
  /** Longest a ready frame waits for more before the interrupt, ps (0 = at once). */
  readonly holdPs: number;
  /** Frames that trigger the interrupt at once, however short the wait. */
  readonly maxFrames: number;
  /** DYNAMIC only: after an idle gap at least this long the first frame interrupts at once, ps. */
  readonly idleGapPs?: number;
}

export const OSA = {
  /** SBALs per QDIO queue (SG24-5948; QDIOSTG caps read storage, the queue itself has 128). */
  sbals: 128,
  /** Entries (SBALEs) per SBAL, each one frame here (SG24-5948). */
  entriesPerSbal: 16,
  /** Outbound priority queues per LPAR (1 = highest), served strictly by priority (SG24-5948). */
  outboundQueues: 4,
  /** Adapter-to-host transfer across the I/O subsystem for one QDIO signal or buffer (assumed: 1 us). */
  qdioLatencyPs: 1 * US,
  /** Interrupt coalescing by INBPERF (all assumed: IBM documents the intent, not the timer values).
   *  MINLATENCY interrupts per frame; BALANCED (the default) holds up to 20 us or 32 frames; MINCPU holds up to
   *  100 us or 128 frames; DYNAMIC behaves like BALANCED under load but interrupts at once after 50 us idle. */
  interrupts: {
    MINLATENCY: { holdPs: 0, maxFrames: 1 },
    BALANCED: { holdPs: 20 * US, maxFrames: 32 },
    MINCPU: { holdPs: 100 * US, maxFrames: 128 },
    DYNAMIC: { holdPs: 20 * US, maxFrames: 32, idleGapPs: 50 * US },
  } satisfies Record<Inbperf, InterruptPolicy>,
  /** The OSA's own ARP cache for outbound next hops: retry every 1 ms, 3 requests, 16 datagrams held per
   *  address (assumed). */
  arp: { retryPs: 1 * MS, attempts: 3, holdPerAddress: 16 } satisfies ArpTableParams,
  /** Frames the OSA itself originates (ARP replies, requests, gratuitous ARP) queued for the wire (assumed). */
  controlQueue: 64,
  /** Write queue by IP precedence (ToS bits 7-5), 0..7 -> queue 1..4 (assumed: network control first,
   *  ordinary traffic on the lowest queue, as a z/OS SETSUBNETPRIOTOSMASK-style mapping would do). */
  queueByPrecedence: [4, 4, 3, 3, 2, 2, 1, 1],
  /** Default per-frame latency when a caller gives none (the topology default, assumed). */
  frameLatencyPs: 2 * US,
} as const;

/** Frames one QDIO queue holds. */
export function queueCapacity(sbals: number, entriesPerSbal: number): number {
  return sbals * entriesPerSbal;
}
