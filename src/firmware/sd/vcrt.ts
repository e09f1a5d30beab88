// Vcrt: the Dynamic VIPA Connection Routing Table (SYSPLEX-DISTRIBUTOR.md §1.4).
//
// One row per connection the distributor routes: (client IP, client port, DVIPA, port) -> target index, plus
// a flag byte (VCRT_AFFINITY for a timed-affinity record with client port 0, VCRT_MOVING, VCRT_RESTORED).
// A million rows must fit in well under 200 bytes each and a lookup must be a few array reads, so the table
// is open addressing with linear probing over ONE Uint32Array, three words per slot:
//
//     word0 = client IP    word1 = clientPort << 16 | serviceIndex    word2 = target | flags << 8
//
// (DVIPA, port) is interned to a 16-bit service index by a ServiceTable (services.ts); service 0 is never
// used, so word1 == 0 marks an empty slot. A lookup hashes two words, then compares word1 and word0 of
// adjacent slots: the slot's three words normally share one cache line. Deletion is backward-shift (no
// tombstones), so probe lengths never degrade under connection churn. The table doubles (rehash in slot
// order, deterministic) when it passes 3/4 load; at 1 M rows that is 2^21 slots = 24 MiB, 25 bytes a row
// (Linux IPVS needs about 128). No per-row objects exist; the only allocation is the occasional rehash.
//
// Caller (the distributing stack, src/firmware/stack.ts):
//   - packet path: forwardDecision() in forward.ts, or `lookup(...)`; `lastSlot` then names the row found so
//     `flagsAt(lastSlot)` reads its flags without a second probe (valid until the next insert or delete);
//   - new connection: `insert(clientIp, clientPort, dvipa, port, target)` after the distribution method chose;
//   - connection end reported by the target: `delete(...)`;
//   - target lost (left the group, path down): `deleteTarget(t)`; `countForTarget(t)` for displays;
//   - takeover: the targets' reports are `insert(..., VCRT_RESTORED)`; takeback hands over `forEach` rows;
//   - displays and the debugger: `size`, `page(offset, count)` / `forEach(visit, offset, count)`.
// Iteration order is slot order: deterministic for a given history and seed, but not sorted, and it changes
// when rows are inserted or deleted between pages (like a Netstat display taken while traffic flows).
// Inputs are unsigned integers: insert validates and throws SdError; the lookups coerce and never throw.

import { mix2 as mix2Imported, pow2AtLeast } from './hash.js';
import { ServiceTable } from './services.js';
import { MAX_TARGETS, SdError, checkAddress, checkPort, checkRange, checkTarget } from './types.js';

// Bound once to a module-local constant: hot loops then call it directly, where an imported binding costs a
// namespace-object read per call under vitest's module runner (measured: half the forwarding rate).
const mix2 = mix2Imported;

/** Returned by lookups when no row matches. */
export const NOT_FOUND = -1;

const STRIDE = 3;
const MIN_CAPACITY = 16;

export interface VcrtOptions {
  /** Share the stack's ServiceTable with its Vdpt and TimedAffinity; a private one by default. */
  readonly services?: ServiceTable;
  /** Rows to hold before the first growth. */
  readonly initialCapacity?: number;
  /** Hash seed (from the HAL's seeded Rng); 0 by default. */
  readonly seed?: number;
}

/** One row, as displays see it (allocated only by `page`). */
export interface VcrtEntry {
  readonly clientIp: number;
  readonly clientPort: number;
  readonly dvipa: number;
  readonly port: number;
  readonly service: number;
  readonly target: number;
  readonly flags: number;
}

export type VcrtVisitor = (
  clientIp: number,
  clientPort: number,
  dvipa: number,
  port: number,
  target: number,
  flags: number,
) => void;

export class Vcrt {
  readonly services: ServiceTable;
  /** The slot of the row the last successful lookup found, or NOT_FOUND. */
  lastSlot = NOT_FOUND;
  /** Bumped by every change of a row's presence or target: a decision taken at one generation holds while it
   *  stays the same (ForwardBatch results taken ahead of time rely on it). */
  generation = 0;
  /** Sink for lookupMany's prefetch loads, so the compiler cannot drop them. */
  private touched = 0;
  private slots: Uint32Array;
  private mask: number;
  private count = 0;
  private growAt: number;
  private readonly seed: number;
  private readonly perTarget = new Uint32Array(MAX_TARGETS);
  private readonly minCapacity: number;

