// One TCP flow of a closed-mode replay: the recorded client's side, played against the emulated server like
// tcpliveplay, but robust to what real captures contain. No kernel here (sans-I/O): the injector hands in
// recorded frames, live server segments and wake-ups, and the flow answers through its FlowHost.
//
// Recorded side. The client's byte stream is rebuilt from the captured segments by sequence number, so
// retransmissions, duplicates (the same packet captured twice) and overlaps contribute each byte once, and
// segments captured out of order wait in a small list until the gap before them is filled. Each chunk of the
// stream keeps what it depended on: the number of server bytes the recorded client had acknowledged when it
// sent it (its ACK field against the recorded server ISN), and whether that included the server's FIN.
//
// Live side. The recorded client ISN and SYN options (MSS, window scale, SACK-permitted, timestamps) are kept;
// acknowledgements carry the emulated server's sequence numbers; timestamps echo the emulated server's.
// A chunk goes once the emulated server has sent what the recording says it waited for: as many bytes, or its
// FIN, or (when the emulated server answers with another length, as a different HTTP body does) once the
// server said something since our last data and then stayed quiet for IDLE_TURN_PS. Segments are cut to the
// negotiated MSS (offload captures hold frames of many MSS) and to the server's window; loss is repaired by
// RFC 6298 retransmission (go-back-N from the first unacknowledged byte) and fast retransmit on three
// duplicate ACKs. The replayer acknowledges every server segment at once.

import { RttEstimator, type RtoParameters } from '../../net/rtt.js';
import { scanTcpOptions, tcpAck, TcpFlag, tcpFlags, tcpHeaderLen, TcpOptionScan, tcpSeq, tcpWindow, type TcpTimestamp } from '../../net/tcp.js';
import { seqDiff } from '../../net/tcp-seq.js';
import { buildSegment, type SegmentFields } from './segment-out.js';

const { ACK, FIN, PSH, RST, SYN } = TcpFlag;

/** How long a server that answered may stay quiet before its answer counts as complete (virtual ps). */
export const IDLE_TURN_PS = 20_000_000_000;
/** RFC 6298 for the replayed client: 1 s initial RTO, Linux's 200 ms floor, a 60 s cap, no clock-granularity term. */
const RTO: RtoParameters = {
  initialRto: 1_000_000_000_000,
  minRto: 200_000_000_000,
  maxRto: 60_000_000_000_000,
  clockGranularity: 0,
  rttGain: 1 / 8,
  varianceGain: 1 / 4,
  varianceMultiplier: 4,
};
const MAX_RETRIES = 8;
/** After completion the flow lingers this long to acknowledge a retransmitted server FIN. */
const LINGER_PS = 2_000_000_000_000;
const RCV_WINDOW = 4 * 1024 * 1024;
/** Largest MSS the emulated LAN carries (1500-byte MTU). */
const LAN_MSS = 1460;
const MAX_OUT_OF_ORDER = 1024;
const PS_PER_MS = 1_000_000_000;

export type FlowOutcome = 'completed' | 'reset' | 'failed' | null;

export interface FlowHost {
  /** Puts a client datagram on the router link. */
  send(packet: Uint8Array): void;
  /** Asks for onTimer() at or after `atPs`. */
  wake(flow: ClosedFlow, atPs: number): void;
  /** Tells that the flow's outcome is decided (once). */
  decided(flow: ClosedFlow): void;
  /** Tells that the recorded stream moved forward or the live side made progress (for end-of-replay checks). */
  progress(): void;
}

interface Chunk {
  off: number;
  data: Uint8Array;
  dep: number;
  psh: boolean;
}

/** The recorded client's SYN options (MSS clamped to what the emulated LAN carries). */
interface SynOptions {
  mss: number;
  /** -1 when not offered. */
  windowScale: number;
  sackPermitted: boolean;
  timestamps: boolean;
}

