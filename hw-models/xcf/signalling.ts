// XCF as the LPAR host uses it: signalling paths to every other system, the transport class, and the TCP/IP
// group's membership through the sysplex couple data set. Not a component: it lives inside an LPAR host and uses
// that host's ports, timers and trace.
//
// Paths to a peer, numbered as xcf-down `A-B:n` counts them: FICON CTC device pairs first, then one list
// structure per CF both systems reach. A signal goes out on the lowest-numbered working path (signals between a
// pair stay in order) and waits there as a resource:
// - CTC: the outbound device carries one transfer at a time, from start to device end (the receiver's ack);
// - STRUCTURE: a write request to the CF (it queues for a subchannel of the CF links, then for a CF processor);
//   the CF notifies the receiver, which reads the signal with a second request.
// Transport class DEFAULT: a signal takes a buffer of max(CLASSLEN, its size) from the path's MAXMSG space until
// its transfer completes; a signal that does not fit is rejected (trace xcf.drop, reason maxmsg), one longer than
// CLASSLEN counts as a buffer expansion. When a path fails (xcf-down, cf-down) the signals pending on it are
// driven again on the next working path; with none left the system reports the connectivity failure to SFM.
//
// Membership: the system writes its status to the couple data set every failure detection interval / 4 and its
// member record when the stack joins or leaves; the couple data set tells the others (see hw-models/cds).

import type { Component, Port } from '../../src/kernel/index.js';
import type { XcfMembershipEvent } from '../../src/firmware/hal.js';
import type { CdsToLparMsg, CfRequestMsg, CfToLparMsg, LparToCdsMsg, XcfPathMsg } from '../messages.js';
import { CDS } from '../cds/datasheet.js';
import { COUPLING_LINKS, type CouplingLinkType } from './datasheet.js';
import { signalBytes } from './path-timing.js';
import { Histogram, type HistogramData } from '../../src/kernel/histogram.js';
import { BySequence } from '../../src/kernel/by-sequence.js';

const TAG_STATUS = 0;

/** What the signalling service needs from the LPAR that hosts it. */
export interface XcfHost {
  /** A peer joined, left or failed (the host hands it to the firmware when the firmware is a member). */
  membership(event: XcfMembershipEvent): void;
  /** A firmware message arrived from `from`. */
  data(from: string, bytes: Uint8Array): void;
  /** SFM isolates this system: it must stop at once. */
  isolate(reason: string): void;
  /** XCF initialisation is done (the system is in the sysplex and knows the group): the stack may start. */
  ready(): void;
}

export interface XcfConfig {
  /** Failure detection interval of this system, ps. */
  readonly failureDetectionPs: number;
  /** SFM weight. */
  readonly weight: number;
  /** Transport class DEFAULT. */
  readonly classLength: number;
  readonly maxMsgBytes: number;
}

interface Signal {
  readonly bytes: Uint8Array;
  readonly buffer: number;
  readonly queuedAt: number;
}

/** A coupling link attachment to one CF (all the LPAR's CHPIDs to it). */
class CfAttachment {
  readonly ports: Port[] = [];
  up = true;
  inFlight = 0;
  nextPort = 0;
  /** Requests waiting for a subchannel. */
  readonly waiting: CfRequestMsg[] = [];
  subchannels = 0;
  /** Requests answered, and their service time (issue on a subchannel to response), ps. */
  served = 0;
  serviceSumPs = 0;
  serviceMaxPs = 0;
  /** Lists being read (by sender: true while a read loop runs), so one notification starts one read loop. A
   *  flag per sender rather than a Set's membership: a Set that gains and loses one name per read rehashed
   *  every few reads (1.6 % of sysplex32's allocation). */
  readonly reading = new Map<string, boolean>();
  constructor(readonly name: string) {}
}

