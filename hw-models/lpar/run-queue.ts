// The LPAR's run queue: work that arrived while every logical CP was busy, in arrival order. A growable ring of
// parallel arrays (kind, payload, two numbers, arrival time): no object per queued input.

import { Histogram } from '../../src/kernel/histogram.js';

export const InputKind = {
  /** An inbound datagram: obj = packet, a = OSA index, b: bit 0 when it opened an interrupt (charged once), bit 1 when it came on the SD read queue (IWQ). */
  Packet: 0,
  /** A firmware message over XCF: obj = bytes, a = peer index. */
  Xcf: 1,
  /** A membership change: obj = XcfMembershipEvent. */
  Membership: 2,
  /** A firmware timer: a = id, b = the deadline it was armed for. */
  Timer: 3,
  /** An operator command: obj = text. */
  Operator: 4,
  /** An OSA port went down or came back: obj = true when up, a = OSA index. */
  Interface: 5,
} as const;

export class RunQueue {
  kind = new Uint8Array(64);
  obj: unknown[] = new Array<unknown>(64).fill(undefined);
  a = new Float64Array(64);
  b = new Float64Array(64);
  arrival = new Float64Array(64);
  private head = 0;
  count = 0;
  /** Longest the queue has been. */
  max = 0;
  /** CPU queue wait: how long each input that ran waited here for a CP, ps (the host records it when a CP
   *  takes the input; over the whole run, across IPLs). */
  readonly wait = new Histogram();

  push(kind: number, obj: unknown, a: number, b: number, arrival: number): void {
    if (this.count === this.kind.length) this.grow();
    const i = (this.head + this.count) & (this.kind.length - 1);
    this.kind[i] = kind;
    this.obj[i] = obj;
    this.a[i] = a;
    this.b[i] = b;
    this.arrival[i] = arrival;
    if (++this.count > this.max) this.max = this.count;
  }

  /** Slot of the head entry; read its fields, then call `shift()`. */
  get headSlot(): number {
    return this.head;
  }

  shift(): void {
    this.obj[this.head] = undefined;
    this.head = (this.head + 1) & (this.kind.length - 1);
    this.count--;
  }

  clear(): void {
    while (this.count > 0) this.shift();
  }

  private grow(): void {
    const cap = this.kind.length * 2;
    const kind = new Uint8Array(cap);
    const obj = new Array<unknown>(cap).fill(undefined);
    const a = new Float64Array(cap);
    const b = new Float64Array(cap);
    const arrival = new Float64Array(cap);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.kind.length - 1);
      kind[k] = this.kind[i]!;
      obj[k] = this.obj[i];
      a[k] = this.a[i]!;
      b[k] = this.b[i]!;
      arrival[k] = this.arrival[i]!;
    }
    this.kind = kind;
    this.obj = obj;
    this.a = a;
    this.b = b;
    this.arrival = arrival;
    this.head = 0;
  }
}
