// `LAN1.replay`: the replay injector, a component behind the LAN's edge router in place of the client hosts.
// It reads the capture as virtual time goes (or as fast as the sysplex absorbs it with --pace asap), sends the
// client side of every flow to the DVIPA as bare IPv4 datagrams on the router's `clients` port, and takes the
// sysplex's answers from the same port.
//
// closed mode: one ClosedFlow per TCP flow (closed-flow.ts), started by the recorded SYN.
// open mode:   every client->DVIPA frame goes as captured (checksums made right, oversize frames cut to the
//              MTU); its ACK number is moved onto the emulated server's sequence space when the server's
//              SYN-ACK has already been seen, so flows replayed at their recorded pace can stay in step.
// Memory stays bounded: recorded pace reads a frame only when its time comes; asap reads ahead only while fewer
// than MAX_LIVE_ASAP flows are under way holding less than HIGH_WATER unsent bytes (or when nothing moved for a
// while, so a flow waiting for frames further on never deadlocks the replay).

import { Component, type Port } from '../../kernel/index.js';
import type { Ipv4Msg } from '../../../hw-models/messages.js';
import { writeU16, writeU32 } from '../../net/bytes.js';
import { ipToString, ipv4Dst, ipv4HeaderLen, ipv4Protocol, ipv4Src, ipv4TotalLength, IpProtocol, refreshIpv4Checksum } from '../../net/ipv4.js';
import { tcpDstPort, TcpFlag, tcpFlags, tcpSeq, writeTcpChecksum } from '../../net/tcp.js';
import type { CaptureFrame } from '../frame.js';
import { CaptureFeed } from './capture-feed.js';
import { ClassifiedFrame, classifyFrame, FrameKind, type DvipaTest } from './classify.js';
import { ClosedFlow, type FlowHost } from './closed-flow.js';

const { ACK, FIN, PSH, RST, SYN } = TcpFlag;

export type ReplayMode = 'closed' | 'open';
export type ReplayPace = 'asap' | 'recorded';

export interface InjectorConfig {
  readonly capture: string;
  readonly mode: ReplayMode;
  readonly pace: ReplayPace;
  /** Virtual time of the capture's first frame (the sysplex needs a moment to come up). */
  readonly startPs: number;
  readonly isDvipa: DvipaTest;
  /** Stop the run this long after the replay is over (every flow decided, or quiet after the capture ended);
   *  -1 to run on to the run's end time. */
  readonly graceEndPs: number;
  /** Told, once, the virtual time at which the run should end (the replay is over): the runner lowers its end
   *  time to it, so that every event of that instant is still delivered (in one process as in several). */
  readonly endRun?: (endPs: number) => void;
}

/** The counters behind report.replay. */
export interface ReplayCounters {
  framesRead: number;
  framesInjected: number;
  flows: number;
  completed: number;
  reset: number;
  incomplete: number;
  skipped: { notToDvipa: number; nonIpv4: number; malformed: number; midFlow: number };
  mode: ReplayMode;
  pace: ReplayPace;
  /** Client->DVIPA frames in the capture. */
  clientFrames: number;
  /** Recorded client bytes already sent in an earlier frame (retransmissions, duplicates, overlaps). */
  duplicateBytes: number;
  /** Recorded frames larger than the MSS, sent as several segments. */
  resegmented: number;
  /** Datagrams from the sysplex that matched no flow. */
  unmatched: number;
}

const TAG_READ = 1;
const TAG_FLOW = 2;
const TAG_END = 3;
const TAG_QUIET = 4;
const TAG_WARM = 5;
/** asap: how long the first datagram may wait for an answer before the rest follow (virtual ps). */
const WARMUP_PS = 5_000_000_000;
/** open mode: after the capture ended, the time left for the last answers (nothing waits on them). */
const OPEN_DRAIN_PS = 100_000_000_000;
/** asap, closed: unsent recorded bytes the flows may hold before reading pauses. */
const HIGH_WATER = 8 * 1024 * 1024;
/** asap, closed: flows under way before reading pauses. */
const MAX_LIVE_ASAP = 4096;
/** asap: frames dispatched per read turn. */
const READ_BATCH = 256;
/** asap, closed: read on anyway when nothing moved this long (virtual ps). */
const STALL_PS = 1_000_000_000;
/** After the capture ended, a replay with no progress this long is over (flows left are incomplete). */
const QUIET_END_PS = 5_000_000_000_000;
/** The emulated LAN's MTU: larger captured datagrams (offload) are cut to it in open mode. */
const MTU = 1500;

