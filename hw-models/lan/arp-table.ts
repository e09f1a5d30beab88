// An ARP cache with address resolution in progress (RFC 826 / RFC 1122 2.3.2.2), shared by the OSA (for its
// outbound next hops) and the edge router. It keeps no timers itself: the owner arms a kernel timer at the
// `deadline` it is given and calls `expire()` when it fires; a fired deadline that no longer matches is stale.

export interface ArpTableParams {
  /** Time between ARP requests for an unresolved address, ps. */
  readonly retryPs: number;
  /** Requests sent before giving up (the held packets are then dropped). */
  readonly attempts: number;
  /** Packets held per unresolved address; more are dropped (RFC 1122 asks to keep at least one). */
  readonly holdPerAddress: number;
}

interface Pending<T> {
  held: T[];
  sent: number;
  deadline: number;
}

export type HoldResult = 'request' | 'held' | 'full';
export type ExpireResult<T> = { readonly retry: true; readonly deadline: number } | { readonly retry: false; readonly dropped: readonly T[] } | null;

export class ArpTable<T> {
  private readonly macs = new Map<number, number>();
  private readonly pending = new Map<number, Pending<T>>();
  /** Packets dropped because too many were held or resolution failed. */
  dropped = 0;

  constructor(private readonly params: ArpTableParams) {}

  /** The MAC for `ip`, or -1 when unknown. */
  lookup(ip: number): number {
    const mac = this.macs.get(ip);
    return mac === undefined ? -1 : mac;
  }

  get size(): number {
    return this.macs.size;
  }

  /** Records ip -> mac. With `create` false only an existing entry (or one being resolved) is updated, as RFC
   *  826's merge step does for ARP packets not addressed to us. Returns the packets waiting for this address
   *  (to send now) or null, and whether an existing entry changed through `changed`. */
  learn(ip: number, mac: number, create: boolean): { readonly released: T[] | null; readonly changed: boolean } {
    const old = this.macs.get(ip);
    const p = this.pending.get(ip);
    if (old === undefined && p === undefined && !create) return NO_CHANGE;
    this.macs.set(ip, mac);
    if (p !== undefined) this.pending.delete(ip);
    return { released: p === undefined ? null : p.held, changed: old !== undefined && old !== mac };
  }

  /** Holds `item` until `ip` resolves. 'request': a new resolution started (send an ARP request and arm a
   *  timer at `deadlineOf(ip)`); 'held': already being resolved; 'full': dropped (counted). */
  hold(ip: number, item: T, now: number): HoldResult {
    const p = this.pending.get(ip);
    if (p === undefined) {
      this.pending.set(ip, { held: [item], sent: 1, deadline: now + this.params.retryPs });
      return 'request';
    }
    if (p.held.length >= this.params.holdPerAddress) {
      this.dropped++;
      return 'full';
    }
    p.held.push(item);
    return 'held';
  }

  /** The items waiting for `ip` (empty when it is not being resolved). */
  held(ip: number): readonly T[] {
    return this.pending.get(ip)?.held ?? [];
  }

  /** When the current request for `ip` times out (Infinity when none is in progress). */
  deadlineOf(ip: number): number {
    return this.pending.get(ip)?.deadline ?? Infinity;
  }

  /** The timer for `ip` fired at `now`: null when stale; retry (send another request, arm at `deadline`) or
   *  give up (the held packets are dropped and returned for counting). */
  expire(ip: number, now: number): ExpireResult<T> {
    const p = this.pending.get(ip);
    if (p === undefined || p.deadline !== now) return null;
    if (p.sent < this.params.attempts) {
      p.sent++;
      p.deadline = now + this.params.retryPs;
      return { retry: true, deadline: p.deadline };
    }
    this.pending.delete(ip);
    this.dropped += p.held.length;
    return { retry: false, dropped: p.held };
  }

  /** Forgets everything (a port went down). Returns how many held packets were dropped. */
  clear(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.held.length;
    this.dropped += n;
    this.pending.clear();
    this.macs.clear();
    return n;
  }

  /** Entries as [ip, mac] pairs in ascending ip order (for inspection and tests). */
  entries(): [number, number][] {
    return [...this.macs.entries()].sort((a, b) => a[0] - b[0]);
  }
}

const NO_CHANGE = { released: null, changed: false } as const;
