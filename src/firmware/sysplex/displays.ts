// How this stack shows a DVIPA in its displays (Netstat VIPADYN, VDPT, the inspector's view).

import { type Dvipa, adNames } from './dvipa.js';
import type { SysplexState } from './state.js';

/**
 * `d`'s status as Netstat VIPADYN shows it here, or null when this stack does not hold it (out of the
 * group, or neither owner, backup nor target). A VIPADEFINE stack that does not own its DVIPA at the moment
 * waits as BACKUP; a deactivated one is QUIESCING while connections to it remain here [R: SYSPLEX-
 * DISTRIBUTOR.md 4.4, ACTIVE -> QUIESCING -> deactivated]. MOVING is not modelled: a stack that gave a
 * distributed DVIPA away stays one of its targets, so its connections are plain target connections.
 */
export function displayState(s: SysplexState, d: Dvipa): 'ACTIVE' | 'BACKUP' | 'QUIESCING' | 'DEACTIVATED' | null {
  if (!s.inGroup) return null;
  if (d.owner === s.self) return 'ACTIVE';
  if (d.deactivated) return s.host.connectionsOn(d.ip).length > 0 ? 'QUIESCING' : 'DEACTIVATED';
  if (d.backup !== null || d.define !== null) return 'BACKUP';
  return d.ad !== null ? 'ACTIVE' : null;
}

/** This stack is one of `d`'s distribution targets (DESTIP ALL or its dynamic XCF address named). */
export function isDestination(s: SysplexState, d: Dvipa): boolean {
  return d.ad !== null && adNames(d.ad, s.xcfIp);
}

/** This stack distributes `d` now (owns it, with a VIPADISTRIBUTE in effect). */
export function isDistributing(s: SysplexState, d: Dvipa): boolean {
  return d.owner === s.self && d.ports.length > 0;
}