class Path {
  up = true;
  /** CTC: a transfer is in flight on the outbound device. */
  busy = false;
  /** Generation: a CTC ack or CF response of an older generation (before a failure) is ignored. */
  gen = 0;
  readonly pending: Signal[] = [];
  bufferBytes = 0;
  /** Since when a signal has been pending on the path (-1: idle). */
  busySince = -1;
  readonly stats = { signals: 0, bytes: 0, busyPs: 0, transferSumPs: 0, transferMaxPs: 0, maxPending: 0, rejected: 0, redriven: 0 };
  /** Inbound: the transfer time (MXFER) of each signal received from the peer on this path, from when the
   *  peer's XCF accepted it to its delivery here (queueing on the busy device or the CF included), ps. */
  readonly transfer = new Histogram();
  constructor(
    readonly kind: 'CTC' | 'STRUCTURE',
    /** CTC: the port of this device pair; STRUCTURE: null. */
    readonly port: Port | null,
    /** STRUCTURE: the CF attachment; CTC: null. */
    readonly cf: CfAttachment | null,
    /** The FICON link's name or the CF's name. */
    readonly via: string,
  ) {}
  get working(): boolean {
    return this.up && (this.kind === 'CTC' ? this.port!.link !== null && this.port!.link.up : this.cf!.up);
  }
}

class Peer {
  readonly paths: Path[] = [];
  joined = false;
  /** The last connectivity failure reported (so it is reported once). */
  connFailReported = false;
  constructor(readonly name: string) {}
}

export interface XcfStats {
  sent: number;
  received: number;
  /** Signals with no working path, arriving on a path that is down, rejected for MAXMSG, or lost in a CF. */
  dropped: number;
  /** Signals sent on another path than the first (the first was down). */
  failovers: number;
  /** Status updates written to the couple data set. */
  statusSent: number;
  /** Signals refused because the path's MAXMSG buffer space was full. */
  rejected: number;
  /** Signals driven again on another path after theirs failed. */
  redriven: number;
  /** Signals longer than CLASSLEN (a buffer expansion each). */
  expanded: number;
  /** CF requests issued (writes and reads), and those that waited for a subchannel. */
  cfRequests: number;
  subchannelWaits: number;
}

/** One signalling path's figures, for the JSON report (what RMF's XCF activity report shows per path). */
export interface XcfPathSummary {
  readonly peer: string;
  readonly path: number;
  readonly kind: 'CTC' | 'STRUCTURE';
  /** FICON link name (`SYS1-SYS2`) or CF name. */
  readonly via: string;
  readonly up: boolean;
  readonly signals: number;
  /** Mean and longest time from send to the transfer's completion (CTC device end, CF write done), ps. */
  readonly meanTransferPs: number;
  readonly maxTransferPs: number;
  readonly maxPending: number;
  readonly rejected: number;
  readonly redriven: number;
  /** Bytes of the signals whose transfer completed, XCF header included (what crossed the link). */
  readonly bytes: number;
  /** Time with at least one signal pending on the path (queued or in transfer), ps. */
  readonly busyPs: number;
  /** The path's data rate while busy: bytes / busyPs, bytes a second (0 when never busy). A bulk of signals
   *  keeping the path busy shows what its slowest stage (link, subchannels, CF, device) sustains. */
  readonly bytesPerSecond: number;
}

/** The CF requests a system issued (writes, reads), as RMF's CF activity report gives them per system: service
 *  time from the request leaving on a subchannel to its response (the wait for a subchannel is not in it). */
export interface XcfCfRequestSummary {
  readonly cf: string;
  readonly requests: number;
  readonly meanServicePs: number;
  readonly maxServicePs: number;
}

/** The transfer times a receiver measured on one inbound path: `from`'s path `path` to this system. */
export interface XcfInboundTransfer {
  readonly from: string;
  readonly path: number;
  readonly transfer: HistogramData;
}

