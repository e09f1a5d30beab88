// Connections on each target stack, open to close, each drawn on a lane (the lowest free one, so lanes are
// reused and their number is the stack's peak of concurrent connections), and the peak of open connections
// per sample interval (the `connections` signal: short connections between two ticks still show). A connection opens with the
// stack's `tcp.open` trace record; it ends when the LPAR's connection ledger no longer holds it open (the host
// counts a connection closed when it enters TIME_WAIT, while `tcp.close` comes only when the control block is
// freed 2 * MSL later), at `tcp.close`/`tcp.reset` if that comes first, or when the LPAR goes down.

import type { ServiceLedger } from '../../hw-models/lpar/ledger.js';
import type { LparProbe } from './catalogue.js';
import { ipToString as ipText } from '../net/ipv4.js';
import type { Timeline } from './timeline.js';

interface Service {
  readonly localIp: number;
  readonly localPort: number;
  ledger: Readonly<ServiceLedger>;
  closed: number;
  reset: number;
  lost: number;
  /** Remote key -> lane. */
  readonly open: Map<number, number>;
}

class Lanes {
  private free: number[] = [];
  private next = 0;
  take(): number {
    if (this.free.length === 0) return this.next++;
    // Lowest free lane: a small sorted array (lanes are few) keeps the choice deterministic and compact.
    return this.free.shift()!;
  }
  give(lane: number): void {
    let i = this.free.length;
    while (i > 0 && this.free[i - 1]! > lane) i--;
    this.free.splice(i, 0, lane);
  }
}

export class ConnectionTracker {
  private readonly services: Map<number, Service>[];
  private readonly lanes: Lanes[];
  private readonly openCount: number[];
  /** Per LPAR: the most connections open at once since the last tick (what the `connections` signal shows). */
  readonly peak: number[];

  constructor(
    private readonly lpars: readonly LparProbe[],
    private readonly timeline: Timeline,
  ) {
    this.services = lpars.map(() => new Map());
    this.lanes = lpars.map(() => new Lanes());
    this.openCount = lpars.map(() => 0);
    this.peak = lpars.map(() => 0);
  }

  /** The peak of LPAR `i` since the last call; the next interval starts from what is open now. */
  takePeak(i: number): number {
    const p = this.peak[i]!;
    this.peak[i] = this.openCount[i]!;
    return p;
  }

  opened(i: number, t: number, localIp: number, localPort: number, remoteIp: number, remotePort: number): void {
    const key = localIp * 65536 + localPort;
    let s = this.services[i]!.get(key);
    if (s === undefined) {
      const ledger = this.lpars[i]!.host.ledger(localIp, localPort);
      s = { localIp, localPort, ledger, closed: ledger.closed, reset: ledger.reset, lost: ledger.lostOnDown, open: new Map() };
      this.services[i]!.set(key, s);
    }
    const remote = remoteIp * 65536 + remotePort;
    if (s.open.has(remote)) this.end(i, s, remote, t, 'reopened');
    const lane = this.lanes[i]!.take();
    s.open.set(remote, lane);
    const n = ++this.openCount[i]!;
    if (n > this.peak[i]!) this.peak[i] = n;
    this.timeline.connection(t, this.lpars[i]!.process, lane, `${ipText(remoteIp)}:${remotePort}`, null);
  }

  /** `tcp.close` / `tcp.reset` for a connection still open here. */
  closed(i: number, t: number, localIp: number, localPort: number, remoteIp: number, remotePort: number, how: string): void {
    const s = this.services[i]!.get(localIp * 65536 + localPort);
    const remote = remoteIp * 65536 + remotePort;
    if (s !== undefined && s.open.has(remote)) this.end(i, s, remote, t, how);
  }

  /** After an event was delivered to LPAR `i` at `t`: ends what its ledger no longer holds open. */
  check(i: number, t: number): void {
    if (this.openCount[i] === 0) return;
    for (const s of this.services[i]!.values()) {
      if (s.open.size === 0) continue;
      let g = s.ledger;
      if (g.total === 0) g = s.ledger = this.lpars[i]!.host.ledger(s.localIp, s.localPort);
      if (g.closed === s.closed && g.reset === s.reset && g.lostOnDown === s.lost) continue;
      const how = g.lostOnDown !== s.lost ? 'lpar-down' : g.reset !== s.reset && g.closed === s.closed ? 'reset' : 'close';
      s.closed = g.closed;
      s.reset = g.reset;
      s.lost = g.lostOnDown;
      for (const remote of [...s.open.keys()]) if (!g.open.has(remote)) this.end(i, s, remote, t, how);
    }
  }

  /** The LPAR went down: everything open on it ends now. */
  down(i: number, t: number): void {
    for (const s of this.services[i]!.values()) for (const remote of [...s.open.keys()]) this.end(i, s, remote, t, 'lpar-down');
  }

  /** The run ended: what is still open ends at `endPs`. */
  finish(endPs: number): void {
    this.lpars.forEach((_, i) => {
      for (const s of this.services[i]!.values()) for (const remote of [...s.open.keys()]) this.end(i, s, remote, endPs, 'open-at-end');
    });
  }

  private end(i: number, s: Service, remote: number, t: number, how: string): void {
    const lane = s.open.get(remote)!;
    s.open.delete(remote);
    this.lanes[i]!.give(lane);
    this.openCount[i]!--;
    this.timeline.connection(t, this.lpars[i]!.process, lane, '', how);
  }
}

