// LAN switch and edge router parameters. The LAN segment latency and the router's client-side latency come
// from the topology (src/scenario/defaults.ts: 500 ns per segment, 20 us through the router, both assumed);
// what is here is the rest.

import { MS } from '../../src/kernel/index.js';
import type { ArpTableParams } from './arp-table.js';

export const SWITCH = {
  /** Learned MAC entries kept; a full table floods unknown destinations (assumed: a small access switch). */
  macTableSize: 8192,
} as const;

export const ROUTER = {
  /** Bit rate of the router's LAN interface (assumed: one 25 GbE port, so three 10 GbE OSAs do not starve). */
  lanBps: 25_000_000_000,
  /** ARP on the router: retry every 1 ms, 3 requests, 8 packets held per address (assumed; Linux defaults are
   *  1 s retransmit, 3 unicast probes and a 64 KiB unresolved queue, scaled down for millisecond runs). */
  arp: { retryPs: 1 * MS, attempts: 3, holdPerAddress: 8 } satisfies ArpTableParams,
} as const;
