// The coordinator of a partitioned run: binds the backplane endpoint, starts the participants, and drives
// conservative synchronisation.
//
// The arithmetic is sync.ts. For every participant p it keeps a lower bound A(p) on the virtual time of anything p may still do: its next
// local event, the events held here for it, and what others may still send it (A(q) + the latency of the
// links from q to p, relaxed over all paths). p may run every event before
//     bound(p) = min over q != p of (A(q) + latency(q, p))
// since nothing can reach it earlier. Whenever a participant is idle and has events before its bound, it gets a
// grant for that window, at once and without waiting for the others (a participant at work keeps the A it had
// when granted, a valid bound until it answers). It answers with the events it produced for others (held here
// until their windows come), its next event time and its trace records. A participant whose bound passes the
// run's end time gets a last grant that includes the end time; the run is over when all have had theirs.
//
// Everything that arrives is validated; garbage is logged and dropped. A participant that dies or goes silent
// ends the run (RunError, exit 3) with its partition, its components and the virtual time.

import { randomBytes } from 'node:crypto';
import * as zmq from 'zeromq';
import { formatTime } from '../kernel/time.js';
import type { TraceSink } from '../kernel/index.js';
import { RunError } from '../errors.js';
import type { ReportPart } from '../run/run-scenario.js';
import type { Prepared } from '../run/run-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { type CurveFiles, type CurveKeys, serverOptions, ZapHandler } from './curve.js';
import { bindForm, connectForm } from './endpoint.js';
import type { ExternalSpec } from './external.js';
import { Outbox } from './outbox.js';
import { PendingEvents } from './pending.js';
import { describeMembers, type Plan } from './plan.js';
import {
  checkFromParticipant,
  externalEventProblem,
  isEventProblem,
  type DoneMsg,
  encode,
  type ExternalPort,
  fromWireTime,
  type FromParticipant,
  type HelloMsg,
  type ObservedMsg,
  MAX_MESSAGE_BYTES,
  type Outcome,
  PROTOCOL_VERSION,
  type ReadyMsg,
  type SummaryMsg,
  unpack,
  type WireEvent,
  wireTime,
} from './protocol.js';
import { type Child, cliEntry, killChild, spawnChild } from './spawn.js';
import { earliestArrival, syncRound } from './sync.js';
import { CHECK_MS, HEARTBEAT_MS, JOIN_MS, SILENCE_MS } from './timing.js';
import { MergedTrace } from './trace-chunks.js';
import type { MergedInstruments } from './instrument-parts.js';

export interface CoordinatorOptions {
  scenario: Scenario;
  prepared: Prepared;
  plan: Plan;
  externals: readonly ExternalSpec[];
  seed: number;
  untilPs: number;
  bind: string;
  curve?: { files: CurveFiles; keys: CurveKeys };
  trace?: string;
  sinks: readonly TraceSink[];
  /** Workers started here (by partition); the others connect by themselves (`worker --connect`). */
  spawnWorkers: readonly number[];
  /** Node flags of each spawned worker (the inspector for one of them). */
  nodeFlags: (partition: number) => string[];
  /** A partition that may stay silent (it runs under a debugger): only its death ends the run. */
  patient?: number;
  displays: readonly string[];
  log: (line: string) => void;
  onListening?: (endpoint: string) => void;
  onWorkerLine?: (partition: number, line: string) => void;
  onProgress?: (state: readonly PartitionProgress[], virtualPs: number) => void;
  /** Capture points and replay: what the workers' instruments observe, merged here (instrument-parts.ts). */
  instruments?: MergedInstruments;
}

export interface PartitionProgress {
  partition: number;
  label: string;
  /** Virtual time this partition has reached, ps, and the events it delivered. */
  nowPs: number;
  delivered: number;
}

export interface CoordinatorResult {
  parts: ReportPart[];
  displays: (string | null)[];
  events: number;
  external: { component: string; events: number; [stat: string]: unknown }[];
  windows: number;
  dropped: number;
  /** Wall time each participant spent idle between its answer and its next grant, ms. */
  waitMs: number[];
  /** How many times each waited so: its grants (threads: how often it had nothing to run before its bound). */
  waits: number[];
  /** The run's end time: the one asked for, or earlier when a replay ended the run (inclusive, ps). */
  endPs: number;
  /** CPU time of each partition from the start of its graph's construction to its last window, ms (threads). */
  cpuMs?: number[];
}

