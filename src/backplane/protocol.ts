// The backplane's wire protocol (docs/backplane.md is its public description): every ZeroMQ message is one
// frame holding one msgpack map with the protocol version `v`, a `type`, and the sender's `partition` where a
// participant sends it. Events (messages between components of different partitions) travel as arrays
// [time, dst, src, seq, port, payload]: the kernel's full order key, so the receiver orders them exactly as a
// single process would.
//
// Nothing that arrives from a socket is trusted: decode() turns bytes into a typed message or says why not,
// and the caller logs and drops what does not decode.

import { Packr } from 'msgpackr';

export const PROTOCOL_VERSION = 1;
/** Largest message a backplane socket accepts (ZeroMQ drops the connection of a peer sending more). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** A message for a component of another partition: the kernel's RemoteEvent as a tuple. */
export type WireEvent = [time: number, dst: number, src: number, seq: number, port: number, payload: unknown];

/** Trace records of one window, ordered by (t, c, seq): times, components and the JSON lines themselves. */
export type TraceChunk = [t: number[], c: string[], lines: string[]];

/** A connection that did not complete: [dvipa, port, client endpoint key, 1 if still open at the client else 0]
 *  (see run-scenario NotCompleted). */
export type Outcome = [number, number, number, number];

export interface ExternalPort {
  index: number;
  name: string;
  /** The component id and port index at the other end of this port's link. */
  peerId: number;
  peerPort: number;
  /** The link's one-way latency: an event sent on this port at virtual time t arrives at t + latencyPs. */
  latencyPs: number;
}

// ---- participant -> coordinator --------------------------------------------------------------------------

export interface HelloMsg {
  v: number;
  type: 'hello';
  role: 'worker' | 'external';
  /** The partition a spawned worker was started for (absent: the coordinator picks a free one). */
  partition?: number;
  /** The run's token a spawned participant got in its environment. */
  token?: string;
  /** An external participant: the component it implements. */
  component?: string;
}
export interface ReadyMsg {
  v: number;
  type: 'ready';
  partition: number;
  /** Time of the first local event after start(), -1 when none. */
  next: number;
  events: WireEvent[];
  trace?: TraceChunk;
}
export interface DoneMsg {
  v: number;
  type: 'done';
  partition: number;
  round: number;
  next: number;
  events: WireEvent[];
  /** Events this partition delivered since the run began. */
  delivered: number;
  trace?: TraceChunk;
}
export interface OutcomesMsg {
  v: number;
  type: 'outcomes';
  partition: number;
  notCompleted: Outcome[];
}
export interface SummaryMsg {
  v: number;
  type: 'summary';
  partition: number;
  delivered: number;
  /** A worker's report part (run-scenario ReportPart). */
  part?: unknown;
  /** Answers to the displays asked for, null where the LPAR is not here. */
  displays?: (string | null)[];
  /** An external participant's own counters, added to the report under `external`. */
  stats?: Record<string, unknown>;
}
export interface HeartbeatMsg {
  v: number;
  type: 'hb';
  partition?: number;
}
export interface ErrorMsg {
  v: number;
  type: 'error';
  partition: number;
  message: string;
  timePs: number;
}
export type FromParticipant = HelloMsg | ReadyMsg | DoneMsg | OutcomesMsg | SummaryMsg | HeartbeatMsg | ErrorMsg;

// ---- coordinator -> participant --------------------------------------------------------------------------

export interface WelcomeWorkerMsg {
  v: number;
  type: 'welcome';
  partition: number;
  /** The scenario, as loaded by the coordinator (plain data). */
  scenario: unknown;
  seed: number;
  untilPs: number;
  /** Component name -> participant index, for every component of the graph. */
  assignment: Record<string, number>;
  externals: { name: string; link: string; latencyPs: number }[];
  trace: boolean;
  lookaheadPs: number;
}
export interface WelcomeExternalMsg {
  v: number;
  type: 'welcome';
  partition: number;
  component: { name: string; id: number; ports: ExternalPort[] };
  untilPs: number;
  lookaheadPs: number;
}
export interface GrantMsg {
  v: number;
  type: 'grant';
  round: number;
  /** Deliver every event with time < bound (<= bound when `last`). */
  bound: number;
  last: boolean;
  /** The events for this participant in the window, in kernel order (time, dst, src, seq). */
  events: WireEvent[];
}
export interface AskOutcomesMsg {
  v: number;
  type: 'outcomes';
}
export interface SummarizeMsg {
  v: number;
  type: 'summarize';
  notCompleted: Outcome[];
  displays: string[];
}
export interface StopMsg {
  v: number;
  type: 'stop';
  reason: string;
}
export type FromCoordinator = WelcomeWorkerMsg | WelcomeExternalMsg | GrantMsg | AskOutcomesMsg | SummarizeMsg | HeartbeatMsg | StopMsg;

// ---- encoding --------------------------------------------------------------------------------------------

// Maps decode to plain objects; binary decodes to a plain Uint8Array view into the received frame (not a Node
// Buffer, whose slice() would alias instead of copy; not a copy, which costs an allocation per payload and halves
// the decoding rate). Messages are immutable once sent, as in a single process, so sharing the frame is safe.
// 64-bit integers (another language's times) decode to numbers; those past 2^53 then fail the integer checks.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true, int64AsType: 'number' });

export function encode(message: object): Buffer {
  return packr.pack(message);
}

