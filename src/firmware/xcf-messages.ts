// The messages stacks exchange over XCF, typed, versioned and validated on receipt.
//
// Wire form: byte 0 is the protocol version (1), byte 1 the message type. A forwarded datagram (the hot path:
// every inbound packet of a distributed connection) is the raw IPv4 datagram after those two bytes. Control
// messages carry a UTF-8 JSON body after them; decode() checks every field's type and range, so a malformed
// message is reported (and counted by the stack) rather than trusted.

import { allocPacket } from '../net/packet-alloc.js';

export const XCF_VERSION = 1;
const TYPE_FORWARD = 1;
const TYPE_CONTROL = 2;
/** A datagram for a DVIPA that reached a stack which no longer owns it (the moments of a takeback, before the
 *  LAN learns the new owner): the owner routes it through its connection table. */
const TYPE_REDIRECT = 3;
/** A connection ended: sent once per connection, so it has a fixed binary layout rather than JSON:
 *  dvipa u32, port u16, client u32, client port u16 (big endian). */
const TYPE_CONN_END = 4;

export interface DvipaStatus {
  ip: number;
  /** VIPADEFINE on this stack: 'IMMEDIATE' | 'WHENIDLE'; null when the stack is only a backup. */
  define: 'IMMEDIATE' | 'WHENIDLE' | null;
  /** VIPABACKUP rank (1-254), 0 when not a backup. */
  rank: number;
  /** Deactivated by the operator (V TCPIP,,SYSPLEX,DEACTIVATE,DVIPA=ip). */
  deactivated: boolean;
  /** The sender has it active (owns it) now: a stack that joins learns from the hellos who has what active. */
  active: boolean;
}

/** What a distributor tells every stack about a distributed DVIPA it now owns. */
export interface DistributionAd {
  ip: number;
  ports: number[];
  /** Dynamic XCF addresses of the targets, or 'ALL'. */
  dest: number[] | 'ALL';
}

/** A connection a target holds on a distributed DVIPA: [clientIp, clientPort, port]. */
export type ConnTuple = [number, number, number];
/** A VCRT row handed over at takeback: [clientIp, clientPort, port, target stack]. */
export type VcrtTuple = [number, number, number, string];

export type ControlMessage =
  | { m: 'hello'; xcfIp: number; dvipas: DvipaStatus[]; reply: boolean }
  | { m: 'active'; ip: number; dist: DistributionAd | null }
  | { m: 'handover'; ip: number; vcrt: VcrtTuple[] }
  | { m: 'listen'; ip: number; port: number; ready: number }
  | { m: 'conn-end'; ip: number; port: number; client: number; clientPort: number }
  | { m: 'query'; ip: number }
  | { m: 'report'; ip: number; listeners: [number, number][]; conns: ConnTuple[] }
  /** A target's WLM data: its system weight (0-64, unnormalised) and, from hosts that have them, the service
   *  units a second WLM counts as unused and in total (the distributor normalises them across the systems). */
  | { m: 'wlm'; weight: number; unused?: number; total?: number }
  /** A target's WLM server-specific weight for the server listening on (ip, port): SERVERWLM. */
  | { m: 'sweight'; ip: number; port: number; weight: number }
  /** Distributor to target: may a connection the target originates to ip:port stay local (OPTLOCAL)? */
  | { m: 'optlocal'; ip: number; port: number; keep: boolean };

export type Decoded =
  | { kind: 'forward'; packet: Uint8Array }
  | { kind: 'redirect'; packet: Uint8Array }
  | { kind: 'control'; message: ControlMessage }
  | { kind: 'malformed'; reason: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeForward(packet: Uint8Array, type = TYPE_FORWARD): Uint8Array {
  const out = allocPacket(packet.length + 2);
  out[0] = XCF_VERSION;
  out[1] = type;
  out.set(packet, 2);
  return out;
}

export function encodeRedirect(packet: Uint8Array): Uint8Array {
  return encodeForward(packet, TYPE_REDIRECT);
}

export function encodeControl(message: ControlMessage): Uint8Array {
  if (message.m === 'conn-end') {
    const out = new Uint8Array(14);
    const v = new DataView(out.buffer);
    out[0] = XCF_VERSION;
    out[1] = TYPE_CONN_END;
    v.setUint32(2, message.ip);
    v.setUint16(6, message.port);
    v.setUint32(8, message.client);
    v.setUint16(12, message.clientPort);
    return out;
  }
  const body = encoder.encode(JSON.stringify(message));
  const out = new Uint8Array(body.length + 2);
  out[0] = XCF_VERSION;
  out[1] = TYPE_CONTROL;
  out.set(body, 2);
  return out;
}

export function decode(bytes: Uint8Array): Decoded {
  if (bytes.length < 2) return { kind: 'malformed', reason: 'shorter than the header' };
  if (bytes[0] !== XCF_VERSION) return { kind: 'malformed', reason: `version ${bytes[0]}` };
  if (bytes[1] === TYPE_FORWARD || bytes[1] === TYPE_REDIRECT) {
    if (bytes.length < 22) return { kind: 'malformed', reason: 'forwarded datagram too short' };
    return { kind: bytes[1] === TYPE_FORWARD ? 'forward' : 'redirect', packet: bytes.subarray(2) };
  }
  if (bytes[1] === TYPE_CONN_END) {
    if (bytes.length !== 14) return { kind: 'malformed', reason: 'conn-end of the wrong length' };
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { kind: 'control', message: { m: 'conn-end', ip: v.getUint32(2), port: v.getUint16(6), client: v.getUint32(8), clientPort: v.getUint16(12) } };
  }
  if (bytes[1] !== TYPE_CONTROL) return { kind: 'malformed', reason: `type ${bytes[1]}` };
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes.subarray(2)));
  } catch {
    return { kind: 'malformed', reason: 'body is not JSON' };
  }
  const reason = checkControl(body);
  return reason === null ? { kind: 'control', message: body as ControlMessage } : { kind: 'malformed', reason };
}

