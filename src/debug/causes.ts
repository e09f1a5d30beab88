// Which earlier event led to an event: a documented heuristic, not a proof. The tracker watches every trace
// record and every kernel delivery and links
//   osa.rx        <- nothing, but a TCP SYN it carried is remembered per flow (seen in the delivered frame)
//   vcrt.insert   <- the osa.rx that brought that flow's SYN
//   conn.forward  <- the vcrt.insert of the same delivery (a new connection's SYN going to its target)
//   xcf.send      <- the record just before it in the same delivery on the same LPAR (conn.forward ...)
//   xcf.recv      <- the oldest unmatched xcf.send from that peer on that path with the same size (paths are
//                    FIFO; a signal lost on a failing path is skipped)
//   tcp.open      <- the vcrt.insert for that connection (the distributor's choice of this target)
//   tcp.close/reset, vcrt.delete <- the tcp.open / vcrt.insert of that connection
//   dvipa.takeover/takeback      <- the xcf.leave or lpar.down of the previous owner seen by that LPAR (the
//                                   latest xcf.leave it saw when the record names no previous owner)
// Every table is bounded (oldest entries go first), so a long run does not grow the debugger's memory.

import type { Component } from '../kernel/index.js';
import { ipToString, ipv4Dst, ipv4HeaderLen, ipv4Protocol, ipv4Src, readU16 } from '../net/index.js';
import type { DebugEvent } from './events.js';

const MAX_FLOWS = 1 << 16;
const MAX_FIFO = 4096;
const ETHERTYPE_IPV4 = 0x0800;
const TCP = 6;
const SYN = 0x02;
const ACK = 0x10;

/** A Map that forgets its oldest entry beyond `max`. */
class BoundedMap<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.m.get(k);
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
  take(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) this.m.delete(k);
    return v;
  }
}

export class CauseTracker {
  private readonly synByFlow = new BoundedMap<DebugEvent>(MAX_FLOWS);
  private readonly insertByFlow = new BoundedMap<DebugEvent>(MAX_FLOWS);
  private readonly openByConn = new BoundedMap<DebugEvent>(MAX_FLOWS);
  private readonly leaveBy = new BoundedMap<DebugEvent>(MAX_FLOWS);
  private readonly sends = new Map<string, DebugEvent[]>();
  /** The records of the delivery under way (cleared when the next one starts). */
  private delivery = -1;
  private readonly inDelivery: DebugEvent[] = [];

  constructor(private readonly osas: ReadonlySet<Component>) {}

  /** Links `e` to its cause; call for every record, in order. */
  observe(e: DebugEvent): void {
    if (e.delivery !== this.delivery) {
      this.delivery = e.delivery;
      this.inDelivery.length = 0;
    }
    const f = e.fields;
    switch (e.kind) {
      case 'vcrt.insert': {
        const flow = flowKey(f.client, f.clientPort, f.dvipa, f.port);
        e.cause = this.synByFlow.take(flow) ?? null;
        this.insertByFlow.set(flow, e);
        break;
      }
      case 'vcrt.delete':
        e.cause = this.insertByFlow.take(flowKey(f.client, f.clientPort, f.dvipa, f.port)) ?? null;
        break;
      case 'conn.forward':
        e.cause = this.lastInDelivery(e.component, 'vcrt.insert');
        break;
      case 'xcf.send': {
        e.cause = this.lastInDelivery(e.component, null);
        const q = this.queue(`${e.component}>${String(f.to)}.${String(f.path)}`);
        q.push(e);
        if (q.length > MAX_FIFO) q.shift();
        break;
      }
      case 'xcf.recv': {
        const q = this.sends.get(`${String(f.from)}>${e.component}.${String(f.path)}`);
        if (q !== undefined) {
          // Lost signals leave their sends unmatched: skip to the first of the same size.
          const i = q.findIndex((s) => s.fields.bytes === f.bytes);
          if (i >= 0) e.cause = q.splice(0, i + 1)[i]!;
        }
        break;
      }
      case 'tcp.open': {
        const [local, remote] = endpoints(f);
        e.cause = this.insertByFlow.get(`${remote}->${local}`) ?? null;
        this.openByConn.set(`${e.component}|${local}|${remote}`, e);
        break;
      }
      case 'tcp.close':
      case 'tcp.reset': {
        const [local, remote] = endpoints(f);
        e.cause = this.openByConn.take(`${e.component}|${local}|${remote}`) ?? null;
        break;
      }
      case 'xcf.leave':
        this.leaveBy.set(`${e.component}|${String(f.stack)}`, e);
        this.leaveBy.set(`${e.component}|*`, e);
        break;
      case 'lpar.down':
        this.leaveBy.set(`*|${e.component}`, e);
        break;
      case 'dvipa.takeover':
      case 'dvipa.takeback':
        // A takeover after a failure names no previous owner: the latest leave this LPAR saw is the best guess.
        if (typeof f.from === 'string') e.cause = this.leaveBy.get(`${e.component}|${f.from}`) ?? this.leaveBy.get(`*|${f.from}`) ?? null;
        else e.cause = this.leaveBy.get(`${e.component}|*`) ?? null;
        break;
      default:
        break;
    }
    this.inDelivery.push(e);
  }

  /** Called after each kernel delivery: a frame an OSA took in that was a TCP SYN marks its osa.rx record. */
  delivered(dst: Component, kind: number, payload: unknown): void {
    if (kind !== 0 || !this.osas.has(dst)) return;
    const frame = (payload as { kind?: unknown; frame?: unknown }).frame;
    if (!(frame instanceof Uint8Array) || frame.length < 14 + 20 + 20 || readU16(frame, 12) !== ETHERTYPE_IPV4) return;
    if (ipv4Protocol(frame, 14) !== TCP) return;
    const tcp = 14 + ipv4HeaderLen(frame, 14);
    if (tcp + 14 > frame.length) return;
    const flags = frame[tcp + 13]!;
    if ((flags & (SYN | ACK)) !== SYN) return;
    const rx = this.inDelivery.find((r) => r.kind === 'osa.rx' && r.component === dst.name);
    if (rx === undefined) return;
    const src = `${ipToString(ipv4Src(frame, 14))}:${readU16(frame, tcp)}`;
    const dstEp = `${ipToString(ipv4Dst(frame, 14))}:${readU16(frame, tcp + 2)}`;
    rx.note = `TCP SYN ${src} -> ${dstEp} for ${String(rx.fields.lpar)}`;
    this.synByFlow.set(`${src}->${dstEp}`, rx);
  }

  private lastInDelivery(component: string, kind: string | null): DebugEvent | null {
    for (let i = this.inDelivery.length - 1; i >= 0; i--) {
      const r = this.inDelivery[i]!;
      if (r.component === component && (kind === null || r.kind === kind)) return r;
    }
    return null;
  }

  private queue(key: string): DebugEvent[] {
    let q = this.sends.get(key);
    if (q === undefined) this.sends.set(key, (q = []));
    return q;
  }
}

function flowKey(client: unknown, clientPort: unknown, dvipa: unknown, port: unknown): string {
  return `${String(client)}:${String(clientPort)}->${String(dvipa)}:${String(port)}`;
}

/** tcp.* records carry `local: "ip:port"` (or `local` and `localPort` apart): both as `ip:port`. */
function endpoints(f: Readonly<Record<string, unknown>>): [string, string] {
  const local = f.localPort === undefined ? String(f.local) : `${String(f.local)}:${String(f.localPort)}`;
  const remote = f.remotePort === undefined ? String(f.remote) : `${String(f.remote)}:${String(f.remotePort)}`;
  return [local, remote];
}
