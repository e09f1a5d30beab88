// The same-host transport of a partitioned run (docs/backplane.md, "Threads on one host"): the partitions are
// worker threads of the `run` process that share memory. Where the ZeroMQ coordinator grants windows with a
// message round trip each, the threads synchronise without anyone in the middle, as in Chandy-Misra-Bryant
// conservative simulation with null messages, here shared words instead of messages:
//
// - every partition publishes a **promise**: a lower bound on the virtual time of anything it may still do (its
//   next event, or the earliest event others may still send it). It only grows;
// - every ordered pair of partitions has a **channel**, a ring of bytes in shared memory the sender appends to
//   and the receiver consumes (single producer, single consumer);
// - a sender writes its events into the channel before it publishes the promise they were made under, and a
//   receiver reads the promises before it drains its channels: so anything not yet drained comes at or after
//   the promise it read plus the link's latency (sync.ts, `promiseBound`);
// - the run's **end** is one more word: a replay that is over brings it earlier (thread-worker.ts), and its
//   partition sets it before it publishes its next promise, so that whoever reads that promise reads the end;
// - a **floor** under every promise: promises alone climb by the lookahead per exchange when every partition is
//   idle (the null-message creep: a sparse second of virtual time over a 500 ns cut is two million exchanges).
//   So a partition that has nothing to run says so (idle, with its next event's time), and one about to wait
//   checks whether all are idle with nothing in the channels; if so, nothing can happen before the earliest of
//   their next events, and that time becomes the floor (quiesce).
//
// No partition waits for a round to end: each runs as far as the others' promises allow and publishes as it goes,
// so a partition with more work in one stretch of virtual time runs ahead of the others in the next (up to the
// lookahead) instead of holding them at a barrier.

import { encode, unpack, type WireEvent } from './protocol.js';

/** Control words (Int32Array over `control`). */
const EPOCH = 0; // bumped on every promise published (and when a sender finds a channel full): waiters watch it
const SLEEPERS = 1; // threads asleep on EPOCH (a publisher wakes them only when there are some)
const ABORT = 2; // non-zero: the run failed; every thread leaves
const BEAT = 3; // BEAT + p: partition p's heartbeat, bumped as it runs and while it waits

/** What the main thread hands every partition thread (structured clone; the buffers are shared). */
export interface SharedLayout {
  readonly partitions: number;
  readonly control: SharedArrayBuffer;
  /** BigInt64: promise[p] (picoseconds; NEVER: finished), the run's end (NEVER: the one asked for), the floor,
   *  then next[p]: the time of p's next event while it is idle. */
  readonly promises: SharedArrayBuffer;
  /** Int32 per partition: 0 busy, > 0 idle since that generation, FINISHED. */
  readonly idle: SharedArrayBuffer;
  /** Float64: per partition nowPs, delivered (progress, for the main thread's progress line). */
  readonly numbers: SharedArrayBuffer;
  /** The channel from p to q: channels[p * n + q] (p != q): Uint32 words (written, read, sender waiting for room),
   *  then the ring of frames (a Uint32 length, then that many bytes of events, padded to 4). */
  readonly channels: (SharedArrayBuffer | null)[];
}

/** Bytes of a channel's ring (a power of two). A window of the sysplex32 shape sends tens of KB. */
export const RING_BYTES = 1 << 20;
const RING_MASK = RING_BYTES - 1;
const CURSORS = 16;
/** A frame larger than this is split (so that one always fits a ring that the receiver has drained). */
const FRAME_MAX = RING_BYTES / 2;
/** The promise of a finished partition: it will do nothing more. */
const NEVER = 2n ** 62n;
/** A partition's idle word once it has finished. */
const FINISHED = -1;

export function sharedLayout(n: number): SharedLayout {
  const channels: (SharedArrayBuffer | null)[] = [];
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) channels.push(p === q ? null : new SharedArrayBuffer(CURSORS + RING_BYTES));
  const promises = new SharedArrayBuffer(8 * (2 * n + 2));
  new BigInt64Array(promises)[n] = NEVER; // no end set: the one asked for
  return {
    partitions: n,
    control: new SharedArrayBuffer(4 * (BEAT + n)),
    promises,
    idle: new SharedArrayBuffer(4 * n),
    numbers: new SharedArrayBuffer(8 * 2 * n),
    channels,
  };
}

