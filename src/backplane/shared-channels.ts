// Channels between partition threads without a barrier (docs/backplane.md, "Threads on one host"): conservative
// synchronisation as Chandy-Misra-Bryant with the null messages in shared memory. Each partition p publishes its
// clock S(p): it has run every event before S(p) and has written every event it sent so far into its rings. So
// anything it sends later is at S(p) + latency or later, and q may run every event before
//     bound(q) = min over p != q of (S(p) + latency(p, q)).
// A barrier holds every partition to the slowest one's window once a round, and on a loaded machine each wake-up
// costs tens of microseconds to milliseconds; here the heavy partition finds the light one's clock already ahead
// and runs windows of twice the lookahead without waiting, and only the light one waits.
//
// Rings: one single-producer single-consumer byte ring per ordered pair, records of [Int32 length, msgpack bytes]
// (a length of -1 says "continue at the start"). Positions are Int32 words read and written with Atomics, so the
// bytes written before a store of the write position are visible to whoever loads it. The clocks are BigInt64
// words (Atomics again): a reader loads a clock before it drains the ring from that partition, so every event
// sent before that clock was published is in what it drains.

import { encode, unpack, type WireEvent } from './protocol.js';

/** Control words (Int32Array). */
const PUBLISHED = 0; // bumped (and notified) whenever a clock or a read position moves
const RING_WORDS = 1; // then per ordered pair (p * n + q): read position, write position

/** A clock that never holds anyone back: a partition that has had its last window. */
const DONE = 2n ** 62n;

const RING_BYTES = 64 * 1024 * 1024;

export interface ChannelLayout {
  readonly partitions: number;
  readonly control: SharedArrayBuffer;
  readonly clocks: SharedArrayBuffer;
  /** rings[p * n + q]: events from p to q (empty buffers on the diagonal). */
  readonly rings: SharedArrayBuffer[];
}

export function channelLayout(n: number, ringBytes = RING_BYTES): ChannelLayout {
  const rings: SharedArrayBuffer[] = [];
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) rings.push(new SharedArrayBuffer(p === q ? 8 : ringBytes));
  return { partitions: n, control: new SharedArrayBuffer(4 * (RING_WORDS + 2 * n * n)), clocks: new SharedArrayBuffer(8 * n), rings };
}

/** One thread's view of the channels. */
export class SharedChannels {
  readonly n: number;
  private readonly ctl: Int32Array;
  private readonly clocks: BigInt64Array;
  private readonly bytes: Uint8Array[];
  private readonly lengths: Int32Array[];

  constructor(private readonly layout: ChannelLayout) {
    this.n = layout.partitions;
    this.ctl = new Int32Array(layout.control);
    this.clocks = new BigInt64Array(layout.clocks);
    this.bytes = layout.rings.map((r) => new Uint8Array(r));
    this.lengths = layout.rings.map((r) => new Int32Array(r, 0, Math.floor(r.byteLength / 4)));
  }

  /** S(p): p has run everything before it (Infinity once p has had its last window). */
  clock(p: number): number {
    const c = Atomics.load(this.clocks, p);
    return c >= DONE ? Infinity : Number(c);
  }

  /** Publishes S(p) (call after writing the events sent before it) and wakes whoever waits for it. */
  publish(p: number, clock: number): void {
    Atomics.store(this.clocks, p, clock === Infinity ? DONE : BigInt(clock));
    this.bump();
  }

  /** The counter a waiter sleeps on: read it before the clocks, then wait while it is unchanged. */
  published(): number {
    return Atomics.load(this.ctl, PUBLISHED);
  }

  /** Sleeps until the counter moves from `seen`, at most `ms`. */
  waitChange(seen: number, ms: number): void {
    Atomics.wait(this.ctl, PUBLISHED, seen, ms);
  }

  private bump(): void {
    Atomics.add(this.ctl, PUBLISHED, 1);
    Atomics.notify(this.ctl, PUBLISHED);
  }

  /** Writes p's events for q (nothing for none). `waitSpace` is called while the ring is full. */
  send(p: number, q: number, events: WireEvent[], waitSpace: () => void): void {
    if (events.length === 0) return;
    const rec = encode(events);
    const i = p * this.n + q;
    const bytes = this.bytes[i]!;
    const cap = bytes.length;
    const need = 4 + ((rec.length + 3) & ~3);
    if (need + 4 > cap) throw new Error(`a window sent ${rec.length} bytes to partition ${q}: more than a ring holds (${cap})`);
    const R = RING_WORDS + 2 * i;
    let w = Atomics.load(this.ctl, R + 1);
    for (;;) {
      const r = Atomics.load(this.ctl, R);
      // Free space, keeping one word empty so that a full ring differs from an empty one; a record does not wrap.
      const fits = w >= r ? (cap - w >= need + (r === 0 ? 4 : 0) ? true : r > need + 4 ? 'wrap' : false) : r - w > need;
      if (fits === 'wrap') {
        this.lengths[i]![w >> 2] = -1;
        w = 0;
        Atomics.store(this.ctl, R + 1, 0);
        continue;
      }
      if (fits) break;
      waitSpace();
    }
    this.lengths[i]![w >> 2] = rec.length;
    bytes.set(rec, w + 4);
    Atomics.store(this.ctl, R + 1, w + need === cap ? 0 : w + need);
  }

  /** Takes every event p has written for q so far, in the order written. */
  receive(p: number, q: number, into: (e: WireEvent) => void): void {
    const i = p * this.n + q;
    const R = RING_WORDS + 2 * i;
    const w = Atomics.load(this.ctl, R + 1);
    let r = Atomics.load(this.ctl, R);
    if (r === w) return;
    const bytes = this.bytes[i]!;
    const lengths = this.lengths[i]!;
    while (r !== w) {
      const len = lengths[r >> 2]!;
      if (len === -1) {
        r = 0;
        continue;
      }
      // A copy: payloads may keep views of the bytes, and the ring is written again.
      for (const e of unpack(bytes.slice(r + 4, r + 4 + len)) as WireEvent[]) into(e);
      r += 4 + ((len + 3) & ~3);
      if (r === bytes.length) r = 0;
    }
    Atomics.store(this.ctl, R, r);
    this.bump(); // a writer may wait for the space
  }
}
