// XCF signalling as the LPAR host uses it: the paths to every other system, failover between them, and the
// TCP/IP group's membership. Not a component: it lives inside an LPAR host and uses that host's ports, timers
// and trace. Membership follows XCF status monitoring: a joined member sends a status update to every peer each
// failure-detection-interval / 4; a peer whose updates stop for the whole interval is declared failed; a
// voluntary leave is announced at once; a member that comes back is announced joined again.
//
// Path selection: a signal goes out on the lowest-numbered working path to its peer, so signals between a pair
// stay in order; when that path goes down the next one takes over (xcf-down on `SYS1-SYS2` takes every path of
// the pair down, `SYS1-SYS2:1` only path 1). A signal arriving on a path that is down is lost, as are signals
// with no working path left (counted, trace `xcf.drop`).

import type { Component, Port } from '../../src/kernel/index.js';
import type { XcfMembershipEvent } from '../../src/firmware/hal.js';
import type { XcfDataMsg, XcfPathMsg, XcfStatusMsg } from '../messages.js';
import { XCF } from './datasheet.js';
import { signalBytes } from './path-timing.js';

const TAG_HEARTBEAT = 0;
const TAG_CHECK = 1;

/** What the signalling service needs from the LPAR that hosts it. */
export interface XcfHost {
  /** A peer joined, left or failed (the host hands it to the firmware when the firmware is a member). */
  membership(event: XcfMembershipEvent): void;
  /** A firmware message arrived from `from`. */
  data(from: string, bytes: Uint8Array): void;
}

class Peer {
  readonly paths: Port[] = [];
  readonly pathUp: boolean[] = [];
  joined = false;
  incarnation = -1;
  lastHeard = -Infinity;
  constructor(readonly name: string) {}
}

export interface XcfStats {
  sent: number;
  received: number;
  /** Signals with no working path, or arriving on a path that is down. */
  dropped: number;
  failovers: number;
  statusSent: number;
}

export class XcfSignalling {
  private readonly peers: Peer[] = [];
  private readonly byName = new Map<string, Peer>();
  /** Path port -> [peer, path index]. */
  private readonly byPort = new Map<Port, [Peer, number]>();
  private member = false;
  /** The LPAR is down: it hears nothing and says nothing until it re-IPLs. */
  private halted = false;
  private incarnation = 0;
  /** Generation of the heartbeat timer chain (a leave or a down ends a chain). */
  private hbGen = 0;
  private checkAt = Infinity;
  private readonly heartbeatPs: number;
  readonly stats: XcfStats = { sent: 0, received: 0, dropped: 0, failovers: 0, statusSent: 0 };

  constructor(
    private readonly owner: Component,
    private readonly host: XcfHost,
    /** Failure detection interval, ps. */
    readonly failureDetectionPs: number,
    /** First kernel timer tag the service may use (it uses two). */
    private readonly tagBase: number,
  ) {
    this.heartbeatPs = Math.max(1, Math.floor(failureDetectionPs / XCF.heartbeatsPerInterval));
  }

  /** Adds a signalling path to `peer` on `port` (the next path index for that peer). */
  addPath(peer: string, port: Port): number {
    let p = this.byName.get(peer);
    if (p === undefined) {
      p = new Peer(peer);
      this.peers.push(p);
      this.byName.set(peer, p);
    }
    p.paths.push(port);
    p.pathUp.push(true);
    this.byPort.set(port, [p, p.paths.length - 1]);
    return p.paths.length - 1;
  }

  /** True when `port` is one of this service's path ports. */
  owns(port: Port): boolean {
    return this.byPort.has(port);
  }

  get isMember(): boolean {
    return this.member;
  }

  /** Peers currently seen as joined members, in the order their paths were added. */
  members(): string[] {
    return this.peers.filter((p) => p.joined).map((p) => p.name);
  }

  /** Path states to a peer (true = working). */
  pathStates(peer: string): readonly boolean[] {
    return this.byName.get(peer)?.pathUp ?? [];
  }

  ownsTimer(tag: number): boolean {
    return tag === this.tagBase + TAG_HEARTBEAT || tag === this.tagBase + TAG_CHECK;
  }

  // ---- what the firmware asks for (through the host's Hal) ----------------------------------------------

  /** Sends a firmware message to `peer`; false when no path works (the signal is lost). */
  send(peer: string, bytes: Uint8Array): boolean {
    const p = this.byName.get(peer);
    const path = p === undefined ? -1 : this.workingPath(p);
    if (p === undefined || path < 0) {
      this.stats.dropped++;
      if (this.owner.tracing) this.owner.trace('xcf.drop', { to: peer, bytes: bytes.length, reason: 'no-path' });
      return false;
    }
    if (path > 0) this.stats.failovers++;
    this.stats.sent++;
    if (this.owner.tracing) this.owner.trace('xcf.send', { to: peer, bytes: bytes.length, path });
    const msg: XcfDataMsg = { kind: 'xcf-data', from: this.owner.name, bytes };
    p.paths[path]!.send(msg, signalBytes(bytes.length));
    return true;
  }

