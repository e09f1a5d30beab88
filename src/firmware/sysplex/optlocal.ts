// OPTLOCAL and the connections this stack's own applications open to a distributed DVIPA: the distributor
// pushes each target its verdict (may such a connection stay local?), and every stack decides from it where
// the SYN goes.

import { keepLocal } from '../sd/index.js';
import type { Dvipa } from './dvipa.js';
import type { SysplexState } from './state.js';

/** Where a connection this stack originates to a distributed DVIPA goes (Sysplex.originate). */
export type Origination =
  /** Not a distributed DVIPA of this sysplex (or no owner known): ordinary IP routing. */
  | 'route'
  /** OPTLOCAL: to the local listener, without the distributor. */
  | 'local'
  /** This stack distributes the DVIPA: its own distributor picks the target. */
  | 'distribute'
  /** The SYN (and the rest of the connection's inbound packets) go to the distributing stack over XCF. */
  | 'distributor';

/**
 * Distributor: push each target its OPTLOCAL verdict (keepLocal over this VDPT) for every distributed port
 * coded with OPTLOCAL, when the verdict changed (the "OPTLOCAL table" the distributor keeps its targets
 * informed with). Called after anything that can move it: listener reports, WLM weights, membership.
 */
export function refreshOptLocal(s: SysplexState, only?: Dvipa): void {
  for (const d of only !== undefined ? [only] : s.dvipas.values()) {
    if (d.owner !== s.self) continue;
    for (const p of d.ports) {
      if (p.optLocal < 0) continue;
      for (let k = 0; k < p.orderLength; k++) {
        const t = p.order[k]!;
        const stack = s.targetName(t);
        if (stack === s.self || !s.members.has(stack)) continue;
        const keep = keepLocal(p, t);
        const key = `${p.port}:${t}`;
        if (d.optLocalSent.get(key) === keep) continue;
        d.optLocalSent.set(key, keep);
        s.send(stack, { m: 'optlocal', ip: d.ip, port: p.port, keep });
      }
    }
  }
}

/** Target: the distributor's verdict for connections this stack originates to `ip`:`port`. */
export function setKeepLocal(s: SysplexState, from: string, ip: number, port: number, keep: boolean): void {
  const d = s.dvipas.get(ip);
  if (d === undefined || d.owner !== from) return;
  if (keep) d.keepLocalPorts.add(port);
  else d.keepLocalPorts.delete(port);
}

/**
 * Where a connection an application of this stack opens to dst:port goes. For a distributed DVIPA: local
 * when OPTLOCAL allows it and a local listener is ready (the distributor's verdict on a target, keepLocal
 * over its own VDPT on the distributor); else through the distributor, which picks the target.
 */
export function originate(s: SysplexState, dst: number, port: number): Origination {
  const d = s.dvipas.get(dst);
  if (d === undefined || !s.inGroup) return 'route';
  if (d.owner === s.self) {
    const p = s.vdpt.get(dst, port);
    if (p === undefined) return 'route';
    return s.readyFor(d, port) > 0 && keepLocal(p, s.indexOf(s.self)) ? 'local' : 'distribute';
  }
  if (d.ad === null || d.owner === null || !s.members.has(d.owner)) return 'route';
  return d.ad.ports.includes(port) && d.keepLocalPorts.has(port) && s.readyFor(d, port) > 0 ? 'local' : 'distributor';
}