interface Peer {
  readonly index: number;
  readonly label: string;
  readonly external: ExternalSpec | null;
  identity: Buffer | null;
  spawned: Child | null;
  /** Local participants must show the token; the others may join without one. */
  needsToken: boolean;
  lastHeard: number;
  lastSent: number;
  next: number;
  nowPs: number;
  delivered: number;
  readonly pending: PendingEvents;
  /** At work on a grant (`grant` is its number); idle otherwise. */
  running: boolean;
  grant: number;
  /** Exclusive bound of its latest grant: it has run everything before this. */
  granted: number;
  /** Its lower bound A, frozen while it runs; never decreases. */
  floor: number;
  finished: boolean;
  ready: boolean;
  /** Wall time (performance.now) of its latest answer, and its idle time so far, ms. */
  idleSince: number;
  waitMs: number;
  outcomes: Outcome[] | null;
  summary: SummaryMsg | null;
}

type Phase = 'joining' | 'running' | 'outcomes' | 'summaries' | 'done' | 'failed';

export class Coordinator {
  private readonly context = new zmq.Context();
  private readonly router: zmq.Router;
  private readonly out: Outbox;
  private zap: ZapHandler | null = null;
  private readonly peers: Peer[];
  private readonly byIdentity = new Map<string, Peer>();
  private readonly token = randomBytes(16).toString('hex');
  private readonly trace: MergedTrace;
  private readonly portCounts: Int32Array;
  private phase: Phase = 'joining';
  /** The earliest virtual time any participant may still act at: everything before it is final. */
  private horizon = 0;
  private windows = 0;
  private dropped = 0;
  private readonly droppedBy = new Map<string, number>();
  private endpoint = '';
  private settle!: { resolve: (r: CoordinatorResult) => void; reject: (e: unknown) => void };
  private timer: NodeJS.Timeout | null = null;
  private joinDeadline = 0;
  private lastProgress = 0;
  private lastTick = performance.now();
  /** The participant whose replay moved the run's end earlier, if one did. */
  private endedBy: Peer | null = null;

  constructor(private readonly o: CoordinatorOptions) {
    const curve = o.curve === undefined ? {} : serverOptions(o.curve.keys);
    this.router = new zmq.Router({ context: this.context, linger: 0, maxMessageSize: MAX_MESSAGE_BYTES, sendHighWaterMark: 0, receiveHighWaterMark: 0, ...curve });
    this.out = new Outbox(this.router, (err) => this.fail(new RunError(`backplane send failed: ${(err as Error).message}`)));
    this.trace = new MergedTrace(o.trace, o.sinks);
    const comps = o.prepared.sim.components;
    this.portCounts = Int32Array.from(comps, (c) => c.ports.length);
    const now = performance.now();
    this.peers = Array.from({ length: o.plan.participants }, (_, index) => {
      const external = index >= o.plan.partitions ? o.externals[index - o.plan.partitions]! : null;
      return {
        index,
        label: external !== null ? `external component ${external.name}` : `partition ${index} (${describeMembers(o.plan.members[index]!)})`,
        external,
        identity: null,
        spawned: null,
        needsToken: external !== null ? external.command !== undefined : o.spawnWorkers.includes(index),
        lastHeard: now,
        lastSent: now,
        next: Infinity,
        nowPs: 0,
        delivered: 0,
        pending: new PendingEvents(),
        running: false,
        grant: 0,
        granted: 0,
        floor: 0,
        finished: false,
        ready: false,
        idleSince: now,
        waitMs: 0,
        outcomes: null,
        summary: null,
      };
    });
  }

