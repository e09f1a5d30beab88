// `CPC1.IQDF4`: a HiperSockets IQD CHPID, memory-to-memory between the LPARs of one CPC. Ports: one per LPAR
// (named after it). A write (IqdWriteMsg) is the sending CP's synchronous copy into the receiver's buffers: it
// takes the frame's copy time after the sender's previous write finished (the writes of one LPAR are serial),
// then the receiver gets an IqdReadMsg. A frame larger than the CHPID's MTU (from its maximum frame size) or to
// an LPAR not on the CHPID is rejected and counted, as the hardware fails the SIGA.

import type { Port } from '../../src/kernel/index.js';
import { ModelComponent } from '../model-component.js';
import type { IqdReadMsg, IqdWriteMsg } from '../messages.js';
import { iqdCopyPs, iqdMtu } from './datasheet.js';

const TAG_DONE = 1;

export interface IqdStats {
  frames: number;
  bytes: number;
  /** Rejected: larger than the MTU. */
  tooBig: number;
  /** Rejected: the target is not on this CHPID. */
  noTarget: number;
}

export class IqdChpid extends ModelComponent {
  readonly mtu: number;
  readonly stats: IqdStats = { frames: 0, bytes: 0, tooBig: 0, noTarget: 0 };
  private readonly byLpar = new Map<string, Port>();
  /** When each port's last write finishes copying. */
  private readonly busyUntil = new Map<Port, number>();

  constructor(
    name: string,
    readonly chpid: string,
    readonly mfsKb: number,
  ) {
    super(name);
    this.mtu = iqdMtu(mfsKb);
  }

  /** The port for an LPAR that shares this CHPID. */
  attachLpar(lpar: string): Port {
    const port = this.port(lpar);
    this.byLpar.set(lpar, port);
    this.busyUntil.set(port, 0);
    return port;
  }

  /** The LPARs on this CHPID. */
  get lpars(): string[] {
    return [...this.byLpar.keys()];
  }

  override onMessage(port: Port, message: unknown): void {
    const m = message as IqdWriteMsg;
    if (m.kind !== 'iqd-write') return;
    const to = this.byLpar.get(m.to);
    if (to === undefined) {
      this.stats.noTarget++;
      if (this.tracing) this.trace('iqd.reject', { from: port.name, to: m.to, reason: 'no-target' });
      return;
    }
    if (m.bytes.length > this.mtu) {
      this.stats.tooBig++;
      if (this.tracing) this.trace('iqd.reject', { from: port.name, to: m.to, reason: 'mtu', bytes: m.bytes.length, mtu: this.mtu });
      return;
    }
    const start = Math.max(this.now, this.busyUntil.get(port) ?? 0);
    const done = start + iqdCopyPs(m.bytes.length);
    this.busyUntil.set(port, done);
    this.stats.frames++;
    this.stats.bytes += m.bytes.length;
    this.at(done, TAG_DONE, { to, msg: { kind: 'iqd-read', from: port.name, bytes: m.bytes } satisfies IqdReadMsg });
  }

  override onTimer(tag: number, data: unknown): void {
    if (tag !== TAG_DONE) return;
    const d = data as { to: Port; msg: IqdReadMsg };
    d.to.send(d.msg, d.msg.bytes.length);
  }
}
