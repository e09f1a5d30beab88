// Segment arrival (RFC 9293 section 3.10.7) for listeners and connections, with the RFC 5961 defences
// (exact-sequence RST, challenge ACKs), NewReno loss recovery (RFC 5681/6582) and RFC 6298 RTT sampling.

import { TcpFlag } from '../../net/tcp.js';
import type { TcpConnection } from './connection.js';
import type { TcpEngine } from './engine.js';
import type { TcpListener } from './listener.js';
import { emit, output, receiveWindow, retransmitFirst, schedule, sendResetFor, sendSyn } from './output.js';
import { Reassembly } from './reassembly.js';
import type { Segment } from './segment.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../../net/tcp-seq.js';
import { TcpState, type TcpInput } from './types.js';

/** Duplicate ACKs that trigger fast retransmit (z/OS FRRTHRESHOLD default, RFC 5681). */
const DUP_ACK_THRESHOLD = 3;
/** Smallest segment payload we accept to use, whatever MSS the peer claims. */
const MIN_MSS = 16;

function alive(conn: TcpConnection): boolean {
  return conn.state !== TcpState.CLOSED;
}

/** Applies the options of the peer's SYN (or SYN-ACK) to the connection. */
function takeSynOptions(eng: TcpEngine, conn: TcpConnection, seg: Segment): void {
  const c = eng.config;
  const o = seg.opts;
  conn.irs = seg.seq;
  conn.rcvNxt = seqAdd(seg.seq, 1);
  conn.wsAgreed = c.windowScale >= 0 && o.windowScale >= 0;
  conn.sndShift = conn.wsAgreed ? Math.min(o.windowScale, 14) : 0;
  conn.rcvShift = conn.wsAgreed ? c.windowScale : 0;
  conn.tsOn = c.timestamps && o.hasTimestamp;
  if (conn.tsOn) conn.tsRecent = o.tsValue;
  conn.peerSackPermitted = o.sackPermitted;
  const peerMss = o.mss > 0 ? o.mss : 536; // RFC 9293 default when the option is absent
  conn.effMss = Math.max(MIN_MSS, Math.min(peerMss, c.mss) - (conn.tsOn ? 12 : 0));
  conn.cwnd = c.initialCwnd * conn.effMss;
  conn.sndWnd = seg.window; // never scaled in a SYN
  conn.maxSndWnd = conn.sndWnd;
  conn.sndWl1 = seg.seq;
  conn.sndWl2 = seg.ack;
}

/** A segment for a listening socket (no connection matched). */
export function listenInput(eng: TcpEngine, l: TcpListener, seg: Segment, now: number): TcpInput {
  const f = seg.flags;
  if (f & TcpFlag.RST) return 'ok';
  if (f & TcpFlag.ACK) {
    sendResetFor(eng, seg);
    return 'no-socket';
  }
  if (!(f & TcpFlag.SYN) || f & TcpFlag.FIN) return 'ok';
  if (l.full) {
    l.dropped++;
    eng.counters.listenDrops++;
    return 'listen-drop';
  }
  const conn = eng.createConnection(seg.dst, seg.dstPort, seg.src, seg.srcPort, l, l.handler, now);
  conn.state = TcpState.SYN_RECEIVED;
  l.synQueue++;
  eng.counters.passiveOpens++;
  takeSynOptions(eng, conn, seg);
  sendSyn(eng, conn, now);
  schedule(eng, conn);
  return 'ok';
}

/** Is a segment of `segLen` sequence numbers at `seq` inside the receive window (RFC 9293 table 6)? */
function acceptable(rcvNxt: number, wnd: number, seq: number, segLen: number): boolean {
  if (wnd === 0) return seq === rcvNxt;
  // seq - rcvNxt in [0, wnd) for the first octet, or for the last one when the segment has any.
  const first = (seq - rcvNxt) >>> 0;
  if (first < wnd) return true;
  if (segLen === 0) return false;
  return ((seq + segLen - 1 - rcvNxt) >>> 0) < wnd;
}

