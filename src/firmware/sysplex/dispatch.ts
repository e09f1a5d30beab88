// XCF input: decodes each message (src/firmware/xcf-messages.ts), counts and drops a malformed one, and hands
// the rest to the role it concerns.

import { ipText } from '../sd/types.js';
import { type ControlMessage, decode } from '../xcf-messages.js';
import type { DataPath } from './data-path.js';
import type { Distributor } from './distributor.js';
import type { Membership } from './membership.js';
import { refreshOptLocal, setKeepLocal } from './optlocal.js';
import type { Ownership } from './ownership.js';
import type { SysplexState } from './state.js';
import type { Target } from './target.js';

export class Dispatch {
  constructor(
    private readonly s: SysplexState,
    private readonly group: Membership,
    private readonly ownership: Ownership,
    private readonly distributor: Distributor,
    private readonly target: Target,
    private readonly dataPath: DataPath,
  ) {}

  xcfReceive(now: number, from: string, bytes: Uint8Array): void {
    const s = this.s;
    if (!s.inGroup) return;
    const msg = decode(bytes);
    if (msg.kind === 'malformed') {
      s.counters.malformed++;
      if (s.hal.tracing) s.hal.trace('xcf.malformed', { from, reason: msg.reason });
      return;
    }
    if (msg.kind === 'forward') {
      s.host.deliverLocal(now, msg.packet);
      return;
    }
    if (msg.kind === 'redirect') {
      if (!this.dataPath.route(now, msg.packet)) s.host.deliverLocal(now, msg.packet);
      return;
    }
    this.control(now, from, msg.message);
  }

  private control(now: number, from: string, m: ControlMessage): void {
    const s = this.s;
    const t = s.indexOf(from);
    switch (m.m) {
      case 'hello':
        this.group.hello(now, from, m);
        return;
      case 'active': {
        const d = s.dvipas.get(m.ip);
        if (d !== undefined && d.owner === s.self && from !== s.self) {
          // Two owners: the one the rules designate keeps it.
          if (this.ownership.designated(m.ip) === s.self) return;
          this.ownership.deactivateLocally(d);
        }
        this.target.becomeTargetOf(now, from, m.ip, m.dist);
        return;
      }
      case 'handover': {
        const d = s.dvipas.get(m.ip);
        if (d === undefined) return;
        this.ownership.activate(now, d, 'takeback', m.vcrt);
        return;
      }
      case 'listen':
        if (this.distributor.setReady(m.ip, m.port, t, m.ready)) {
          if (s.hal.tracing) s.hal.trace('vdpt.update', { dvipa: ipText(m.ip), port: m.port, target: from, ready: m.ready });
          refreshOptLocal(s);
        }
        return;
      case 'conn-end':
        this.ownership.connectionEnded(now, m.ip, m.port, m.client, m.clientPort, t);
        return;
      case 'query':
        this.target.answerQuery(from, m.ip);
        return;
      case 'report': {
        for (const [port, ready] of m.listeners) this.distributor.setReady(m.ip, port, t, ready);
        for (const [client, clientPort, port] of m.conns) this.distributor.restoreConnection(m.ip, client, clientPort, port, t);
        const d = s.dvipas.get(m.ip);
        if (d !== undefined && d.awaiting.delete(from) && d.awaiting.size === 0 && d.owner === s.self) {
          // The VCRT is complete: a takeback that waited for it can go ahead.
          this.ownership.resolve(now, d, false);
        }
        refreshOptLocal(s);
        return;
      }
      case 'sweight':
        this.distributor.setServerWeight(m.ip, m.port, t, m.weight);
        return;
      case 'wlm':
        this.group.wlm(from, m);
        return;
      case 'optlocal':
        setKeepLocal(s, from, m.ip, m.port, m.keep);
        return;
    }
  }
}