/** The fields of the segment being built: filled and used at once, shared by every flow. */
const scratch: SegmentFields = {
  src: 0, dst: 0, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0,
  tsOn: false, tsVal: 0, tsEcr: 0, syn: null, id: 0, ttl: 64,
};
/** The options of the SYN being built (and its timestamp), likewise shared. */
const synTimestamp: { value: number; echo: number } = { value: 0, echo: 0 };
const synOptions: { mss: number; windowScale: number | undefined; sackPermitted: boolean; timestamp: TcpTimestamp | undefined } = {
  mss: 0, windowScale: undefined, sackPermitted: false, timestamp: undefined,
};
/** The options of the segment being read, refilled per segment. */
const scan = new TcpOptionScan();

export class ClosedFlow {
  // ---- recorded ----
  readonly recIsn: number;
  private readonly syn: SynOptions;
  private readonly recTsVal: number;
  private recServerIsn = -1;
  /** Recorded server FIN's place in the server stream (its data length), -1 when not seen. */
  private recServerFinOff = -1;
  /** The recorded server sent data (or the client acknowledged some): the protocol answers. */
  recAnswered = false;
  private chunks: Chunk[] = [];
  private chunkHead = 0;
  /** Client stream bytes rebuilt contiguously from offset 0. */
  have = 0;
  private outOfOrder: Chunk[] = [];
  private finOff = -1;
  private finDep = 0;
  private rstOff = -1;
  private rstDep = 0;
  /** Recorded client bytes that were already there (retransmissions, duplicates). */
  duplicateBytes = 0;
  /** Recorded frames longer than the MSS that were cut into several segments. */
  resegmented = 0;
  /** Unsent and unacknowledged recorded bytes held. */
  buffered = 0;

  // ---- live ----
  /** linger: completed, still acknowledging a retransmitted server FIN; done: nothing more to do. */
  state: 'syn-sent' | 'open' | 'linger' | 'done' = 'syn-sent';
  outcome: FlowOutcome = null;
  private irs = 0;
  private rcvNxt = 0;
  serverBytes = 0;
  serverFin = false;
  /** Server data that arrived ahead of a gap: [start, end) sequence pairs. */
  private serverAhead: number[] = [];
  /** Where an out-of-order server FIN sits, -1 when none. */
  private serverFinSeq = -1;
  private sndUna = 0;
  private sndNxt = 0;
  private sndMax = 0;
  private finSent = false;
  private peerWnd = 0;
  private peerShift = 0;
  private ourShift = 0;
  private effMss = 536;
  private tsOn = false;
  private tsRecent = 0;
  private startedAt: number;
  private ipId = 0;
  private dupAcks = 0;
  private readonly rtt = new RttEstimator(RTO);
  private retries = 0;
  private rtoAt = -1;
  private idleAt = -1;
  private lingerAt = -1;
  private rttOff = -1;
  private rttSentAt = 0;
  private lastServerDataAt = -1;
  /** Server bytes when we last sent data: a server that said more since then has answered this turn. */
  private serverBytesAtSend = 0;
  /** The highest dependency released by the quiet-server rule. */
  private idleReleased = -1;
  packetsSent = 0;
  bytesSent = 0;
  /** Armed wake-up time, -1 when none. */
  wakeAt = -1;
  /** A flow of the same client endpoint recorded after this one; it starts when this one is decided. */
  successor: ClosedFlow | null = null;
  started = false;

  constructor(
    private readonly host: FlowHost,
    readonly clientIp: number,
    readonly clientPort: number,
    readonly serverIp: number,
    readonly serverPort: number,
    /** The recorded SYN's TCP header: options are read from it. */
    synPacket: Uint8Array,
    tcpOffset: number,
    tcpHeaderLength: number,
    now: number,
  ) {
    this.recIsn = tcpSeq(synPacket, tcpOffset);
    const o = scanSynOptions(synPacket, tcpOffset + 20, tcpOffset + tcpHeaderLength);
    this.syn = { mss: Math.min(o.mss > 0 ? o.mss : 536, LAN_MSS), windowScale: o.windowScale > 14 ? 14 : o.windowScale, sackPermitted: o.sackPermitted, timestamps: o.hasTimestamp };
    this.recTsVal = o.tsValue;
    this.startedAt = now;
  }