export class XcfSignalling {
  private readonly peers: Peer[] = [];
  private readonly byName = new Map<string, Peer>();
  /** CTC port -> [peer, path]. */
  private readonly byPort = new Map<Port, [Peer, Path]>();
  private readonly cfs = new Map<string, CfAttachment>();
  private readonly cfByPort = new Map<Port, CfAttachment>();
  /** In-flight CF requests by id. */
  private readonly requests = new BySequence<{ readonly cf: CfAttachment; readonly gen: number; readonly peer: Peer | null; readonly path: Path | null; readonly signal: Signal | null; readonly from: string; readonly timed: boolean; issuedAt: number }>();
  private nextRequest = 1;
  private cdsPort: Port | null = null;
  private member = false;
  /** The LPAR is down: it hears nothing and says nothing until it re-IPLs. */
  private halted = true;
  private incarnation = 0;
  /** Generation of the status-update timer chain (a down ends a chain). */
  private statusGen = 0;
  private readonly statusPs: number;
  readonly stats: XcfStats = { sent: 0, received: 0, dropped: 0, failovers: 0, statusSent: 0, rejected: 0, redriven: 0, expanded: 0, cfRequests: 0, subchannelWaits: 0 };

  constructor(
    private readonly owner: Component,
    private readonly host: XcfHost,
    private readonly cfg: XcfConfig,
    /** First kernel timer tag the service may use (it uses one). */
    private readonly tagBase: number,
  ) {
    this.statusPs = Math.max(1, Math.floor(cfg.failureDetectionPs / CDS.updatesPerInterval));
  }