export function segmentArrives(eng: TcpEngine, conn: TcpConnection, seg: Segment, now: number): void {
  const f = seg.flags;
  if (conn.state === TcpState.SYN_SENT) {
    synSentInput(eng, conn, seg, now);
    return;
  }
  if (conn.state === TcpState.SYN_RECEIVED && f & TcpFlag.SYN && !(f & TcpFlag.ACK) && seg.seq === conn.irs) {
    emit(eng, conn, now, conn.iss, TcpFlag.SYN | TcpFlag.ACK, 0, 0); // our SYN-ACK was lost: say it again
    return;
  }

  // A SYN on a synchronized connection, whatever its sequence number: challenge ACK (RFC 5961 section 4).
  if (f & TcpFlag.SYN && !(f & TcpFlag.RST)) {
    challengeAck(eng, conn, now);
    return;
  }

  // 1. Sequence number check.
  const segLen = seg.payloadLength + (f & TcpFlag.FIN ? 1 : 0);
  if (!acceptable(conn.rcvNxt, receiveWindow(eng, conn), seg.seq, segLen)) {
    if (!(f & TcpFlag.RST)) {
      if (conn.state === TcpState.TIME_WAIT && f & TcpFlag.FIN) conn.closeAt = now + Math.max(1, eng.config.timeWait);
      conn.ackNow = true;
      output(eng, conn, now);
    }
    return;
  }
  if (conn.tsOn && seg.opts.hasTimestamp && seqLe(seg.seq, conn.lastAckSent) && seqGe(seg.opts.tsValue, conn.tsRecent)) {
    conn.tsRecent = seg.opts.tsValue;
  }

  // 2. RST: only the exact next sequence number resets; anything else in the window gets a challenge ACK.
  if (f & TcpFlag.RST) {
    resetInput(eng, conn, seg, now);
    return;
  }
  // 4. Everything else must carry an ACK.
  if (!(f & TcpFlag.ACK)) return;

  // 5. ACK.
  if (conn.state === TcpState.SYN_RECEIVED) {
    if (!(seqGt(seg.ack, conn.sndUna) && seqLe(seg.ack, conn.sndMax))) {
      sendResetFor(eng, seg);
      return;
    }
    const l = conn.listener;
    if (l && !l.accepting && l.acceptQueue.length >= l.backlog) return; // accept queue full: SYN-ACK will repeat
    conn.sndUna = seqAdd(conn.iss, 1);
    takeRttSample(conn, seg.ack, now);
    conn.sndWnd = seg.window * 2 ** conn.sndShift;
    conn.maxSndWnd = Math.max(conn.maxSndWnd, conn.sndWnd);
    conn.sndWl1 = seg.seq;
    conn.sndWl2 = seg.ack;
    conn.rtxAt = 0;
    eng.establish(conn, now);
    if (!alive(conn)) return;
  }
  if (!ackInput(eng, conn, seg, now)) return;
  if (!alive(conn)) return;
  if (conn.state === TcpState.FIN_WAIT_2) conn.closeAt = now + eng.config.finWait2Timeout;

  // 7-8. Data and FIN.
  if (seg.payloadLength > 0 || f & TcpFlag.FIN) {
    dataInput(eng, conn, seg, now);
    if (!alive(conn)) return;
  }
  output(eng, conn, now);
}

function challengeAck(eng: TcpEngine, conn: TcpConnection, now: number): void {
  eng.counters.challengeAcks++;
  conn.ackNow = true;
  output(eng, conn, now);
}

function synSentInput(eng: TcpEngine, conn: TcpConnection, seg: Segment, now: number): void {
  const f = seg.flags;
  if (f & TcpFlag.ACK && (seqLe(seg.ack, conn.iss) || seqGt(seg.ack, conn.sndMax))) {
    sendResetFor(eng, seg);
    return;
  }
  if (f & TcpFlag.RST) {
    if (f & TcpFlag.ACK) {
      // Connection refused.
      eng.counters.inRsts++;
      eng.counters.attemptFails++;
      eng.free(conn, now, 'reset');
      eng.notifyClosed(conn, now, 'reset');
    }
    return;
  }
  if (!(f & TcpFlag.SYN)) return;
  takeSynOptions(eng, conn, seg);
  if (f & TcpFlag.ACK) {
    conn.sndUna = seg.ack;
    takeRttSample(conn, seg.ack, now);
    conn.retries = 0;
    conn.rtt.backoff = 0;
    conn.rtxAt = 0;
    conn.closeAt = 0;
    conn.ackNow = true;
    eng.establish(conn, now);
    if (!alive(conn)) return;
    output(eng, conn, now);
  } else {
    // Simultaneous open: answer with SYN-ACK from the same ISS.
    conn.state = TcpState.SYN_RECEIVED;
    conn.rttTime = -1;
    sendSyn(eng, conn, now);
    schedule(eng, conn);
  }
}

function resetInput(eng: TcpEngine, conn: TcpConnection, seg: Segment, now: number): void {
  if (seg.seq !== conn.rcvNxt) {
    challengeAck(eng, conn, now);
    return;
  }
  const s = conn.state;
  if (s === TcpState.TIME_WAIT) return; // RFC 1337: no TIME_WAIT assassination
  eng.counters.inRsts++;
  if (s === TcpState.SYN_RECEIVED) {
    if (conn.passive) {
      eng.free(conn, now, null); // back to LISTEN, as far as the application can tell
      return;
    }
    eng.counters.attemptFails++;
  } else if (s === TcpState.ESTABLISHED || s === TcpState.CLOSE_WAIT) {
    eng.counters.estabResets++;
  }
  eng.free(conn, now, 'reset');
  eng.notifyClosed(conn, now, 'reset');
}