/** Thrown in a waiting thread when the run has failed elsewhere. */
export class RunAborted extends Error {}

/** How long a thread spins before it sleeps in Atomics.wait, us. On a quiet machine a wake-up costs tens of
 *  microseconds and a short spin catches a promise about to come; on a loaded one (more runnable threads than
 *  cores) spinning keeps the others from a core. So the spin adapts: it doubles when the wait ended while
 *  spinning and halves when it did not, between the bounds (SYSPLEX_EMU_SPIN_US fixes it). */
const SPIN_MIN_US = 1;
const SPIN_MAX_US = 200;
const SPIN_FIXED = process.env.SYSPLEX_EMU_SPIN_US === undefined ? undefined : Number(process.env.SYSPLEX_EMU_SPIN_US);
/** Longest sleep before a waiting thread looks again (it beats meanwhile), ms. */
const SLEEP_MS = 50;

/** One thread's view of the shared state. */
export class SharedWindow {
  private readonly ctl: Int32Array;
  private readonly promise: BigInt64Array;
  private readonly idleWords: Int32Array;
  /** Where the floor and the next events are in `promise`. */
  private readonly floorAt: number;
  private readonly nextAt: number;
  /** This thread's partition is idle (its word says so). */
  private isIdle = false;
  private generation = 0;
  private readonly num: Float64Array;
  private readonly cursors: (Uint32Array | null)[];
  private readonly rings: (Uint8Array | null)[];
  readonly n: number;
  /** Wall time spent waiting for others' promises or for room in a channel, ms. */
  waitMs = 0;
  private spinUs = SPIN_FIXED ?? 8;
  private scratch = new Uint8Array(64 * 1024);

  constructor(layout: SharedLayout) {
    this.n = layout.partitions;
    this.ctl = new Int32Array(layout.control);
    this.promise = new BigInt64Array(layout.promises);
    this.idleWords = new Int32Array(layout.idle);
    this.floorAt = this.n + 1;
    this.nextAt = this.n + 2;
    this.num = new Float64Array(layout.numbers);
    this.cursors = layout.channels.map((c) => (c === null ? null : new Uint32Array(c, 0, 3)));
    this.rings = layout.channels.map((c) => (c === null ? null : new Uint8Array(c, CURSORS, RING_BYTES)));
  }

  // ---- promises ----------------------------------------------------------------------------------------

  /** p will do nothing before `ps` (Infinity: nothing more at all). Wakes the threads waiting for a promise. */
  publish(p: number, ps: number): void {
    Atomics.store(this.promise, p, ps === Infinity ? NEVER : BigInt(ps));
    this.bump();
  }

  promiseOf(q: number): number {
    const v = Atomics.load(this.promise, q);
    return v >= NEVER ? Infinity : Number(v);
  }

  /** The run ends at `ps` (inclusive), earlier than asked: a replay is over. It only moves earlier. */
  endRun(ps: number): void {
    const v = BigInt(ps);
    for (let old = Atomics.load(this.promise, this.n); v < old; old = Atomics.load(this.promise, this.n)) {
      if (Atomics.compareExchange(this.promise, this.n, old, v) === old) break;
    }
  }

  /** The run's end as set by endRun (Infinity: none set). Read it after the promises. */
  runEnd(): number {
    const v = Atomics.load(this.promise, this.n);
    return v >= NEVER ? Infinity : Number(v);
  }

  // ---- the floor ------------------------------------------------------------------------------------------

  /** Nothing at all happens before this (0 until quiesce finds better): every promise is at least this. */
  floor(): number {
    const v = Atomics.load(this.promise, this.floorAt);
    return v >= NEVER ? Infinity : Number(v);
  }