  get key(): number {
    return this.clientIp * 65536 + this.clientPort;
  }

  /** True once the flow can no longer change (outcome decided). */
  get decidedOutcome(): boolean {
    return this.outcome !== null;
  }

  /** Sends the SYN (the recorded client's, with its options). */
  start(now: number): void {
    this.started = true;
    this.startedAt = now;
    this.sendSyn(now);
  }

  // ---- recorded frames ----------------------------------------------------------------------------------

  /** A recorded server segment: its ISN and FIN place the client's dependencies. */
  recordServer(seq: number, flags: number, payloadLength: number): void {
    if (flags & SYN) {
      if (this.recServerIsn < 0) this.recServerIsn = seq;
      return;
    }
    if (this.recServerIsn < 0) return;
    const off = seqDiff(seq, this.recServerIsn + 1);
    if (payloadLength > 0 && off + payloadLength > 0) this.recAnswered = true;
    if (flags & FIN && this.recServerFinOff < 0 && off >= 0) this.recServerFinOff = off + payloadLength;
  }

  /** A recorded client segment after the SYN. `payload` is a view of the capture: copied when kept. */
  recordClient(seq: number, ack: number, flags: number, packet: Uint8Array, payloadOffset: number, payloadLength: number, now: number): void {
    if (flags & SYN || this.outcome !== null) return; // a retransmitted SYN (ours went once), or too late
    let dep = 0;
    if (flags & ACK) {
      if (this.recServerIsn < 0) this.recServerIsn = (ack - 1) >>> 0;
      dep = Math.max(0, seqDiff(ack, this.recServerIsn + 1));
      if (dep > 0 && this.recServerFinOff !== 0) this.recAnswered = true;
    }
    const off = seqDiff(seq, this.recIsn + 1);
    if (payloadLength > 0) this.addData(off, packet, payloadOffset, payloadLength, dep, (flags & PSH) !== 0, now);
    if (flags & FIN && this.finOff < 0 && off + payloadLength >= 0) {
      this.finOff = off + payloadLength;
      this.finDep = dep;
    }
    if (flags & RST && this.rstOff < 0 && off >= 0) {
      this.rstOff = off;
      this.rstDep = dep;
    }
    this.host.progress();
    this.pump(now);
  }

  private addData(off: number, packet: Uint8Array, at: number, len: number, dep: number, psh: boolean, now: number): void {
    const end = off + len;
    if (end <= this.have) {
      this.duplicateBytes += len;
      return;
    }
    if (len > this.effMssForRecord()) this.resegmented++;
    if (off > this.have) {
      if (this.outOfOrder.length >= MAX_OUT_OF_ORDER) return;
      // Kept aside (a copy) until the bytes before it arrive.
      const c: Chunk = { off, data: packet.slice(at, at + len), dep, psh };
      let i = this.outOfOrder.length;
      while (i > 0 && this.outOfOrder[i - 1]!.off > off) i--;
      this.outOfOrder.splice(i, 0, c);
      return;
    }
    const skip = this.have - off;
    this.duplicateBytes += skip;
    this.pushChunk({ off: this.have, data: packet.slice(at + skip, at + len), dep, psh });
    // Pieces captured early now fit.
    while (this.outOfOrder.length > 0 && this.outOfOrder[0]!.off <= this.have) {
      const c = this.outOfOrder.shift()!;
      const cEnd = c.off + c.data.length;
      if (cEnd <= this.have) {
        this.duplicateBytes += c.data.length;
        continue;
      }
      const s = this.have - c.off;
      this.duplicateBytes += s;
      this.pushChunk({ off: this.have, data: s === 0 ? c.data : c.data.subarray(s), dep: c.dep, psh: c.psh });
    }
    void now;
  }

  private effMssForRecord(): number {
    return this.syn.mss;
  }

