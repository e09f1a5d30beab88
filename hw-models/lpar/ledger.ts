// Per-LPAR connection accounting that survives an LPAR going down: for every local (ip, port) the stack
// accepted connections on, how many were opened, closed, reset, are still open, or were open when the LPAR
// went down, and which clients (remote ip:port) were assigned here and did not end in order. The run report
// derives distribution[].targets[].totalConn, activeConn and lost from it.

export interface ServiceLedger {
  /** Connections set up on this local address and port over the whole run. */
  total: number;
  /** Open now (0 after the LPAR went down). */
  active: number;
  closed: number;
  reset: number;
  /** Open when the LPAR went down. */
  lostOnDown: number;
  /** Remote endpoints (remoteKey(ip, port)) of the connections set up here that have not ended in order:
   *  open now, reset, or open when the LPAR went down. A connection this stack closed in order (both FINs,
   *  'close') is not lost here whatever its client made of it, so it leaves the set: in a long run the set
   *  holds the open and the failed connections, not every client endpoint ever seen. (The ended ones, then
   *  the open ones: each key is kept once.) */
  readonly lastAssigned: Iterable<number>;
  /** Remote endpoints of connections set up here that ended without an orderly close (reset, or open when
   *  the LPAR went down), and are not open again. */
  readonly ended: Set<number>;
  /** Remote endpoints open now. */
  readonly open: Set<number>;
}

/** A remote endpoint as one number (ip * 2^16 + port, below 2^48): no string per connection. */
export function remoteKey(ip: number, port: number): number {
  return (ip >>> 0) * 65536 + port;
}

export class ConnectionLedger {
  private readonly services = new Map<number, ServiceLedger>();

  record(event: 'open' | 'close' | 'reset', localIp: number, localPort: number, remoteIp: number, remotePort: number): void {
    const s = this.service(localIp, localPort);
    const key = remoteKey(remoteIp, remotePort);
    if (event === 'open') {
      s.total++;
      s.ended.delete(key);
      s.open.add(key);
    } else {
      if (event === 'close') {
        s.closed++;
        s.ended.delete(key);
      } else {
        s.reset++;
        if (s.open.has(key)) s.ended.add(key);
      }
      s.open.delete(key);
    }
    s.active = s.open.size;
  }

  /** The LPAR went down: every open connection is gone with it. */
  down(): void {
    for (const s of this.services.values()) {
      s.lostOnDown += s.open.size;
      for (const key of s.open) s.ended.add(key);
      s.open.clear();
      s.active = 0;
    }
  }

  /** The ledger of one local address and port, without creating one (an empty ledger when nothing happened). */
  lookup(localIp: number, localPort: number): Readonly<ServiceLedger> {
    return this.services.get((localIp >>> 0) * 65536 + localPort) ?? EMPTY;
  }

  private service(localIp: number, localPort: number): ServiceLedger {
    const k = (localIp >>> 0) * 65536 + localPort;
    let s = this.services.get(k);
    if (s === undefined) {
      s = newLedger();
      this.services.set(k, s);
    }
    return s;
  }

  /** Every local endpoint with its counts, in (ip, port) order. */
  entries(): { localIp: number; localPort: number; ledger: ServiceLedger }[] {
    return [...this.services.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, ledger]) => ({ localIp: Math.floor(k / 65536), localPort: k % 65536, ledger }));
  }
}

function newLedger(): ServiceLedger {
  const ended = new Set<number>();
  const open = new Set<number>();
  return {
    total: 0, active: 0, closed: 0, reset: 0, lostOnDown: 0, ended, open,
    lastAssigned: {
      *[Symbol.iterator]() {
        yield* ended;
        yield* open;
      },
    },
  };
}

const EMPTY: Readonly<ServiceLedger> = Object.freeze(newLedger());