  /** Runs the whole partitioned run; rejects with RunError when a participant fails. */
  async run(): Promise<CoordinatorResult> {
    const result = new Promise<CoordinatorResult>((resolve, reject) => (this.settle = { resolve, reject }));
    try {
      if (this.o.curve !== undefined) {
        this.zap = new ZapHandler(this.context, this.o.curve.keys.client.publicKey, this.o.log);
        await this.zap.start();
      }
      await this.router.bind(bindForm(this.o.bind));
      this.endpoint = this.router.lastEndpoint ?? this.o.bind;
      this.o.onListening?.(this.endpoint);
      void this.receive();
      this.joinDeadline = performance.now() + JOIN_MS;
      this.timer = setInterval(() => this.tick(), CHECK_MS);
      this.spawnAll();
    } catch (err) {
      this.fail(err instanceof RunError ? err : new RunError(`backplane: cannot start on ${this.o.bind}: ${(err as Error).message}`));
    }
    try {
      const r = await result;
      await this.shutdown(true);
      this.trace.close();
      return r;
    } catch (err) {
      await this.shutdown(false);
      this.trace.abandon();
      throw err;
    }
  }

  // ---- participants -----------------------------------------------------------------------------------------

  private spawnAll(): void {
    const connect = connectForm(this.endpoint);
    const curveArgs = this.o.curve === undefined ? [] : ['--curve-server-key', this.o.curve.files.serverKey, '--curve-client-key', this.o.curve.files.clientKey];
    for (const p of this.o.spawnWorkers) {
      const peer = this.peers[p]!;
      peer.spawned = spawnChild({
        partition: p,
        command: process.execPath,
        args: [...this.o.nodeFlags(p), cliEntry(), 'worker', '--connect', connect, ...curveArgs],
        env: { SYSPLEX_EMU_PARTITION: String(p), SYSPLEX_EMU_TOKEN: this.token },
        onStderr: (line) => this.childLine(p, line),
      });
      void peer.spawned.exited.then(() => this.childExited(peer));
    }
    for (const peer of this.peers) {
      const cmd = peer.external?.command;
      if (cmd === undefined || cmd.length === 0) continue;
      peer.spawned = spawnChild({
        partition: peer.index,
        command: cmd[0]!,
        args: [...cmd.slice(1), '--connect', connect],
        env: { SYSPLEX_EMU_PARTITION: String(peer.index), SYSPLEX_EMU_TOKEN: this.token, SYSPLEX_EMU_COMPONENT: peer.external!.name, ...(this.o.curve !== undefined ? { SYSPLEX_EMU_CURVE_SERVER_KEY: this.o.curve.files.serverKey, SYSPLEX_EMU_CURVE_CLIENT_KEY: this.o.curve.files.clientKey } : {}) },
        onStderr: (line) => this.childLine(peer.index, line),
      });
      void peer.spawned.exited.then(() => this.childExited(peer));
    }
  }

  private childLine(partition: number, line: string): void {
    if (this.o.onWorkerLine !== undefined) this.o.onWorkerLine(partition, line);
    else this.o.log(`[partition ${partition}] ${line}`);
  }

  private childExited(peer: Peer): void {
    if (this.phase === 'done' || this.phase === 'failed') return;
    const e = peer.spawned!.exit!;
    const how = e.signal !== null ? `was killed (${e.signal})` : `exited with status ${e.code}`;
    const failure = new RunError(`${peer.label} ${how} at virtual time ${this.virtualTime()}`);
    // A worker that failed said why just before exiting: give its last message a moment to be read first.
    if (e.signal === null) setTimeout(() => this.fail(failure), 300).unref();
    else this.fail(failure);
  }

  private tick(): void {
    // Check after this turn of the event loop has read what arrived meanwhile (setImmediate runs after I/O).
    setImmediate(() => this.check());
  }

  private check(): void {
    if (this.phase === 'done' || this.phase === 'failed') return;
    const now = performance.now();
    // If this process itself was not scheduled for long, do not blame the others for its own deafness.
    if (now - this.lastTick > SILENCE_MS / 2) for (const p of this.peers) p.lastHeard = now;
    this.lastTick = now;
    if (this.phase === 'joining' && now > this.joinDeadline) {
      // The inspected partition may wait for a debugger to attach first: no deadline for it.
      const missing = this.peers.filter((p) => !p.ready && p.index !== this.o.patient).map((p) => p.label);
      if (missing.length > 0) {
        this.fail(new RunError(`backplane: ${missing.join('; ')} did not join within ${JOIN_MS / 1000} s (endpoint ${this.endpoint})`));
        return;
      }
    }
    for (const p of this.peers) {
      if (p.identity === null) continue;
      // One still building its graph (synchronous work: no heartbeats) answers to the join deadline instead.
      if (p.ready && p.index !== this.o.patient && now - p.lastHeard > SILENCE_MS) {
        this.fail(new RunError(`${p.label} stopped answering (nothing for ${(SILENCE_MS / 1000).toFixed(1)} s) at virtual time ${this.virtualTime()}`));
        return;
      }
      if (now - p.lastSent > HEARTBEAT_MS) this.sendTo(p, { v: PROTOCOL_VERSION, type: 'hb' });
    }
  }

