// TimedAffinity: the TIMEDAFFINITY table (SYSPLEX-DISTRIBUTOR.md §3.9), keyed by (client IP, service).
//
// A record binds a client IP to the target its first connection to the DVIPA port went to, and counts that
// client's open connections there. New connections from the same IP reuse the target. When the count drops to
// 0 the record expires `seconds` later unless a new connection arrives first; then it is removed and the next
// connection is distributed normally. Granularity is the client IP (no port, no subnet).
//
// Storage is open addressing over typed arrays (four words a slot: client IP, service, target, count, plus a
// Float64 expiry), backward-shift deletion, like the Vcrt. Expiry times sit in a binary min-heap that is
// invalidated lazily: a heap entry counts only if its record still exists, is idle and expires at exactly that
// time, so reopening a record never has to search the heap.
//
// Time is virtual picoseconds passed in as `now` (exact as a double up to 2^53 ps, about 2.5 hours; later
// times round to within a few picoseconds, which keeps ordering). The table never reads a clock or arms a
// timer itself: after `closed` or `expire` the caller (the stack) asks `nextExpiry()` and arms its HAL timer
// for that time; when the timer fires it calls `expire(now, onExpire)` (onExpire can delete the zero-port
// VCRT affinity record and trace). A record whose time has passed is treated as absent by `lookup` even
// before `expire` runs, so a late timer never keeps an affinity alive.
//
// Caller sequence per connection: `selectTarget` (distribute.ts) consults `lookup`; after distributing,
// `opened(ip, svc, target)`; when the target reports the end, `closed(ip, svc, now, port.affinityPs)`.

import { mix2, pow2AtLeast } from './hash.js';
import { checkAddress, checkTarget, SdError } from './types.js';

/** `nextExpiry()` when no idle record is waiting to expire. */
export const NO_EXPIRY = -1;

const STRIDE = 4;
const MIN_CAPACITY = 16;

export type AffinityVisitor = (clientIp: number, svc: number, target: number, count: number, expiresAt: number) => void;

export class TimedAffinity {
  private slots: Uint32Array;
  private expiry: Float64Array;
  private mask: number;
  private count = 0;
  private growAt: number;
  private readonly seed: number;
  private heapTime = new Float64Array(64);
  private heapIp = new Uint32Array(64);
  private heapSvc = new Uint32Array(64);
  private heapLength = 0;

  constructor(seed = 0) {
    this.seed = seed | 0;
    this.slots = new Uint32Array(MIN_CAPACITY * STRIDE);
    this.expiry = new Float64Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.growAt = (MIN_CAPACITY * 3) >>> 2;
  }

  /** Records held (including idle ones not yet expired). */
  get size(): number {
    return this.count;
  }

  /** The affinity target of `clientIp` for service `svc`, or -1 (none, or its time has passed). */
  lookup(clientIp: number, svc: number, now: number): number {
    const i = this.find(clientIp >>> 0, svc);
    if (i < 0) return -1;
    const at = i * STRIDE;
    if (this.slots[at + 3] === 0 && this.expiry[i]! <= now) return -1;
    return this.slots[at + 2]!;
  }

  /** Open connections counted on the record, or 0 when there is none. */
  useCount(clientIp: number, svc: number): number {
    const i = this.find(clientIp >>> 0, svc);
    return i < 0 ? 0 : this.slots[i * STRIDE + 3]!;
  }

  /** A connection from `clientIp` went to `target`: create the record or count one more (retargets it). */
  opened(clientIp: number, svc: number, target: number): void {
    checkAddress(clientIp);
    checkTarget(target);
    if (!Number.isInteger(svc) || svc < 1 || svc > 0xffff) {
      throw new SdError('UNKNOWN_SERVICE', `service index ${svc} is not in 1..65535`, svc);
    }
    let i = this.find(clientIp, svc);
    if (i >= 0) {
      const at = i * STRIDE;
      // The caller chose `target`: the affinity's own (reused), or a new one because the old target became
      // ineligible or the idle record's time had passed. The count stays per client: the record goes idle
      // only when all of the client's connections to the port have ended, wherever they went.
      this.slots[at + 2] = target;
      this.slots[at + 3] = this.slots[at + 3]! + 1;
      this.expiry[i] = 0;
      return;
    }
    if (this.count >= this.growAt) this.rehash((this.mask + 1) * 2);
    i = mix2(clientIp, svc, this.seed) & this.mask;
    while (this.slots[i * STRIDE + 1] !== 0) i = (i + 1) & this.mask;
    const at = i * STRIDE;
    this.slots[at] = clientIp;
    this.slots[at + 1] = svc;
    this.slots[at + 2] = target;
    this.slots[at + 3] = 1;
    this.expiry[i] = 0;
    this.count++;
  }

  /**
   * A connection of `clientIp` ended. At count 0 the record expires at `now + holdPs` (with holdPs 0 it goes at
   * once). Returns false when there was no such record or it had no open connection.
   */
  closed(clientIp: number, svc: number, now: number, holdPs: number): boolean {
    const i = this.find(clientIp >>> 0, svc);
    if (i < 0) return false;
    const at = i * STRIDE;
    const n = this.slots[at + 3]!;
    if (n === 0) return false;
    this.slots[at + 3] = n - 1;
    if (n > 1) return true;
    if (holdPs <= 0) {
      this.removeAt(i);
      return true;
    }
    const when = now + holdPs;
    this.expiry[i] = when;
    this.push(when, clientIp >>> 0, svc);
    return true;
  }

