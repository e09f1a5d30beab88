// The distribution methods (SYSPLEX-DISTRIBUTOR.md §3): which target gets a new connection for a VdptPort.
// Pure functions over the port's columns; they update only the port's method state (cursor, current weights,
// hot-standby role). Deterministic: ties always go to the earlier target in DESTIP order.
//
// Eligible (VdptPort.eligible): configured, in the XCF group, path up, not quiesced, Rdy > 0.
//   ROUNDROBIN      strict rotation, one connection per target stack per turn whatever its listener count.
//   WEIGHTEDACTIVE  lowest (ActConn + 1) / weight (D'Hondt: ActConn tracks WEIGHT exactly when divisible).
//   BASEWLM         smooth weighted round robin (nginx's) by WLM system weight x TSR; round robin if no
//   SERVERWLM       eligible target has a weight. SERVERWLM the same with the per-server weights.
//   HOTSTANDBY      one active server: PREFERRED when eligible (AUTOSWITCHBACK), else the current one while it
//                   stays eligible, else the highest-ranked eligible target. HEALTHSWITCH also leaves TSR 0.
// Weights are scaled by TSR; a target whose effective weight is 0 gets no new work unless all are 0 [R].
//
// Caller (the distributing stack) on a SYN without a VCRT row, for VdptPort `port`:
//     const t = selectTarget(port, clientIp, now, affinity);       // -1: no eligible target -> RST/drop
//     vcrt.insertService(clientIp, clientPort, port.service, t);   port.connectionStarted(t);
//     if (port.affinityPs > 0) affinity.opened(clientIp, port.service, t);
// and on a target's connection-end report: vcrt.delete..., port.connectionEnded(t),
//     affinity.closed(clientIp, port.service, now, port.affinityPs), then re-arm the timer at nextExpiry().
// A target stack originating a connection to the DVIPA asks keepLocal(port, self) (OPTLOCAL).

import type { TimedAffinity } from './affinity.js';
import type { VdptPort } from './vdpt.js';

/** No eligible target. */
export const NO_TARGET = -1;

/** The target the port's distribution method picks for a new connection, or NO_TARGET. */
export function chooseTarget(port: VdptPort): number {
  switch (port.method) {
    case 'ROUNDROBIN':
      return roundRobin(port);
    case 'WEIGHTEDACTIVE':
      return weightedActive(port);
    case 'BASEWLM':
    case 'SERVERWLM':
      return smoothWeighted(port);
    case 'HOTSTANDBY':
      return updateHotStandby(port);
  }
}

/**
 * `chooseTarget` behind TIMEDAFFINITY: a client IP with a live affinity to an eligible target goes there
 * again (without advancing the method's rotation); otherwise the method decides.
 */
export function selectTarget(port: VdptPort, clientIp: number, now: number, affinity: TimedAffinity | null): number {
  if (affinity !== null && port.affinityPs > 0) {
    const t = affinity.lookup(clientIp, port.service, now);
    if (t >= 0 && t < port.targets && port.eligible(t)) return t;
  }
  return chooseTarget(port);
}

/** ROUNDROBIN: the next eligible target in DESTIP order after the last one chosen. */
export function roundRobin(port: VdptPort): number {
  const n = port.orderLength;
  const order = port.order;
  let pos = port.rrNext;
  for (let k = 0; k < n; k++) {
    if (pos >= n) pos = 0;
    const t = order[pos]!;
    if (port.eligible(t)) {
      port.rrNext = pos + 1 >= n ? 0 : pos + 1;
      return t;
    }
    pos++;
  }
  return NO_TARGET;
}

/** WEIGHTEDACTIVE: the eligible target with the lowest (ActConn + 1) / weight; ties by DESTIP order. */
export function weightedActive(port: VdptPort): number {
  const n = port.orderLength;
  const order = port.order;
  let best = NO_TARGET;
  let bestLoad = 0;
  let bestWeight = 1;
  let anyEligible = false;
  for (let k = 0; k < n; k++) {
    const t = order[k]!;
    if (!port.eligible(t)) continue;
    anyEligible = true;
    const w = port.effectiveWeight(t);
    if (w === 0) continue;
    const load = port.activeConn[t]! + 1;
    // load / w < bestLoad / bestWeight, cross-multiplied to stay in exact integers.
    if (best === NO_TARGET || load * bestWeight < bestLoad * w) {
      best = t;
      bestLoad = load;
      bestWeight = w;
    }
  }
  if (best === NO_TARGET && anyEligible) return roundRobin(port);
  return best;
}

