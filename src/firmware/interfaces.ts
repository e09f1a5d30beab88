// The stack's OSA interfaces: which are active, and where each address it advertises is registered (the OSA
// Address Table of the port that answers ARP for it).
//
// ARP takeover (OSA-Express Customer's Guide, "ARP Takeover"; IBM support, "Interface takeover function and
// gratuitous ARP"): when an OSA-Express interface fails, the stack moves the addresses registered on it (its
// home address, the DVIPAs it owns) to another active interface on the same subnet, whose OSA announces them
// with a gratuitous ARP, and routes over the interfaces that are left. When the interface comes back, the
// addresses go home to it.

import type { Hal } from './hal.js';
import type { Interface } from './profile/types.js';
import { inSubnet, ipToString } from '../net/ipv4.js';

interface Registration {
  /** The interface the stack meant: the one on the address's subnet, or the one it was given. */
  readonly home: string;
  /** Where it is registered now (another interface while `home` is down), or null when nowhere can take it. */
  on: string | null;
}

export class Interfaces {
  private readonly down = new Set<string>();
  private readonly registrations = new Map<number, Registration>();

  constructor(
    private readonly hal: Hal,
    private readonly defined: readonly Interface[],
  ) {}

  isActive(ifName: string): boolean {
    return this.down.size === 0 || !this.down.has(ifName);
  }

  /** Registers `ip` on `ifName`, or on a stand-in while `ifName` is down. */
  register(ifName: string, ip: number): void {
    const on = this.isActive(ifName) ? ifName : this.standIn(ifName, ip);
    const prev = this.registrations.get(ip);
    if (prev !== undefined && prev.on !== null && prev.on !== on) this.hal.deregisterAddress(prev.on, ip);
    this.registrations.set(ip, { home: ifName, on });
    if (on !== null) this.hal.registerAddress(on, ip);
  }

  deregister(ip: number): void {
    const r = this.registrations.get(ip);
    if (r === undefined) return;
    this.registrations.delete(ip);
    if (r.on !== null) this.hal.deregisterAddress(r.on, ip);
  }

  /** The adapter reported `ifName` down or up: move the addresses registered on it away, or back home. */
  setState(ifName: string, up: boolean): void {
    if (up === this.isActive(ifName)) return;
    if (up) this.down.delete(ifName);
    else this.down.add(ifName);
    for (const [ip, r] of this.registrations) {
      // Down: what was on it moves. Up: what belongs to it comes home, and what had nowhere to go finds a place.
      const moves = up ? (r.home === ifName && r.on !== ifName) || r.on === null : r.on === ifName;
      if (!moves) continue;
      if (r.on !== null) this.hal.deregisterAddress(r.on, ip); // a down OSA still takes this: no stale entry
      r.on = this.isActive(r.home) ? r.home : this.standIn(r.home, ip);
      if (r.on === null) continue;
      this.hal.registerAddress(r.on, ip);
      if (this.hal.tracing) this.hal.trace('ip.move', { ip: ipToString(ip), to: r.on, home: r.home });
    }
  }

  /** Where `ip` is registered now (for displays and tests), or null. */
  registeredOn(ip: number): string | null {
    return this.registrations.get(ip)?.on ?? null;
  }

  /** An active interface on the subnet of `ip` other than `home`, in profile order; null when none. */
  private standIn(home: string, ip: number): string | null {
    for (const i of this.defined) if (i.name !== home && this.isActive(i.name) && inSubnet(ip, i.ip, i.prefixLen)) return i.name;
    return null;
  }
}