  /** p has nothing to run before `next` and nothing drained since it last said so. Its next event's time is
   *  written before its word, which a checker reads first. */
  idle(p: number, next: number): void {
    if (this.isIdle) return;
    Atomics.store(this.promise, this.nextAt + p, next === Infinity ? NEVER : BigInt(next));
    this.generation = (this.generation % 0x3fffffff) + 1;
    Atomics.store(this.idleWords, p, this.generation);
    this.isIdle = true;
  }

  /** p is about to take events from a channel or run some: no longer idle. */
  busy(p: number): void {
    if (!this.isIdle) return;
    Atomics.store(this.idleWords, p, 0);
    this.isIdle = false;
  }

  /** p has finished: idle for good, with nothing next. */
  finish(p: number): void {
    Atomics.store(this.idleWords, p, FINISHED);
    this.isIdle = true;
  }

  /** When every partition is idle and every channel empty, all at once (each partition's word the same before
   *  and after reading the channels: none took or sent anything meanwhile), nothing can happen before the
   *  earliest of their next events: that becomes the floor, and the waiters wake. Returns whether it rose. */
  quiesce(): boolean {
    const n = this.n;
    const words = new Int32Array(n);
    let earliest = NEVER;
    for (let q = 0; q < n; q++) {
      const w = Atomics.load(this.idleWords, q);
      if (w === 0) return false;
      words[q] = w;
      if (w !== FINISHED) {
        const next = Atomics.load(this.promise, this.nextAt + q);
        if (next < earliest) earliest = next;
      }
    }
    // (What still sits in a channel to a finished partition is past the end: it never runs.)
    for (let c = 0; c < this.cursors.length; c++) {
      const cur = this.cursors[c] ?? null;
      if (cur !== null && words[c % n] !== FINISHED && Atomics.load(cur, 0) !== Atomics.load(cur, 1)) return false;
    }
    for (let q = 0; q < n; q++) if (Atomics.load(this.idleWords, q) !== words[q]) return false;
    for (let old = Atomics.load(this.promise, this.floorAt); earliest > old; old = Atomics.load(this.promise, this.floorAt)) {
      if (Atomics.compareExchange(this.promise, this.floorAt, old, earliest) === old) {
        this.bump();
        return true;
      }
    }
    return false;
  }

  /** The epoch: it changes whenever any promise may have grown. Read it before the promises. */
  epoch(): number {
    return Atomics.load(this.ctl, EPOCH);
  }

  private bump(): void {
    Atomics.add(this.ctl, EPOCH, 1);
    if (Atomics.load(this.ctl, SLEEPERS) > 0) Atomics.notify(this.ctl, EPOCH);
  }

  /** Waits until the epoch is no longer `seen` (spinning first, then asleep), beating for p meanwhile. */
  waitPast(p: number, seen: number): void {
    const ctl = this.ctl;
    const t0 = performance.now();
    const spinUntil = t0 + this.spinUs / 1000;
    for (let i = 1; ; i++) {
      if (Atomics.load(ctl, EPOCH) !== seen) {
        this.waitMs += performance.now() - t0;
        if (SPIN_FIXED === undefined) this.spinUs = Math.min(SPIN_MAX_US, this.spinUs * 2);
        return;
      }
      if ((i & 63) === 0 && performance.now() > spinUntil) break;
    }
    if (SPIN_FIXED === undefined) this.spinUs = Math.max(SPIN_MIN_US, this.spinUs / 2);
    Atomics.add(ctl, SLEEPERS, 1);
    try {
      while (Atomics.load(ctl, EPOCH) === seen) {
        if (Atomics.load(ctl, ABORT) !== 0) throw new RunAborted('the run failed in another partition');
        Atomics.wait(ctl, EPOCH, seen, SLEEP_MS);
        this.beat(p);
      }
    } finally {
      Atomics.sub(ctl, SLEEPERS, 1);
    }
    this.waitMs += performance.now() - t0;
  }

  // ---- channels ----------------------------------------------------------------------------------------