function takeRttSample(conn: TcpConnection, ack: number, now: number): void {
  if (conn.rttTime >= 0 && seqGe(ack, conn.rttSeq)) {
    conn.rtt.sample(now - conn.rttTime);
    conn.rttTime = -1;
  }
}

/** Processes the acknowledgement and window fields; false when the segment must be dropped. */
function ackInput(eng: TcpEngine, conn: TcpConnection, seg: Segment, now: number): boolean {
  const ack = seg.ack;
  if (seqGt(ack, conn.sndMax)) {
    // Acknowledges something never sent: tell the peer where we are and drop it (RFC 9293, RFC 5961).
    conn.ackNow = true;
    output(eng, conn, now);
    return false;
  }
  if (seqLt(ack, (conn.sndUna - conn.maxSndWnd) >>> 0)) {
    challengeAck(eng, conn, now);
    return false;
  }
  const acked = seqDiff(ack, conn.sndUna);
  const prevWnd = conn.sndWnd;
  if (acked >= 0 && (seqLt(conn.sndWl1, seg.seq) || (conn.sndWl1 === seg.seq && seqLe(conn.sndWl2, ack)))) {
    conn.sndWnd = seg.window * 2 ** conn.sndShift;
    if (conn.sndWnd > conn.maxSndWnd) conn.maxSndWnd = conn.sndWnd;
    conn.sndWl1 = seg.seq;
    conn.sndWl2 = ack;
  }
  if (acked > 0) return newAck(eng, conn, ack, acked, now);
  if (
    acked === 0 &&
    seg.payloadLength === 0 &&
    !(seg.flags & (TcpFlag.SYN | TcpFlag.FIN)) &&
    conn.sndWnd === prevWnd &&
    conn.sndMax !== conn.sndUna
  ) {
    duplicateAck(eng, conn, ack, now);
  }
  return true;
}

function newAck(eng: TcpEngine, conn: TcpConnection, ack: number, acked: number, now: number): boolean {
  const buf = conn.sendBuf;
  const finAcked = conn.finQueued && acked > buf.length;
  buf.consume(Math.min(acked, buf.length));
  if (finAcked) conn.finAcked = true;
  conn.sndUna = ack;
  if (seqLt(conn.sndNxt, ack)) conn.sndNxt = ack;
  takeRttSample(conn, ack, now);
  // New data acknowledged: the path works again, so the backoff ends (RTT samples still obey Karn).
  conn.rtt.backoff = 0;
  conn.retries = 0;
  const mss = conn.effMss;
  if (conn.inRecovery) {
    if (seqGe(ack, conn.recover)) {
      conn.inRecovery = false;
      conn.dupAcks = 0;
      conn.cwnd = Math.max(mss, Math.min(conn.ssthresh, seqDiff(conn.sndMax, conn.sndUna) + mss));
    } else {
      // Partial ACK: the next hole is lost too (RFC 6582 step 3).
      retransmitFirst(eng, conn, now);
      conn.cwnd = Math.max(mss, conn.cwnd - acked + mss);
    }
  } else {
    conn.dupAcks = 0;
    if (conn.cwnd < conn.ssthresh) conn.cwnd += Math.min(acked, mss);
    else conn.cwnd += Math.max(1, Math.floor((mss * mss) / conn.cwnd));
    if (conn.cwnd > 0x3fff_ffff) conn.cwnd = 0x3fff_ffff;
  }
  conn.rtxAt = conn.sndUna === conn.sndMax ? 0 : now + conn.rtt.rto;

  if (finAcked) {
    switch (conn.state) {
      case TcpState.FIN_WAIT_1:
        conn.state = TcpState.FIN_WAIT_2;
        conn.closeAt = now + eng.config.finWait2Timeout;
        break;
      case TcpState.CLOSING:
        eng.enterTimeWait(conn, now);
        break;
      case TcpState.LAST_ACK:
        eng.free(conn, now, 'close');
        eng.notifyClosed(conn, now, 'normal');
        return false;
    }
  }
  if (conn.wantWritable && buf.free > 0 && !conn.finQueued && conn.accepted) {
    conn.wantWritable = false;
    conn.handler.onWritable?.(now, conn);
  }
  return true;
}