  private virtualTime(): string {
    const t = Math.min(this.horizon, this.o.untilPs);
    return t < 1000 ? `${t} ps` : `${formatTime(t)} (${t} ps)`;
  }

  private sendTo(p: Peer, message: object): void {
    if (p.identity === null) return;
    p.lastSent = performance.now();
    this.out.send([p.identity, encode(message)]);
  }

  // ---- receiving --------------------------------------------------------------------------------------------

  private async receive(): Promise<void> {
    try {
      for await (const frames of this.router) {
        if (this.phase === 'done' || this.phase === 'failed') continue;
        const identity = frames[0]!;
        const key = identity.toString('latin1');
        if (frames.length !== 2) {
          this.garbage(key, `a message of ${frames.length - 1} frames`);
          continue;
        }
        let decoded: unknown;
        try {
          decoded = unpack(frames[1]!);
        } catch {
          this.garbage(key, `${frames[1]!.length} bytes that are not msgpack`);
          continue;
        }
        const m = checkFromParticipant(decoded);
        if (typeof m === 'string') {
          // A bad event from a participant of the run ends it (its window cannot be answered without it).
          const from = this.byIdentity.get(key);
          if (from !== undefined && isEventProblem(m)) this.fail(new RunError(`${from.label} sent a bad event: ${m}`));
          else this.garbage(key, m);
          continue;
        }
        try {
          this.handle(identity, key, m);
        } catch (err) {
          this.fail(err instanceof RunError ? err : new RunError(`backplane: ${(err as Error).message}`));
        }
      }
    } catch (err) {
      if (this.phase !== 'done' && this.phase !== 'failed') this.fail(new RunError(`backplane socket failed: ${(err as Error).message}`));
    }
  }

  /** Logs (a few per sender) and drops a message that is not part of the run. */
  private garbage(key: string, why: string): void {
    this.dropped++;
    const n = (this.droppedBy.get(key) ?? 0) + 1;
    this.droppedBy.set(key, n);
    const who = this.byIdentity.get(key)?.label ?? 'an unknown peer';
    // A few lines per sender and a few dozen in all: a flood must not flood the terminal too.
    if (this.dropped > 50) return;
    if (n <= 5) this.o.log(`backplane: dropped a message from ${who}: ${why}`);
    else if (n === 6) this.o.log(`backplane: dropping further messages from ${who} silently`);
    if (this.dropped === 50) this.o.log('backplane: dropping further garbage silently');
  }

  private handle(identity: Buffer, key: string, m: FromParticipant): void {
    if (m.type === 'hello') {
      this.hello(identity, key, m);
      return;
    }
    const peer = this.byIdentity.get(key);
    if (peer === undefined) {
      this.garbage(key, `${m.type} from a peer that has not joined`);
      return;
    }
    if (m.type !== 'hb' && m.partition !== peer.index) {
      this.garbage(key, `partition id ${m.partition} is not the sender's (${peer.index})`);
      return;
    }
    peer.lastHeard = performance.now();
    switch (m.type) {
      case 'hb':
        return;
      case 'error':
        this.fail(new RunError(`${peer.label}: ${m.message}`));
        return;
      case 'ready':
        this.onReady(peer, m);
        return;
      case 'done':
        this.onDone(peer, m);
        return;
      case 'outcomes':
        if (this.phase !== 'outcomes' || peer.outcomes !== null) return this.garbage(key, 'an unexpected outcomes message');
        peer.outcomes = m.notCompleted;
        if (this.peers.every((p) => p.outcomes !== null)) this.askSummaries();
        return;
      case 'observed':
        this.onObserved(peer, m);
        return;
      case 'summary':
        if (this.phase !== 'summaries' || peer.summary !== null) return this.garbage(key, 'an unexpected summary');
        if ((peer.external === null) !== (m.part !== undefined)) return this.garbage(key, 'a summary of the wrong kind');
        peer.summary = m;
        if (this.peers.every((p) => p.summary !== null)) this.finish();
        return;
    }
  }

