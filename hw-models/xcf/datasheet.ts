// Coupling links and XCF signalling. Sources: IBM Z Connectivity Handbook (SG24-5444) and IBM Z coupling links
// announcements: ICA SR 8 GB/s per port over up to 150 m of OM4 fibre; Coupling Express LR 10 Gb/s over 10 km
// unrepeated (more with DWDM); IC (internal coupling, no hardware) at memory-bus speed, about 6 GB/s. Light in
// fibre: about 5 ns per metre one way (10 us per km round trip, as IBM's sizing guides state). z/OS MVS Setting
// Up a Sysplex (SA23-1399): CTC and CF list-structure signalling paths, CLASSLEN up to 62464 bytes, status
// update monitoring against the failure detection interval. Per-message costs are not published: assumed.

import { US } from '../../src/kernel/index.js';

/** Coupling link types, and FICON (a channel, for CTC paths between z/OS images). */
export type CouplingLinkType = 'ICA-SR' | 'CE-LR' | 'IC' | 'FICON';

export interface CouplingLinkModel {
  /** Data rate, bits per second. */
  readonly bps: number;
  /** Longest supported fibre, metres (0 for IC, which has none). */
  readonly maxDistanceM: number;
  /** Fixed cost of one signalling message on this link type: adapter, protocol and XCF path handling on both
   *  ends, ps (assumed). */
  readonly messageCostPs: number;
}

export const COUPLING_LINKS: Readonly<Record<CouplingLinkType, CouplingLinkModel>> = {
  /** ICA SR: 8 GB/s (SG24-5444); 2 us per message (assumed). */
  'ICA-SR': { bps: 64_000_000_000, maxDistanceM: 150, messageCostPs: 2 * US },
  /** CE LR: 10 Gb/s, 10 km unrepeated, up to 100 km with DWDM (SG24-5444); 4 us per message (assumed). */
  'CE-LR': { bps: 10_000_000_000, maxDistanceM: 100_000, messageCostPs: 4 * US },
  /** IC: about 6 GB/s, no fibre (SG24-5444); 1 us per message (assumed). */
  IC: { bps: 48_000_000_000, maxDistanceM: 0, messageCostPs: 1 * US },
  /** FICON Express16S: 16 Gb/s Fibre Channel, 10 km unrepeated; 4 us per CTC transfer (assumed). */
  FICON: { bps: 16_000_000_000, maxDistanceM: 100_000, messageCostPs: 4 * US },
};

export const XCF = {
  /** One-way propagation in fibre, ps per metre (about 2/3 c; IBM: 10 us per km round trip). */
  propagationPsPerM: 5_000,
  /** A STRUCTURE path goes through a CF list structure and costs one CF round trip more than a CTC path: twice
   *  the propagation (added from the distance) plus this CF service time (assumed). */
  cfServicePs: 3 * US,
  /** XCF's own header on every signal, bytes (assumed). */
  messageHeaderBytes: 64,
  /** Size of a status update (heartbeat) on the wire, bytes (assumed). */
  statusBytes: 64,
  /** Status updates per failure detection interval (assumed: every interval / 4). */
  heartbeatsPerInterval: 4,
  /** Largest message the default transport class carries (CLASSLEN maximum, SA23-1399). */
  maxMessageBytes: 62_464,
} as const;