  /** Appends p's events for q to their channel. When the ring is full it waits for q to drain it, calling
   *  `meanwhile` (which drains p's own channels, so that two senders never wait for each other). */
  send(p: number, q: number, events: WireEvent[], meanwhile: () => void): void {
    // A partition that has finished ran to the run's end and reads no more: nothing may reach it any more (a
    // sender that had not yet read an earlier end may still send past it), and a full ring would never drain.
    if (events.length === 0 || Atomics.load(this.idleWords, q) === FINISHED) return;
    let from = 0;
    while (from < events.length) {
      let to = events.length;
      let packed = packEvents(events, from, to);
      while (packed.bytes > FRAME_MAX && to - from > 1) {
        to = from + Math.ceil((to - from) / 2);
        packed = packEvents(events, from, to);
      }
      if (packed.bytes + 4 > FRAME_MAX) throw new Error(`an event of ${packed.bytes} bytes for partition ${q}: more than a channel carries (${FRAME_MAX})`);
      if (this.scratch.length < packed.bytes) this.scratch = new Uint8Array(Math.max(packed.bytes, 2 * this.scratch.length));
      const body = this.scratch.subarray(0, packed.bytes);
      writeEvents(new DataView(body.buffer, 0, packed.bytes), body, events, from, to, packed.rest);
      this.write(p, q, body, meanwhile);
      from = to;
    }
  }

  private write(p: number, q: number, body: Uint8Array, meanwhile: () => void): void {
    const c = p * this.n + q;
    const cur = this.cursors[c]!;
    const ring = this.rings[c]!;
    const need = 4 + align4(body.length);
    const w = Atomics.load(cur, 0);
    const room = (): boolean => RING_BYTES - ((w - Atomics.load(cur, 1)) >>> 0) >= need;
    if (!room()) {
      // Full: wake the receiver (it may be asleep waiting for a promise), which bumps the epoch when it drains
      // a channel whose sender waits, and drain our own mail meanwhile (the receiver may be waiting for room too).
      Atomics.store(cur, 2, 1);
      this.bump();
      for (;;) {
        meanwhile();
        const seen = this.epoch();
        if (room()) break;
        this.waitPast(p, seen);
        if (this.aborted) throw new RunAborted('the run failed in another partition');
      }
      Atomics.store(cur, 2, 0);
    }
    const at = w & RING_MASK;
    new DataView(ring.buffer, ring.byteOffset).setUint32(at, body.length, true);
    copyIn(ring, (at + 4) & RING_MASK, body);
    Atomics.store(cur, 0, (w + need) >>> 0);
  }

  /** The events others sent p since p last looked, in the order sent (per channel; channels in partition order). */
  drain(p: number, into: (e: WireEvent) => void): void {
    for (let q = 0; q < this.n; q++) {
      if (q === p) continue;
      const c = q * this.n + p;
      const cur = this.cursors[c]!;
      const ring = this.rings[c]!;
      const w = Atomics.load(cur, 0);
      let r = Atomics.load(cur, 1);
      if (r === w) continue;
      this.busy(p); // before the read cursor moves: a checker sees either the events or p busy
      const view = new DataView(ring.buffer, ring.byteOffset);
      while (r !== w) {
        const at = r & RING_MASK;
        const length = view.getUint32(at, true);
        // A copy: payloads keep views of the bytes, and the ring is written again.
        const bytes = copyOut(ring, (at + 4) & RING_MASK, length);
        readEvents(bytes, into);
        r = (r + 4 + align4(length)) >>> 0;
      }
      Atomics.store(cur, 1, r);
      if (Atomics.load(cur, 2) === 1) this.bump();
    }
  }

  // ---- progress, heartbeats, failure --------------------------------------------------------------------

  progress(p: number, nowPs: number, delivered: number): void {
    this.num[2 * p] = nowPs;
    this.num[2 * p + 1] = delivered;
  }

  readProgress(p: number): { nowPs: number; delivered: number } {
    return { nowPs: this.num[2 * p]!, delivered: this.num[2 * p + 1]! };
  }

  beat(p: number): void {
    Atomics.add(this.ctl, BEAT + p, 1);
  }

  beats(p: number): number {
    return Atomics.load(this.ctl, BEAT + p);
  }

