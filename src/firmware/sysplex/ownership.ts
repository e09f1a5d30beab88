// Applies the ownership rules (rules.ts) to this stack's DVIPAs: activation at IPL, takeover from a lost owner
// (asking every target for its listeners and connections to rebuild the VDPT and VCRT), takeback by handover
// with the VCRT, and giving a DVIPA up here.

import { ipText } from '../sd/types.js';
import type { DistributionAd, VcrtTuple } from '../xcf-messages.js';
import type { Distributor } from './distributor.js';
import { type Dvipa, connectionsOf } from './dvipa.js';
import { refreshOptLocal } from './optlocal.js';
import { type Claim, designated, ownershipMove } from './rules.js';
import type { SysplexState } from './state.js';

export class Ownership {
  constructor(
    private readonly s: SysplexState,
    private readonly distributor: Distributor,
  ) {}

  /** The stack that should own `ip` now, from this stack's claim and the members' hellos. */
  designated(ip: number): string | null {
    return designated(this.claims(ip));
  }

  private *claims(ip: number): Generator<readonly [string, Claim | undefined]> {
    const s = this.s;
    const mine = s.dvipas.get(ip);
    if (mine !== undefined && s.inGroup) {
      yield [s.self, { define: mine.define === null ? null : 'X', rank: mine.backup?.rank ?? 0, deactivated: mine.deactivated }];
    }
    for (const [stack, m] of s.members) yield [stack, m.dvipas.get(ip)];
  }

  resolveAll(now: number, afterLoss: boolean): void {
    for (const d of this.s.dvipas.values()) this.resolve(now, d, afterLoss);
  }

  /** Applies the ownership rules to one DVIPA after anything changed. */
  resolve(now: number, d: Dvipa, afterLoss: boolean): void {
    const s = this.s;
    if (!s.inGroup || !s.settled || d.deactivated) return;
    const want = this.designated(d.ip);
    const move = ownershipMove({
      self: s.self,
      owner: d.owner,
      want,
      wantDefine: want === null ? null : (s.members.get(want)?.dvipas.get(d.ip)?.define ?? null),
      definedHere: d.define !== null,
      connections: () => connectionsOf(d),
      afterLoss,
      stateKnown: s.unheard.size === 0,
      rebuilding: d.awaiting.size > 0,
    });
    if (move.kind === 'handover') this.handOver(d, move.to);
    else if (move.kind === 'activate') this.activate(now, d, move.how, []);
  }

  /** This stack becomes the owner (and, with a VIPADISTRIBUTE, the distributor) of `d`. */
  activate(now: number, d: Dvipa, how: 'activate' | 'takeover' | 'takeback', vcrt: VcrtTuple[]): void {
    const s = this.s;
    const previous = d.owner;
    d.owner = s.self;
    d.activatedAt = now;
    d.keepLocalPorts.clear();
    d.optLocalSent.clear();
    const ifName = s.host.interfaceFor(d.ip);
    if (ifName !== null) {
      s.host.interfaces.register(ifName, d.ip);
      d.registeredOn = ifName;
    }
    const v = d.distribute;
    let ad: DistributionAd | null = null;
    if (v !== null) {
      ad = { ip: d.ip, ports: [...v.ports], dest: v.destinations === 'ALL' ? 'ALL' : v.destinations.map((x) => x.xcfIp) };
      d.ports = this.distributor.definePorts(d.ip, v);
      d.ad = ad;
      for (const [client, clientPort, port, stack] of vcrt) this.distributor.restoreConnection(d.ip, client, clientPort, port, s.indexOf(stack));
    }
    if (s.hal.tracing) {
      const kind = how === 'activate' ? 'dvipa.activate' : how === 'takeover' ? 'dvipa.takeover' : 'dvipa.takeback';
      s.hal.trace(kind, { ip: ipText(d.ip), owner: s.self, from: previous ?? undefined, distributing: v !== null });
    }
    for (const stack of s.members.keys()) s.send(stack, { m: 'active', ip: d.ip, dist: ad });
    if (ad !== null) {
      this.distributor.reportLocalListeners(d);
      if (how === 'takeover') {
        for (const stack of s.members.keys()) {
          d.awaiting.add(stack);
          s.send(stack, { m: 'query', ip: d.ip });
        }
        this.distributor.restoreLocalConnections(d);
      }
      refreshOptLocal(s, d);
    }
  }

  /** Give ownership of `d` to `to`, passing the connection routing table along (nondisruptive). */
  handOver(d: Dvipa, to: string): void {
    const s = this.s;
    const rows = this.distributor.vcrtRows(d);
    this.deactivateLocally(d);
    d.owner = to;
    s.send(to, { m: 'handover', ip: d.ip, vcrt: rows });
    if (s.hal.tracing) s.hal.trace('dvipa.handover', { ip: ipText(d.ip), to, connections: rows.length });
  }

  /** Stop owning `d` here: deregister it and drop the distributor's tables for it. */
  deactivateLocally(d: Dvipa): void {
    if (d.registeredOn !== null) this.s.host.interfaces.deregister(d.ip);
    d.registeredOn = null;
    d.awaiting.clear();
    d.activatedAt = -1;
    d.optLocalSent.clear();
    this.distributor.drop(d);
  }

  /** A connection on a DVIPA this stack distributes ended (on target `t`); WHENIDLE takeback waits for the last. */
  connectionEnded(now: number, dvipa: number, port: number, client: number, clientPort: number, t: number): void {
    if (!this.distributor.connectionEnded(now, dvipa, port, client, clientPort, t)) return;
    const d = this.s.dvipas.get(dvipa);
    if (d !== undefined && d.owner === this.s.self && connectionsOf(d) === 0) this.resolve(now, d, false);
  }
}
