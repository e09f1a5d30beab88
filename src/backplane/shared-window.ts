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
// - a partition that has nothing to run says so: **idle**, with the time of its next event. An idle partition
//   does nothing until something reaches it, so the others work out its bound themselves (`bounds`: its next
//   event, or the earliest anything can reach it over the links, relaxed over all partitions as the coordinator
//   does) instead of waiting for it to wake and publish: a sleeping partition never holds the others back, and
//   idle stretches of virtual time cost one computation instead of an exchange per lookahead;
// - a partition sleeps on a word of its own and is woken only when it can do something: when events reach it,
//   or when a promise published (or a partition gone idle) lets it run its next event (`wakeIdle`);
// - the run's **end** is one more word: a replay that is over brings it earlier (thread-worker.ts), and its
//   partition sets it before it publishes its next promise, so that whoever reads that promise reads the end.
//
// No partition waits for a round to end: each runs as far as the others' promises allow and publishes as it goes,
// so a partition with more work in one stretch of virtual time runs ahead of the others in the next (up to the
// lookahead) instead of holding them at a barrier.
//
// Why wakes are never lost: every change that may let another partition run (a promise, going idle, finishing)
// is stored first and then followed by a look at the others' idle words; a partition about to sleep stores its
// idle word first and then looks at everyone's state once more. Both are sequentially consistent atomics, so of
// any such pair one sees the other's store (test/backplane/shared-window.test.ts runs the protocol in any
// interleaving and asserts that it always finishes).

import { packEvents, readEvents, writeEvents } from './mailbox-codec.js';
import type { WireEvent } from './protocol.js';
import { promiseBound, relaxOverLinks } from './sync.js';

/** Control words (Int32Array over `control`). */
const ABORT = 0; // non-zero: the run failed; every thread leaves
const BEAT = 1; // BEAT + p: partition p's heartbeat, bumped as it runs and while it waits
// Then SIGNAL + p (bumped to wake p: it sleeps on it) and SLEEPING + p (1 while p is asleep on it), at 1 + n, 1 + 2n.

/** What the main thread hands every partition thread (structured clone; the buffers are shared). */
export interface SharedLayout {
  readonly partitions: number;
  readonly control: SharedArrayBuffer;
  /** BigInt64: promise[p] (picoseconds; NEVER: finished), the run's end (NEVER: none), then next[p]:
   *  the time of p's next event while it is idle. */
  readonly promises: SharedArrayBuffer;
  /** Int32 per partition: 0 busy, > 0 idle since that generation, FINISHED. */
  readonly idle: SharedArrayBuffer;
  /** Float64: per partition nowPs, delivered (progress, for the main thread's progress line). */
  readonly numbers: SharedArrayBuffer;
  /** The channel from p to q: channels[p * n + q] (p != q): Uint32 words (written, read, sender waiting for room),
   *  a BigInt64 at byte 16 (no later than the earliest event not yet taken: the mail's time), then the ring of
   *  frames (a Uint32 length, then that many bytes of events, padded to 4). */
  readonly channels: (SharedArrayBuffer | null)[];
}

/** Bytes of a channel's ring (a power of two). A window of the sysplex32 shape sends tens of KB. */
export const RING_BYTES = 1 << 20;
const RING_MASK = RING_BYTES - 1;
const CURSORS = 32;
/** Where the mail's time is in a channel's BigInt64 words. */
const MAIL = 2;
/** A frame larger than this is split (so that one always fits a ring that the receiver has drained). */
const FRAME_MAX = RING_BYTES / 2;
/** The promise of a finished partition: it will do nothing more. */
const NEVER = 2n ** 62n;
/** A partition's idle word once it has finished. */
const FINISHED = -1;
/** How a look counts a partition: idle (its next event, its mail, what can reach it), busy or finished (its
 *  promise; Infinity), or idle but its word changed during the look (its promise). */
const IDLE = 0;
const BUSY = 1;
const CHANGED = 2;