function duplicateAck(eng: TcpEngine, conn: TcpConnection, ack: number, now: number): void {
  conn.dupAcks++;
  const mss = conn.effMss;
  if (conn.inRecovery) {
    conn.cwnd += mss; // each dup ACK means a segment left the network
    return;
  }
  if (conn.dupAcks === DUP_ACK_THRESHOLD && seqGt(ack, conn.recover)) {
    eng.counters.fastRetransmits++;
    const flight = seqDiff(conn.sndMax, conn.sndUna);
    conn.ssthresh = Math.max(Math.floor(flight / 2), 2 * mss);
    conn.recover = conn.sndMax;
    conn.inRecovery = true;
    retransmitFirst(eng, conn, now);
    conn.cwnd = conn.ssthresh + DUP_ACK_THRESHOLD * mss;
    conn.rtxAt = now + conn.rtt.rto;
  }
}

function ackPolicy(eng: TcpEngine, conn: TcpConnection, now: number): void {
  if (conn.ackNow) return;
  const c = eng.config;
  if (!c.delayedAck || ++conn.unackedSegs >= 2) conn.ackNow = true;
  else if (conn.dackAt === 0) conn.dackAt = now + c.delayedAckTimeout;
}

function dataInput(eng: TcpEngine, conn: TcpConnection, seg: Segment, now: number): void {
  const s = conn.state;
  // After the peer's FIN nothing more can arrive; its retransmissions were acknowledged by the sequence check.
  if (s !== TcpState.ESTABLISHED && s !== TcpState.FIN_WAIT_1 && s !== TcpState.FIN_WAIT_2) return;
  let fin = (seg.flags & TcpFlag.FIN) !== 0;
  let seq = seg.seq;
  let off = seg.payloadOffset;
  let len = seg.payloadLength;
  const head = seqDiff(conn.rcvNxt, seq);
  if (head > 0) {
    if (head > len) fin = false; // the FIN too was seen before
    const cut = Math.min(head, len);
    off += cut;
    len -= cut;
    seq = conn.rcvNxt;
  }
  const over = seqDiff(seqAdd(seq, len), seqAdd(conn.rcvNxt, receiveWindow(eng, conn)));
  if (over > 0) {
    len = Math.max(0, len - over);
    fin = false;
    conn.ackNow = true;
  }
  const finPos = seqAdd(seq, len);
  if (seq !== conn.rcvNxt) {
    // Out of order: keep it and send a duplicate ACK at once, so the sender learns of the hole.
    const r = (conn.reasm ??= new Reassembly());
    if (len > 0) r.insert(seq, seg.packet.subarray(off, off + len), conn.rcvNxt);
    if (fin) r.finSeq = finPos;
    conn.ackNow = true;
    return;
  }
  const hadHole = conn.reasm !== null && !conn.reasm.empty;
  if (hadHole) conn.ackNow = true; // RFC 5681: ACK at once when a hole is filled
  // Take the whole segment in first (its data, what it joins up with, its FIN), then tell the application:
  // callbacks see the connection as TCP left it (CLOSE_WAIT when the data came with the FIN), and anything
  // they send carries the final acknowledgement.
  const data = len > 0 ? seg.packet.subarray(off, off + len) : null;
  conn.rcvNxt = finPos;
  if (len > 0) ackPolicy(eng, conn, now);
  let joined: Uint8Array[] | null = null;
  let finReady = fin;
  if (hadHole && conn.reasm) {
    const r = conn.reasm;
    for (let chunk = r.take(conn.rcvNxt); chunk !== null; chunk = r.take(conn.rcvNxt)) {
      (joined ??= []).push(chunk);
      conn.rcvNxt = seqAdd(conn.rcvNxt, chunk.length);
    }
    // This segment's FIN counts only if nothing held beyond it was joined; or a FIN held back is due now.
    finReady = (fin && finPos === conn.rcvNxt) || r.finAt(conn.rcvNxt);
    if (finReady) r.finSeq = -1;
  }
  if (finReady) {
    conn.rcvNxt = seqAdd(conn.rcvNxt, 1);
    conn.ackNow = true;
    if (s === TcpState.ESTABLISHED) conn.state = TcpState.CLOSE_WAIT;
    else if (s === TcpState.FIN_WAIT_1) conn.state = TcpState.CLOSING;
    else eng.enterTimeWait(conn, now, false);
  }
  if (data !== null) {
    eng.deliver(conn, now, data);
    if (!alive(conn)) return;
  }
  if (joined !== null) {
    for (const chunk of joined) {
      eng.deliver(conn, now, chunk);
      if (!alive(conn)) return;
    }
  }
  if (finReady) {
    eng.peerClosed(conn, now);
    if (!alive(conn)) return;
    if (s === TcpState.FIN_WAIT_2) eng.notifyClosed(conn, now, 'normal');
  }
}
