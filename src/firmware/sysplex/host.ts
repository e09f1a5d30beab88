// What the Sysplex Distributor needs from the rest of its stack (src/firmware/stack.ts implements it).

import type { Hal } from '../hal.js';
import type { Interfaces } from '../interfaces.js';
import type { ConnTuple } from '../xcf-messages.js';

export interface SysplexHost {
  readonly hal: Hal;
  /** Listening sockets that would accept a connection to (ip, port). */
  listeners(ip: number, port: number): number;
  /** How full the backlog of the listener for (ip, port) is, 0 (idle) to 1 (dropping SYNs). */
  backlogFill(ip: number, port: number): number;
  /** Open connections whose local address is `ip`. */
  connectionsOn(ip: number): ConnTuple[];
  /** Hand a datagram to this stack's own IP input (a target receiving a forwarded packet). */
  deliverLocal(now: number, packet: Uint8Array): void;
  /** Send a datagram by this stack's IP routing table (VIPAROUTE's GRE packets); false when no route. */
  sendRouted(packet: Uint8Array): boolean;
  /** The OSA interface on whose subnet `ip` lies (where the owner registers it), or null. */
  interfaceFor(ip: number): string | null;
  /** Registers addresses with the OSAs (on a stand-in interface while their own is down). */
  readonly interfaces: Interfaces;
}