interface OpenFlow {
  isn: number;
  recServerIsn: number;
  liveServerIsn: number;
  clientFin: boolean;
  serverFin: boolean;
  reset: boolean;
  /** Its outcome is in the counters. */
  counted: boolean;
}

export class ReplayInjector extends Component implements FlowHost {
  readonly counters: ReplayCounters;
  private readonly feed: CaptureFeed;
  private readonly cf = new ClassifiedFrame();
  private router!: Port;
  /** Closed mode: the flow that owns each client endpoint (ip * 2^16 + port) now. */
  private readonly flows = new Map<number, ClosedFlow>();
  /** Every closed flow not yet decided. */
  private live = 0;
  private readonly openFlows = new Map<number, OpenFlow>();
  /** Open flows not settled yet. */
  private openLive = 0;
  private lastProgressAt = 0;
  private warm = false;
  private warmTimer = false;
  private readScheduled = false;
  private ending = false;
  /** Flows decided other than completed, for the report's lost counts (client endpoint, DVIPA, port). */
  private readonly notCompleted: [number, number, number][] = [];

  constructor(name: string, private readonly cfg: InjectorConfig) {
    super(name);
    this.feed = new CaptureFeed(cfg.capture);
    this.counters = {
      framesRead: 0, framesInjected: 0, flows: 0, completed: 0, reset: 0, incomplete: 0,
      skipped: { notToDvipa: 0, nonIpv4: 0, malformed: 0, midFlow: 0 },
      mode: cfg.mode, pace: cfg.pace, clientFrames: 0, duplicateBytes: 0, resegmented: 0, unmatched: 0,
    };
  }

  /** A damaged record met mid-run, if any. */
  get failure(): Error | null {
    return this.feed.failure;
  }

  override start(): void {
    this.router = this.port('router');
    this.feed.open();
    this.at(this.cfg.startPs, TAG_READ);
    this.readScheduled = true;
  }

  // ---- reading the capture ------------------------------------------------------------------------------

  override onTimer(tag: number, data: unknown): void {
    if (tag === TAG_FLOW) {
      const flow = data as ClosedFlow;
      if (this.now >= flow.wakeAt) flow.wakeAt = -1;
      flow.onTimer(this.now);
      if (flow.state === 'done' && this.flows.get(flow.key) === flow) this.flows.delete(flow.key);
      return;
    }
    if (tag === TAG_READ) {
      this.readScheduled = false;
      this.read();
      return;
    }
    if (tag === TAG_WARM) {
      this.warmUp();
      return;
    }
    if (tag === TAG_QUIET) {
      this.checkEnd();
      return;
    }
    // The end time is lowered already (endRun); pausing lets a runner between slices see it at once.
    if (tag === TAG_END) this.sim.pause();
  }

  private read(): void {
    if (this.cfg.pace === 'recorded') this.readRecorded();
    else this.readAsap();
    this.counters.framesRead = this.feed.framesRead;
    if (this.feed.eof) this.checkEnd();
  }

  /** Dispatches every frame whose recorded time has come; waits for the next. */
  private readRecorded(): void {
    const base = this.cfg.startPs;
    for (;;) {
      const f = this.feed.peek();
      if (f === null) return;
      const at = base + this.feed.peekOffset();
      if (at > this.now) {
        this.at(at, TAG_READ);
        this.readScheduled = true;
        return;
      }
      this.dispatch(this.feed.take()!);
    }
  }