/** Decodes one frame; throws on anything that is not msgpack. */
export function unpack(frame: Uint8Array): unknown {
  const plain = frame.constructor === Uint8Array ? frame : new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  return packr.unpack(plain);
}

// ---- validation ------------------------------------------------------------------------------------------

export const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
export const isNat = (x: unknown): x is number => isInt(x) && x >= 0;
const isTime = (x: unknown): x is number => isInt(x) && x >= -1;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);

/** Checks the envelope of a message from a participant: a map, this version, a known type and its fields.
 *  Returns the message, or a short reason why it is dropped. Events are checked by the coordinator, which
 *  knows the graph. */
export function checkFromParticipant(x: unknown): FromParticipant | string {
  if (!isObject(x)) return 'not a msgpack map';
  if (x.v !== PROTOCOL_VERSION) return `protocol version ${JSON.stringify(x.v)}, expected ${PROTOCOL_VERSION}`;
  switch (x.type) {
    case 'hello':
      if (x.role !== 'worker' && x.role !== 'external') return 'hello: role must be worker or external';
      if (x.partition !== undefined && !isNat(x.partition)) return 'hello: partition must be a natural number';
      if (x.token !== undefined && typeof x.token !== 'string') return 'hello: token must be a string';
      if (x.role === 'external' && typeof x.component !== 'string') return 'hello: an external participant names its component';
      return x as unknown as HelloMsg;
    case 'hb':
      if (x.partition !== undefined && !isNat(x.partition)) return 'hb: bad partition';
      return x as unknown as HeartbeatMsg;
    case 'ready':
    case 'done':
      if (!isNat(x.partition)) return `${x.type}: partition must be a natural number`;
      if (!isTime(x.next)) return `${x.type}: next must be an integer time or -1`;
      if (!Array.isArray(x.events)) return `${x.type}: events must be an array`;
      if (x.type === 'done' && (!isNat(x.round) || !isNat(x.delivered))) return 'done: round and delivered must be natural numbers';
      if (x.trace !== undefined && !isTraceChunk(x.trace)) return `${x.type}: malformed trace chunk`;
      return x as unknown as ReadyMsg | DoneMsg;
    case 'outcomes':
      if (!isNat(x.partition)) return 'outcomes: bad partition';
      if (!Array.isArray(x.notCompleted) || !x.notCompleted.every((o) => Array.isArray(o) && o.length === 4 && o.every(isNat) && o[3] <= 1)) return 'outcomes: notCompleted must be [dvipa, port, key, open] tuples';
      return x as unknown as OutcomesMsg;
    case 'summary':
      if (!isNat(x.partition) || !isNat(x.delivered)) return 'summary: partition and delivered must be natural numbers';
      if (x.displays !== undefined && !(Array.isArray(x.displays) && x.displays.every((d) => d === null || typeof d === 'string'))) return 'summary: displays must be strings or nil';
      if (x.stats !== undefined && !isObject(x.stats)) return 'summary: stats must be a map';
      return x as unknown as SummaryMsg;
    case 'error':
      if (!isNat(x.partition) || typeof x.message !== 'string' || !isTime(x.timePs)) return 'error: partition, message and timePs are required';
      return x as unknown as ErrorMsg;
    default:
      return `unknown message type ${JSON.stringify(x.type)}`;
  }
}

/** The same for what a participant receives from the coordinator. */
export function checkFromCoordinator(x: unknown): FromCoordinator | string {
  if (!isObject(x)) return 'not a msgpack map';
  if (x.v !== PROTOCOL_VERSION) return `protocol version ${JSON.stringify(x.v)}, expected ${PROTOCOL_VERSION}`;
  switch (x.type) {
    case 'welcome':
      if (!isNat(x.partition) || !isNat(x.untilPs) || !isNat(x.lookaheadPs) && x.lookaheadPs !== -1) return 'welcome: partition, untilPs and lookaheadPs are required';
      if (x.component === undefined && (!isObject(x.scenario) || !isObject(x.assignment) || !isInt(x.seed))) return 'welcome: scenario, seed and assignment are required';
      return x as unknown as WelcomeWorkerMsg | WelcomeExternalMsg;
    case 'grant':
      if (!isNat(x.round) || !isNat(x.bound) || typeof x.last !== 'boolean' || !Array.isArray(x.events)) return 'grant: round, bound, last and events are required';
      return x as unknown as GrantMsg;
    case 'outcomes':
    case 'hb':
      return x as unknown as AskOutcomesMsg | HeartbeatMsg;
    case 'summarize':
      if (!Array.isArray(x.notCompleted) || !Array.isArray(x.displays) || !x.displays.every((d) => typeof d === 'string')) return 'summarize: notCompleted and displays are required';
      return x as unknown as SummarizeMsg;
    case 'stop':
      return x as unknown as StopMsg;
    default:
      return `unknown message type ${JSON.stringify(x.type)}`;
  }
}

function isTraceChunk(x: unknown): x is TraceChunk {
  if (!Array.isArray(x) || x.length !== 3) return false;
  const [t, c, l] = x as unknown[];
  return Array.isArray(t) && Array.isArray(c) && Array.isArray(l) && t.length === c.length && c.length === l.length;
}

/** A time on the wire: -1 stands for "none" (Infinity). */
export const wireTime = (t: number): number => (t === Infinity ? -1 : t);
export const fromWireTime = (t: number): number => (t === -1 ? Infinity : t);