  get failureDetectionPs(): number {
    return this.cfg.failureDetectionPs;
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  /** The port to the sysplex couple data set. */
  setCoupleDataSet(port: Port): void {
    this.cdsPort = port;
  }

  /** Adds a FICON CTC device pair to `peer` on `port` (the next path index for that peer). */
  addCtcPath(peer: string, port: Port, via: string): number {
    const p = this.peer(peer);
    const path = new Path('CTC', port, null, via);
    p.paths.push(path);
    this.byPort.set(port, [p, path]);
    return p.paths.length - 1;
  }

  /** Adds a coupling link CHPID to `cf` on `port`. */
  addCfLink(cf: string, port: Port, model: CouplingLinkType): void {
    let a = this.cfs.get(cf);
    if (a === undefined) this.cfs.set(cf, (a = new CfAttachment(cf)));
    a.ports.push(port);
    a.subchannels += COUPLING_LINKS[model].subchannels;
    this.cfByPort.set(port, a);
  }

  /** Adds the list structure in `cf` as the next signalling path to `peer` (its CF links come first). */
  addStructurePath(peer: string, cf: string): number {
    const a = this.cfs.get(cf);
    if (a === undefined) throw new Error(`${this.owner.name}: no coupling link to ${cf}`);
    const p = this.peer(peer);
    p.paths.push(new Path('STRUCTURE', null, a, cf));
    return p.paths.length - 1;
  }

  private peer(name: string): Peer {
    let p = this.byName.get(name);
    if (p === undefined) {
      p = new Peer(name);
      this.peers.push(p);
      this.byName.set(name, p);
    }
    return p;
  }

  /** True when `port` is one of this service's ports (CTC, CF or couple data set). */
  owns(port: Port): boolean {
    return this.byPort.has(port) || this.cfByPort.has(port) || port === this.cdsPort;
  }

  get isMember(): boolean {
    return this.member;
  }

  /** Peers currently seen as joined members, in the order their paths were added. */
  members(): string[] {
    return this.peers.filter((p) => p.joined).map((p) => p.name);
  }

  /** Path states to a peer (true = working). */
  pathStates(peer: string): readonly boolean[] {
    return this.byName.get(peer)?.paths.map((p) => p.up) ?? [];
  }

  ownsTimer(tag: number): boolean {
    return tag === this.tagBase + TAG_STATUS;
  }

  pathSummaries(): XcfPathSummary[] {
    const out: XcfPathSummary[] = [];
    for (const p of this.peers) {
      p.paths.forEach((path, i) => {
        const s = path.stats;
        const busyPs = s.busyPs + (path.busySince >= 0 ? this.owner.now - path.busySince : 0);
        out.push({
          peer: p.name, path: i, kind: path.kind, via: path.via, up: path.working, signals: s.signals,
          meanTransferPs: s.signals === 0 ? 0 : Math.round(s.transferSumPs / s.signals), maxTransferPs: s.transferMaxPs,
          maxPending: s.maxPending, rejected: s.rejected, redriven: s.redriven,
          bytes: s.bytes, busyPs, bytesPerSecond: busyPs === 0 ? 0 : Math.round((s.bytes * 1e12) / busyPs),
        });
      });
    }
    return out;
  }

  /** Per CF this system reaches: its requests and their service time. */
  cfRequestSummaries(): XcfCfRequestSummary[] {
    return [...this.cfs.values()].map((a) => ({
      cf: a.name,
      requests: a.served,
      meanServicePs: a.served === 0 ? 0 : Math.round(a.serviceSumPs / a.served),
      maxServicePs: a.serviceMaxPs,
    }));
  }

  /** The inbound paths' transfer-time histograms (paths that received nothing are left out). */
  inboundTransfers(): XcfInboundTransfer[] {
    const out: XcfInboundTransfer[] = [];
    for (const p of this.peers) {
      p.paths.forEach((path, i) => {
        if (path.transfer.count > 0) out.push({ from: p.name, path: i, transfer: path.transfer.toData() });
      });
    }
    return out;
  }

  // ---- what the firmware asks for (through the host's Hal) ----------------------------------------------

  /** Sends a firmware message to `peer`; false when no path works or the class has no buffer (lost). */
  send(peer: string, bytes: Uint8Array): boolean {
    const p = this.byName.get(peer);
    const i = p === undefined ? -1 : this.workingPath(p);
    if (p === undefined || i < 0) {
      this.drop(peer, bytes.length, 'no-path');
      return false;
    }
    const path = p.paths[i]!;
    const size = signalBytes(bytes.length);
    const buffer = size > this.cfg.classLength ? size : this.cfg.classLength;
    if (path.bufferBytes + buffer > this.cfg.maxMsgBytes) {
      path.stats.rejected++;
      this.stats.rejected++;
      this.drop(peer, bytes.length, 'maxmsg');
      return false;
    }
    if (size > this.cfg.classLength) this.stats.expanded++;
    if (i > 0) this.stats.failovers++;
    this.stats.sent++;
    if (this.owner.tracing) this.owner.trace('xcf.send', { to: peer, bytes: bytes.length, path: i });
    this.enqueue(p, path, { bytes, buffer, queuedAt: this.owner.now });
    return true;
  }

  private drop(peer: string, bytes: number, reason: string): void {
    this.stats.dropped++;
    if (this.owner.tracing) this.owner.trace('xcf.drop', { to: peer, bytes, reason });
  }

  private enqueue(p: Peer, path: Path, s: Signal): void {
    if (path.busySince < 0) path.busySince = this.owner.now;
    path.pending.push(s);
    path.bufferBytes += s.buffer;
    if (path.pending.length > path.stats.maxPending) path.stats.maxPending = path.pending.length;
    if (path.kind === 'CTC') this.startCtc(path);
    else this.cfRequest(path.cf!, { kind: 'cf-req', id: 0, op: 'write', from: this.owner.name, to: p.name, bytes: s.bytes, sentPs: s.queuedAt }, p, path, s);
  }

  /** The local stack joins (true) or leaves (false) the group: its member record is written at once. Returns
   *  the members already there (XCF on this system knows them), which the host announces on a join. */
  join(join: boolean): string[] {
    if (join === this.member) return [];
    this.member = join;
    if (this.owner.tracing) {
      if (join) this.owner.trace('xcf.join', { stack: this.owner.name });
      else this.owner.trace('xcf.leave', { stack: this.owner.name, failed: false });
    }
    this.toCds({ kind: 'cds-group', sys: this.owner.name, incarnation: this.incarnation, joined: join });
    return join ? this.members() : [];
  }

  /** The LPAR went down (or was isolated): no more status updates, what it knew of the group is gone, and what
   *  was pending on its paths is lost. */
  stop(): void {
    this.halted = true;
    this.member = false;
    this.statusGen++;
    for (const p of this.peers) {
      p.joined = false;
      p.connFailReported = false;
      for (const path of p.paths) this.clearPath(path);
    }
    for (const a of this.cfs.values()) {
      a.waiting.length = 0;
      a.inFlight = 0;
      a.reading.clear();
    }
    this.requests.clear();
  }

  /** The LPAR IPLed: status updates start (a later IPL is a new incarnation). */
  restart(): void {
    if (!this.halted) return;
    this.halted = false;
    this.incarnation++;
    this.statusGen++;
    // Inbound structure paths start empty: what was written for an earlier incarnation is dropped.
    for (const a of this.cfs.values()) if (a.up) this.cfRequest(a, { kind: 'cf-req', id: 0, op: 'purge', from: '', to: this.owner.name, bytes: null }, null, null, null);
    // Without a couple data set the system runs in XCF-local mode (a monoplex): ready at once.
    if (this.cdsPort === null || this.cdsPort.link === null) this.host.ready();
    else this.writeStatus();
  }

  /** xcf-down / xcf-up from the run: all paths to `peer`, or just `path`. */
  setPaths(peer: string, up: boolean, path?: number): void {
    const p = this.byName.get(peer);
    if (p === undefined) return;
    for (let i = 0; i < p.paths.length; i++) {
      if (path !== undefined && path !== i) continue;
      const x = p.paths[i]!;
      if (x.up === up) continue;
      x.up = up;
      if (this.owner.tracing) this.owner.trace('xcf.path', { peer, path: i, up });
      if (!up) this.redrive(p, x);
    }
    this.checkConnectivity(p);
  }

  /** cf-down / cf-up: every structure path through `cf`. */
  setCf(cf: string, up: boolean): void {
    const a = this.cfs.get(cf);
    if (a === undefined || a.up === up) return;
    a.up = up;
    if (!up) {
      // Requests in flight are lost with the CF; writes not yet done are driven again below.
      this.requests.deleteWhere((r) => r.cf === a);
      a.waiting.length = 0;
      a.inFlight = 0;
      a.reading.clear();
    }
    for (const p of this.peers) {
      p.paths.forEach((x, i) => {
        if (x.cf !== a) return;
        if (this.owner.tracing) this.owner.trace('xcf.path', { peer: p.name, path: i, up: up && x.up });
        if (!up) this.redrive(p, x);
      });
      this.checkConnectivity(p);
    }
  }

  // ---- kernel events routed here by the host ------------------------------------------------------------

  onMessage(port: Port, m: XcfPathMsg | CfToLparMsg | CdsToLparMsg): void {
    if (this.halted) return;
    if (port === this.cdsPort) {
      this.onCds(m as CdsToLparMsg);
      return;
    }
    const cf = this.cfByPort.get(port);
    if (cf !== undefined) {
      this.onCf(cf, m as CfToLparMsg);
      return;
    }
    const entry = this.byPort.get(port);
    if (entry === undefined) return;
    const [peer, path] = entry;
    const msg = m as XcfPathMsg;
    if (msg.kind === 'ctc-ack') {
      this.ctcDone(path);
      return;
    }
    // Device end goes back at once (the channel's work, not the CPU's).
    port.send({ kind: 'ctc-ack' } satisfies XcfPathMsg, 0);
    this.deliver(peer, path, msg.bytes, msg.sentPs);
  }

  onTimer(tag: number, data: unknown): void {
    if (tag !== this.tagBase + TAG_STATUS || data !== this.statusGen || this.halted) return;
    this.writeStatus();
  }

  // ---- paths --------------------------------------------------------------------------------------------

  private deliver(peer: Peer, path: Path, bytes: Uint8Array, sentPs: number | undefined): void {
    const i = peer.paths.indexOf(path);
    if (!path.working) {
      this.stats.dropped++;
      return;
    }
    this.stats.received++;
    if (sentPs !== undefined) path.transfer.record(this.owner.now - sentPs);
    if (this.owner.tracing) this.owner.trace('xcf.recv', { from: peer.name, bytes: bytes.length, path: i });
    if (this.member) this.host.data(peer.name, bytes);
  }

  private startCtc(path: Path): void {
    if (path.busy || path.pending.length === 0 || !path.working) return;
    path.busy = true;
    const s = path.pending[0]!;
    path.port!.send({ kind: 'xcf-data', from: this.owner.name, bytes: s.bytes, sentPs: s.queuedAt } satisfies XcfPathMsg, signalBytes(s.bytes.length));
  }

  private ctcDone(path: Path): void {
    if (!path.busy) return; // an ack from before the path failed
    path.busy = false;
    const s = path.pending.shift();
    if (s !== undefined) this.completed(path, s);
    this.settle(path);
    this.startCtc(path);
  }

  private completed(path: Path, s: Signal): void {
    path.bufferBytes -= s.buffer;
    const t = this.owner.now - s.queuedAt;
    path.stats.signals++;
    path.stats.bytes += signalBytes(s.bytes.length);
    path.stats.transferSumPs += t;
    if (t > path.stats.transferMaxPs) path.stats.transferMaxPs = t;
  }

  /** Moves what was pending on a failed path to the next working one (or loses it). */
  private redrive(p: Peer, failed: Path): void {
    const pending = failed.pending.splice(0);
    this.clearPath(failed);
    if (pending.length === 0) return;
    const i = this.workingPath(p);
    for (const s of pending) {
      if (i < 0) {
        this.drop(p.name, s.bytes.length, 'no-path');
        continue;
      }
      this.stats.redriven++;
      failed.stats.redriven++;
      this.enqueue(p, p.paths[i]!, s);
    }
  }

  /** The path's busy period ends when nothing is pending on it any more. */
  private settle(path: Path): void {
    if (path.pending.length > 0 || path.busySince < 0) return;
    path.stats.busyPs += this.owner.now - path.busySince;
    path.busySince = -1;
  }

  private clearPath(path: Path): void {
    path.pending.length = 0;
    this.settle(path);
    path.bufferBytes = 0;
    path.busy = false;
    path.gen++;
  }

  private workingPath(p: Peer): number {
    for (let i = 0; i < p.paths.length; i++) if (p.paths[i]!.working) return i;
    return -1;
  }

  /** No working path left to a peer: SFM's CONNFAIL decides which system stays. */
  private checkConnectivity(p: Peer): void {
    const none = this.workingPath(p) < 0;
    if (none && !p.connFailReported && p.paths.length > 0) {
      p.connFailReported = true;
      if (this.owner.tracing) this.owner.trace('xcf.connfail', { peer: p.name });
      this.toCds({ kind: 'cds-connfail', sys: this.owner.name, peer: p.name });
    } else if (!none) p.connFailReported = false;
  }

  // ---- CF requests --------------------------------------------------------------------------------------

  private cfRequest(cf: CfAttachment, req: CfRequestMsg, peer: Peer | null, path: Path | null, signal: Signal | null): void {
    const id = this.nextRequest++;
    const r = { ...req, id };
    this.requests.set(id, { cf, gen: path?.gen ?? 0, peer, path, signal, from: req.from, timed: req.op !== 'purge', issuedAt: -1 });
    this.stats.cfRequests++;
    if (cf.inFlight >= cf.subchannels) {
      this.stats.subchannelWaits++;
      cf.waiting.push(r);
      return;
    }
    this.issue(cf, r);
  }

  private issue(cf: CfAttachment, r: CfRequestMsg): void {
    cf.inFlight++;
    const entry = this.requests.get(r.id);
    if (entry !== undefined) entry.issuedAt = this.owner.now;
    const port = cf.ports[cf.nextPort]!;
    cf.nextPort = (cf.nextPort + 1) % cf.ports.length;
    port.send(r, r.bytes === null ? 0 : signalBytes(r.bytes.length));
  }

  private onCf(cf: CfAttachment, m: CfToLparMsg): void {
    if (!cf.up) return;
    if (m.kind === 'cf-notify') {
      this.read(cf, m.from);
      return;
    }
    cf.inFlight--;
    const next = cf.waiting.shift();
    if (next !== undefined) this.issue(cf, next);
    const r = this.requests.get(m.id);
    if (r === undefined) return;
    this.requests.delete(m.id);
    if (r.timed && r.issuedAt >= 0) {
      const t = this.owner.now - r.issuedAt;
      cf.served++;
      cf.serviceSumPs += t;
      if (t > cf.serviceMaxPs) cf.serviceMaxPs = t;
    }
    if (r.path !== null) {
      // A write finished: the signal sits in the structure, its buffer is free.
      if (r.gen !== r.path.gen) return; // the path failed meanwhile: the signal was driven again
      const k = r.path.pending.indexOf(r.signal!);
      if (k >= 0) r.path.pending.splice(k, 1);
      if (m.ok) this.completed(r.path, r.signal!);
      else {
        r.path.bufferBytes -= r.signal!.buffer;
        this.drop(r.peer!.name, r.signal!.bytes.length, 'list-full');
      }
      this.settle(r.path);
      return;
    }
    // A read: deliver, and read on while more wait.
    if (m.bytes !== null) {
      const peer = this.byName.get(r.from);
      const path = peer?.paths.find((x) => x.cf === cf);
      if (peer !== undefined && path !== undefined) this.deliver(peer, path, m.bytes, m.sentPs);
    }
    if (m.more) this.read(cf, r.from, true);
    else cf.reading.set(r.from, false);
  }

  private read(cf: CfAttachment, from: string, again = false): void {
    if (!again && cf.reading.get(from) === true) return;
    cf.reading.set(from, true);
    this.cfRequest(cf, { kind: 'cf-req', id: 0, op: 'read', from, to: this.owner.name, bytes: null }, null, null, null);
  }

  // ---- membership through the couple data set -----------------------------------------------------------

  private writeStatus(): void {
    this.stats.statusSent++;
    this.toCds({ kind: 'cds-status', sys: this.owner.name, incarnation: this.incarnation, fdiPs: this.cfg.failureDetectionPs, weight: this.cfg.weight, member: this.member });
    this.owner.at(this.owner.now + this.statusPs, this.tagBase + TAG_STATUS, this.statusGen);
  }

  private toCds(m: LparToCdsMsg): void {
    if (this.cdsPort !== null && !this.halted) this.cdsPort.send(m, 0);
  }

  private onCds(m: CdsToLparMsg): void {
    if (m.kind === 'cds-isolate') {
      this.host.isolate(m.reason);
      return;
    }
    if (m.kind === 'cds-ready') {
      this.host.ready();
      return;
    }
    // XCF on this system follows the group whether or not its own stack is a member; the stack hears of it
    // only as a member (the host drops it otherwise).
    if (m.stack === this.owner.name) return;
    const p = this.peer(m.stack);
    if (p.joined === m.joined) return;
    p.joined = m.joined;
    if (this.owner.tracing && this.member) {
      if (m.joined) this.owner.trace('xcf.join', { stack: p.name });
      else this.owner.trace('xcf.leave', { stack: p.name, failed: m.failed });
    }
    if (this.member) this.host.membership({ stack: p.name, joined: m.joined, failed: m.failed });
  }
}
