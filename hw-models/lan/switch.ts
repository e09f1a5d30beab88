// `LAN1`: a store-and-forward learning Ethernet switch (IEEE 802.1D transparent bridging). It learns source
// MACs per port, floods broadcast, multicast and unknown destinations to every other port, and filters frames
// whose destination sits on the port they came in on. Serialisation and cable delay live in the links; the
// switch adds no latency of its own (the topology's segment latency includes the switch hop).
// Fault `loss`: each arriving frame is dropped with probability pct/100, drawn from the switch's own PRNG.

import { type Port } from '../../src/kernel/index.js';
import { ModelComponent } from '../model-component.js';
import { readMac } from '../../src/net/index.js';
import type { ControlMsg, FrameMsg } from '../messages.js';
import { SWITCH } from './datasheet.js';
import { isGroupMac, wireBytes } from './wire.js';

export class LanSwitch extends ModelComponent {
  /** MAC -> port index. */
  private readonly macTable = new Map<number, number>();
  private lossPct = 0;
  readonly stats = { frames: 0, flooded: 0, filtered: 0, lost: 0, malformed: 0 };

  constructor(name: string, private readonly macTableSize: number = SWITCH.macTableSize) {
    super(name);
  }

  /** The switch port for a device (an OSA port, the router); created on first use. */
  attach(device: string): Port {
    return this.port(device);
  }

  /** Which port a MAC was learned on, or undefined. */
  portOf(mac: number): string | undefined {
    const i = this.macTable.get(mac);
    return i === undefined ? undefined : this.ports[i]!.name;
  }

  override onMessage(port: Port, message: unknown): void {
    const m = message as FrameMsg;
    const frame = m.frame;
    if (frame.length < 14) {
      this.stats.malformed++;
      return;
    }
    this.stats.frames++;
    if (this.lossPct > 0 && this.rng.nextFloat() * 100 < this.lossPct) {
      this.stats.lost++;
      if (this.tracing) this.trace('lan.drop', { reason: 'loss', port: port.name, len: frame.length });
      return;
    }
    const src = readMac(frame, 6);
    if (!isGroupMac(src)) {
      const known = this.macTable.get(src);
      if (known !== port.index && (known !== undefined || this.macTable.size < this.macTableSize)) {
        this.macTable.set(src, port.index);
      }
    }
    const dst = readMac(frame, 0);
    const bytes = wireBytes(frame.length);
    const out = isGroupMac(dst) ? undefined : this.macTable.get(dst);
    if (out === undefined) {
      this.stats.flooded++;
      const ports = this.ports;
      for (let i = 0; i < ports.length; i++) if (i !== port.index) ports[i]!.send(m, bytes);
    } else if (out === port.index) {
      this.stats.filtered++;
    } else {
      this.ports[out]!.send(m, bytes);
    }
  }

  override onControl(control: unknown): void {
    const c = control as ControlMsg;
    if (c.kind !== 'loss') return;
    this.lossPct = Math.min(100, Math.max(0, c.pct));
    if (this.tracing) this.trace('lan.loss', { pct: this.lossPct });
  }
}
