// Forward decisions taken for a QDIO interrupt's burst ahead of time (ForwardBatch overlaps the VCRT misses),
// handed out as its datagrams arrive in order.

import { ForwardBatch, type Vcrt } from '../sd/index.js';

export class LookAhead {
  private readonly batch = new ForwardBatch(256);
  private packets: readonly Uint8Array[] | null = null;
  private decided = 0;
  private next = 0;
  private generation = -1;

  decide(packets: readonly Uint8Array[], vcrt: Vcrt): void {
    this.decided = Math.min(packets.length, this.batch.capacity);
    this.batch.run(packets, this.decided, vcrt);
    this.packets = packets;
    this.next = 0;
    this.generation = vcrt.generation;
  }

  /** The target decided for `packet` when it is the burst's next datagram and the VCRT is still at the
   *  generation of the decision; else -1 (and a datagram out of turn ends the burst). */
  take(packet: Uint8Array, generation: number): number {
    const list = this.packets;
    if (list === null) return -1;
    const j = this.next;
    if (j >= this.decided || list[j] !== packet) {
      this.packets = null;
      return -1;
    }
    this.next = j + 1;
    return generation === this.generation ? this.batch.decisions[j]! : -1;
  }
}
