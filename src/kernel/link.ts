// Ports and links. A link joins two ports, full duplex, with a one-way latency (propagation) and a bit rate
// (serialisation: a message of B bytes occupies the sending direction for B * 8 / rate). Each direction's
// transmitter state lives on the sending port, so two partitions never write the same object.

import type { Component } from './component.js';

export class Port {
  /** The link and the port at its other end, set by Simulation.connect(). */
  link: Link | null = null;
  peer: Port | null = null;
  /** When this port's transmitter is free again, ps. */
  txFreeAt = 0;
  /** Messages offered while the link was down. */
  dropped = 0;
  sent = 0;
  bytesSent = 0;
  /** Sees every message this port puts on its link, at the time its first bit leaves (capture points,
   *  statistics); null costs one comparison per message. */
  tap: ((message: unknown, bytes: number, time: number) => void) | null = null;

  constructor(
    readonly owner: Component,
    readonly name: string,
    /** Index in owner.ports; it travels with each message so the receiver needs no lookup. */
    readonly index: number,
  ) {}

  /** Adds a tap after any already there (capture points and timelines may tap the same port). */
  addTap(tap: (message: unknown, bytes: number, time: number) => void): void {
    const before = this.tap;
    this.tap = before === null ? tap : (m, bytes, time) => {
      before(m, bytes, time);
      tap(m, bytes, time);
    };
  }

  /** Sends `message` of `bytes` over the link; false (and counted) when unconnected or down.
   *  Returns the arrival time through `lastArrival` for models that want it. */
  send(message: unknown, bytes: number): boolean {
    const link = this.link;
    if (link === null || !link.up) {
      this.dropped++;
      return false;
    }
    const owner = this.owner;
    const sim = owner.sim;
    const now = sim.now;
    const start = this.txFreeAt > now ? this.txFreeAt : now;
    const done = start + bytes * link.psPerByte;
    this.txFreeAt = done;
    if (this.tap !== null) this.tap(message, bytes, start);
    this.sent++;
    this.bytesSent += bytes;
    const peer = this.peer!;
    sim.postMessage(owner, peer.owner.id, peer.index, done + link.latencyPs, message);
    return true;
  }

  /** When a message of `bytes` offered now would finish serialising (for models that queue in front). */
  finishTime(bytes: number): number {
    const now = this.owner.sim.now;
    const start = this.txFreeAt > now ? this.txFreeAt : now;
    return start + bytes * (this.link?.psPerByte ?? 0);
  }
}

export class Link {
  up = true;

  constructor(
    readonly name: string,
    readonly a: Port,
    readonly b: Port,
    /** One-way latency, ps; at least 1 so that a message never arrives at the instant it was sent. */
    readonly latencyPs: number,
    /** Serialisation delay per byte, ps (0 = infinitely fast). */
    readonly psPerByte: number,
  ) {}
}
