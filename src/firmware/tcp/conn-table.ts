// Connections by 4-tuple without strings: the outer Map is keyed by the remote endpoint packed into one
// number (address * 65536 + port, exact below 2^48), the inner level by the local endpoint packed the same
// way. The inner level is usually a single connection (one client port talks to one local socket), so it is
// stored bare and only becomes a Map when a remote endpoint has several local peers.

export interface TupleKeyed {
  readonly localIp: number;
  readonly localPort: number;
  readonly remoteIp: number;
  readonly remotePort: number;
}

export function endpointKey(ip: number, port: number): number {
  return (ip >>> 0) * 65536 + (port & 0xffff);
}

export class ConnTable<C extends TupleKeyed> {
  private readonly byRemote = new Map<number, C | Map<number, C>>();
  size = 0;

  get(localIp: number, localPort: number, remoteIp: number, remotePort: number): C | undefined {
    const slot = this.byRemote.get(endpointKey(remoteIp, remotePort));
    if (slot === undefined) return undefined;
    if (slot instanceof Map) return slot.get(endpointKey(localIp, localPort));
    return slot.localPort === localPort && slot.localIp === localIp ? slot : undefined;
  }

  /** Adds `c`; returns false (and adds nothing) when its tuple is taken. */
  add(c: C): boolean {
    const rk = endpointKey(c.remoteIp, c.remotePort);
    const lk = endpointKey(c.localIp, c.localPort);
    const slot = this.byRemote.get(rk);
    if (slot === undefined) {
      this.byRemote.set(rk, c);
    } else if (slot instanceof Map) {
      if (slot.has(lk)) return false;
      slot.set(lk, c);
    } else {
      if (endpointKey(slot.localIp, slot.localPort) === lk) return false;
      this.byRemote.set(rk, new Map([[endpointKey(slot.localIp, slot.localPort), slot], [lk, c]]));
    }
    this.size++;
    return true;
  }

  delete(c: C): boolean {
    const rk = endpointKey(c.remoteIp, c.remotePort);
    const slot = this.byRemote.get(rk);
    if (slot === undefined) return false;
    if (slot instanceof Map) {
      const lk = endpointKey(c.localIp, c.localPort);
      if (slot.get(lk) !== c) return false;
      slot.delete(lk);
      if (slot.size === 1) this.byRemote.set(rk, slot.values().next().value as C);
    } else {
      if (slot !== c) return false;
      this.byRemote.delete(rk);
    }
    this.size--;
    return true;
  }

  *values(): IterableIterator<C> {
    for (const slot of this.byRemote.values()) {
      if (slot instanceof Map) yield* slot.values();
      else yield slot;
    }
  }
}
