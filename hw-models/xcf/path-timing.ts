// The kernel link of one LPAR-to-CF coupling link or one LPAR-to-LPAR FICON CTC path: a one-way latency (fibre
// propagation + the link's per-transfer overhead) and its bit rate, so that a message of B bytes arrives after
// B * 8 / rate + latency. A CF request's round trip is two of these plus the CF's own service; a CTC transfer's
// is one each way (the data, then device end).

import { COUPLING_LINKS, type CouplingLinkType, XCF } from './datasheet.js';

/** What a link's timing depends on. */
export interface PathGeometry {
  readonly model: CouplingLinkType;
  readonly distanceM: number;
}

export interface PathTiming {
  /** One-way latency of the kernel link, ps (>= 1). */
  readonly latencyPs: number;
  readonly bps: number;
  /** Its parts, for the documentation and tests. */
  readonly propagationPs: number;
  readonly overheadPs: number;
}

export function pathTiming(link: PathGeometry): PathTiming {
  const model = COUPLING_LINKS[link.model];
  const propagationPs = Math.round(link.distanceM * XCF.propagationPsPerM);
  return { latencyPs: Math.max(1, propagationPs + model.overheadPs), bps: model.bps, propagationPs, overheadPs: model.overheadPs };
}

/** Bytes a signal of `payload` bytes occupies on a link (XCF header included). */
export function signalBytes(payload: number): number {
  return payload + XCF.messageHeaderBytes;
}
