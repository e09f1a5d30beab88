// The distributor's data path: every inbound datagram from the OSA passes route(), which forwards those of
// distributed connections to their target over a dynamic XCF interface (choosing a target for a new
// connection), hands datagrams for a DVIPA that moved to its new owner, and leaves the rest to this stack's IP
// input. The dynamic XCF interface is HiperSockets (IUTIQDIO) to a stack on an IQD CHPID this one shares (same
// CPC), else XCF signalling (IP Configuration Reference, VIPAROUTE: "Dynamic XCF interfaces include
// HiperSockets (iQDIO) ... or XCF interfaces created by IPCONFIG DYNAMICXCF"); a target a VIPAROUTE names is
// reached in GRE over the IP network instead (vipa-route.ts).

import { FlowKey, NEW_CONNECTION, NO_ENTRY, NO_TARGET, NOT_DISTRIBUTED, forwardDecision, selectTarget } from '../sd/index.js';
import { ipText } from '../sd/types.js';
import { encodeForward, encodeRedirect } from '../xcf-messages.js';
import { LookAhead } from './look-ahead.js';
import { greEncapsulate, vipaRouteTarget } from './vipa-route.js';
import type { SysplexState } from './state.js';

export class DataPath {
  private readonly key = new FlowKey();
  /** Decisions taken ahead for the datagrams of the latest inbound burst (see lookAhead). */
  private readonly ahead = new LookAhead();

  constructor(private readonly s: SysplexState) {}

  /**
   * A QDIO interrupt's datagrams, before route() sees them one by one: decide them all now, so the VCRT misses
   * of a burst overlap (ForwardBatch). route() uses a decision only while the VCRT is unchanged since, and
   * only a forward to a target; everything else it decides again.
   */
  lookAhead(packets: readonly Uint8Array[]): void {
    if (this.s.vdpt.size > 0) this.ahead.decide(packets, this.s.vcrt);
  }

  /**
   * An inbound datagram from the OSA. Returns true when the distributor took it (forwarded it to a target,
   * or dropped it); false when it is for this stack's own IP input.
   */
  route(now: number, packet: Uint8Array): boolean {
    const s = this.s;
    if (s.vdpt.size === 0) return this.redirect(packet);
    const early = this.ahead.take(packet, s.vcrt.generation);
    if (early >= 0) {
      s.counters.decidedAhead++;
      this.forwardTo(now, early, packet);
      return true;
    }
    const key = this.key;
    const target = forwardDecision(packet, s.vcrt, key);
    if (target >= 0) {
      this.forwardTo(now, target, packet);
      return true;
    }
    if (target === NO_ENTRY && s.dvipas.get(key.dvipa)?.awaiting.size) {
      s.counters.dropped++;
      return true;
    }
    if (target === NOT_DISTRIBUTED) return this.redirect(packet);
    if (target !== NEW_CONNECTION) {
      // Not TCP, or no VCRT entry: the local stack decides (a local connection or a RST).
      return false;
    }
    const p = s.vdpt.byService(key.service)!;
    const chosen = selectTarget(p, key.clientIp, now, p.affinityPs > 0 ? s.affinity : null);
    if (chosen === NO_TARGET) {
      s.counters.noTarget++;
      if (s.hal.tracing) s.hal.trace('sd.notarget', { dvipa: ipText(key.dvipa), port: key.port, client: ipText(key.clientIp) });
      s.counters.dropped++;
      return true;
    }
    s.vcrt.insertService(key.clientIp, key.clientPort, key.service, chosen);
    p.connectionStarted(chosen);
    if (p.affinityPs > 0) s.affinity.opened(key.clientIp, key.service, chosen);
    if (s.hal.tracing) {
      s.hal.trace('vcrt.insert', {
        dvipa: ipText(key.dvipa), port: key.port, client: ipText(key.clientIp), clientPort: key.clientPort, target: s.targetName(chosen),
      });
    }
    this.forwardTo(now, chosen, packet);
    return true;
  }

  /** A datagram from the LAN for a DVIPA another stack owns now (it moved, and the LAN has not learned it
   *  yet): hand it to the owner over XCF instead of answering it here with a RST. */
  private redirect(packet: Uint8Array): boolean {
    const s = this.s;
    if (s.dvipas.size === 0 || packet.length < 20) return false;
    const dst = ((packet[16]! << 24) | (packet[17]! << 16) | (packet[18]! << 8) | packet[19]!) >>> 0;
    const d = s.dvipas.get(dst);
    if (d === undefined || d.owner === null || d.owner === s.self || !s.members.has(d.owner)) return false;
    s.counters.redirected++;
    const iqd = this.dynamicXcf(d.owner, encodeRedirect(packet));
    if (s.hal.tracing) s.hal.trace('conn.redirect', iqd ? { to: d.owner, bytes: packet.length, via: 'iqd' } : { to: d.owner, bytes: packet.length });
    return true;
  }

  /** Send a datagram this stack originated to the stack distributing its destination DVIPA, over XCF (the
   *  distributor routes it as if it came from the LAN); false when no such stack is in the group. */
  toDistributor(dst: number, packet: Uint8Array): boolean {
    const s = this.s;
    const d = s.dvipas.get(dst);
    if (d === undefined || d.owner === null || d.owner === s.self || !s.members.has(d.owner)) return false;
    s.counters.redirected++;
    this.dynamicXcf(d.owner, encodeRedirect(packet));
    return true;
  }

  /** Sends over the dynamic XCF interface to `stack`: HiperSockets when the host reaches it so, else XCF.
   *  True when it went over HiperSockets. */
  private dynamicXcf(stack: string, message: Uint8Array): boolean {
    const s = this.s;
    if (s.hal.iqdSend?.(stack, message) === true) {
      s.counters.viaIqd++;
      return true;
    }
    s.hal.xcfSend(stack, message);
    return false;
  }

  private forwardTo(now: number, t: number, packet: Uint8Array): void {
    const s = this.s;
    const stack = s.targetName(t);
    if (stack === s.self) {
      s.host.deliverLocal(now, packet);
      return;
    }
    s.counters.forwarded++;
    const viaRoute = s.vipaRoutes.length > 0 ? vipaRouteTarget(s.vipaRoutes, s.xcfIpOf(stack)) : 0;
    if (viaRoute !== 0 && s.host.sendRouted(greEncapsulate(s.xcfIp, viaRoute, packet))) {
      s.counters.viaVipaRoute++;
      if (s.hal.tracing) s.hal.trace('conn.forward', { to: stack, bytes: packet.length, via: 'viparoute' });
      return;
    }
    const iqd = this.dynamicXcf(stack, encodeForward(packet));
    if (s.hal.tracing) s.hal.trace('conn.forward', iqd ? { to: stack, bytes: packet.length, via: 'iqd' } : { to: stack, bytes: packet.length });
  }
}