  /** The local stack joins (true) or leaves (false) the group. Returns the peers already joined, which the
   *  host announces to the firmware (on a join). */
  join(join: boolean): string[] {
    if (join === this.member) return [];
    this.member = join;
    this.hbGen++;
    if (this.owner.tracing) {
      if (join) this.owner.trace('xcf.join', { stack: this.owner.name });
      else this.owner.trace('xcf.leave', { stack: this.owner.name, failed: false });
    }
    this.broadcastStatus(join, join);
    if (!join) return [];
    this.owner.at(this.owner.now + this.heartbeatPs, this.tagBase + TAG_HEARTBEAT, this.hbGen);
    return this.members();
  }

  /** The LPAR went down: no more status updates, and what it knew of the group is gone. */
  stop(): void {
    this.halted = true;
    this.member = false;
    this.hbGen++;
    for (const p of this.peers) {
      p.joined = false;
      p.incarnation = -1;
      p.lastHeard = -Infinity;
    }
    this.checkAt = Infinity;
  }

  /** The LPAR re-IPLed: later status updates carry a new incarnation. */
  restart(): void {
    this.halted = false;
    this.incarnation++;
  }

  /** xcf-down / xcf-up from the run: all paths to `peer`, or just `path`. */
  setPaths(peer: string, up: boolean, path?: number): void {
    const p = this.byName.get(peer);
    if (p === undefined) return;
    for (let i = 0; i < p.pathUp.length; i++) {
      if (path !== undefined && path !== i) continue;
      if (p.pathUp[i] === up) continue;
      p.pathUp[i] = up;
      if (this.owner.tracing) this.owner.trace('xcf.path', { peer, path: i, up });
    }
  }

  // ---- kernel events routed here by the host ------------------------------------------------------------

  onMessage(port: Port, m: XcfPathMsg): void {
    const entry = this.byPort.get(port);
    if (entry === undefined || this.halted) return;
    const [peer, path] = entry;
    if (!peer.pathUp[path]) {
      this.stats.dropped++;
      return;
    }
    if (m.kind === 'xcf-status') {
      this.onStatus(peer, m);
      return;
    }
    this.stats.received++;
    if (this.owner.tracing) this.owner.trace('xcf.recv', { from: peer.name, bytes: m.bytes.length, path });
    // A signal proves the sender alive as well as a status update does.
    if (peer.joined) peer.lastHeard = this.owner.now;
    if (this.member) this.host.data(peer.name, m.bytes);
  }

  onTimer(tag: number, data: unknown): void {
    if (tag === this.tagBase + TAG_HEARTBEAT) {
      if (data !== this.hbGen || !this.member) return;
      this.broadcastStatus(true, false);
      this.owner.at(this.owner.now + this.heartbeatPs, this.tagBase + TAG_HEARTBEAT, this.hbGen);
    } else if (tag === this.tagBase + TAG_CHECK) {
      if (this.owner.now !== this.checkAt || this.halted) return;
      this.checkAt = Infinity;
      this.checkMissing();
    }
  }

  // ---- membership ---------------------------------------------------------------------------------------

  private onStatus(peer: Peer, m: XcfStatusMsg): void {
    const now = this.owner.now;
    if (!m.joined) {
      if (peer.joined) this.lose(peer, false);
      peer.incarnation = m.incarnation;
      return;
    }
    if (peer.joined && peer.incarnation !== m.incarnation) this.lose(peer, true); // re-IPLed in between
    peer.lastHeard = now;
    peer.incarnation = m.incarnation;
    if (!peer.joined) {
      peer.joined = true;
      if (this.owner.tracing) this.owner.trace('xcf.join', { stack: peer.name });
      this.host.membership({ stack: peer.name, joined: true, failed: false });
    }
    if (m.reply && this.member) this.sendStatus(peer, true, false);
    this.armCheck(now + this.failureDetectionPs);
  }

  private lose(peer: Peer, failed: boolean): void {
    peer.joined = false;
    if (this.owner.tracing) this.owner.trace('xcf.leave', { stack: peer.name, failed });
    this.host.membership({ stack: peer.name, joined: false, failed });
  }

  private checkMissing(): void {
    const now = this.owner.now;
    let next = Infinity;
    for (const p of this.peers) {
      if (!p.joined) continue;
      const due = p.lastHeard + this.failureDetectionPs;
      if (due <= now) this.lose(p, true);
      else if (due < next) next = due;
    }
    if (next !== Infinity) this.armCheck(next);
  }

  private armCheck(at: number): void {
    if (at >= this.checkAt) return;
    this.checkAt = at;
    this.owner.at(at, this.tagBase + TAG_CHECK);
  }

  private broadcastStatus(joined: boolean, reply: boolean): void {
    for (const p of this.peers) this.sendStatus(p, joined, reply);
  }

  private sendStatus(peer: Peer, joined: boolean, reply: boolean): void {
    const path = this.workingPath(peer);
    if (path < 0) return;
    this.stats.statusSent++;
    const msg: XcfStatusMsg = { kind: 'xcf-status', from: this.owner.name, joined, incarnation: this.incarnation, reply };
    peer.paths[path]!.send(msg, XCF.statusBytes);
  }

  private workingPath(p: Peer): number {
    for (let i = 0; i < p.paths.length; i++) if (p.pathUp[i] && p.paths[i]!.link !== null) return i;
    return -1;
  }
}
