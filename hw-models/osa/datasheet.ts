// OSA-Express (QDIO, layer 3) parameters. Line rate, INBPERF, read storage and the per-frame latency come from
// the topology (src/scenario/defaults.ts); the rest is here. Sources:
// - IPCONFIG: IBM z/OS Communications Server IP Configuration Reference (INTERFACE ... IPAQENET: INBPERF,
//   READSTORAGE, WORKLOADQ; SetSubnetPrioTosMask: the default ToS -> priority table).
// - SNARDR: IBM z/OS Communications Server SNA Resource Definition Reference, QDIOSTG start option (read
//   storage in 64 KB SBALs: MAX = 64 SBALs, 4 MB, the default on z/Architecture; AVG = 32; 8-126 explicit).
// - SG24-5948: IBM OSA-Express Implementation Guide (QDIO queues of 128 SBALs, 16 SBALEs each; up to 4 outbound
//   priority queues; ARP offload; gratuitous ARP on address registration).
// - qeth: Linux drivers/s390/net/qeth_core.h (struct qeth_hdr_layer3, 32 bytes in front of each datagram in a
//   QDIO buffer; 64 inbound buffers of 64 KB by default, the same geometry as z/OS's QDIOSTG MAX).
// IBM publishes no per-packet latency or interrupt timer values: those are marked assumed.

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
}

/** INBPERF DYNAMIC's "dynamic LAN idle timer": the stack watches the inbound rate and re-tunes the OSA's hold
 *  time (IPCONFIG, "Dynamic LAN idle timer"; the thresholds and the sampling interval are assumed: IBM
 *  publishes none). Below `latencyBelow` frames a second it asks for no hold, above `cpuAbove` for the MINCPU
 *  hold, BALANCED's between. */
export const DYNAMIC_LAN_IDLE = {
  samplePs: 1 * MS,
  latencyBelow: 20_000,
  cpuAbove: 200_000,
} as const;

export const OSA = {
  /** SBALs per QDIO write queue (SG24-5948: 128 per queue). */
  sbals: 128,
  /** Entries (SBALEs) per write SBAL, each one frame here (SG24-5948). */
  entriesPerSbal: 16,
  /** Read storage: QDIOSTG / READSTORAGE in 64 KB SBALs (SNARDR: MAX = 64, the default; AVG = 32; MIN = 16
   *  assumed from the MAX/AVG halving, the page gives MAX and AVG; an explicit value 8-126). */
  readStorage: { MAX: 64, AVG: 32, MIN: 16 } as const,
  readStorageRange: [8, 126] as const,
  /** Bytes of one read SBAL (SNARDR: "each SBAL is 64k"; SG24-5948: 16 SBALEs of 4 KB). */
  sbalBytes: 65_536,
  /** QDIO header in front of each inbound datagram in a read buffer (qeth: struct qeth_hdr_layer3). */
  qdioHeaderBytes: 32,
  /** Outbound priority queues per LPAR (1 = highest), served strictly by priority (SG24-5948). */
  outboundQueues: 4,
  /** Adapter-to-host transfer across the I/O subsystem for one QDIO signal or buffer (assumed: 1 us). */
  qdioLatencyPs: 1 * US,
  /** Interrupt coalescing by INBPERF (all assumed: IBM documents the intent, not the timer values).
   *  MINLATENCY interrupts per frame; BALANCED (the default) holds up to 20 us or 32 frames; MINCPU holds up to
   *  100 us or 128 frames; DYNAMIC starts with no hold and is re-tuned by the stack (DYNAMIC_LAN_IDLE). */
  interrupts: {
    MINLATENCY: { holdPs: 0, maxFrames: 1 },
    BALANCED: { holdPs: 20 * US, maxFrames: 32 },
    MINCPU: { holdPs: 100 * US, maxFrames: 128 },
    DYNAMIC: { holdPs: 0, maxFrames: 32 },
  } satisfies Record<Inbperf, InterruptPolicy>,
  /** IWQ: the sysplex distributor's read queue interrupts at once (assumed: IBM says only that IWQ tunes each
   *  queue's interrupts to its workload's latency needs; forwarding is latency-bound). */
  sdQueueInterrupts: { holdPs: 0, maxFrames: 1 } satisfies InterruptPolicy,
  /** The OSA's own ARP cache for outbound next hops: retry every 1 ms, 3 requests, 16 datagrams held per
   *  address (assumed). */
  arp: { retryPs: 1 * MS, attempts: 3, holdPerAddress: 16 } satisfies ArpTableParams,
  /** Frames the OSA itself originates (ARP replies, requests, gratuitous ARP) queued for the wire (assumed). */
  controlQueue: 64,
  /** Write queue by IP precedence (ToS bits 7-5), 0..7 -> priority 1..4: the default table TCP/IP uses when
   *  no SetSubnetPrioTosMask statement is given (IPCONFIG, SetSubnetPrioTosMask: 000 -> 4, 001 -> 4,
   *  010 -> 3, 011 -> 2, 100..111 -> 1). */
  queueByPrecedence: [4, 4, 3, 2, 1, 1, 1, 1],
  /** Default per-frame latency when a caller gives none (the topology default, assumed). */
  frameLatencyPs: 2 * US,
} as const;

/** Read SBALs for a READSTORAGE / QDIOSTG value (MAX, AVG, MIN or a number of SBALs). */
export function readSbals(v: ReadStorage): number {
  return typeof v === 'number' ? v : OSA.readStorage[v];
}

/** QDIOSTG / READSTORAGE: a predefined size or the number of 64 KB SBALs (8-126). */
export type ReadStorage = 'MAX' | 'AVG' | 'MIN' | number;

/** Frames one QDIO write queue holds. */
export function queueCapacity(sbals: number, entriesPerSbal: number): number {
  return sbals * entriesPerSbal;
}