  private pushChunk(c: Chunk): void {
    this.chunks.push(c);
    this.have = c.off + c.data.length;
    this.buffered += c.data.length;
  }

  // ---- live segments from the emulated server ------------------------------------------------------------

  /** A segment from the emulated server for this flow (`t` = TCP header offset in `p`). */
  fromServer(p: Uint8Array, t: number, total: number, now: number): void {
    if (this.state === 'done') return;
    const thl = tcpHeaderLen(p, t);
    if (thl < 20 || t + thl > total) return; // a broken header: nothing to learn from it
    const seq = tcpSeq(p, t);
    const ack = tcpAck(p, t);
    const flags = tcpFlags(p, t);
    const window = tcpWindow(p, t);
    const len = total - t - thl;
    if (this.state === 'linger') {
      // Lingering: acknowledge a retransmitted FIN so the server can close.
      if (this.outcome === 'completed' && flags & FIN && !(flags & RST)) this.sendControl(ACK, now);
      return;
    }
    if (flags & RST) {
      if (this.state === 'syn-sent' && (!(flags & ACK) || ack !== ((this.recIsn + 1) >>> 0))) return;
      this.decide('reset', now);
      return;
    }
    if (this.state === 'syn-sent') {
      if ((flags & (SYN | ACK)) !== (SYN | ACK) || ack !== ((this.recIsn + 1) >>> 0)) return;
      this.established(p, t, thl, seq, window, now);
      return;
    }
    if (flags & SYN) {
      this.sendControl(ACK, now); // our handshake ACK was lost
      return;
    }
    const tsv = this.tsOn ? tsValOf(p, t + 20, t + thl) : -1;
    let needAck = false;
    if (flags & ACK) this.onAck(seqDiff(ack, this.recIsn + 1), window, len === 0 && !(flags & FIN), now);
    if (len > 0 || flags & FIN) {
      needAck = true;
      if (seq === this.rcvNxt) {
        if (tsv >= 0) this.tsRecent = tsv;
        this.rcvNxt = (this.rcvNxt + len) >>> 0;
        this.serverBytes += len;
        if (this.serverAhead.length > 0) this.takeAhead();
        if (len > 0) this.lastServerDataAt = now;
        if ((flags & FIN || this.rcvNxt === this.serverFinSeq) && !this.serverFin) {
          this.serverFin = true;
          this.rcvNxt = (this.rcvNxt + 1) >>> 0;
        }
        this.host.progress();
      } else if (seqDiff(seq, this.rcvNxt) > 0) {
        // Overtook the data before it: its place is kept (only lengths matter here) until the gap is filled.
        if (len > 0 && this.serverAhead.length < 2 * MAX_OUT_OF_ORDER) this.serverAhead.push(seq, (seq + len) >>> 0);
        if (flags & FIN) this.serverFinSeq = (seq + len) >>> 0;
      }
    }
    const sent = this.packetsSent;
    this.pump(now);
    if (needAck && this.packetsSent === sent) this.sendControl(ACK, now);
    this.checkComplete(now);
  }

  /** Moves rcvNxt over server data that arrived ahead of a gap which is now filled. */
  private takeAhead(): void {
    const a = this.serverAhead;
    let moved = true;
    while (moved) {
      moved = false;
      for (let i = 0; i < a.length; i += 2) {
        if (seqDiff(a[i]!, this.rcvNxt) > 0) continue;
        const gain = seqDiff(a[i + 1]!, this.rcvNxt);
        if (gain > 0) {
          this.rcvNxt = a[i + 1]!;
          this.serverBytes += gain;
          moved = true;
        }
        a.splice(i, 2);
        i -= 2;
      }
    }
  }