  private hello(identity: Buffer, key: string, m: HelloMsg): void {
    if (this.phase !== 'joining') return this.garbage(key, 'a hello after the run started');
    if (this.byIdentity.has(key)) return this.garbage(key, 'a second hello');
    let peer: Peer | undefined;
    if (m.role === 'external') {
      peer = this.peers.find((p) => p.external?.name === m.component);
      if (peer === undefined) return this.garbage(key, `hello from an external component this run does not have (${String(m.component).slice(0, 60)})`);
    } else if (m.partition !== undefined) {
      peer = this.peers[m.partition];
      if (peer === undefined || peer.external !== null) return this.garbage(key, `hello for unknown partition id ${m.partition}`);
    } else {
      peer = this.peers.find((p) => p.external === null && p.identity === null && !p.needsToken);
      if (peer === undefined) return this.garbage(key, 'hello from a worker nobody is waiting for');
    }
    if (peer.identity !== null) return this.garbage(key, `hello for ${peer.label}, which has joined already`);
    if (peer.needsToken && m.token !== this.token) return this.garbage(key, `hello for ${peer.label} without the run's token`);
    peer.identity = Buffer.from(identity);
    peer.lastHeard = performance.now();
    this.byIdentity.set(key, peer);
    if (peer.external !== null) this.welcomeExternal(peer);
    else this.welcomeWorker(peer);
  }

  private welcomeWorker(peer: Peer): void {
    const o = this.o;
    this.sendTo(peer, {
      v: PROTOCOL_VERSION,
      type: 'welcome',
      partition: peer.index,
      scenario: o.scenario,
      seed: o.seed,
      untilPs: o.untilPs,
      assignment: o.plan.assignment,
      externals: o.externals.map((e) => ({ name: e.name, link: e.link, latencyPs: e.latencyPs })),
      trace: this.trace.wanted,
      lookaheadPs: wireTime(o.plan.lookaheadPs),
      ...(o.instruments !== undefined ? { instruments: o.instruments.specs } : {}),
    });
  }

  private welcomeExternal(peer: Peer): void {
    const c = this.o.prepared.sim.component(peer.external!.name)!;
    const ports: ExternalPort[] = c.ports.map((port) => ({
      index: port.index,
      name: port.name,
      peerId: port.peer!.owner.id,
      peerPort: port.peer!.index,
      latencyPs: port.link!.latencyPs,
    }));
    this.sendTo(peer, { v: PROTOCOL_VERSION, type: 'welcome', partition: peer.index, component: { name: c.name, id: c.id, ports }, untilPs: this.o.untilPs, lookaheadPs: wireTime(this.o.plan.lookaheadPs) });
    // An external component has nothing to set up and no events of its own until something arrives.
    peer.ready = true;
    peer.next = Infinity;
    this.maybeStart();
  }

  private onReady(peer: Peer, m: ReadyMsg): void {
    if (this.phase !== 'joining' || peer.ready) return this.garbage(peer.identity!.toString('latin1'), 'an unexpected ready');
    this.accept(peer, m.events);
    peer.next = fromWireTime(m.next);
    peer.ready = true;
    peer.idleSince = performance.now();
    if (m.trace !== undefined) this.trace.push(peer.index, m.trace);
    this.maybeStart();
  }