  constructor(options: VcrtOptions = {}) {
    this.services = options.services ?? new ServiceTable();
    this.seed = (options.seed ?? 0) | 0;
    const rows = options.initialCapacity ?? MIN_CAPACITY;
    checkRange('initialCapacity', rows, 1, 1 << 28);
    const cap = pow2AtLeast(Math.ceil((rows * 4) / 3) + 1, MIN_CAPACITY);
    this.minCapacity = cap;
    this.slots = new Uint32Array(cap * STRIDE);
    this.mask = cap - 1;
    this.growAt = (cap * 3) >>> 2;
  }

  /** Rows in the table (connections and affinity records). */
  get size(): number {
    return this.count;
  }

  /** Slots allocated (a power of two). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes of row storage (the slot array), for the memory figure in displays and benches. */
  get storageBytes(): number {
    return this.slots.byteLength;
  }

  /** Rows whose target is `t` (connections and affinity records alike). */
  countForTarget(t: number): number {
    return this.perTarget[t] ?? 0;
  }

  /**
   * Add a row, or replace the target and flags of an existing one. Returns true when the row is new.
   * Interns (dvipa, port) in the ServiceTable. Throws SdError on out-of-range numbers.
   */
  insert(clientIp: number, clientPort: number, dvipa: number, port: number, target: number, flags = 0): boolean {
    checkAddress(clientIp);
    checkPort(clientPort);
    checkTarget(target);
    checkRange('VCRT flags', flags, 0, 255);
    const svc = this.services.intern(dvipa, port);
    return this.put(clientIp, clientPort, svc, target, flags);
  }

  /** `insert` for a caller that already holds the service index (from `services.intern`). */
  insertService(clientIp: number, clientPort: number, svc: number, target: number, flags = 0): boolean {
    checkAddress(clientIp);
    checkPort(clientPort);
    checkTarget(target);
    checkRange('VCRT flags', flags, 0, 255);
    if (!this.services.has(svc)) throw new SdError('UNKNOWN_SERVICE', `service index ${svc} is not defined`, svc);
    return this.put(clientIp, clientPort, svc, target, flags);
  }

  /** Target of the row, or NOT_FOUND. Sets `lastSlot`. */
  lookup(clientIp: number, clientPort: number, dvipa: number, port: number): number {
    const svc = this.services.find(dvipa >>> 0, port);
    if (svc < 0) {
      this.lastSlot = NOT_FOUND;
      return NOT_FOUND;
    }
    return this.lookupService(clientIp, clientPort, svc);
  }

