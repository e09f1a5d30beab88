// The OSA Address Table: which LPAR (by its slot on this OSA port) registered which IPv4 address. The OSA
// delivers inbound datagrams by it and answers ARP for every address in it.

export class AddressTable {
  private readonly owners = new Map<number, number>();

  /** The slot that registered `ip`, or -1. */
  owner(ip: number): number {
    const s = this.owners.get(ip);
    return s === undefined ? -1 : s;
  }

  /** Registers `ip` for `slot`; returns the previous owner's slot (-1 when none). The newest registration
   *  wins: a DVIPA taken over by another LPAR on the same port moves with its registration. */
  register(ip: number, slot: number): number {
    const prev = this.owner(ip);
    this.owners.set(ip, slot);
    return prev;
  }

  /** Removes `ip` if `slot` owns it; false when it did not. */
  deregister(ip: number, slot: number): boolean {
    if (this.owners.get(ip) !== slot) return false;
    this.owners.delete(ip);
    return true;
  }

  /** Removes every address of `slot`; returns them in ascending order. */
  removeAll(slot: number): number[] {
    const gone: number[] = [];
    for (const [ip, s] of this.owners) if (s === slot) gone.push(ip);
    for (const ip of gone) this.owners.delete(ip);
    return gone.sort((a, b) => a - b);
  }

  /** Every registered address in ascending order. */
  addresses(): number[] {
    return [...this.owners.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.owners.size;
  }
}
