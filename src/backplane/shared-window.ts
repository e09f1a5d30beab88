// The same-host transport of a partitioned run (docs/backplane.md, "Threads on one host"): the partitions are
// worker threads of the `run` process that share memory. What the ZeroMQ coordinator does with a message round
// trip per window, they do with a barrier on a SharedArrayBuffer (Atomics.wait/notify: a few microseconds instead
// of a quarter of a millisecond) and mailboxes in shared memory, as SST uses threads within a rank and MPI between
// ranks. There is no coordinator in the loop: after each barrier every thread reads what all published (next event
// times, the earliest event sent to each partition) and computes the same windows (sync.ts's arithmetic, with
// every participant idle: YAWNS-style rounds).
//
// Everything a round publishes lives in the slot of the round's parity: a thread writes round k+1's slot while a
// slower one may still read round k's, and cannot reach round k+2 before the slower one has arrived at the barrier
// that ends its reading.

import { encode, unpack, type WireEvent } from './protocol.js';

/** Control words (Int32Array over `control`). */
const GEN = 0; // barrier generation
const COUNT = 1; // threads arrived at the current barrier
const ABORT = 2; // non-zero: the run failed; every thread leaves
const BEAT = 3; // BEAT + p: partition p's heartbeat, bumped every round and while it waits or works

/** What the main thread hands every partition thread (structured clone; the buffers are shared). */
export interface SharedLayout {
  readonly partitions: number;
  readonly control: SharedArrayBuffer;
  /** Float64: per parity, next[p] (n), then minSent[p * n + q] (n * n); then per partition nowPs, delivered. */
  readonly numbers: SharedArrayBuffer;
  /** Mailbox of events from p to q in the round of parity k: mailboxes[(p * n + q) * 2 + k] (growable). */
  readonly mailboxes: SharedArrayBuffer[];
}

const MAILBOX_START = 64 * 1024;
const MAILBOX_MAX = 1024 * 1024 * 1024;
const HEADER = 8; // Int32 length of the events' bytes, then padding

// Growable SharedArrayBuffers (ES2024) are in Node 20's V8; TypeScript's lib here predates them.
type Growable = SharedArrayBuffer & { grow(bytes: number): void };
const growable = (bytes: number, max: number): SharedArrayBuffer =>
  new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(bytes, { maxByteLength: max });

export function sharedLayout(n: number): SharedLayout {
  const mailboxes: SharedArrayBuffer[] = [];
  for (let i = 0; i < n * n * 2; i++) mailboxes.push(growable(MAILBOX_START, MAILBOX_MAX));
  return {
    partitions: n,
    control: new SharedArrayBuffer(4 * (BEAT + n)),
    numbers: new SharedArrayBuffer(8 * (2 * (n + n * n) + 2 * n)),
    mailboxes,
  };
}

/** Thrown in a thread waiting at the barrier when the run has failed elsewhere. */
export class RunAborted extends Error {}

/** How long a thread spins at the barrier before it sleeps in Atomics.wait, us. On a quiet machine a wake-up
 *  costs tens of microseconds and a spin of a few catches a partner about to arrive; on a loaded one (more
 *  runnable threads than cores) spinning keeps the partner from a core and a wake-up costs milliseconds anyway.
 *  So the spin adapts: it doubles when the partner came while spinning and halves when it did not, between the
 *  bounds (SYSPLEX_EMU_SPIN_US fixes it). */
const SPIN_MIN_US = 1;
const SPIN_MAX_US = 50;
const SPIN_FIXED = process.env.SYSPLEX_EMU_SPIN_US === undefined ? undefined : Number(process.env.SYSPLEX_EMU_SPIN_US);

/** One thread's view of the shared state. */
export class SharedWindow {
  private readonly ctl: Int32Array;
  private readonly num: Float64Array;
  readonly n: number;
  /** Wall time spent waiting at barriers, ms. */
  waitMs = 0;
  private spinUs = SPIN_FIXED ?? 8;
  private readonly lengthViews: (Int32Array | undefined)[] = [];

  constructor(private readonly layout: SharedLayout) {
    this.n = layout.partitions;
    this.ctl = new Int32Array(layout.control);
    this.num = new Float64Array(layout.numbers);
  }

  private slot(parity: number): number {
    return parity * (this.n + this.n * this.n);
  }

  publishNext(parity: number, p: number, next: number): void {
    this.num[this.slot(parity) + p] = next;
  }

  next(parity: number, p: number): number {
    return this.num[this.slot(parity) + p]!;
  }

