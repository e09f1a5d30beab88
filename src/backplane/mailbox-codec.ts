// The mailbox codec of the threads' channels (shared-window.ts). Most events between partitions carry a packet or
// a frame ({ kind: 'ipv4', packet } or { kind: 'frame', frame }: the cut is on a LAN link or a router's client
// link), and msgpack of the whole tuple was a fifth of a round's cost in the busy partition. So each event is its
// five numbers as float64s, a tag, then the packet's bytes (tags 1 and 2) or the payload in msgpack (tag 0:
// anything else, the same as on the wire).

import { encode, unpack, type WireEvent } from './protocol.js';

const EVENT_FIXED = 5 * 8 + 1 + 4;
const TAG_MSGPACK = 0;
const TAG_IPV4 = 1;
const TAG_FRAME = 2;

/** The bytes of a payload carried as its bytes (tags 1 and 2), or null. */
function packetOf(x: unknown): Uint8Array | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as { kind?: unknown; packet?: unknown; frame?: unknown };
  const bytes = o.kind === 'ipv4' ? o.packet : o.kind === 'frame' ? o.frame : undefined;
  if (!(bytes instanceof Uint8Array) || Object.keys(o).length !== 2) return null;
  return bytes;
}

/** The size of a round's events and the msgpack of the payloads that are not packets (in event order). */
export function packEvents(events: WireEvent[], from: number, to: number): { bytes: number; rest: Uint8Array[] } {
  let bytes = 0;
  const rest: Uint8Array[] = [];
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    const packet = packetOf(e[5]);
    if (packet !== null) bytes += EVENT_FIXED + packet.length;
    else {
      const m = encode([e[5]]);
      rest.push(m);
      bytes += EVENT_FIXED + m.length;
    }
  }
  return { bytes, rest };
}

export function writeEvents(view: DataView, bytes: Uint8Array, events: WireEvent[], from: number, to: number, rest: Uint8Array[]): void {
  let at = 0;
  let r = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    view.setFloat64(at, e[0], true);
    view.setFloat64(at + 8, e[1], true);
    view.setFloat64(at + 16, e[2], true);
    view.setFloat64(at + 24, e[3], true);
    view.setFloat64(at + 32, e[4], true);
    const payload = e[5];
    const packet = packetOf(payload);
    const body = packet ?? rest[r++]!;
    view.setUint8(at + 40, packet === null ? TAG_MSGPACK : (payload as { kind: string }).kind === 'ipv4' ? TAG_IPV4 : TAG_FRAME);
    view.setUint32(at + 41, body.length, true);
    bytes.set(body, at + EVENT_FIXED);
    at += EVENT_FIXED + body.length;
  }
}

export function readEvents(bytes: Uint8Array, into: (e: WireEvent) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const tag = view.getUint8(at + 40);
    const len = view.getUint32(at + 41, true);
    const body = bytes.subarray(at + EVENT_FIXED, at + EVENT_FIXED + len);
    const payload = tag === TAG_IPV4 ? { kind: 'ipv4', packet: body } : tag === TAG_FRAME ? { kind: 'frame', frame: body } : (unpack(body) as unknown[])[0];
    into([view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true), view.getFloat64(at + 24, true), view.getFloat64(at + 32, true), payload]);
    at += EVENT_FIXED + len;
  }
}