  /** What a worker's instruments saw; it comes just before the message of its stage. A replay that is over
   *  moves the run's end time there: nobody can have run past it yet (it is at least the replay's grace period,
   *  10 ms, after the injector's partition's clock, and nobody runs further ahead of it than the links allow),
   *  and the sender's worker stops there itself. */
  private onObserved(peer: Peer, m: ObservedMsg): void {
    const key = peer.identity!.toString('latin1');
    const expected = m.stage === 'window' ? this.phase === 'running' || this.phase === 'joining' : m.stage === 'outcomes' ? this.phase === 'outcomes' : this.phase === 'summaries';
    if (this.o.instruments === undefined || !expected) return this.garbage(key, `an unexpected observed (${m.stage})`);
    if (m.end !== undefined && m.end < this.o.untilPs) {
      // (The sender itself stops at the end, whatever its grant.)
      const ahead = this.peers.find((p) => p !== peer && p.granted > m.end! + 1);
      if (ahead !== undefined) throw new RunError(`backplane: the replay ended the run at ${m.end} ps, but ${ahead.label} has run to ${ahead.granted - 1} ps (internal error)`);
      this.o.untilPs = m.end;
      this.endedBy = peer;
    }
    this.o.instruments.observed(peer.index, m, this.horizon);
  }

  private maybeStart(): void {
    if (!this.peers.every((p) => p.ready)) return;
    this.phase = 'running';
    this.schedule();
  }

  // ---- windows ----------------------------------------------------------------------------------------------

  /** Grants a window to every idle participant that can make progress (sync.ts does the arithmetic). */
  private schedule(): void {
    const peers = this.peers;
    const r = syncRound(
      peers.map((p) => ({ next: p.next, pendingAt: p.pending.peekTime(), running: p.running, finished: p.finished, floor: p.floor, granted: p.granted })),
      this.o.plan.latency,
      this.o.untilPs,
    );
    for (const p of peers) if (!p.finished) p.floor = r.floors[p.index]!;
    this.horizon = r.horizon;
    this.trace.release(r.horizon);
    this.o.instruments?.traceReleased(r.horizon);
    for (const g of r.grants) {
      const p = peers[g.index]!;
      p.running = true;
      p.grant++;
      p.granted = g.granted;
      this.windows++;
      const now = performance.now();
      p.waitMs += now - p.idleSince;
      this.sendTo(p, { v: PROTOCOL_VERSION, type: 'grant', round: p.grant, bound: g.bound, last: g.last, events: p.pending.takeThrough(g.through) });
    }
    if (r.active === 0) {
      if (peers.every((p) => p.finished)) {
        this.trace.release(Infinity);
        this.o.instruments?.traceReleased(Infinity);
        this.progress(true);
        this.askOutcomes();
      } else {
        this.fail(new RunError(`backplane: no participant can make progress at virtual time ${this.virtualTime()} (internal error)`));
      }
    }
  }

  private onDone(peer: Peer, m: DoneMsg): void {
    if (this.phase !== 'running' || !peer.running || m.round !== peer.grant) return this.garbage(peer.identity!.toString('latin1'), `a done for grant ${m.round} (expected ${peer.running ? peer.grant : 'none'})`);
    peer.running = false;
    peer.idleSince = performance.now();
    const last = peer.granted > this.o.untilPs;
    if (last) peer.finished = true;
    // (The partition whose replay ended the run may have been granted past the new end: what it sent before is due.)
    if (!last || peer === this.endedBy) this.accept(peer, m.events);
    peer.next = fromWireTime(m.next);
    peer.delivered = m.delivered;
    peer.nowPs = last ? this.o.untilPs : peer.granted - 1;
    if (m.trace !== undefined) this.trace.push(peer.index, m.trace);
    this.progress(false);
    this.schedule();
  }