  private established(p: Uint8Array, t: number, thl: number, seq: number, window: number, now: number): void {
    const o = scanSynOptions(p, t + 20, t + thl);
    this.irs = seq;
    this.rcvNxt = (seq + 1) >>> 0;
    const ws = this.syn.windowScale >= 0 && o.windowScale >= 0;
    this.peerShift = ws ? Math.min(o.windowScale, 14) : 0;
    this.ourShift = ws ? this.syn.windowScale : 0;
    this.tsOn = this.syn.timestamps && o.hasTimestamp;
    if (this.tsOn) this.tsRecent = o.tsValue;
    this.effMss = Math.max(64, Math.min(o.mss > 0 ? o.mss : 536, this.syn.mss) - (this.tsOn ? 12 : 0));
    this.peerWnd = window;
    this.state = 'open';
    this.sndUna = 0;
    this.sndNxt = 0;
    this.sndMax = 0;
    if (this.retries === 0) this.sampleRtt(now - this.startedAt); // Karn: not after a SYN retransmission
    this.retries = 0;
    this.rtoAt = -1;
    this.host.progress();
    const sent = this.packetsSent;
    this.pump(now);
    if (this.packetsSent === sent) this.sendControl(ACK, now);
    this.rearm();
  }

  private onAck(ackOff: number, window: number, pure: boolean, now: number): void {
    const wnd = window << this.peerShift;
    if (ackOff > this.sndUna && ackOff <= this.sndMax) {
      if (this.rttOff >= 0 && ackOff > this.rttOff) {
        this.sampleRtt(now - this.rttSentAt);
        this.rttOff = -1;
      }
      this.sndUna = ackOff;
      if (this.sndNxt < this.sndUna) this.sndNxt = this.sndUna;
      this.dropAcked();
      this.dupAcks = 0;
      this.retries = 0;
      this.rtoAt = this.sndUna < this.sndMax ? now + this.rtt.rto : -1;
      this.host.progress();
    } else if (ackOff === this.sndUna && pure && this.sndMax > this.sndUna && wnd === this.peerWnd) {
      if (++this.dupAcks === 3) this.retransmitFirst(now);
    }
    this.peerWnd = wnd;
  }

