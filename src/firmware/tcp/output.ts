// Everything the engine sends: segments of a connection (SYN, data, FIN, ACK, RST), RSTs for segments that
// have no connection, and the per-connection timer. One allocation per packet (the datagram the host keeps), from the packet slabs.

import { IPV4_MIN_HEADER } from '../../net/ipv4.js';
import { allocPacket } from '../../net/packet-alloc.js';
import { TCP_MIN_HEADER, TcpFlag, tcpOptionsLength, writeIpv4TcpChecksum, writeIpv4TcpHeaders, writeTcpOptions, writeTimestampOption } from '../../net/tcp.js';
import type { TcpOptions, TcpSegmentHeader } from '../../net/tcp.js';
import type { TcpConnection } from './connection.js';
import type { TcpEngine } from './engine.js';
import type { Segment } from './segment.js';
import { seqAdd, seqDiff, seqGt, seqLt } from '../../net/tcp-seq.js';
import { TcpState } from './types.js';

const IP_HEADER = IPV4_MIN_HEADER;
const TCP_HEADER = TCP_MIN_HEADER;
const PS_PER_MS = 1_000_000_000;

/** TSval: a millisecond clock with a per-connection random offset (RFC 7323 section 5.4). */
export function tsClock(conn: TcpConnection, now: number): number {
  return (Math.floor(now / PS_PER_MS) + conn.tsOffset) >>> 0;
}

/** Bytes we can take now: the receive buffer less what waits for the application's accept(). */
export function receiveWindow(eng: TcpEngine, conn: TcpConnection): number {
  return Math.max(0, eng.config.receiveWindow - conn.pendingRxBytes);
}

function windowField(eng: TcpEngine, conn: TcpConnection, syn: boolean): number {
  const w = receiveWindow(eng, conn);
  return Math.min(0xffff, syn ? w : w >>> conn.rcvShift);
}

/** The header of the datagram being built: filled and used at once, shared by every engine. */
const scratch = { src: 0, dst: 0, id: 0, ttl: 64, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0 };

function header(eng: TcpEngine, src: number, dst: number, srcPort: number, dstPort: number, seq: number, ack: number, flags: number, window: number): TcpSegmentHeader {
  const h = scratch;
  h.src = src;
  h.dst = dst;
  h.id = eng.nextIpId();
  h.ttl = eng.config.ttl;
  h.srcPort = srcPort;
  h.dstPort = dstPort;
  h.seq = seq;
  h.ack = ack;
  h.flags = flags;
  h.window = window;
  return h;
}

/** Options of our SYN or SYN-ACK: MSS always; window scale and timestamps when offered (SYN) or agreed
 *  (SYN-ACK: only if the peer's SYN carried them). */
function synOptions(eng: TcpEngine, conn: TcpConnection, now: number): TcpOptions {
  const c = eng.config;
  const active = conn.state === TcpState.SYN_SENT;
  const o: { mss: number; windowScale?: number; timestamp?: { value: number; echo: number } } = { mss: c.mss };
  if (c.windowScale >= 0 && (active || conn.wsAgreed)) o.windowScale = c.windowScale;
  if (active ? c.timestamps : conn.tsOn) o.timestamp = { value: tsClock(conn, now), echo: active ? 0 : conn.tsRecent };
  return o;
}

/** Sends one segment of `conn`: `len` bytes from `dataOffset` (relative to SND.UNA) of the send buffer. */
export function emit(
  eng: TcpEngine,
  conn: TcpConnection,
  now: number,
  seq: number,
  flags: number,
  dataOffset: number,
  len: number,
): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  let options: TcpOptions | null = null;
  let optLen = 0;
  if (syn) {
    options = synOptions(eng, conn, now);
    optLen = tcpOptionsLength(options);
  } else if (conn.tsOn && (flags & TcpFlag.RST) === 0) {
    optLen = 12;
  }
  const thl = TCP_HEADER + optLen;
  const pkt = allocPacket(IP_HEADER + thl + len);
  const ack = (flags & TcpFlag.ACK) !== 0 ? conn.rcvNxt : 0;
  writeIpv4TcpHeaders(pkt, header(eng, conn.localIp, conn.remoteIp, conn.localPort, conn.remotePort, seq, ack, flags, windowField(eng, conn, syn)), thl);
  if (options) writeTcpOptions(pkt, IP_HEADER + TCP_HEADER, options);
  else if (optLen === 12) writeTimestampOption(pkt, IP_HEADER + TCP_HEADER, tsClock(conn, now), conn.tsRecent);
  if (len > 0) conn.sendBuf.copyOut(dataOffset, len, pkt, IP_HEADER + thl);
  writeIpv4TcpChecksum(pkt, IP_HEADER);
  const counters = eng.counters;
  counters.outSegs++;
  if (len > 0) {
    if (seqLt(seq, conn.sndMax)) {
      counters.retransSegs++;
      conn.segmentsRetransmitted++;
    } else {
      counters.bytesSent += len;
      conn.bytesOut += len;
    }
  } else if ((syn || (flags & TcpFlag.FIN) !== 0) && seqLt(seq, conn.sndMax)) {
    counters.retransSegs++;
    conn.segmentsRetransmitted++;
  }
  if ((flags & TcpFlag.RST) !== 0) counters.outRsts++;
  if ((flags & TcpFlag.ACK) !== 0) {
    conn.ackNow = false;
    conn.unackedSegs = 0;
    conn.dackAt = 0;
    conn.lastAckSent = conn.rcvNxt;
  }
  eng.host.transmit(pkt);
}

