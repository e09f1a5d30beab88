// The backplane's wire protocol (docs/backplane.md is its public description): every ZeroMQ message is one
// frame holding one msgpack map with the protocol version `v`, a `type`, and the sender's `partition` where a
// participant sends it. Events (messages between components of different partitions) travel as arrays
// [time, dst, src, seq, port, payload]: the kernel's full order key, so the receiver orders them exactly as a
// single process would.
//
// Nothing that arrives from a socket is trusted: unpack() and the checks below, by the wire schema
// (schema/backplane.schema.json), turn bytes into a typed message or say why not, and the caller logs and drops
// what does not decode.

import { Packr } from 'msgpackr';
import { describeWireError, wireValidators } from './wire-schema.js';
import type { InstrumentSpecs } from './instrument-specs.js';

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
/** What a worker's instruments saw (instrument-parts.ts): sent just before the message of its stage. */
import type { FinalCall, PathFact, TickReading, TimelineCall } from './timeline-worker.js';
export interface ObservedMsg {
  v: number;
  type: 'observed';
  partition: number;
  stage: 'window' | 'outcomes' | 'summary';
  capture?: CaptureChunk;
  end?: number;
  replay?: ReplayOutcome;
  tapFramesIn?: number;
  lost?: [lpar: string, dvipa: number, port: number, count: number][];
  /** Timelines: the partition's readings at each sampler tick (timeline-worker.ts). */
  timeline?: TickReading[];
  /** Timelines: the local end's path state with each `xcf.path` record. */
  pathFacts?: PathFact[];
  /** Timelines (a Perfetto trace): CPU work and connection slices, with their place in one process's order. */
  timelineCalls?: TimelineCall[];
  /** Timelines: the same, left at the end of the run. */
  timelineFinals?: FinalCall[];
}
/** Frames the capture points saw in a window, in sending order: the time and order key (component id, plus the
 *  number of components outside start()) of the event being handled, the point, the frame's time, the frame. */
export type CaptureChunk = [t: number[], k: number[], point: number[], stamp: number[], frames: Uint8Array[]];
/** The replay injector's end: report.replay, the flows that did not complete, a damaged record met mid-run. */
export interface ReplayOutcome {
  counters: Record<string, unknown>;
  flows: [client: number, dvipa: number, port: number][];
  failure: { file: string; message: string; offset?: number } | null;
}
export type FromParticipant = HelloMsg | ReadyMsg | DoneMsg | OutcomesMsg | SummaryMsg | HeartbeatMsg | ErrorMsg | ObservedMsg;

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
  /** What rides along in every worker (instrument-parts.ts); absent: nothing. */
  instruments?: InstrumentSpecs;
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
  /** The replayed flows that did not complete (from the injector's worker), to count per local LPAR. */
  replayFlows?: [number, number, number][];
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
// By the wire schema (schema/backplane.schema.json, wire-schema.ts); a few words by hand for the envelope, so
// that a stranger's garbage gets a plain reason, and the one rule JSON Schema cannot say (a trace chunk's three
// arrays have the same length).

const PARTICIPANT_TYPES = new Set(['hello', 'ready', 'done', 'outcomes', 'summary', 'hb', 'error', 'observed']);
const COORDINATOR_TYPES = new Set(['welcome', 'grant', 'outcomes', 'summarize', 'hb', 'stop']);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);

function envelopeProblem(x: unknown, types: ReadonlySet<string>): string | null {
  if (!isObject(x)) return 'not a msgpack map';
  if (x.v !== PROTOCOL_VERSION) return `protocol version ${JSON.stringify(x.v)}, expected ${PROTOCOL_VERSION}`;
  if (typeof x.type !== 'string' || !types.has(x.type)) return `unknown message type ${String(JSON.stringify(x.type)).slice(0, 40)}`;
  return null;
}

/** Checks a message from a participant against the wire schema. Returns the message, or a short reason why
 *  it is dropped (eventProblem() tells whether the reason is one of its events). The coordinator checks the
 *  events against the graph it knows. */
export function checkFromParticipant(x: unknown): FromParticipant | string {
  const envelope = envelopeProblem(x, PARTICIPANT_TYPES);
  if (envelope !== null) return envelope;
  const m = x as Record<string, unknown>;
  const type = m.type as string;
  const validate = wireValidators().fromParticipant;
  if (!validate(m)) return describeWireError(type, validate.errors?.[0]);
  if (m.trace !== undefined && !sameLengths(m.trace as TraceChunk)) return `${type}: trace must hold three arrays of the same length`;
  if (m.events !== undefined) return eventsProblem(type, m.events as unknown[]) ?? (m as unknown as FromParticipant);
  return m as unknown as FromParticipant;
}

/** The same for what a participant receives from the coordinator. */
export function checkFromCoordinator(x: unknown): FromCoordinator | string {
  const envelope = envelopeProblem(x, COORDINATOR_TYPES);
  if (envelope !== null) return envelope;
  const m = x as Record<string, unknown>;
  const type = m.type as string;
  const validate = wireValidators().fromCoordinator;
  if (!validate(m)) return describeWireError(type, validate.errors?.[0]);
  if (m.events !== undefined) return eventsProblem(type, m.events as unknown[]) ?? (m as unknown as FromCoordinator);
  return m as unknown as FromCoordinator;
}

/** Whether a reason from the checks above is about one of the message's events (from a participant of the run,
 *  that ends the run rather than being dropped: its window cannot be answered without them). */
export const isEventProblem = (why: string): boolean => /^\w+: events\[/.test(why);

/** Null when an event of an external participant (another program) is acceptable: its payload must be of a kind
 *  the schema knows. Events of workers are checked with their message. */
export function externalEventProblem(e: WireEvent): string | null {
  const validate = wireValidators().externalEvent;
  return validate(e) ? null : describeWireError('event', validate.errors?.[0]);
}

/** Each event of a message by the schema's `event` definition (see wire-schema.ts for why one by one). */
function eventsProblem(type: string, events: unknown[]): string | null {
  const validate = wireValidators().event;
  for (let i = 0; i < events.length; i++) {
    if (!validate(events[i])) return describeWireError(type, validate.errors?.[0], `/events/${i}`);
  }
  return null;
}

function sameLengths([t, c, l]: TraceChunk): boolean {
  return t.length === c.length && c.length === l.length;
}

/** A time on the wire: -1 stands for "none" (Infinity). */
export const wireTime = (t: number): number => (t === Infinity ? -1 : t);
export const fromWireTime = (t: number): number => (t === -1 ? Infinity : t);
