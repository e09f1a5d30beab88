// Links and XCF signalling. Sources: IBM Z Connectivity Handbook (SG24-5444) and the z15 Technical Guide: ICA SR
// 8 GB/s per port over up to 150 m of OM4 fibre; Coupling Express LR 10 Gb/s over 10 km unrepeated (more with
// DWDM); IC links are internal, simulated by PR/SM, with no fibre and no published rate (IBM lists "internal
// speeds"). FICON Express16S: 16 Gb/s Fibre Channel. Light in fibre: about 5 ns per metre one way (10 us per km
// round trip, IBM's rule of thumb). z/OS MVS Setting Up a Sysplex (SA23-1399): CTC signalling paths are FICON
// channels between z/OS images (one-way devices, in pairs); list-structure paths go through a CF over coupling
// links; CLASSLEN up to 62464 bytes; a signal longer than CLASSLEN costs a buffer expansion. M. Packer (2021): a
// list-structure request over ICA SR takes about 7.5 us, mostly CF CPU (hw-models/cf/datasheet.ts). Per-request
// and per-transfer overheads are not published: assumed.

import { US } from '../../src/kernel/index.js';

/** Link types: coupling links (to a CF) and FICON (CTC between z/OS images). */
export type CouplingLinkType = 'ICA-SR' | 'CE-LR' | 'IC' | 'FICON';

export interface CouplingLinkModel {
  /** Data rate, bits per second (0: no serialisation, IC moves memory to memory). */
  readonly bps: number;
  /** Longest supported fibre, metres (0 for IC, which has none). */
  readonly maxDistanceM: number;
  /** One-way adapter and protocol time of a CF request or a CTC transfer on this link, ps (assumed). */
  readonly overheadPs: number;
  /** Subchannels per CHPID (coupling links: requests in flight per link; FICON: unused, one transfer per CTC
   *  device). */
  readonly subchannels: number;
}

export const COUPLING_LINKS: Readonly<Record<CouplingLinkType, CouplingLinkModel>> = {
  /** ICA SR: 8 GB/s (z15 TG); 1.2 us each way (assumed: with 5 us of CF time, Packer's 7.5 us per request). */
  'ICA-SR': { bps: 64_000_000_000, maxDistanceM: 150, overheadPs: 1_200_000, subchannels: 8 },
  /** CE LR: 10 Gb/s, 10 km unrepeated, up to 100 km with DWDM (SG24-5444); 2 us each way (assumed). */
  'CE-LR': { bps: 10_000_000_000, maxDistanceM: 100_000, overheadPs: 2 * US, subchannels: 8 },
  /** IC: internal, PR/SM moves the data (no serialisation); 0.3 us each way (assumed: better than ICA SR, as
   *  Packer observed). */
  IC: { bps: 0, maxDistanceM: 0, overheadPs: 300_000, subchannels: 8 },
  /** FICON Express16S: 16 Gb/s; 10 us each way per CTC transfer (assumed: a channel program, start to device
   *  end, for one signal). */
  FICON: { bps: 16_000_000_000, maxDistanceM: 100_000, overheadPs: 10 * US, subchannels: 1 },
};

export const XCF = {
  /** One-way propagation in fibre, ps per metre (about 2/3 c; IBM: 10 us per km round trip, M. Packer, "What's
   *  The Latency Really?", 2015; docs/fidelity.md row 15). */
  propagationPsPerM: 5_000,
  /** XCF's own header on every signal, bytes (assumed). */
  messageHeaderBytes: 64,
  /** Largest CLASSLEN (SETXCF START,CLASSDEF: 0 to 62464). */
  maxMessageBytes: 62_464,
} as const;