  /** The earliest time an idle record expires, or NO_EXPIRY. Drops stale heap entries on the way. */
  nextExpiry(): number {
    while (this.heapLength > 0) {
      if (this.heapEntryLive(0) >= 0) return this.heapTime[0]!;
      this.pop();
    }
    return NO_EXPIRY;
  }

  /** Remove every idle record whose time is <= now; returns how many went. */
  expire(now: number, onExpire?: (clientIp: number, svc: number, target: number) => void): number {
    let removed = 0;
    while (this.heapLength > 0 && this.heapTime[0]! <= now) {
      const slot = this.heapEntryLive(0);
      const ip = this.heapIp[0]!;
      const svc = this.heapSvc[0]!;
      this.pop();
      if (slot < 0) continue;
      const target = this.slots[slot * STRIDE + 2]!;
      this.removeAt(slot);
      removed++;
      if (onExpire !== undefined) onExpire(ip, svc, target);
    }
    return removed;
  }

  /** Forget every record pointing at target t (the target was lost); returns how many went. */
  deleteTarget(t: number): number {
    return this.removeWhere((at) => this.slots[at + 2] === t);
  }

  /** Forget every record of service svc (VIPADISTRIBUTE DELETE). */
  deleteService(svc: number): number {
    return this.removeWhere((at) => this.slots[at + 1] === svc);
  }

  /** Visit records in slot order (`expiresAt` is meaningful when count is 0). */
  forEach(visit: AffinityVisitor): void {
    const s = this.slots;
    for (let i = 0; i <= this.mask; i++) {
      const at = i * STRIDE;
      if (s[at + 1] !== 0) visit(s[at]!, s[at + 1]!, s[at + 2]!, s[at + 3]!, this.expiry[i]!);
    }
  }

  private find(ip: number, svc: number): number {
    const s = this.slots;
    const mask = this.mask;
    let i = mix2(ip, svc, this.seed) & mask;
    for (;;) {
      const at = i * STRIDE;
      const k = s[at + 1]!;
      if (k === 0) return -1;
      if (k === svc && s[at] === ip) return i;
      i = (i + 1) & mask;
    }
  }

  /** The slot of heap entry h when it still describes an idle record expiring at its time, else -1. */
  private heapEntryLive(h: number): number {
    const slot = this.find(this.heapIp[h]!, this.heapSvc[h]!);
    if (slot < 0 || this.slots[slot * STRIDE + 3] !== 0 || this.expiry[slot] !== this.heapTime[h]) return -1;
    return slot;
  }

  private removeAt(slot: number): void {
    const s = this.slots;
    const e = this.expiry;
    const mask = this.mask;
    this.count--;
    let hole = slot;
    let j = (slot + 1) & mask;
    for (;;) {
      const at = j * STRIDE;
      if (s[at + 1] === 0) break;
      const home = mix2(s[at]!, s[at + 1]!, this.seed) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        s.copyWithin(hole * STRIDE, at, at + STRIDE);
        e[hole] = e[j]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    s.fill(0, hole * STRIDE, hole * STRIDE + STRIDE);
    e[hole] = 0;
  }

  private removeWhere(match: (at: number) => boolean): number {
    let removed = 0;
    for (let i = 0; i <= this.mask; i++) {
      while (this.slots[i * STRIDE + 1] !== 0 && match(i * STRIDE)) {
        this.removeAt(i);
        removed++;
      }
    }
    return removed;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    const oldExpiry = this.expiry;
    const oldCap = this.mask + 1;
    const cap = pow2AtLeast(capacity, MIN_CAPACITY);
    this.slots = new Uint32Array(cap * STRIDE);
    this.expiry = new Float64Array(cap);
    this.mask = cap - 1;
    this.growAt = (cap * 3) >>> 2;
    for (let o = 0; o < oldCap; o++) {
      const from = o * STRIDE;
      if (old[from + 1] === 0) continue;
      let i = mix2(old[from]!, old[from + 1]!, this.seed) & this.mask;
      while (this.slots[i * STRIDE + 1] !== 0) i = (i + 1) & this.mask;
      this.slots.set(old.subarray(from, from + STRIDE), i * STRIDE);
      this.expiry[i] = oldExpiry[o]!;
    }
  }

  private push(time: number, ip: number, svc: number): void {
    if (this.heapLength === this.heapTime.length) {
      const n = this.heapLength * 2;
      const t = new Float64Array(n);
      t.set(this.heapTime);
      const a = new Uint32Array(n);
      a.set(this.heapIp);
      const b = new Uint32Array(n);
      b.set(this.heapSvc);
      this.heapTime = t;
      this.heapIp = a;
      this.heapSvc = b;
    }
    let i = this.heapLength++;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (this.heapTime[parent]! <= time) break;
      this.heapTime[i] = this.heapTime[parent]!;
      this.heapIp[i] = this.heapIp[parent]!;
      this.heapSvc[i] = this.heapSvc[parent]!;
      i = parent;
    }
    this.heapTime[i] = time;
    this.heapIp[i] = ip;
    this.heapSvc[i] = svc;
  }

  private pop(): void {
    const n = --this.heapLength;
    if (n === 0) return;
    const time = this.heapTime[n]!;
    const ip = this.heapIp[n]!;
    const svc = this.heapSvc[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.heapTime[c + 1]! < this.heapTime[c]!) c++;
      if (this.heapTime[c]! >= time) break;
      this.heapTime[i] = this.heapTime[c]!;
      this.heapIp[i] = this.heapIp[c]!;
      this.heapSvc[i] = this.heapSvc[c]!;
      i = c;
    }
    this.heapTime[i] = time;
    this.heapIp[i] = ip;
    this.heapSvc[i] = svc;
  }
}