  /** Dispatches a batch; comes back when the router link is free (open) or the flows want more (closed). */
  private readAsap(): void {
    if (!this.warm && this.counters.framesInjected > 0) return; // warming up: the answer or the timeout reads on
    if (this.cfg.mode === 'open') {
      let injected = 0;
      while (injected < READ_BATCH) {
        const f = this.feed.take();
        if (f === null) return;
        if (this.dispatch(f)) injected++;
        if (this.warmingUp()) return;
      }
      this.at(Math.max(this.now, this.router.txFreeAt), TAG_READ);
      this.readScheduled = true;
      return;
    }
    if (this.roomToRead() || this.now - this.lastProgressAt >= STALL_PS) {
      for (let n = 0; n < READ_BATCH; n++) {
        const f = this.feed.take();
        if (f === null) return;
        this.dispatch(f);
        if (this.warmingUp()) return;
      }
    }
    // Read on at once while the flows have room; otherwise look again in a while.
    this.at(this.now + (this.roomToRead() ? 0 : STALL_PS), TAG_READ);
    this.readScheduled = true;
  }

  /**
   * asap starts with the first datagram alone until the sysplex answers (or WARMUP_PS passed): the edge router
   * resolves the DVIPA with ARP meanwhile, and a burst held behind that would overflow its ARP queue.
   */
  private warmingUp(): boolean {
    if (this.warm || this.counters.framesInjected === 0) return false;
    if (!this.warmTimer) {
      this.warmTimer = true;
      this.at(this.now + WARMUP_PS, TAG_WARM);
    }
    return true;
  }

  private warmUp(): void {
    if (this.warm) return;
    this.warm = true;
    if (this.cfg.pace === 'asap') this.at(this.now, TAG_READ);
  }

  /** asap, closed: the flows hold little enough to read more. */
  private roomToRead(): boolean {
    return this.live < MAX_LIVE_ASAP && this.buffered() < HIGH_WATER;
  }

  private buffered(): number {
    let n = 0;
    for (const f of this.flows.values()) n += f.buffered;
    return n;
  }

  /** Handles one captured frame; true when something was injected. */
  private dispatch(frame: CaptureFrame): boolean {
    const c = classifyFrame(frame, this.cfg.isDvipa, this.cf);
    const s = this.counters.skipped;
    switch (c.kind) {
      case FrameKind.NonIpv4:
        s.nonIpv4++;
        return false;
      case FrameKind.Malformed:
        s.malformed++;
        return false;
      case FrameKind.NotToDvipa:
        s.notToDvipa++;
        return false;
      case FrameKind.FromDvipaTcp:
        s.notToDvipa++;
        this.recordedServer(c);
        return false;
      case FrameKind.ToDvipaOther:
        this.counters.clientFrames++;
        this.inject(c.packet.slice());
        return true;
      default:
        this.counters.clientFrames++;
        return this.cfg.mode === 'closed' ? this.recordedClientClosed(c) : this.recordedClientOpen(c);
    }
  }

  private recordedServer(c: ClassifiedFrame): void {
    const key = c.dst * 65536 + c.dstPort;
    if (this.cfg.mode === 'closed') {
      const flow = this.tail(this.flows.get(key));
      if (flow !== null && flow.serverPort === c.srcPort) flow.recordServer(c.seq, c.flags, c.payloadLength);
      return;
    }
    const o = this.openFlows.get(key);
    if (o !== undefined && c.flags & SYN && o.recServerIsn < 0) o.recServerIsn = c.seq;
  }

  private tail(flow: ClosedFlow | undefined): ClosedFlow | null {
    if (flow === undefined) return null;
    let f = flow;
    while (f.successor !== null) f = f.successor;
    return f;
  }

  // ---- closed mode --------------------------------------------------------------------------------------

  private recordedClientClosed(c: ClassifiedFrame): boolean {
    const key = c.src * 65536 + c.srcPort;
    const head = this.flows.get(key);
    const last = this.tail(head);
    const isSyn = (c.flags & (SYN | ACK | RST)) === SYN;
    if (isSyn) {
      if (last !== null && last.recIsn === c.seq && last.serverIp === c.dst && last.serverPort === c.dstPort) return false; // retransmitted SYN
      const flow = new ClosedFlow(this, c.src, c.srcPort, c.dst, c.dstPort, c.packet, c.tcpOffset, c.tcpHeaderLength, this.now);
      this.counters.flows++;
      this.live++;
      if (last !== null && last.outcome === null) {
        last.successor = flow; // the endpoint's earlier flow is still being replayed
      } else {
        this.flows.set(key, flow);
        flow.start(this.now);
      }
      return true;
    }
    if (last === null || last.serverIp !== c.dst || last.serverPort !== c.dstPort) {
      this.counters.skipped.midFlow++;
      return false;
    }
    const before = last.duplicateBytes;
    const reseg = last.resegmented;
    last.recordClient(c.seq, c.ack, c.flags, c.packet, c.payloadOffset, c.payloadLength, this.now);
    this.counters.duplicateBytes += last.duplicateBytes - before;
    this.counters.resegmented += last.resegmented - reseg;
    return true;
  }