  private dropAcked(): void {
    const una = this.sndUna;
    while (this.chunkHead < this.chunks.length) {
      const c = this.chunks[this.chunkHead]!;
      if (c.off + c.data.length > una) break;
      this.buffered -= c.data.length;
      this.chunks[this.chunkHead++] = undefined as unknown as Chunk;
    }
    if (this.chunkHead > 64 && this.chunkHead * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.chunkHead);
      this.chunkHead = 0;
    }
  }

  // ---- sending ------------------------------------------------------------------------------------------

  private depMet(dep: number): boolean {
    return dep <= this.serverBytes || this.serverFin || dep <= this.idleReleased;
  }

  /** Sends what the window, the dependencies and the recording allow. */
  private pump(now: number, probe = false): void {
    if (this.state !== 'open' || this.outcome !== null) return;
    let maxDep = 0;
    for (;;) {
      if (this.sndNxt < this.have) {
        const c = this.chunkAt(this.sndNxt);
        if (c === null) break;
        if (c.dep > maxDep) maxDep = c.dep;
        if (!this.depMet(maxDep) && !this.waitIdle(maxDep, now)) break;
        const cEnd = c.off + c.data.length;
        const wndEnd = this.sndUna + this.peerWnd;
        let end = Math.min(cEnd, this.sndNxt + this.effMss, wndEnd);
        if (end <= this.sndNxt) {
          if (!probe) {
            if (this.rtoAt < 0) this.rtoAt = now + this.rtt.rto; // persist: probe the closed window
            break;
          }
          end = this.sndNxt + 1;
        }
        probe = false;
        const from = this.sndNxt - c.off;
        this.sendData(c.data, from, end - c.off, end === cEnd && c.psh, now);
        continue;
      }
      if (this.finOff >= 0 && this.have === this.finOff && this.sndNxt === this.finOff && !this.finSent) {
        if (this.finDep > maxDep) maxDep = this.finDep;
        if (!this.depMet(maxDep) && !this.waitIdle(maxDep, now)) break;
        this.finSent = true;
        this.sendFlags(FIN | ACK, this.finOff, now);
        this.sndNxt = this.finOff + 1;
        if (this.sndNxt > this.sndMax) this.sndMax = this.sndNxt;
        if (this.rtoAt < 0) this.rtoAt = now + this.rtt.rto;
        continue;
      }
      if (this.rstOff >= 0 && this.have >= this.rstOff && this.sndUna >= Math.min(this.rstOff, this.have) && this.depMet(Math.max(maxDep, this.rstDep))) {
        this.sendFlags(RST | ACK, this.rstOff, now);
        this.decide('reset', now);
        return;
      }
      break;
    }
    this.rearm();
  }

  private chunkAt(off: number): Chunk | null {
    const cs = this.chunks;
    // Usually the head or close to it: a linear walk from the head.
    for (let i = this.chunkHead; i < cs.length; i++) {
      const c = cs[i]!;
      if (off < c.off + c.data.length) return off >= c.off ? c : null;
    }
    return null;
  }

  /** True when the quiet-server rule releases `dep` now; otherwise arms the check for later. */
  private waitIdle(dep: number, now: number): boolean {
    // The server said something since our last data and then went quiet: its answer is complete.
    if (this.serverBytes > this.serverBytesAtSend && this.lastServerDataAt >= 0) {
      const at = this.lastServerDataAt + IDLE_TURN_PS;
      if (at <= now) {
        this.idleReleased = dep;
        return true;
      }
      this.idleAt = at;
    }
    return false;
  }

  private sendData(data: Uint8Array, from: number, to: number, psh: boolean, now: number): void {
    const off = this.sndNxt;
    const f = this.fields(ACK | (psh ? PSH : 0), off, now);
    this.emit(buildSegment(f, data, from, to));
    this.bytesSent += to - from;
    this.serverBytesAtSend = this.serverBytes;
    if (this.rttOff < 0 && off >= this.sndMax) {
      this.rttOff = off;
      this.rttSentAt = now;
    }
    this.sndNxt = off + (to - from);
    if (this.sndNxt > this.sndMax) this.sndMax = this.sndNxt;
    if (this.rtoAt < 0) this.rtoAt = now + this.rtt.rto;
  }

  private sendFlags(flags: number, off: number, now: number): void {
    this.emit(buildSegment(this.fields(flags, off, now), null, 0, 0));
  }

  /** A segment without data at sndNxt (pure ACK). */
  private sendControl(flags: number, now: number): void {
    this.sendFlags(flags, this.state === 'linger' ? this.sndMax : this.sndNxt, now);
  }

  private sendSyn(now: number): void {
    const f = this.fields(SYN, -1, now);
    const s = this.syn;
    synOptions.mss = s.mss;
    synOptions.windowScale = s.windowScale >= 0 ? s.windowScale : undefined;
    synOptions.sackPermitted = s.sackPermitted;
    synTimestamp.value = f.tsVal;
    synOptions.timestamp = s.timestamps ? synTimestamp : undefined;
    f.syn = synOptions;
    f.window = 65535;
    this.emit(buildSegment(f, null, 0, 0));
    this.rtoAt = now + this.rtt.rto;
    this.rearm();
  }

  private fields(flags: number, off: number, now: number): SegmentFields {
    const f = scratch;
    f.src = this.clientIp;
    f.dst = this.serverIp;
    f.srcPort = this.clientPort;
    f.dstPort = this.serverPort;
    f.seq = (this.recIsn + 1 + off) >>> 0;
    f.ack = this.rcvNxt;
    f.flags = flags;
    f.window = Math.min(65535, RCV_WINDOW >>> this.ourShift);
    f.tsOn = this.tsOn;
    f.tsVal = (this.recTsVal + Math.floor((now - this.startedAt) / PS_PER_MS)) >>> 0;
    f.tsEcr = this.tsRecent;
    f.syn = null;
    f.id = this.ipId++ & 0xffff;
    return f;
  }

  private emit(packet: Uint8Array): void {
    this.packetsSent++;
    this.host.send(packet);
  }

  // ---- timers -------------------------------------------------------------------------------------------

  private rearm(): void {
    let at = this.rtoAt;
    if (this.idleAt >= 0 && (at < 0 || this.idleAt < at)) at = this.idleAt;
    if (this.lingerAt >= 0 && (at < 0 || this.lingerAt < at)) at = this.lingerAt;
    if (at >= 0 && (this.wakeAt < 0 || at < this.wakeAt)) this.host.wake(this, at);
  }

  /** The injector's timer for this flow fired (it may be early or stale: deadlines are checked here). */
  onTimer(now: number): void {
    if (this.lingerAt >= 0 && now >= this.lingerAt) {
      this.lingerAt = -1;
      this.state = 'done';
      return;
    }
    if (this.outcome !== null) {
      this.rearm();
      return;
    }
    if (this.idleAt >= 0 && now >= this.idleAt) {
      this.idleAt = -1;
      this.pump(now);
    }
    if (this.rtoAt >= 0 && now >= this.rtoAt) {
      this.rtoAt = -1;
      if (++this.retries > MAX_RETRIES) {
        this.decide('failed', now);
        return;
      }
      this.rtt.backoff++;
      this.rttOff = -1; // Karn: no samples from retransmitted data
      if (this.state === 'syn-sent') this.sendSyn(now);
      else this.goBack(now);
    }
    this.rearm();
  }

  private goBack(now: number): void {
    const inFlight = this.sndMax > this.sndUna;
    this.sndNxt = this.sndUna;
    if (this.finSent && this.sndUna <= this.finOff) this.finSent = false;
    this.pump(now, !inFlight);
    if (this.rtoAt < 0 && (this.sndMax > this.sndUna || this.sndNxt < this.have)) this.rtoAt = now + this.rtt.rto;
  }

  private retransmitFirst(now: number): void {
    const keep = this.sndNxt;
    const keepMax = this.sndMax;
    const keepFin = this.finSent;
    this.sndNxt = this.sndUna;
    if (this.finSent && this.sndUna === this.finOff) {
      this.sendFlags(FIN | ACK, this.finOff, now);
    } else {
      const c = this.chunkAt(this.sndUna);
      if (c !== null) {
        const end = Math.min(c.off + c.data.length, this.sndUna + this.effMss);
        this.sendData(c.data, this.sndUna - c.off, end - c.off, false, now);
      }
    }
    this.sndNxt = keep;
    this.sndMax = keepMax;
    this.finSent = keepFin;
    this.rttOff = -1;
  }

  /** A sample sets the RTO afresh: the backoff of earlier timeouts ends with it. */
  private sampleRtt(r: number): void {
    this.rtt.sample(r);
    this.rtt.backoff = 0;
  }

  // ---- outcome ------------------------------------------------------------------------------------------

  private checkComplete(now: number): void {
    if (this.outcome !== null || !this.finSent || !this.serverFin) return;
    if (this.sndUna < this.finOff + 1) return;
    if (this.recAnswered && this.serverBytes === 0) return;
    this.decide('completed', now);
  }

  private decide(outcome: Exclude<FlowOutcome, null>, now: number): void {
    if (this.outcome !== null) return;
    this.outcome = outcome;
    this.rtoAt = -1;
    this.idleAt = -1;
    this.chunks = [];
    this.chunkHead = 0;
    this.outOfOrder = [];
    this.buffered = 0;
    // Every flow lingers: late recorded frames still find it, and a completed one re-acknowledges a FIN.
    this.state = 'linger';
    this.lingerAt = now + LINGER_PS;
    this.host.decided(this);
    this.rearm();
  }
}

/** The options of a SYN or SYN-ACK in p[start, end); a malformed option ends the scan (the shared record). */
function scanSynOptions(p: Uint8Array, start: number, end: number): TcpOptionScan {
  scanTcpOptions(p, start, end, scan);
  return scan;
}

/** TSval of a segment's timestamp option, -1 when there is none. */
function tsValOf(p: Uint8Array, start: number, end: number): number {
  scanTcpOptions(p, start, end, scan);
  return scan.hasTimestamp ? scan.tsValue : -1;
}