const isU32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const tupleOf = (v: unknown, n: number, checks: ((x: unknown) => boolean)[]): boolean =>
  Array.isArray(v) && v.length === n && checks.every((c, i) => c(v[i]));

function checkDvipaStatus(v: unknown): boolean {
  return (
    isObj(v) &&
    isU32(v.ip) &&
    (v.define === null || v.define === 'IMMEDIATE' || v.define === 'WHENIDLE') &&
    typeof v.rank === 'number' && Number.isInteger(v.rank) && v.rank >= 0 && v.rank <= 254 &&
    typeof v.deactivated === 'boolean' &&
    typeof v.active === 'boolean'
  );
}

function checkDist(v: unknown): boolean {
  if (v === null) return true;
  return (
    isObj(v) &&
    isU32(v.ip) &&
    Array.isArray(v.ports) && v.ports.every(isPort) &&
    (v.dest === 'ALL' || (Array.isArray(v.dest) && v.dest.every(isU32)))
  );
}

/** null when `v` is a well-formed control message, else what is wrong with it. */
function checkControl(v: unknown): string | null {
  if (!isObj(v) || typeof v.m !== 'string') return 'no message type';
  switch (v.m) {
    case 'hello':
      return isU32(v.xcfIp) && Array.isArray(v.dvipas) && v.dvipas.every(checkDvipaStatus) && typeof v.reply === 'boolean' ? null : 'bad hello';
    case 'active':
      return isU32(v.ip) && checkDist(v.dist) ? null : 'bad active';
    case 'handover':
      return isU32(v.ip) && Array.isArray(v.vcrt) && v.vcrt.every((t) => tupleOf(t, 4, [isU32, isPort, isPort, (s) => typeof s === 'string' && s.length <= 8]))
        ? null
        : 'bad handover';
    case 'listen':
      return isU32(v.ip) && isPort(v.port) && isCount(v.ready) ? null : 'bad listen';
    case 'conn-end':
      return isU32(v.ip) && isPort(v.port) && isU32(v.client) && isPort(v.clientPort) ? null : 'bad conn-end';
    case 'query':
      return isU32(v.ip) ? null : 'bad query';
    case 'report':
      return isU32(v.ip) &&
        Array.isArray(v.listeners) && v.listeners.every((t) => tupleOf(t, 2, [isPort, isCount])) &&
        Array.isArray(v.conns) && v.conns.every((t) => tupleOf(t, 3, [isU32, isPort, isPort]))
        ? null
        : 'bad report';
    case 'sweight':
      return isU32(v.ip) && isPort(v.port) && typeof v.weight === 'number' && Number.isInteger(v.weight) && v.weight >= 0 && v.weight <= 64 ? null : 'bad sweight';
    case 'wlm':
      return typeof v.weight === 'number' && Number.isInteger(v.weight) && v.weight >= 0 && v.weight <= 64 &&
        (v.unused === undefined || isSu(v.unused)) && (v.total === undefined || isSu(v.total)) && (v.unused === undefined) === (v.total === undefined)
        ? null
        : 'bad wlm';
    case 'optlocal':
      return isU32(v.ip) && isPort(v.port) && typeof v.keep === 'boolean' ? null : 'bad optlocal';
    default:
      return `unknown message '${String(v.m).slice(0, 20)}'`;
  }
}

/** A WLM service-unit rate: finite and not negative. */
function isSu(x: unknown): boolean {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}