  /** The hot-path lookup: one hash, then two word compares per probed slot. Sets `lastSlot`. */
  lookupService(clientIp: number, clientPort: number, svc: number): number {
    const s = this.slots;
    const mask = this.mask;
    const ip = clientIp >>> 0;
    const w1 = ((clientPort << 16) | svc) >>> 0;
    let i = mix2(ip, w1, this.seed) & mask;
    for (;;) {
      const at = i * STRIDE;
      const k1 = s[at + 1]!;
      if (k1 === w1 && s[at] === ip) {
        this.lastSlot = i;
        return s[at + 2]! & 0xff;
      }
      if (k1 === 0) {
        this.lastSlot = NOT_FOUND;
        return NOT_FOUND;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Look up `count` rows at once: out[j] = target of (clientIps[j], keys[j] = clientPort << 16 | service) or
   * NOT_FOUND. Two passes so the cache misses of a batch overlap: the first computes every home slot and
   * touches it (independent loads the CPU issues back to back), the second probes lines already on the way.
   * `homes` is caller scratch of at least `count` entries. Does not set `lastSlot`.
   */
  lookupMany(clientIps: Uint32Array, keys: Uint32Array, count: number, out: Int32Array, homes: Uint32Array): void {
    const s = this.slots;
    const mask = this.mask;
    const seed = this.seed;
    let touch = 0;
    for (let j = 0; j < count; j++) {
      const i = mix2(clientIps[j]!, keys[j]!, seed) & mask;
      homes[j] = i;
      touch ^= s[i * STRIDE + 1]!;
    }
    this.touched = touch;
    for (let j = 0; j < count; j++) {
      const ip = clientIps[j]!;
      const w1 = keys[j]!;
      let i = homes[j]!;
      for (;;) {
        const at = i * STRIDE;
        const k1 = s[at + 1]!;
        if (k1 === w1 && s[at] === ip) {
          out[j] = s[at + 2]! & 0xff;
          break;
        }
        if (k1 === 0) {
          out[j] = NOT_FOUND;
          break;
        }
        i = (i + 1) & mask;
      }
    }
  }

  /** Flags of the row, or NOT_FOUND. */
  flags(clientIp: number, clientPort: number, dvipa: number, port: number): number {
    return this.lookup(clientIp, clientPort, dvipa, port) === NOT_FOUND ? NOT_FOUND : this.flagsAt(this.lastSlot);
  }

  /** Replace the flags of an existing row; false when there is no such row. */
  setFlags(clientIp: number, clientPort: number, dvipa: number, port: number, flags: number): boolean {
    checkRange('VCRT flags', flags, 0, 255);
    if (this.lookup(clientIp, clientPort, dvipa, port) === NOT_FOUND) return false;
    const at = this.lastSlot * STRIDE + 2;
    this.slots[at] = (this.slots[at]! & 0xff) | (flags << 8);
    return true;
  }

  /** Flags of the row in `slot` (from `lastSlot`). */
  flagsAt(slot: number): number {
    return (this.slots[slot * STRIDE + 2]! >>> 8) & 0xff;
  }

  /** Remove a row; returns its target, or NOT_FOUND when there was none. */
  delete(clientIp: number, clientPort: number, dvipa: number, port: number): number {
    const t = this.lookup(clientIp, clientPort, dvipa, port);
    if (t === NOT_FOUND) return NOT_FOUND;
    this.removeAt(this.lastSlot);
    this.lastSlot = NOT_FOUND;
    return t;
  }

  /** `delete` by service index. */
  deleteService(clientIp: number, clientPort: number, svc: number): number {
    const t = this.lookupService(clientIp, clientPort, svc);
    if (t === NOT_FOUND) return NOT_FOUND;
    this.removeAt(this.lastSlot);
    this.lastSlot = NOT_FOUND;
    return t;
  }

  /** Remove every row routed to target `t` (the target left the group); returns how many went. */
  deleteTarget(t: number): number {
    checkTarget(t);
    if (this.perTarget[t] === 0) return 0;
    return this.removeWhere((_w1, w2) => (w2 & 0xff) === t);
  }

  /** Remove every row of service `svc` (VIPADISTRIBUTE DELETE); returns how many went. */
  deleteAllOfService(svc: number): number {
    return this.removeWhere((w1) => (w1 & 0xffff) === svc);
  }

  /** Remove every row. Keeps the ServiceTable. */
  clear(): void {
    this.slots = new Uint32Array(this.minCapacity * STRIDE);
    this.mask = this.minCapacity - 1;
    this.growAt = (this.minCapacity * 3) >>> 2;
    this.count = 0;
    this.perTarget.fill(0);
    this.lastSlot = NOT_FOUND;
    this.generation++;
  }

  /** Shrink the slot array after mass deletion (target loss, takeback) down to what the rows need. */
  compact(): void {
    const cap = pow2AtLeast(Math.ceil((this.count * 4) / 3) + 1, this.minCapacity);
    if (cap < this.mask + 1) this.rehash(cap);
  }

  /**
   * Visit rows in slot order, skipping the first `offset`, at most `count` of them. Returns how many were
   * visited. Does not allocate; the visitor must not insert or delete.
   */
  forEach(visit: VcrtVisitor, offset = 0, count = Number.POSITIVE_INFINITY): number {
    const s = this.slots;
    const cap = this.mask + 1;
    const services = this.services;
    let seen = 0;
    let done = 0;
    for (let i = 0; i < cap && done < count; i++) {
      const at = i * STRIDE;
      const w1 = s[at + 1]!;
      if (w1 === 0) continue;
      if (seen++ < offset) continue;
      const svc = w1 & 0xffff;
      const w2 = s[at + 2]!;
      visit(s[at]!, w1 >>> 16, services.dvipaOf(svc), services.portOf(svc), w2 & 0xff, (w2 >>> 8) & 0xff);
      done++;
    }
    return done;
  }

  /** Rows `offset` .. `offset + count - 1` in slot order, as objects (for displays: allocates). */
  page(offset: number, count: number): VcrtEntry[] {
    const out: VcrtEntry[] = [];
    const s = this.slots;
    const cap = this.mask + 1;
    let seen = 0;
    for (let i = 0; i < cap && out.length < count; i++) {
      const at = i * STRIDE;
      const w1 = s[at + 1]!;
      if (w1 === 0 || seen++ < offset) continue;
      const service = w1 & 0xffff;
      const w2 = s[at + 2]!;
      out.push({
        clientIp: s[at]!,
        clientPort: w1 >>> 16,
        dvipa: this.services.dvipaOf(service),
        port: this.services.portOf(service),
        service,
        target: w2 & 0xff,
        flags: (w2 >>> 8) & 0xff,
      });
    }
    return out;
  }

  private put(ip: number, clientPort: number, svc: number, target: number, flags: number): boolean {
    const w1 = ((clientPort << 16) | svc) >>> 0;
    const w2 = target | (flags << 8);
    const s = this.slots;
    const mask = this.mask;
    let i = mix2(ip, w1, this.seed) & mask;
    for (;;) {
      const at = i * STRIDE;
      const k1 = s[at + 1]!;
      if (k1 === 0) break;
      if (k1 === w1 && s[at] === ip) {
        this.perTarget[s[at + 2]! & 0xff]!--;
        this.perTarget[target]!++;
        s[at + 2] = w2;
        this.generation++;
        return false;
      }
      i = (i + 1) & mask;
    }
    if (this.count >= this.growAt) {
      this.rehash((mask + 1) * 2);
      return this.put(ip, clientPort, svc, target, flags);
    }
    const at = i * STRIDE;
    s[at] = ip;
    s[at + 1] = w1;
    s[at + 2] = w2;
    this.count++;
    this.perTarget[target]!++;
    this.generation++;
    return true;
  }

  /** Backward-shift deletion: pull later rows of the probe run into the hole so no tombstone is needed. */
  private removeAt(slot: number): void {
    const s = this.slots;
    const mask = this.mask;
    this.perTarget[s[slot * STRIDE + 2]! & 0xff]!--;
    this.count--;
    this.generation++;
    let hole = slot;
    let j = (slot + 1) & mask;
    for (;;) {
      const at = j * STRIDE;
      const w1 = s[at + 1]!;
      if (w1 === 0) break;
      const home = mix2(s[at]!, w1, this.seed) & mask;
      // The row at j may fill the hole unless its home lies cyclically after the hole (in (hole, j]).
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        const h = hole * STRIDE;
        s[h] = s[at]!;
        s[h + 1] = w1;
        s[h + 2] = s[at + 2]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    const h = hole * STRIDE;
    s[h] = 0;
    s[h + 1] = 0;
    s[h + 2] = 0;
  }

  /**
   * Scan once, removing matching rows. A backward shift only moves rows from later in the scan into the
   * current or later slots (or between already-scanned wrapped slots), so re-checking the current slot after
   * each removal never skips a row.
   */
  private removeWhere(match: (w1: number, w2: number) => boolean): number {
    const s = this.slots;
    const cap = this.mask + 1;
    let removed = 0;
    for (let i = 0; i < cap; i++) {
      for (;;) {
        const at = i * STRIDE;
        const w1 = s[at + 1]!;
        if (w1 === 0 || !match(w1, s[at + 2]!)) break;
        this.removeAt(i);
        removed++;
      }
    }
    this.lastSlot = NOT_FOUND;
    return removed;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    const oldCap = this.mask + 1;
    const s = new Uint32Array(capacity * STRIDE);
    const mask = capacity - 1;
    for (let o = 0; o < oldCap; o++) {
      const from = o * STRIDE;
      const w1 = old[from + 1]!;
      if (w1 === 0) continue;
      const ip = old[from]!;
      let i = mix2(ip, w1, this.seed) & mask;
      while (s[i * STRIDE + 1] !== 0) i = (i + 1) & mask;
      const at = i * STRIDE;
      s[at] = ip;
      s[at + 1] = w1;
      s[at + 2] = old[from + 2]!;
    }
    this.slots = s;
    this.mask = mask;
    this.growAt = (capacity * 3) >>> 2;
    this.lastSlot = NOT_FOUND;
  }
}
