// Small models for kernel tests and the kernel bench: hosts that bounce messages over links with a random
// think time, as a realistic handler does (read the message, draw a number, send one on).
import { Component, Port } from '../../src/kernel/index.js';

export interface Packet { hops: number; bytes: number }

export class Bouncer extends Component {
  received = 0;
  constructor(name: string, private readonly thinkPs = 0, private readonly traceIt = false) {
    super(name);
  }
  override onMessage(port: Port, m: unknown): void {
    const p = m as Packet;
    this.received++;
    if (this.traceIt && this.tracing) this.trace('toy.rx', { port: port.name, hops: p.hops });
    if (p.hops <= 0) return;
    p.hops--;
    const out = this.ports[this.rng.nextInt(this.ports.length)]!;
    if (this.thinkPs > 0) this.after(this.rng.nextInt(this.thinkPs), out.index, p);
    else out.send(p, p.bytes);
  }
  override onTimer(tag: number, data: unknown): void {
    const p = data as Packet;
    this.ports[tag]!.send(p, p.bytes);
  }
}
