// The LPAR host's CPU model. Clock and logical processors come from the topology (src/scenario/defaults.ts:
// 5.2 GHz, z15/z16 class). IBM publishes no per-packet cycle costs for the z/OS TCP/IP stack; every cost here
// is assumed, chosen so that a 5.2 GHz CP handles a few hundred thousand small packets a second, the order of
// magnitude public z/OS Communications Server performance reports show for a few CPs.

import { MS, S } from '../../src/kernel/index.js';

/** Cycles the firmware's work costs, per unit of work. */
export interface CostTable {
  /** Each inbound datagram handed to firmware.receive (assumed). */
  readonly packetReceived: number;
  /** Each datagram the firmware transmits through an OSA (assumed). */
  readonly packetSent: number;
  /** Each datagram forwarded to another stack over XCF while handling a received one (the Sysplex Distributor's
   *  forwarding path; assumed). */
  readonly packetForwarded: number;
  /** Each connection set up (hal.tcpConnection('open')) (assumed). */
  readonly connectionOpen: number;
  /** Each XCF message received, or sent outside packet forwarding (assumed). */
  readonly xcfMessage: number;
  /** Each firmware timer that fires (assumed). */
  readonly timer: number;
  /** Each inbound interrupt from an OSA, however many datagrams it brings (assumed). */
  readonly interrupt: number;
  /** Each group membership change handed to the firmware (assumed). */
  readonly membership: number;
  /** Each OSA port state change handed to the firmware (assumed: like a membership change). */
  readonly interfaceState: number;
  /** Each operator command (assumed). */
  readonly operator: number;
  /** Each byte of a datagram received or sent: the copy between the QDIO buffers and the stack's storage
   *  (assumed: 0.25 cycles a byte, a copy at about 20 GB/s on a 5.2 GHz CP; checksums cost nothing here
   *  because the OSA offloads them). */
  readonly perByte: number;
}

export const LPAR_COSTS: CostTable = {
  packetReceived: 20_000,
  packetSent: 12_000,
  packetForwarded: 8_000,
  connectionOpen: 60_000,
  xcfMessage: 10_000,
  timer: 3_000,
  interrupt: 8_000,
  membership: 20_000,
  interfaceState: 20_000,
  operator: 200_000,
  perByte: 0.25,
};

export const LPAR = {
  /** WLM's view of spare capacity is the CPU use of the last complete window of this length (assumed: WLM
   *  recomputes system weights every 10 s; runs here last seconds, so the window is scaled down). */
  wlmWindowPs: 10 * MS,
  /** WLM's service-unit table covers the last 3 minutes (WLM Services, "Calculation of server weights"). */
  wlmCapacityWindowPs: 180 * S,
  /** The largest WLM system weight (the Sysplex Distributor's BASEWLM scale, 0-64). */
  wlmMaxWeight: 64,
} as const;
