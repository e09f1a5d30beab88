// Datagrams a stack sends to itself: to one of its own addresses, to a DVIPA it distributes, or between the
// two ends of a connection OPTLOCAL kept on this stack. They never touch an OSA. The TCP engine is not
// re-entrant (it must not receive while it transmits), so they wait here and come back in through a HAL timer
// armed for the same virtual time, in the order they were sent.

import type { Hal } from './hal.js';

/** How a looped-back datagram re-enters the stack. */
export const LOOP_INPUT = 0;
/** Straight to IP input, past the distributor (the connection is kept local by OPTLOCAL). */
export const LOOP_LOCAL = 1;

export class Loopback {
  private packets: Uint8Array[] = [];
  private kinds: number[] = [];
  private armed = false;
  /** Datagrams looped back so far. */
  count = 0;

  constructor(
    private readonly hal: Hal,
    /** The HAL timer id this queue drains on. */
    readonly timerId: number,
  ) {}

  send(now: number, packet: Uint8Array, kind: number): void {
    this.packets.push(packet);
    this.kinds.push(kind);
    this.count++;
    if (!this.armed) {
      this.armed = true;
      this.hal.setTimer(this.timerId, now);
    }
  }

  /** The timer fired: hand every queued datagram (and any queued meanwhile) to `deliver`, in order. */
  drain(deliver: (packet: Uint8Array, kind: number) => void): void {
    // Datagrams sent while draining (answers to the ones delivered) join this same pass.
    for (let i = 0; i < this.packets.length; i++) deliver(this.packets[i]!, this.kinds[i]!);
    this.packets = [];
    this.kinds = [];
    this.armed = false;
  }
}