  /** Writes p's events for q of this round (and the earliest one's time, Infinity when none). */
  post(parity: number, p: number, q: number, events: WireEvent[]): void {
    const n = this.n;
    let min = Infinity;
    for (const e of events) if (e[0] < min) min = e[0];
    this.num[this.slot(parity) + n + p * n + q] = min;
    const i = (p * n + q) * 2 + parity;
    const box = this.layout.mailboxes[i]!;
    const lengths = this.lengthsOf(i);
    if (events.length === 0) {
      lengths[0] = 0;
      return;
    }
    const packed = packEvents(events);
    if (HEADER + packed.bytes > box.byteLength) {
      if (HEADER + packed.bytes > MAILBOX_MAX) throw new Error(`a window sent ${packed.bytes} bytes to partition ${q}: more than a mailbox holds (${MAILBOX_MAX})`);
      (box as Growable).grow(Math.min(MAILBOX_MAX, Math.max(2 * box.byteLength, HEADER + packed.bytes)));
    }
    writeEvents(new DataView(box, HEADER, packed.bytes), new Uint8Array(box, HEADER, packed.bytes), events, packed.rest);
    lengths[0] = packed.bytes;
  }

  /** The Int32 length word of mailbox i (a view made once: growing a SharedArrayBuffer keeps its views). */
  private lengthsOf(i: number): Int32Array {
    let v = this.lengthViews[i];
    if (v === undefined) v = this.lengthViews[i] = new Int32Array(this.layout.mailboxes[i]!, 0, 1);
    return v;
  }

  /** The earliest time p sent to q in this round (Infinity: nothing). */
  minSent(parity: number, p: number, q: number): number {
    return this.num[this.slot(parity) + this.n + p * this.n + q]!;
  }

  /** The events p sent to q in this round. */
  take(parity: number, p: number, q: number): WireEvent[] {
    const i = (p * this.n + q) * 2 + parity;
    const length = this.lengthsOf(i)[0]!;
    if (length === 0) return [];
    // A copy: payloads keep views of the bytes, and the mailbox is written again two rounds later.
    const bytes = new Uint8Array(this.layout.mailboxes[i]!, HEADER, length).slice();
    return readEvents(bytes);
  }

  progress(p: number, nowPs: number, delivered: number): void {
    const base = 2 * (this.n + this.n * this.n) + 2 * p;
    this.num[base] = nowPs;
    this.num[base + 1] = delivered;
  }

  readProgress(p: number): { nowPs: number; delivered: number } {
    const base = 2 * (this.n + this.n * this.n) + 2 * p;
    return { nowPs: this.num[base]!, delivered: this.num[base + 1]! };
  }

  beat(p: number): void {
    Atomics.add(this.ctl, BEAT + p, 1);
  }

  beats(p: number): number {
    return Atomics.load(this.ctl, BEAT + p);
  }

  abort(): void {
    Atomics.store(this.ctl, ABORT, 1);
    Atomics.notify(this.ctl, GEN);
  }

  get aborted(): boolean {
    return Atomics.load(this.ctl, ABORT) !== 0;
  }

  /** Waits until all partitions have arrived (a sense-reversing barrier: the last one to arrive opens it). */
  barrier(p: number): void {
    const ctl = this.ctl;
    const gen = Atomics.load(ctl, GEN);
    if (Atomics.add(ctl, COUNT, 1) === this.n - 1) {
      Atomics.store(ctl, COUNT, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      return;
    }
    const t0 = performance.now();
    const spinUntil = t0 + this.spinUs / 1000;
    for (let i = 1; ; i++) {
      if (Atomics.load(ctl, GEN) !== gen) {
        this.waitMs += performance.now() - t0;
        if (SPIN_FIXED === undefined) this.spinUs = Math.min(SPIN_MAX_US, this.spinUs * 2);
        return;
      }
      if ((i & 63) === 0 && performance.now() > spinUntil) break;
    }
    if (SPIN_FIXED === undefined) this.spinUs = Math.max(SPIN_MIN_US, this.spinUs / 2);
    while (Atomics.load(ctl, GEN) === gen) {
      if (Atomics.load(ctl, ABORT) !== 0) throw new RunAborted('the run failed in another partition');
      Atomics.wait(ctl, GEN, gen, 100);
      this.beat(p);
    }
    this.waitMs += performance.now() - t0;
  }
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
function packEvents(events: WireEvent[]): { bytes: number; rest: Uint8Array[] } {
  let bytes = 0;
  const rest: Uint8Array[] = [];
  for (const e of events) {
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

function writeEvents(view: DataView, bytes: Uint8Array, events: WireEvent[], rest: Uint8Array[]): void {
  let at = 0;
  let r = 0;
  for (const e of events) {
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

function readEvents(bytes: Uint8Array): WireEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: WireEvent[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = view.getUint8(at + 40);
    const len = view.getUint32(at + 41, true);
    const body = bytes.subarray(at + EVENT_FIXED, at + EVENT_FIXED + len);
    const payload = tag === TAG_IPV4 ? { kind: 'ipv4', packet: body } : tag === TAG_FRAME ? { kind: 'frame', frame: body } : (unpack(body) as unknown[])[0];
    out.push([view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true), view.getFloat64(at + 24, true), view.getFloat64(at + 32, true), payload]);
    at += EVENT_FIXED + len;
  }
  return out;
}