/** `untilPs`: the run's end as asked (inclusive); an idle partition is woken once it can run to it. */
export function sharedLayout(n: number, untilPs = Infinity): SharedLayout {
  const channels: (SharedArrayBuffer | null)[] = [];
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) channels.push(p === q ? null : new SharedArrayBuffer(CURSORS + RING_BYTES));
  const promises = new SharedArrayBuffer(8 * (2 * n + 1));
  new BigInt64Array(promises)[n] = untilPs === Infinity ? NEVER : BigInt(untilPs);
  return {
    partitions: n,
    control: new SharedArrayBuffer(4 * (BEAT + 3 * n)),
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
const SPIN_MIN_US = 25;
const SPIN_MAX_US = 200;
const SPIN_FIXED = process.env.SYSPLEX_EMU_SPIN_US === undefined ? undefined : Number(process.env.SYSPLEX_EMU_SPIN_US);
/** Longest sleep before a waiting thread looks again (it beats meanwhile), ms. */
const SLEEP_MS = 50;
/** Tests set this: a thread that wakes from a full sleep unwoken and finds it could have run fails the run (a
 *  lost wake-up, which the sleep's time limit would otherwise hide as slowness). */
const STRICT_WAKE = process.env.SYSPLEX_EMU_STRICT_WAKE === '1';
const STRICT_GRACE_MS = 5_000;

/** One thread's view of the shared state. */
export class SharedWindow {
  private readonly ctl: Int32Array;
  private readonly promise: BigInt64Array;
  private readonly idleWords: Int32Array;
  /** Where the next events are in `promise`, and the signal and sleeping words in `ctl`. */
  private readonly nextAt: number;
  private readonly signalAt: number;
  private readonly sleepingAt: number;
  /** This thread's partition is idle (its word says so). */
  private isIdle = false;
  /** Its promise as published; whether it sent events since (publish wakes their receivers if they can run them). */
  private published = 0;
  private sent = false;
  private generation = 0;
  private readonly num: Float64Array;
  private readonly cursors: (Uint32Array | null)[];
  private readonly mailTimes: (BigInt64Array | null)[];
  private readonly rings: (Uint8Array | null)[];
  readonly n: number;
  /** Smallest latency of a link from q to p at [q * n + p] (Infinity: none); empty: the main thread's view. */
  private readonly latency: Float64Array;
  /** Scratch for `bounds`: the words read, the bounds worked out, how each counts (IDLE, BUSY, CHANGED), the
   *  earliest mail of each. */
  private readonly words: Int32Array;
  private readonly lower: Float64Array;
  private readonly counts: Uint8Array;
  private readonly mail: Float64Array;
  /** Wall time spent waiting for others' promises or for room in a channel, ms. */
  waitMs = 0;
  private spinUs = SPIN_FIXED ?? 50;
  private scratch = new Uint8Array(64 * 1024);

  constructor(layout: SharedLayout, latency: Float64Array = new Float64Array(0)) {
    const n = (this.n = layout.partitions);
    this.ctl = new Int32Array(layout.control);
    this.promise = new BigInt64Array(layout.promises);
    this.idleWords = new Int32Array(layout.idle);
    this.nextAt = n + 1;
    this.signalAt = BEAT + n;
    this.sleepingAt = BEAT + 2 * n;
    this.num = new Float64Array(layout.numbers);
    this.cursors = layout.channels.map((c) => (c === null ? null : new Uint32Array(c, 0, 3)));
    this.mailTimes = layout.channels.map((c) => (c === null ? null : new BigInt64Array(c, 0, 3)));
    this.rings = layout.channels.map((c) => (c === null ? null : new Uint8Array(c, CURSORS, RING_BYTES)));
    this.latency = latency;
    this.words = new Int32Array(n);
    this.lower = new Float64Array(n);
    this.counts = new Uint8Array(n);
    this.mail = new Float64Array(n);
  }

  // ---- promises ----------------------------------------------------------------------------------------

  /** p will do nothing before `ps` (Infinity: nothing more at all); a promise that does not grow is not
   *  stored again. Then wakes the idle partitions that this, or the events p sent since, let run. */
  publish(p: number, ps: number): void {
    if (ps > this.published) {
      Atomics.store(this.promise, p, ps === Infinity ? NEVER : BigInt(ps));
      this.published = ps;
    } else if (!this.sent) return;
    this.sent = false;
    this.wakeIdle(p);
  }

  promiseOf(q: number): number {
    const v = Atomics.load(this.promise, q);
    return v >= NEVER ? Infinity : Number(v);
  }

  /** The run ends at `ps` (inclusive), earlier than asked: a replay is over. It only moves earlier. */
  endRun(ps: number): void {
    const v = BigInt(ps);
    for (let old = Atomics.load(this.promise, this.n); v < old; old = Atomics.load(this.promise, this.n)) {
      if (Atomics.compareExchange(this.promise, this.n, old, v) === old) {
        for (let q = 0; q < this.n; q++) this.signal(q); // each may now be at its end
        break;
      }
    }
  }

  /** The run's end: as asked, or earlier as set by endRun (Infinity: none). Read it after the promises. */
  runEnd(): number {
    const v = Atomics.load(this.promise, this.n);
    return v >= NEVER ? Infinity : Number(v);
  }

  // ---- idle partitions and the bounds ---------------------------------------------------------------------

  /** p has nothing to run before `next` and nothing drained since it last said so. Its next event's time is
   *  written before its word, which a reader reads first. Wakes the idle partitions this lets run (the others
   *  now count p's bound as more than its promise). */
  idle(p: number, next: number): void {
    if (this.isIdle) return;
    Atomics.store(this.promise, this.nextAt + p, next === Infinity ? NEVER : BigInt(next));
    this.generation = (this.generation % 0x3fffffff) + 1;
    Atomics.store(this.idleWords, p, this.generation);
    this.isIdle = true;
    this.wakeIdle(p);
  }

  /** p is about to take events from a channel or run some: no longer idle. */
  busy(p: number): void {
    if (!this.isIdle) return;
    Atomics.store(this.idleWords, p, 0);
    this.isIdle = false;
  }

  /** p has finished: idle for good, with nothing next. Wakes those that were waiting for it. */
  finish(p: number): void {
    Atomics.store(this.idleWords, p, FINISHED);
    this.isIdle = true;
    this.wakeIdle(p);
  }

  /** Raises `known[q]` (a lower bound on the time of anything q may still do; it only grows) for every q != me:
   *  q's promise, and for an idle partition the earliest of its next event, its mail (the events waiting for it
   *  in a channel) and anything that can reach it, relaxed over the links (an idle partition acts only when one of
   *  those comes). A partition whose word changes while it is read counts with its promise alone. Read before
   *  draining, as the promises. */
  bounds(me: number, known: Float64Array): void {
    this.look();
    const lower = this.lower;
    for (let q = 0; q < this.n; q++) if (q !== me && lower[q]! > known[q]!) known[q] = lower[q]!;
  }

  /** Works out `lower` (every partition's bound, as `bounds` says) from one consistent look. */
  private look(): void {
    const n = this.n;
    const { words, lower, counts, latency } = this;
    for (let q = 0; q < n; q++) {
      const w = (words[q] = Atomics.load(this.idleWords, q));
      counts[q] = BUSY;
      if (w > 0) {
        const next = Atomics.load(this.promise, this.nextAt + q);
        lower[q] = next >= NEVER ? Infinity : Number(next);
        counts[q] = IDLE;
      }
    }
    // A busy partition counts with its promise (an idle one's joins it after the relaxation).
    for (let q = 0; q < n; q++) if (counts[q] === BUSY) lower[q] = words[q] === FINISHED ? Infinity : this.promiseOf(q);
    // Events waiting for an idle partition in a channel: it acts no later than the earliest of them.
    this.mail.fill(Infinity);
    for (let c = 0; c < this.cursors.length; c++) {
      const cur = this.cursors[c] ?? null;
      const q = c % n;
      if (cur === null || counts[q] !== IDLE || Atomics.load(cur, 0) === Atomics.load(cur, 1)) continue;
      const t = Number(Atomics.load(this.mailTimes[c]!, MAIL));
      if (t < this.mail[q]!) this.mail[q] = t;
      if (t < lower[q]!) lower[q] = t;
    }
    for (let q = 0; q < n; q++) if (counts[q] === IDLE && Atomics.load(this.idleWords, q) !== words[q]) counts[q] = CHANGED;
    for (let q = 0; q < n; q++) if (counts[q] === CHANGED) lower[q] = this.promiseOf(q);
    // An idle q acts no earlier than anything reaches it (IDLE is 0: the others stay as they are).
    relaxOverLinks(lower, counts, latency);
    for (let q = 0; q < n; q++) if (counts[q] === IDLE) lower[q] = Math.max(lower[q]!, this.promiseOf(q));
  }

  /** Would p, idle with its next event at `next` (or mail before it), be able to run it (or run to the end at
   *  `endPs`) with the bounds of the others as they stand? */
  private runnable(p: number, next: number, endPs: number): boolean {
    const bound = promiseBound(this.lower, this.latency, p);
    return bound > Math.min(next, this.mail[p]!) || bound > endPs;
  }

  /** After p published, sent, went idle or finished: wakes every idle partition that can now run its next event
   *  or its mail. (Busy ones look again anyway.) */
  private wakeIdle(p: number): void {
    const n = this.n;
    if (this.latency.length === 0) return; // a view without the links (the main thread's) cannot tell
    let any = false;
    for (let q = 0; q < n; q++) if (q !== p && Atomics.load(this.idleWords, q) > 0) any = true;
    if (!any) return;
    this.look();
    const endPs = this.runEnd();
    for (let q = 0; q < n; q++) {
      if (q === p || this.counts[q] !== IDLE) continue;
      if (this.runnable(q, this.nextOf(q), endPs)) this.signal(q);
    }
  }

  private nextOf(q: number): number {
    const next = Atomics.load(this.promise, this.nextAt + q);
    return next >= NEVER ? Infinity : Number(next);
  }

  /** Before p sleeps (idle, its next event at `next`): can it run after all? Call after `idle`, which others may
   *  have missed (they read p's word before it was stored); this reads their state after it. */
  mayRun(p: number, next: number, endPs: number): boolean {
    this.look();
    return this.runnable(p, next, endPs);
  }

  // ---- sleeping and waking ---------------------------------------------------------------------------------

  /** p's signal word: read it before looking at anything; `sleep` returns at once once it has moved. */
  signals(p: number): number {
    return Atomics.load(this.ctl, this.signalAt + p);
  }

  /** Wakes q (spinning or asleep) for it to look again. */
  signal(q: number): void {
    Atomics.add(this.ctl, this.signalAt + q, 1);
    if (Atomics.load(this.ctl, this.sleepingAt + q) === 1 && Atomics.compareExchange(this.ctl, this.sleepingAt + q, 1, 0) === 1) {
      Atomics.notify(this.ctl, this.signalAt + q);
    }
  }

  /** Waits until p's signal word is no longer `seen` (spinning first, then asleep), beating meanwhile. With
   *  `check` (tests: SYSPLEX_EMU_STRICT_WAKE), a full sleep that ends unwoken asks whether p could have run. */
  sleep(p: number, seen: number, check?: () => boolean): void {
    const ctl = this.ctl;
    const at = this.signalAt + p;
    const t0 = performance.now();
    const spinUntil = t0 + this.spinUs / 1000;
    for (let i = 1; ; i++) {
      if (Atomics.load(ctl, at) !== seen) {
        if (Atomics.load(ctl, ABORT) !== 0) throw new RunAborted('the run failed in another partition');
        this.waitMs += performance.now() - t0;
        if (SPIN_FIXED === undefined) this.spinUs = Math.min(SPIN_MAX_US, this.spinUs * 2);
        return;
      }
      if ((i & 63) === 0 && performance.now() > spinUntil) break;
    }
    if (SPIN_FIXED === undefined) this.spinUs = Math.max(SPIN_MIN_US, this.spinUs / 2);
    try {
      for (;;) {
        Atomics.store(ctl, this.sleepingAt + p, 1);
        if (Atomics.load(ctl, ABORT) !== 0) throw new RunAborted('the run failed in another partition');
        const r = Atomics.wait(ctl, at, seen, SLEEP_MS);
        this.beat(p);
        if (Atomics.load(ctl, at) !== seen) break;
        // (A wake may be on its way from a change made just now, by a thread a loaded machine keeps off its core:
        // give it seconds before calling it lost.)
        if (r === 'timed-out' && STRICT_WAKE && check !== undefined && check()) {
          const deadline = performance.now() + STRICT_GRACE_MS;
          while (Atomics.load(ctl, at) === seen && performance.now() < deadline) {
            Atomics.wait(ctl, at, seen, SLEEP_MS);
            this.beat(p); // (the main thread takes a silent thread for a hung one)
          }
          if (Atomics.load(ctl, at) === seen) throw new Error(`internal error (lost wake-up): partition ${p} slept unwoken while it could run`);
        }
      }
    } finally {
      Atomics.store(ctl, this.sleepingAt + p, 0);
    }
    if (Atomics.load(ctl, ABORT) !== 0) throw new RunAborted('the run failed in another partition');
    this.waitMs += performance.now() - t0;
  }

  // ---- channels ----------------------------------------------------------------------------------------

  /** Appends p's events for q to their channel. When the ring is full it waits for q to drain it, calling
   *  `meanwhile` (which drains p's own channels, so that two senders never wait for each other). */
  send(p: number, q: number, events: WireEvent[], meanwhile: () => void): void {
    // A partition that has finished ran to the run's end and reads no more: nothing may reach it any more (a
    // sender that had not yet read an earlier end may still send past it), and a full ring would never drain.
    if (events.length === 0 || Atomics.load(this.idleWords, q) === FINISHED) return;
    let earliest = Infinity;
    for (const e of events) if (e[0] < earliest) earliest = e[0];
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
      this.write(p, q, body, earliest, meanwhile);
      from = to;
    }
    this.sent = true; // its receiver is woken by the publish that follows
  }

  private write(p: number, q: number, body: Uint8Array, earliest: number, meanwhile: () => void): void {
    const c = p * this.n + q;
    const cur = this.cursors[c]!;
    const ring = this.rings[c]!;
    const need = 4 + align4(body.length);
    const w = Atomics.load(cur, 0);
    const room = (): boolean => RING_BYTES - ((w - Atomics.load(cur, 1)) >>> 0) >= need;
    if (!room()) {
      // Full: wake the receiver (it may be asleep), which signals us when it drains a channel whose sender waits,
      // and drain our own mail meanwhile (the receiver may be waiting for room too).
      Atomics.store(cur, 2, 1);
      this.signal(q);
      for (;;) {
        const seen = this.signals(p);
        meanwhile();
        if (room()) break;
        this.sleep(p, seen);
      }
      Atomics.store(cur, 2, 0);
    }
    const at = w & RING_MASK;
    new DataView(ring.buffer, ring.byteOffset).setUint32(at, body.length, true);
    copyIn(ring, (at + 4) & RING_MASK, body);
    // The mail's time, before the events become visible: this frame's earliest, or earlier if some are still
    // there (only this sender writes it; a receiver that took them meanwhile leaves it early, which is safe).
    const mail = this.mailTimes[c]!;
    const e = BigInt(earliest);
    if (Atomics.load(cur, 1) === w) Atomics.store(mail, MAIL, e);
    else if (e < Atomics.load(mail, MAIL)) Atomics.store(mail, MAIL, e);
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
      if (Atomics.load(cur, 2) === 1) this.signal(q);
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
    for (let q = 0; q < this.n; q++) this.signal(q); // a thread asleep wakes and sees ABORT
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