/** (Re)sends our SYN (SYN_SENT) or SYN-ACK (SYN_RECEIVED) and arms the retransmission deadline. */
export function sendSyn(eng: TcpEngine, conn: TcpConnection, now: number): void {
  const flags = conn.state === TcpState.SYN_SENT ? TcpFlag.SYN : TcpFlag.SYN | TcpFlag.ACK;
  if (conn.sndMax === conn.iss && conn.rttTime < 0) {
    conn.rttSeq = seqAdd(conn.iss, 1);
    conn.rttTime = now;
  }
  emit(eng, conn, now, conn.iss, flags, 0, 0);
  conn.sndNxt = seqAdd(conn.iss, 1);
  if (seqGt(conn.sndNxt, conn.sndMax)) conn.sndMax = conn.sndNxt;
  conn.rtxAt = now + conn.rtt.rto;
}

/** Sends what the windows allow, then a bare ACK if one is still owed, then re-arms the timer. */
export function output(eng: TcpEngine, conn: TcpConnection, now: number): void {
  const s = conn.state;
  if (s === TcpState.CLOSED) return;
  if (s >= TcpState.ESTABLISHED && s !== TcpState.TIME_WAIT) sendData(eng, conn, now);
  if (conn.ackNow) emit(eng, conn, now, conn.sndNxt, TcpFlag.ACK, 0, 0);
  schedule(eng, conn);
}

function sendData(eng: TcpEngine, conn: TcpConnection, now: number): void {
  if (conn.finAcked) return;
  const buf = conn.sendBuf;
  for (;;) {
    const dataEnd = buf.length; // offset of the FIN position from SND.UNA
    const nxtOff = seqDiff(conn.sndNxt, conn.sndUna);
    const avail = dataEnd - nxtOff; // negative once the FIN went out
    const inFlight = nxtOff;
    const room = Math.min(conn.cwnd, conn.sndWnd) - inFlight;
    let len = Math.min(conn.effMss, Math.max(0, avail), Math.max(0, room));
    if (len > 0) {
      // Sender-side silly window avoidance: hold back a runt while earlier data is still unacknowledged.
      if (len < conn.effMss && len < avail && inFlight > 0) break;
    } else if (!(conn.finQueued && avail === 0)) {
      if (avail > 0 && conn.sndWnd === 0 && inFlight === 0 && conn.rtxAt === 0) conn.rtxAt = now + conn.rtt.rto; // persist
      break;
    } else {
      len = 0; // FIN alone; it takes no window so a closed window cannot hold it back forever
    }
    const fin = conn.finQueued && nxtOff + len === dataEnd;
    let flags = TcpFlag.ACK;
    if (len > 0 && nxtOff + len === dataEnd) flags |= TcpFlag.PSH;
    if (fin) flags |= TcpFlag.FIN;
    const seq = conn.sndNxt;
    const isNew = !seqLt(seq, conn.sndMax);
    if (isNew && conn.rttTime < 0 && len > 0) {
      conn.rttSeq = seqAdd(seq, len);
      conn.rttTime = now;
    }
    emit(eng, conn, now, seq, flags, nxtOff, len);
    conn.sndNxt = seqAdd(seq, len + (fin ? 1 : 0));
    if (seqGt(conn.sndNxt, conn.sndMax)) conn.sndMax = conn.sndNxt;
    if (conn.rtxAt === 0) conn.rtxAt = now + conn.rtt.rto;
    if (fin) break;
  }
}

/** Resends the oldest unacknowledged segment without moving SND.NXT (fast retransmit, partial ACK). */
export function retransmitFirst(eng: TcpEngine, conn: TcpConnection, now: number): void {
  if (conn.finAcked) return;
  const dataEnd = conn.sendBuf.length;
  const len = Math.min(conn.effMss, dataEnd);
  const fin = conn.finQueued && len === dataEnd && seqGt(conn.sndMax, seqAdd(conn.sndUna, dataEnd));
  if (len === 0 && !fin) return;
  let flags = TcpFlag.ACK;
  if (len > 0 && len === dataEnd) flags |= TcpFlag.PSH;
  if (fin) flags |= TcpFlag.FIN;
  conn.rttTime = -1; // Karn: no RTT sample from a retransmitted segment
  emit(eng, conn, now, conn.sndUna, flags, 0, len);
}

/** Arms the connection's one host timer for its earliest deadline, unless it is already set no later. */
export function schedule(eng: TcpEngine, conn: TcpConnection): void {
  let next = Infinity;
  if (conn.rtxAt > 0) next = conn.rtxAt;
  if (conn.dackAt > 0 && conn.dackAt < next) next = conn.dackAt;
  if (conn.closeAt > 0 && conn.closeAt < next) next = conn.closeAt;
  if (next < conn.armedAt) {
    conn.armedAt = next;
    eng.host.setTimer(eng.timerIdBase + conn.id, next);
  }
}

/** RST in reply to a segment that reached no connection (RFC 9293 section 3.10.7.1). */
export function sendResetFor(eng: TcpEngine, seg: Segment): void {
  if ((seg.flags & TcpFlag.RST) !== 0) return;
  const pkt = allocPacket(IP_HEADER + TCP_HEADER);
  // With an ACK, the RST takes its sequence number from it; without, it acknowledges what the segment occupied.
  const hasAck = (seg.flags & TcpFlag.ACK) !== 0;
  const occupied = seg.payloadLength + ((seg.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((seg.flags & TcpFlag.FIN) !== 0 ? 1 : 0);
  const seq = hasAck ? seg.ack : 0;
  const ack = hasAck ? 0 : seqAdd(seg.seq, occupied);
  writeIpv4TcpHeaders(pkt, header(eng, seg.dst, seg.src, seg.dstPort, seg.srcPort, seq, ack, hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK, 0), TCP_HEADER);
  writeIpv4TcpChecksum(pkt, IP_HEADER);
  eng.counters.outSegs++;
  eng.counters.outRsts++;
  eng.host.transmit(pkt);
}
