// ServiceTable: maps a distributed service (DVIPA, port) to a small "service index" 1..65535.
//
// Why: a VCRT key is (client IP, client port, DVIPA, port) = 96 bits. Interning (DVIPA, port) to 16 bits lets
// a VCRT row key fit two 32-bit words (client IP | client port << 16 | service), so a lookup compares two
// words. A stack distributes a handful of ports per DVIPA (at most 1024 DVIPAs per stack), so the table is
// small and stays in cache; the forwarding hot path probes it once per packet.
//
// One ServiceTable is shared by the stack's Vcrt, Vdpt and TimedAffinity so they agree on indices.
// Index 0 is never used: the VCRT marks empty slots with a zero second word.
//
// Caller (the stack): `intern` when a VIPADISTRIBUTE port is defined or a dynamic port is learned; `find`
// on the packet path; `release` after VIPADISTRIBUTE DELETE once the Vcrt/Vdpt rows for it are deleted.

import { mix2 as mix2Imported, pow2AtLeast } from './hash.js';
import { SdError, checkAddress, checkPort } from './types.js';

// Bound once to a module-local constant: hot loops then call it directly, where an imported binding costs a
// namespace-object read per call under vitest's module runner (measured: half the forwarding rate).
const mix2 = mix2Imported;

/** Largest service index (16 bits in a VCRT key). */
export const MAX_SERVICES = 0xffff;

const SEED = 0x5eed5e71;

export class ServiceTable {
  /** Open-addressing index, stride 2: [dvipa, serviceIndex << 16 | port]; second word 0 = empty slot. */
  private slots: Uint32Array;
  private mask: number;
  private dvipas = new Uint32Array(16);
  private ports = new Uint16Array(16);
  private live = new Uint8Array(16);
  /** Port -> the service index of one DVIPA distributing it (0: none). Most stacks distribute a port for one
   *  DVIPA only, so `find` usually answers with two array reads and no hash; a port that several DVIPAs
   *  distribute falls back to the hash index for all but one of them. */
  private readonly byPort = new Uint16Array(0x10000);
  /** Released indices, reused lowest first so index assignment is deterministic and compact. */
  private free: number[] = [];
  private next = 1;
  private count = 0;

  constructor() {
    this.slots = new Uint32Array(64);
    this.mask = 31;
  }

  /** Number of services defined. */
  get size(): number {
    return this.count;
  }

  /** The service index of (dvipa, port), or -1 when it is not distributed. `dvipa` unsigned (`>>> 0`). */
  find(dvipa: number, port: number): number {
    const direct = port >>> 16 === 0 ? this.byPort[port]! : 0;
    if (direct !== 0 && this.dvipas[direct] === dvipa) return direct;
    const s = this.slots;
    const mask = this.mask;
    let i = mix2(dvipa, port, SEED) & mask;
    for (;;) {
      const w1 = s[2 * i + 1]!;
      if (w1 === 0) return -1;
      if ((w1 & 0xffff) === port && s[2 * i] === dvipa) return w1 >>> 16;
      i = (i + 1) & mask;
    }
  }

  /** The index of (dvipa, port), defining it when new. Throws SdError SERVICES_FULL past 65535 services. */
  intern(dvipa: number, port: number): number {
    checkAddress(dvipa);
    checkPort(port);
    const found = this.find(dvipa, port);
    if (found >= 0) return found;
    let idx: number;
    if (this.free.length > 0) {
      this.free.sort((a, b) => b - a);
      idx = this.free.pop()!;
    } else {
      if (this.next > MAX_SERVICES) {
        throw new SdError('SERVICES_FULL', `more than ${MAX_SERVICES} distributed (DVIPA, port) services`, MAX_SERVICES);
      }
      idx = this.next++;
    }
    if (idx >= this.dvipas.length) this.growColumns(idx + 1);
    this.dvipas[idx] = dvipa;
    this.ports[idx] = port;
    this.live[idx] = 1;
    if (this.byPort[port] === 0) this.byPort[port] = idx;
    this.count++;
    if (this.count * 2 > this.mask + 1) this.rebuild((this.mask + 1) * 2);
    else this.place(dvipa, port, idx);
    return idx;
  }

  /** Forget a service; its index may be handed out again. The caller first deletes rows that use it. */
  release(idx: number): void {
    if (!this.has(idx)) throw new SdError('UNKNOWN_SERVICE', `service index ${idx} is not defined`, idx);
    this.live[idx] = 0;
    this.count--;
    this.free.push(idx);
    const port = this.ports[idx]!;
    if (this.byPort[port] === idx) {
      // Hand the port's direct entry to another DVIPA distributing it, if any.
      this.byPort[port] = 0;
      for (let i = 1; i < this.next; i++) {
        if (this.live[i] === 1 && this.ports[i] === port) {
          this.byPort[port] = i;
          break;
        }
      }
    }
    this.rebuild(this.mask + 1);
  }

  has(idx: number): boolean {
    return Number.isInteger(idx) && idx > 0 && idx < this.live.length && this.live[idx] === 1;
  }

  dvipaOf(idx: number): number {
    return this.dvipas[idx]!;
  }

  portOf(idx: number): number {
    return this.ports[idx]!;
  }

  /** Visit defined services in index order. */
  forEach(visit: (idx: number, dvipa: number, port: number) => void): void {
    for (let i = 1; i < this.next; i++) if (this.live[i] === 1) visit(i, this.dvipas[i]!, this.ports[i]!);
  }

  private place(dvipa: number, port: number, idx: number): void {
    const s = this.slots;
    const mask = this.mask;
    let i = mix2(dvipa, port, SEED) & mask;
    while (s[2 * i + 1] !== 0) i = (i + 1) & mask;
    s[2 * i] = dvipa;
    s[2 * i + 1] = ((idx << 16) | port) >>> 0;
  }

  private rebuild(capacity: number): void {
    const cap = pow2AtLeast(this.count * 2 + 1, Math.max(capacity, 32));
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    for (let i = 1; i < this.next; i++) if (this.live[i] === 1) this.place(this.dvipas[i]!, this.ports[i]!, i);
  }

  private growColumns(min: number): void {
    const n = Math.min(pow2AtLeast(min, this.dvipas.length * 2), MAX_SERVICES + 1);
    const d = new Uint32Array(n);
    d.set(this.dvipas);
    const p = new Uint16Array(n);
    p.set(this.ports);
    const l = new Uint8Array(n);
    l.set(this.live);
    this.dvipas = d;
    this.ports = p;
    this.live = l;
  }
}