  // FlowHost

  send(packet: Uint8Array): void {
    this.inject(packet);
  }

  wake(flow: ClosedFlow, atPs: number): void {
    flow.wakeAt = atPs;
    this.at(Math.max(atPs, this.now), TAG_FLOW, flow);
  }

  decided(flow: ClosedFlow): void {
    this.live--;
    if (flow.outcome === 'completed') this.counters.completed++;
    else {
      if (flow.outcome === 'reset') this.counters.reset++;
      this.notCompleted.push([flow.key, flow.serverIp, flow.serverPort]);
    }
    if (this.tracing) this.trace('replay.flow', { client: `${ipToString(flow.clientIp)}:${flow.clientPort}`, server: `${ipToString(flow.serverIp)}:${flow.serverPort}`, outcome: flow.outcome, sent: flow.bytesSent, received: flow.serverBytes });
    const next = flow.successor;
    if (next !== null) {
      this.flows.set(flow.key, next);
      next.start(this.now);
    }
    if (this.feed.eof) this.checkEnd();
  }

  progress(): void {
    this.lastProgressAt = this.now;
  }

  // ---- open mode ----------------------------------------------------------------------------------------

  private recordedClientOpen(c: ClassifiedFrame): boolean {
    const key = c.src * 65536 + c.srcPort;
    let o = this.openFlows.get(key);
    if ((c.flags & (SYN | ACK)) === SYN && (o === undefined || o.isn !== c.seq)) {
      o = { isn: c.seq, recServerIsn: -1, liveServerIsn: -1, clientFin: false, serverFin: false, reset: false, counted: false };
      const earlier = this.openFlows.get(key);
      if (earlier !== undefined && !earlier.counted) {
        earlier.counted = true; // replaced before it settled: incomplete
        this.openLive--;
      }
      this.openFlows.set(key, o);
      this.openLive++;
      this.counters.flows++;
    }
    const packet = c.packet.slice();
    const t = c.tcpOffset;
    if (o !== undefined) {
      if (c.flags & ACK && o.recServerIsn >= 0 && o.liveServerIsn >= 0) {
        writeU32(packet, t + 8, (c.ack - o.recServerIsn + o.liveServerIsn) >>> 0);
      }
      if (c.flags & FIN) o.clientFin = true;
      if (c.flags & RST) o.reset = true;
    }
    const settled = o !== undefined && (o.reset || (o.clientFin && o.serverFin));
    if (packet.length > MTU) this.injectSegmented(packet, c);
    else {
      if (c.offloaded) writeU16(packet, 2, packet.length);
      fixChecksums(packet, t);
      this.inject(packet);
    }
    if (settled) this.settleOpen(o!);
    return true;
  }

  /** An offload frame cut into MTU-sized segments with the same headers (sequence numbers advanced). */
  private injectSegmented(packet: Uint8Array, c: ClassifiedFrame): void {
    this.counters.resegmented++;
    const hdr = c.payloadOffset;
    const room = MTU - hdr;
    const flags = c.flags;
    for (let at = hdr; at < packet.length; at += room) {
      const end = Math.min(packet.length, at + room);
      const seg = new Uint8Array(hdr + end - at);
      seg.set(packet.subarray(0, hdr), 0);
      seg.set(packet.subarray(at, end), hdr);
      const t = c.tcpOffset;
      writeU32(seg, t + 4, (c.seq + (at - hdr)) >>> 0);
      // FIN and PSH only on the last piece.
      if (end < packet.length) seg[t + 13] = flags & ~(FIN | PSH);
      writeU16(seg, 2, seg.length);
      fixChecksums(seg, t);
      this.inject(seg, at === hdr); // one captured frame, however many pieces
    }
  }

