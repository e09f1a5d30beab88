// The Hal one firmware instance sees: a thin door into its LPAR host. A new one is made at every IPL and
// remembers its generation, so a firmware instance from before an lpar-down can no longer act on the LPAR.

import type { Hal, Rng } from '../../src/firmware/hal.js';

/** What the host offers its Hal (implemented by LparHost). */
export interface HalBackend {
  readonly name: string;
  readonly rng: Rng;
  readonly tracing: boolean;
  /** The current IPL's generation. */
  readonly generation: number;
  trace(kind: string, fields?: Record<string, unknown>): void;
  halTransmit(ifName: string, packet: Uint8Array, nextHop: number): void;
  halRegister(ifName: string, ip: number, register: boolean): void;
  halXcfSend(toStack: string, message: Uint8Array): void;
  halIqdSend(toStack: string, message: Uint8Array): boolean;
  halXcfJoin(join: boolean): void;
  halSetTimer(id: number, at: number): void;
  halCancelTimer(id: number): void;
  halTcpConnection(event: 'open' | 'close' | 'reset', localIp: number, localPort: number, remoteIp: number, remotePort: number): void;
  halWlmWeight(): number;
  halWlmCapacity(): { readonly unused: number; readonly total: number };
}

export class HostHal implements Hal {
  readonly stackName: string;
  readonly rng: Rng;

  constructor(
    private readonly host: HalBackend,
    private readonly generation: number,
  ) {
    this.stackName = host.name;
    this.rng = host.rng;
  }

  private get live(): boolean {
    return this.host.generation === this.generation;
  }

  get tracing(): boolean {
    return this.live && this.host.tracing;
  }

  transmit(ifName: string, packet: Uint8Array, nextHop: number): void {
    if (this.live) this.host.halTransmit(ifName, packet, nextHop);
  }
  registerAddress(ifName: string, ip: number): void {
    if (this.live) this.host.halRegister(ifName, ip, true);
  }
  deregisterAddress(ifName: string, ip: number): void {
    if (this.live) this.host.halRegister(ifName, ip, false);
  }
  xcfSend(toStack: string, message: Uint8Array): void {
    if (this.live) this.host.halXcfSend(toStack, message);
  }
  iqdSend(toStack: string, message: Uint8Array): boolean {
    return this.live && this.host.halIqdSend(toStack, message);
  }
  xcfJoin(join: boolean): void {
    if (this.live) this.host.halXcfJoin(join);
  }
  setTimer(id: number, at: number): void {
    if (this.live) this.host.halSetTimer(id, at);
  }
  cancelTimer(id: number): void {
    if (this.live) this.host.halCancelTimer(id);
  }
  tcpConnection(event: 'open' | 'close' | 'reset', localIp: number, localPort: number, remoteIp: number, remotePort: number): void {
    if (this.live) this.host.halTcpConnection(event, localIp, localPort, remoteIp, remotePort);
  }
  wlmWeight(): number {
    return this.host.halWlmWeight();
  }
  wlmCapacity(): { readonly unused: number; readonly total: number } {
    return this.host.halWlmCapacity();
  }
  trace(kind: string, fields: Record<string, unknown>): void {
    if (this.live) this.host.trace(kind, fields);
  }
}
