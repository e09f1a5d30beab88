// The in-process twin of tools/python/link_tap.py: the same link-level behaviour as a kernel component, so a
// single-process run shows what the Python component must produce through the backplane.

import { Component, type Port } from '../../src/kernel/index.js';

export class LinkTap extends Component {
  readonly frames = [0, 0];
  readonly bytes = [0, 0];

  override onMessage(port: Port, message: unknown): void {
    const out = 1 - port.index;
    const m = message as { frame?: Uint8Array; packet?: Uint8Array };
    this.frames[out]!++;
    this.bytes[out]! += (m.frame ?? m.packet)?.length ?? 0;
    this.ports[out]!.send(message, 0);
  }

  stats(): Record<string, number> {
    return { framesToB: this.frames[1]!, framesToA: this.frames[0]!, bytesToB: this.bytes[1]!, bytesToA: this.bytes[0]! };
  }
}
