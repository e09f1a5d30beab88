// `CF01`: a coupling facility LPAR running CFCC, holding one XCF signalling list structure. Ports: one per
// coupling link CHPID from an LPAR (`<LPAR>.<n>`).
//
// Requests queue for the CF's processors (a multi-server FIFO: a request starts at max(arrival, earliest free
// processor) and holds it for CF.listRequestPs), so service time grows with CF utilisation. A write appends a
// signal to the list from its sender to its receiver and, when that list goes from empty to non-empty, sends the
// receiver a list-transition notification; the receiver reads the list entry by entry. So an XCF signal costs
// two CF requests (write, read) and one notification.
//
// Faults: cf-down loses the structure and every request queued or in service (the LPARs learn of it from their
// own control, as z/OS does from the link); cf-up brings back an empty CF.

import type { Port } from '../../src/kernel/index.js';
import type { CfRequestMsg, CfToLparMsg, ControlMsg } from '../messages.js';
import { ModelComponent } from '../model-component.js';
import { signalBytes } from '../xcf/path-timing.js';
import { CF } from './datasheet.js';

const TAG_DONE = 0;

interface Pending {
  readonly port: Port;
  readonly req: CfRequestMsg;
  readonly gen: number;
}

export interface CfSummary {
  readonly name: string;
  readonly up: boolean;
  readonly processors: number;
  /** Requests served (writes + reads). */
  readonly requests: number;
  readonly writes: number;
  readonly reads: number;
  readonly notifications: number;
  /** Writes refused because a list was full, or requests lost when the CF failed. */
  readonly refused: number;
  readonly lost: number;
  /** Busy share of its processors over the run, %. */
  readonly cpuBusyPct: number;
  /** Mean time from a request's arrival to its completion at the CF (queue + service), ps. */
  readonly meanServicePs: number;
  /** Requests per second each processor could serve. */
  readonly requestsPerSecondPerProcessor: number;
}

export class CouplingFacility extends ModelComponent {
  /** When each processor is free, ps. */
  private readonly free: number[];
  private readonly lists = new Map<string, CfRequestMsg[]>();
  /** Ports by LPAR name: where to send its notifications (the first link's). */
  private readonly notifyPort = new Map<string, Port>();
  private up = true;
  private gen = 0;
  private busyPs = 0;
  private serviceSumPs = 0;
  private readonly counts = { writes: 0, reads: 0, notifications: 0, refused: 0, lost: 0 };
  private inService = 0;

  constructor(name: string, readonly processors: number) {
    super(name);
    this.free = new Array<number>(processors).fill(0);
  }

  /** A coupling link CHPID from `lpar`: the port to connect (`<lpar>.<n>`). */
  attachLpar(lpar: string): Port {
    let n = 0;
    while (this.ports.some((p) => p.name === `${lpar}.${n}`)) n++;
    const port = this.port(`${lpar}.${n}`);
    if (!this.notifyPort.has(lpar)) this.notifyPort.set(lpar, port);
    return port;
  }

  get isUp(): boolean {
    return this.up;
  }

  summary(): CfSummary {
    const requests = this.counts.writes + this.counts.reads;
    const now = this.now;
    return {
      name: this.name,
      up: this.up,
      processors: this.processors,
      requests,
      ...this.counts,
      cpuBusyPct: now === 0 ? 0 : (100 * Math.min(this.busyPs, now * this.processors)) / (now * this.processors),
      meanServicePs: requests === 0 ? 0 : Math.round(this.serviceSumPs / requests),
      requestsPerSecondPerProcessor: Math.round(1e12 / CF.listRequestPs),
    };
  }

  override onMessage(port: Port, message: unknown): void {
    const req = message as CfRequestMsg;
    if (!this.up) {
      this.counts.lost++;
      return;
    }
    // The earliest free processor takes it.
    let cp = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i]! < this.free[cp]!) cp = i;
    const now = this.now;
    const start = this.free[cp]! > now ? this.free[cp]! : now;
    const done = start + CF.listRequestPs;
    this.free[cp] = done;
    this.busyPs += CF.listRequestPs;
    if (req.op !== 'purge') this.serviceSumPs += done - now;
    this.inService++;
    this.at(done, TAG_DONE, { port, req, gen: this.gen } satisfies Pending);
  }

  override onTimer(tag: number, data: unknown): void {
    if (tag !== TAG_DONE) return;
    const p = data as Pending;
    if (p.gen !== this.gen) return;
    this.inService--;
    this.execute(p.port, p.req);
  }

  override onControl(control: unknown): void {
    const c = control as ControlMsg;
    if (c.kind === 'cf-down' && this.up) {
      this.up = false;
      this.gen++;
      this.counts.lost += this.inService;
      this.inService = 0;
      this.lists.clear();
      this.free.fill(this.now);
      if (this.tracing) this.trace('cf.down', {});
    } else if (c.kind === 'cf-up' && !this.up) {
      this.up = true;
      this.free.fill(this.now);
      if (this.tracing) this.trace('cf.up', {});
    }
  }

  /** The request's effect on the structure, at the end of its service. */
  private execute(port: Port, req: CfRequestMsg): void {
    if (req.op === 'purge') {
      for (const k of [...this.lists.keys()]) if (k.endsWith(`>${req.to}`)) this.lists.delete(k);
      this.respond(port, { kind: 'cf-resp', id: req.id, ok: true, bytes: null, more: false });
      return;
    }
    const key = `${req.from}>${req.to}`;
    let list = this.lists.get(key);
    if (req.op === 'write') {
      this.counts.writes++;
      if (list === undefined) this.lists.set(key, (list = []));
      if (list.length >= CF.listEntries) {
        this.counts.refused++;
        this.respond(port, { kind: 'cf-resp', id: req.id, ok: false, bytes: null, more: false });
        return;
      }
      list.push(req); // the write itself: its signal and when the sender's XCF accepted it
      this.respond(port, { kind: 'cf-resp', id: req.id, ok: true, bytes: null, more: false });
      if (list.length === 1) {
        const to = this.notifyPort.get(req.to);
        if (to !== undefined) {
          this.counts.notifications++;
          to.send({ kind: 'cf-notify', cf: this.name, from: req.from } satisfies CfToLparMsg, 0);
        }
      }
      return;
    }
    this.counts.reads++;
    const w = list === undefined || list.length === 0 ? null : list.shift()!;
    const more = list !== undefined && list.length > 0;
    if (w === null) this.respond(port, { kind: 'cf-resp', id: req.id, ok: false, bytes: null, more });
    else if (w.sentPs === undefined) this.respond(port, { kind: 'cf-resp', id: req.id, ok: true, bytes: w.bytes, more });
    else this.respond(port, { kind: 'cf-resp', id: req.id, ok: true, bytes: w.bytes, more, sentPs: w.sentPs });
  }

  private respond(port: Port, msg: CfToLparMsg): void {
    port.send(msg, msg.kind === 'cf-resp' && msg.bytes !== null ? signalBytes(msg.bytes.length) : 0);
  }
}