/**
 * BASEWLM / SERVERWLM: smooth weighted round robin. Each eligible target's current weight grows by its
 * weight; the largest is chosen and pays back the total. Over any run of sum(weights) picks each target gets
 * exactly its weight, spread out rather than in bursts. Ineligible targets restart at 0 when they return.
 */
export function smoothWeighted(port: VdptPort): number {
  const n = port.orderLength;
  const order = port.order;
  const current = port.swrrCurrent;
  let best = NO_TARGET;
  let total = 0;
  let anyEligible = false;
  for (let k = 0; k < n; k++) {
    const t = order[k]!;
    if (!port.eligible(t)) {
      current[t] = 0;
      continue;
    }
    anyEligible = true;
    const w = port.effectiveWeight(t);
    if (w === 0) {
      current[t] = 0;
      continue;
    }
    const c = current[t]! + w;
    current[t] = c;
    total += w;
    if (best === NO_TARGET || c > current[best]!) best = t;
  }
  if (best === NO_TARGET) return anyEligible ? roundRobin(port) : NO_TARGET;
  current[best] = current[best]! - total;
  return best;
}

/** HOTSTANDBY: may t serve as the active server? (HEALTHSWITCH also rules out TSR 0.) */
function standbyUsable(port: VdptPort, t: number): boolean {
  return port.eligible(t) && (!port.healthSwitch || port.tsr[t]! > 0);
}

/**
 * HOTSTANDBY: re-evaluate and return the active server (or NO_TARGET). VdptPort calls this on every change
 * of readiness, membership, path or TSR, so the role moves when the facts do, not at the next SYN.
 * AUTOSWITCHBACK returns to PREFERRED as soon as it is usable; otherwise the active server keeps the role
 * until it becomes unusable, then the highest-ranked usable target (PREFERRED ranks above every BACKUP)
 * takes it. A usable higher-ranked BACKUP does not pre-empt an active BACKUP [R: the documents describe
 * switch-back only for PREFERRED].
 */
export function updateHotStandby(port: VdptPort): number {
  if (port.autoSwitchBack) {
    const p = port.preferred;
    if (p >= 0 && standbyUsable(port, p)) {
      port.standby = p;
      return p;
    }
  }
  if (port.standby >= 0 && standbyUsable(port, port.standby)) return port.standby;
  let best = NO_TARGET;
  for (let k = 0; k < port.orderLength; k++) {
    const t = port.order[k]!;
    if (standbyUsable(port, t) && (best === NO_TARGET || port.rank[t]! > port.rank[best]!)) best = t;
  }
  port.standby = best;
  return best;
}

/**
 * OPTLOCAL, asked by a target stack `local` about a connection it originates to the DVIPA port: true = keep
 * it local (connect to the local listener), false = send the SYN to the distributor.
 *   NOOPTLOCAL: false.   Never local without an eligible local listener.
 *   0: local whenever a local listener exists [R].
 *   1: local while the local target's effective weight (WLM/WEIGHT x TSR) is not zero [D].
 *   2-16: local while n x the local weight >= every other eligible target's weight [R].
 * For HOTSTANDBY (n >= 1) the local target must also be the active server.
 */
export function keepLocal(port: VdptPort, local: number): boolean {
  const n = port.optLocal;
  if (n < 0 || local < 0 || local >= port.targets || !port.eligible(local)) return false;
  if (n === 0) return true;
  const w = port.effectiveWeight(local);
  if (w === 0) return false;
  if (port.method === 'HOTSTANDBY') return updateHotStandby(port) === local;
  if (n === 1) return true;
  const scaled = n * w;
  for (let k = 0; k < port.orderLength; k++) {
    const t = port.order[k]!;
    if (t !== local && port.eligible(t) && port.effectiveWeight(t) > scaled) return false;
  }
  return true;
}