  /** Checks the events a participant produced (their shape is checked with the message, by the wire schema) and
   *  holds each for the participant that runs its destination. They must come from the sender's own components, and land no earlier than the sender's lower bound plus
   *  the latency to the receiver: else the sender broke causality. */
  private accept(from: Peer, events: WireEvent[]): void {
    const { byId, latency } = this.o.plan;
    const n = this.peers.length;
    const strict = from.external !== null;
    for (const e of events) {
      const [time, dst, src, , port] = e;
      if (dst >= byId.length || src >= byId.length) throw new RunError(`${from.label} sent an event for component id ${Math.max(dst, src)}, which does not exist`);
      if (byId[src] !== from.index) throw new RunError(`${from.label} sent an event from component ${src}, which it does not run`);
      const to = this.peers[byId[dst]!]!;
      if (to === from) throw new RunError(`${from.label} sent an event to its own component ${dst} through the backplane`);
      if (port >= this.portCounts[dst]!) throw new RunError(`${from.label} sent an event to port ${port} of component ${dst}, which has ${this.portCounts[dst]} ports`);
      const earliest = earliestArrival(from.floor, latency[from.index * n + to.index]!);
      if (time < earliest) throw new RunError(`${from.label} sent an event for virtual time ${time} ps, earlier than its links allow (causality: ${earliest} ps at the earliest)`);
      const problem = strict ? externalEventProblem(e) : null;
      if (problem !== null) throw new RunError(`${from.label} sent a bad event: ${problem}`);
      if (time > this.o.untilPs) continue; // past the end of the run: never delivered
      if (time < to.granted) throw new RunError(`backplane: an event for ${to.label} at ${time} ps arrived after it ran to ${to.granted} ps (internal error: lookahead)`);
      to.pending.push(e);
    }
  }

  private progress(final: boolean): void {
    if (this.o.onProgress === undefined) return;
    const now = performance.now();
    if (now - this.lastProgress < 200 && !final) return;
    this.lastProgress = now;
    this.o.onProgress(
      this.peers.map((p) => ({ partition: p.index, label: p.external?.name ?? `P${p.index}`, nowPs: p.nowPs, delivered: p.delivered })),
      Math.min(this.horizon, this.o.untilPs),
    );
  }

  // ---- the end ----------------------------------------------------------------------------------------------

  private askOutcomes(): void {
    this.phase = 'outcomes';
    for (const p of this.peers) {
      if (p.external !== null) p.outcomes = [];
      else this.sendTo(p, { v: PROTOCOL_VERSION, type: 'outcomes' });
    }
    if (this.peers.every((p) => p.outcomes !== null)) this.askSummaries();
  }

  private askSummaries(): void {
    this.phase = 'summaries';
    const notCompleted = this.peers.flatMap((p) => p.outcomes ?? []);
    const replayFlows = this.o.instruments?.replayFlows();
    for (const p of this.peers) {
      const flows = p.external === null && replayFlows !== undefined ? { replayFlows } : {};
      this.sendTo(p, { v: PROTOCOL_VERSION, type: 'summarize', notCompleted: p.external === null ? notCompleted : [], displays: p.external === null ? this.o.displays : [], ...flows });
    }
  }

  private finish(): void {
    this.phase = 'done';
    const displays = this.o.displays.map((_, i) => {
      for (const p of this.peers) {
        const d = p.summary!.displays?.[i];
        if (typeof d === 'string') return d;
      }
      return null;
    });
    this.settle.resolve({
      parts: this.peers.filter((p) => p.external === null).map((p) => p.summary!.part as ReportPart),
      displays,
      events: this.peers.reduce((n, p) => n + p.summary!.delivered, 0),
      external: this.peers.filter((p) => p.external !== null).map((p) => ({ component: p.external!.name, events: p.summary!.delivered, ...(p.summary!.stats ?? {}) })),
      windows: this.windows,
      waitMs: this.peers.map((p) => p.waitMs),
      waits: this.peers.map((p) => p.grant),
      dropped: this.dropped,
      endPs: this.o.untilPs,
    });
  }

  private fail(err: unknown): void {
    if (this.phase === 'done' || this.phase === 'failed') return;
    this.phase = 'failed';
    this.settle.reject(err);
  }

  /** Stops every participant, waits for the children (killing those that do not go), closes the sockets. */
  private async shutdown(clean: boolean): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    for (const p of this.peers) this.sendTo(p, { v: PROTOCOL_VERSION, type: 'stop', reason: clean ? 'the run is over' : 'the run failed' });
    const children = this.peers.map((p) => p.spawned).filter((c): c is Child => c !== null);
    if (clean) {
      await Promise.race([Promise.all(children.map((c) => c.exited)), new Promise((r) => setTimeout(r, 3000).unref())]);
    }
    await Promise.all(children.map((c) => killChild(c)));
    this.out.close();
    this.router.close();
    this.zap?.close();
    if (this.dropped > 0) this.o.log(`backplane: dropped ${this.dropped} message${this.dropped === 1 ? '' : 's'} that were not part of the run`);
  }
}
