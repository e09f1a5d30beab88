// The kernel link of one XCF signalling path: a one-way latency (fibre propagation + per-message cost, plus a
// CF round trip for a structure path) and the link's bit rate, so that a message of B bytes arrives after
// (B + header) * 8 / rate + latency, as the link and XCF datasheets say.

import { COUPLING_LINKS, type CouplingLinkType, XCF } from './datasheet.js';

/** What a path's timing depends on. */
export interface PathGeometry {
  readonly model: CouplingLinkType;
  readonly distanceM: number;
  readonly signalling: 'CTC' | 'STRUCTURE';
}

export interface PathTiming {
  /** One-way latency of the kernel link, ps (>= 1). */
  readonly latencyPs: number;
  readonly bps: number;
  /** Its parts, for the documentation and tests. */
  readonly propagationPs: number;
  readonly costPs: number;
}

export function pathTiming(link: PathGeometry): PathTiming {
  const model = COUPLING_LINKS[link.model];
  const propagationPs = Math.round(link.distanceM * XCF.propagationPsPerM);
  let costPs = model.messageCostPs;
  // Through a CF list structure the signal costs one CF round trip more than over a CTC: the CF is taken to be
  // as far away as the peer (2 x propagation) and adds its service time.
  if (link.signalling === 'STRUCTURE') costPs += 2 * propagationPs + XCF.cfServicePs;
  return { latencyPs: Math.max(1, propagationPs + costPs), bps: model.bps, propagationPs, costPs };
}

/** Bytes a signal of `payload` bytes occupies on the path (XCF header included). */
export function signalBytes(payload: number): number {
  return payload + XCF.messageHeaderBytes;
}
