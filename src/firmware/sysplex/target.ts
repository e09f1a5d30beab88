// The target side: a stack the owner of a distributed DVIPA names as a target holds an internal copy of it,
// accepts connections to it, and keeps the distributor informed (listeners, connection ends, server weights,
// and its listeners and connections when a new owner asks after a takeover).

import type { DistributionAd } from '../xcf-messages.js';
import type { Distributor } from './distributor.js';
import { type Dvipa, adNames } from './dvipa.js';
import { refreshOptLocal } from './optlocal.js';
import type { Ownership } from './ownership.js';
import type { SysplexState } from './state.js';

export class Target {
  /** Server weight last sent per `owner|dvipa|port`. */
  private readonly serverWeightSent = new Map<string, number>();

  constructor(
    private readonly s: SysplexState,
    private readonly distributor: Distributor,
    private readonly ownership: Ownership,
  ) {}

  /** The owner `from` advertised `ip`; if this stack is one of its targets, it holds an internal copy and
   *  reports its listeners to the owner. */
  becomeTargetOf(now: number, from: string, ip: number, ad: DistributionAd | null): void {
    const s = this.s;
    let d = s.dvipas.get(ip);
    if (d === undefined && ad !== null && adNames(ad, s.xcfIp)) d = s.addDvipa(ip, {});
    if (d === undefined) return;
    const wasTarget = d.ad !== null;
    d.owner = from;
    d.ad = ad !== null && adNames(ad, s.xcfIp) ? ad : null;
    d.keepLocalPorts.clear();
    d.activatedAt = d.ad === null ? -1 : wasTarget && d.activatedAt >= 0 ? d.activatedAt : now;
    this.reportListeners(d);
  }

  /** Tell the owner of `d` (a DVIPA this stack is a target for) how many listeners each of its ports has. */
  reportListeners(d: Dvipa): void {
    const s = this.s;
    if (d.ad === null || d.owner === null || d.owner === s.self) return;
    for (const port of d.ad.ports) s.send(d.owner, { m: 'listen', ip: d.ip, port, ready: s.readyFor(d, port) });
  }

  /** True when `ip` is a distributed DVIPA this stack is a target for (it accepts connections to it). */
  isTargetAddress(ip: number): boolean {
    const d = this.s.dvipas.get(ip);
    return d !== undefined && (d.ad !== null || d.owner === this.s.self);
  }

  /** A listener opened or closed here: tell the distributor of every DVIPA it serves. */
  listenersChanged(port: number): void {
    const s = this.s;
    for (const d of s.dvipas.values()) {
      if (d.ad === null || !d.ad.ports.includes(port)) continue;
      const ready = s.readyFor(d, port);
      if (d.owner === s.self) {
        this.distributor.setReady(d.ip, port, s.indexOf(s.self), ready);
        refreshOptLocal(s, d);
      } else if (d.owner !== null) {
        s.send(d.owner, { m: 'listen', ip: d.ip, port, ready });
      }
    }
  }

  /** A connection on (localIp, localPort) ended here: the distributor must forget it. */
  localConnectionEnded(now: number, localIp: number, localPort: number, client: number, clientPort: number): void {
    const s = this.s;
    const d = s.dvipas.get(localIp);
    if (d === undefined || d.ad === null || !d.ad.ports.includes(localPort)) return;
    if (d.owner === s.self) this.ownership.connectionEnded(now, localIp, localPort, client, clientPort, s.indexOf(s.self));
    else if (d.owner !== null) s.send(d.owner, { m: 'conn-end', ip: localIp, port: localPort, client, clientPort });
  }

  /** A new owner asks (after a takeover) for this stack's listeners and connections on `ip`. */
  answerQuery(from: string, ip: number): void {
    const s = this.s;
    const d = s.dvipas.get(ip);
    const ad = d?.ad;
    const listeners: [number, number][] = d === undefined ? [] : (ad?.ports ?? []).map((port) => [port, s.readyFor(d, port)]);
    s.send(from, { m: 'report', ip, listeners, conns: s.host.connectionsOn(ip) });
  }

  /**
   * SERVERWLM: each server this stack runs for a distributed port gets a WLM server-specific weight: the
   * system weight, reduced by how full the server's backlog is (a server falling behind its connection
   * requests is worth less new work), 0 without a listener. Sent to the distributor with every WLM poll.
   */
  /** Forgets the server weights sent to `owner` (every owner with null): it left, or this stack did. */
  forgetWeightsSent(owner: string | null): void {
    if (owner === null) this.serverWeightSent.clear();
    else for (const k of [...this.serverWeightSent.keys()]) if (k.startsWith(`${owner}|`)) this.serverWeightSent.delete(k);
  }

  reportServerWeights(systemWeight: number): void {
    const s = this.s;
    const self = s.indexOf(s.self);
    for (const d of s.dvipas.values()) {
      if (d.ad === null || !adNames(d.ad, s.xcfIp) || d.owner === null) continue;
      for (const port of d.ad.ports) {
        const ready = s.host.listeners(d.ip, port);
        const weight = ready === 0 ? 0 : Math.round(systemWeight * (1 - s.host.backlogFill(d.ip, port)));
        if (d.owner === s.self) this.distributor.setServerWeight(d.ip, port, self, weight);
        else {
          // Only a changed weight goes out (the distributor keeps the last one it was sent).
          const key = `${d.owner}|${d.ip}|${port}`;
          if (this.serverWeightSent.get(key) === weight) continue;
          this.serverWeightSent.set(key, weight);
          s.send(d.owner, { m: 'sweight', ip: d.ip, port, weight });
        }
      }
    }
  }
}