  // ---- the sysplex's answers ----------------------------------------------------------------------------

  override onMessage(_port: Port, message: unknown): void {
    if (!this.warm) this.warmUp();
    const m = message as Ipv4Msg;
    const p = m.packet;
    if (m.kind !== 'ipv4' || p.length < 40 || ipv4Protocol(p) !== IpProtocol.TCP) {
      this.counters.unmatched++;
      return;
    }
    const ihl = ipv4HeaderLen(p);
    const total = Math.min(p.length, ipv4TotalLength(p));
    if (ihl < 20 || ihl + 20 > total) {
      this.counters.unmatched++;
      return;
    }
    const key = ipv4Dst(p) * 65536 + tcpDstPort(p, ihl);
    if (this.cfg.mode === 'closed') {
      const flow = this.flows.get(key);
      if (flow === undefined) {
        this.counters.unmatched++;
        return;
      }
      flow.fromServer(p, ihl, total, this.now);
      if (flow.state === 'done' && this.flows.get(key) === flow) this.flows.delete(key);
      return;
    }
    const o = this.openFlows.get(key);
    if (o === undefined) {
      this.counters.unmatched++;
      return;
    }
    const flags = tcpFlags(p, ihl);
    if ((flags & (SYN | ACK)) === (SYN | ACK)) o.liveServerIsn = tcpSeq(p, ihl);
    if (flags & FIN) o.serverFin = true;
    if (flags & RST) o.reset = true;
    if (o.reset || (o.clientFin && o.serverFin)) this.settleOpen(o);
  }

  /** Counts an open-mode flow's outcome once. It stays known, so its last ACKs are still rewritten. */
  private settleOpen(o: OpenFlow): void {
    if (o.counted) return;
    o.counted = true;
    this.openLive--;
    if (o.reset) this.counters.reset++;
    else this.counters.completed++;
  }

  private inject(packet: Uint8Array, count = true): void {
    const msg: Ipv4Msg = { kind: 'ipv4', packet };
    this.router.send(msg, packet.length + 38);
    if (count) this.counters.framesInjected++;
    this.lastProgressAt = this.now;
  }

  // ---- the end ------------------------------------------------------------------------------------------

  private checkEnd(): void {
    if (this.ending || !this.feed.eof || this.cfg.graceEndPs < 0) return;
    const quiet = this.cfg.mode === 'closed' ? QUIET_END_PS : OPEN_DRAIN_PS;
    const quietFor = this.now - this.lastProgressAt;
    if (this.feed.failure !== null || (this.cfg.mode === 'closed' ? this.live === 0 : this.openSettled()) || quietFor >= quiet) {
      this.ending = true;
      const end = this.now + (this.feed.failure !== null ? 0 : this.cfg.graceEndPs);
      this.cfg.endRun?.(end);
      this.at(end, TAG_END);
      return;
    }
    this.at(this.lastProgressAt + quiet, TAG_QUIET);
  }

  private openSettled(): boolean {
    return this.openLive === 0;
  }

  /** The report's replay counters, final. */
  finalCounters(): ReplayCounters {
    const c = this.counters;
    c.framesRead = this.feed.framesRead;
    c.incomplete = c.flows - c.completed - c.reset;
    return c;
  }

  /** Closed flows that did not complete: [client ip * 2^16 + port, DVIPA, port]. */
  notCompletedFlows(): [number, number, number][] {
    const out = [...this.notCompleted];
    for (const head of this.flows.values()) {
      for (let f: ClosedFlow | null = head; f !== null; f = f.successor) if (f.outcome === null) out.push([f.key, f.serverIp, f.serverPort]);
    }
    return out;
  }
}

/** Recomputes the IPv4 header and TCP checksums (captures from hosts with checksum offload carry junk). */
function fixChecksums(p: Uint8Array, t: number): void {
  refreshIpv4Checksum(p);
  writeTcpChecksum(p, t, p.length - t, ipv4Src(p), ipv4Dst(p));
}