  abort(): void {
    Atomics.store(this.ctl, ABORT, 1);
    this.bump(); // a thread asleep on the epoch wakes and sees ABORT
  }

  get aborted(): boolean {
    return Atomics.load(this.ctl, ABORT) !== 0;
  }
}

const align4 = (x: number): number => (x + 3) & ~3;

function copyIn(ring: Uint8Array, at: number, body: Uint8Array): void {
  const first = Math.min(body.length, RING_BYTES - at);
  ring.set(first === body.length ? body : body.subarray(0, first), at);
  if (first < body.length) ring.set(body.subarray(first), 0);
}

function copyOut(ring: Uint8Array, at: number, length: number): Uint8Array {
  if (at + length <= RING_BYTES) return ring.slice(at, at + length);
  const out = new Uint8Array(length);
  const first = RING_BYTES - at;
  out.set(ring.subarray(at, RING_BYTES), 0);
  out.set(ring.subarray(0, length - first), first);
  return out;
}

// The mailbox codec. Most events between partitions carry a packet or a frame ({ kind: 'ipv4', packet } or
// { kind: 'frame', frame }: the cut is on a LAN link or a router's client link), and msgpack of the whole tuple was
// a fifth of a round's cost in the busy partition. So each event is its five numbers as float64s, a tag, then
// the packet's bytes (tags 1 and 2) or the payload in msgpack (tag 0: anything else, the same as on the wire).
const EVENT_FIXED = 5 * 8 + 1 + 4;
const TAG_MSGPACK = 0;
const TAG_IPV4 = 1;
const TAG_FRAME = 2;

/** The bytes of a payload carried as its bytes (tags 1 and 2), or null. */
function packetOf(x: unknown): Uint8Array | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as { kind?: unknown; packet?: unknown; frame?: unknown };
  const bytes = o.kind === 'ipv4' ? o.packet : o.kind === 'frame' ? o.frame : undefined;
  if (!(bytes instanceof Uint8Array) || Object.keys(o).length !== 2) return null;
  return bytes;
}

/** The size of a round's events and the msgpack of the payloads that are not packets (in event order). */
function packEvents(events: WireEvent[], from: number, to: number): { bytes: number; rest: Uint8Array[] } {
  let bytes = 0;
  const rest: Uint8Array[] = [];
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    const packet = packetOf(e[5]);
    if (packet !== null) bytes += EVENT_FIXED + packet.length;
    else {
      const m = encode([e[5]]);
      rest.push(m);
      bytes += EVENT_FIXED + m.length;
    }
  }
  return { bytes, rest };
}

function writeEvents(view: DataView, bytes: Uint8Array, events: WireEvent[], from: number, to: number, rest: Uint8Array[]): void {
  let at = 0;
  let r = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    view.setFloat64(at, e[0], true);
    view.setFloat64(at + 8, e[1], true);
    view.setFloat64(at + 16, e[2], true);
    view.setFloat64(at + 24, e[3], true);
    view.setFloat64(at + 32, e[4], true);
    const payload = e[5];
    const packet = packetOf(payload);
    const body = packet ?? rest[r++]!;
    view.setUint8(at + 40, packet === null ? TAG_MSGPACK : (payload as { kind: string }).kind === 'ipv4' ? TAG_IPV4 : TAG_FRAME);
    view.setUint32(at + 41, body.length, true);
    bytes.set(body, at + EVENT_FIXED);
    at += EVENT_FIXED + body.length;
  }
}

function readEvents(bytes: Uint8Array, into: (e: WireEvent) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const tag = view.getUint8(at + 40);
    const len = view.getUint32(at + 41, true);
    const body = bytes.subarray(at + EVENT_FIXED, at + EVENT_FIXED + len);
    const payload = tag === TAG_IPV4 ? { kind: 'ipv4', packet: body } : tag === TAG_FRAME ? { kind: 'frame', frame: body } : (unpack(body) as unknown[])[0];
    into([view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true), view.getFloat64(at + 24, true), view.getFloat64(at + 32, true), payload]);
    at += EVENT_FIXED + len;
  }
}
