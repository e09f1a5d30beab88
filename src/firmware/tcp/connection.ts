// A TCP connection: its control block (RFC 9293 section 3.3.1 names) plus what applications and displays
// read. Fields are public for the engine's input/output modules; applications should treat everything but
// `handler` and `user` as read-only.
//
// Memory: a server holding a million idle connections keeps a million of these. Numbers that may leave the
// small-integer range (sequence numbers, picosecond times, addresses, byte counts, the RTT estimate) live in a
// row of the engine's ConnStore and are reached through accessors; the flags share one integer. The accessors
// keep the field names, so the engine's code reads as the RFC does. A freed connection takes a private copy of
// its row (applications and hosts may still read it), and the row goes back to the store.

import type { TcpConfig } from './config.js';
import type { TcpListener } from './listener.js';
import type { Reassembly } from './reassembly.js';
import { rtoOf, rttSample, type RttState } from '../../net/rtt.js';
import { SendBuffer } from './send-buffer.js';
import { offsetOf, ROW_FIELDS, type ConnStore } from './conn-store.js';
import { TcpState, tcpStateName, zosStateName, type TcpHandler } from './types.js';

const F_ISS = 0;
const F_SNDUNA = 1;
const F_SNDNXT = 2;
const F_SNDMAX = 3;
const F_SNDWND = 4;
const F_SNDWL1 = 5;
const F_SNDWL2 = 6;
const F_MAXSNDWND = 7;
const F_IRS = 8;
const F_RCVNXT = 9;
const F_TSRECENT = 10;
const F_TSOFFSET = 11;
const F_LASTACKSENT = 12;
const F_CWND = 13;
const F_SSTHRESH = 14;
const F_RECOVER = 15;
const F_RTTSEQ = 16;
const F_RTTTIME = 17;
const F_ARMEDAT = 18;
const F_RTXAT = 19;
const F_DACKAT = 20;
const F_CLOSEAT = 21;
const F_OPENEDAT = 22;
const F_ESTABLISHEDAT = 23;
const F_BYTESIN = 24;
const F_BYTESOUT = 25;
const F_LOCALIP = 26;
const F_REMOTEIP = 27;
const F_SRTT = 28;
const F_RTTVAR = 29;
const F_BASERTO = 30;
// ROW_FIELDS (31) must cover them.
const B_WSAGREED = 1;
const B_FINQUEUED = 2;
const B_FINACKED = 4;
const B_TSON = 8;
const B_PEERSACKPERMITTED = 16;
const B_INRECOVERY = 32;
const B_ACKNOW = 64;
const B_ACCEPTED = 128;
const B_PENDINGFIN = 256;
const B_WANTWRITABLE = 512;
const B_CORKED = 1024;
const B_CLOSENOTIFIED = 2048;
const B_WASESTABLISHED = 4096;

export class TcpConnection implements RttState {
  state: TcpState;
  /** The application's callbacks; an onAccept may replace it. */
  handler: TcpHandler;
  /** Free for the application's per-connection state (avoids a closure or a side Map). */
  user: unknown = undefined;
  readonly sendBuf: SendBuffer;
  reasm: Reassembly | null = null;
  /** Data and FIN that arrived before accept. */
  pendingRx: Uint8Array[] | null = null;

  /** The row of number fields: its chunk, where it starts, and its store handle (-1 once freed). */
  private row: Float64Array;
  private at: number;
  private handle: number;
  private bits = 0;
  private readonly config: TcpConfig;

  /** Shift applied to the peer's window field, and to the window we advertise. */
  sndShift = 0;
  rcvShift = 0;
  /** Largest payload we put in a segment (peer's MSS, ours, minus the timestamp option). */
  effMss = 536;
  dupAcks = 0;
  /** Consecutive retransmissions of the oldest outstanding segment (SYN, data or FIN). */
  retries = 0;
  unackedSegs = 0;
  pendingRxBytes = 0;
  segmentsRetransmitted = 0;
  /** RTT estimation (RFC 6298, src/net/rtt.ts): consecutive timeouts since new data was acknowledged, and
   *  samples taken. */
  backoff = 0;
  samples = 0;

  constructor(
    /** Engine-unique number; the host timer id is derived from it. */
    readonly id: number,
    localIp: number,
    readonly localPort: number,
    remoteIp: number,
    readonly remotePort: number,
    /** The listener that accepted it, or null for an active open. */
    readonly listener: TcpListener | null,
    handler: TcpHandler,
    config: TcpConfig,
    now: number,
    store: ConnStore,
  ) {
    this.state = TcpState.CLOSED;
    this.handler = handler;
    this.config = config;
    this.sendBuf = new SendBuffer(config.sendBuffer);
    this.handle = store.acquire();
    this.row = store.chunkOf(this.handle);
    const r = this.row;
    const o = (this.at = offsetOf(this.handle));
    r[o + F_SSTHRESH] = 0x3fff_ffff;
    r[o + F_RTTTIME] = -1;
    r[o + F_ARMEDAT] = Infinity;
    r[o + F_ESTABLISHEDAT] = -1;
    r[o + F_OPENEDAT] = now;
    r[o + F_LOCALIP] = localIp;
    r[o + F_REMOTEIP] = remoteIp;
    r[o + F_BASERTO] = config.initialRto;
    this.accepted = listener === null;
  }

  /** @internal The engine freed it: keep a private copy of the row, give the row back. */
  release(store: ConnStore): void {
    if (this.handle < 0) return;
    const copy = this.row.slice(this.at, this.at + ROW_FIELDS);
    store.release(this.handle);
    this.row = copy;
    this.at = 0;
    this.handle = -1;
  }

  get iss(): number {
    return this.row[this.at + F_ISS]!;
  }
  set iss(v: number) {
    this.row[this.at + F_ISS] = v;
  }
  get sndUna(): number {
    return this.row[this.at + F_SNDUNA]!;
  }
  set sndUna(v: number) {
    this.row[this.at + F_SNDUNA] = v;
  }
  get sndNxt(): number {
    return this.row[this.at + F_SNDNXT]!;
  }
  set sndNxt(v: number) {
    this.row[this.at + F_SNDNXT] = v;
  }
  /** Highest sequence number sent + 1 (SND.NXT goes back on a timeout; this does not). */
  get sndMax(): number {
    return this.row[this.at + F_SNDMAX]!;
  }
  set sndMax(v: number) {
    this.row[this.at + F_SNDMAX] = v;
  }
  /** Peer's window in bytes (already scaled). */
  get sndWnd(): number {
    return this.row[this.at + F_SNDWND]!;
  }
  set sndWnd(v: number) {
    this.row[this.at + F_SNDWND] = v;
  }
  get sndWl1(): number {
    return this.row[this.at + F_SNDWL1]!;
  }
  set sndWl1(v: number) {
    this.row[this.at + F_SNDWL1] = v;
  }
  get sndWl2(): number {
    return this.row[this.at + F_SNDWL2]!;
  }
  set sndWl2(v: number) {
    this.row[this.at + F_SNDWL2] = v;
  }
  get maxSndWnd(): number {
    return this.row[this.at + F_MAXSNDWND]!;
  }
  set maxSndWnd(v: number) {
    this.row[this.at + F_MAXSNDWND] = v;
  }
  get irs(): number {
    return this.row[this.at + F_IRS]!;
  }
  set irs(v: number) {
    this.row[this.at + F_IRS] = v;
  }
  get rcvNxt(): number {
    return this.row[this.at + F_RCVNXT]!;
  }
  set rcvNxt(v: number) {
    this.row[this.at + F_RCVNXT] = v;
  }
  get tsRecent(): number {
    return this.row[this.at + F_TSRECENT]!;
  }
  set tsRecent(v: number) {
    this.row[this.at + F_TSRECENT] = v;
  }
  get tsOffset(): number {
    return this.row[this.at + F_TSOFFSET]!;
  }
  set tsOffset(v: number) {
    this.row[this.at + F_TSOFFSET] = v;
  }
  get lastAckSent(): number {
    return this.row[this.at + F_LASTACKSENT]!;
  }
  set lastAckSent(v: number) {
    this.row[this.at + F_LASTACKSENT] = v;
  }
  get cwnd(): number {
    return this.row[this.at + F_CWND]!;
  }
  set cwnd(v: number) {
    this.row[this.at + F_CWND] = v;
  }
  get ssthresh(): number {
    return this.row[this.at + F_SSTHRESH]!;
  }
  set ssthresh(v: number) {
    this.row[this.at + F_SSTHRESH] = v;
  }
  get recover(): number {
    return this.row[this.at + F_RECOVER]!;
  }
  set recover(v: number) {
    this.row[this.at + F_RECOVER] = v;
  }
  /** RTT timing of one segment: sequence number that acknowledges it, and when it was sent (-1 = none). */
  get rttSeq(): number {
    return this.row[this.at + F_RTTSEQ]!;
  }
  set rttSeq(v: number) {
    this.row[this.at + F_RTTSEQ] = v;
  }
  get rttTime(): number {
    return this.row[this.at + F_RTTTIME]!;
  }
  set rttTime(v: number) {
    this.row[this.at + F_RTTTIME] = v;
  }
  /** The time the host timer is set for (Infinity = not armed). */
  get armedAt(): number {
    return this.row[this.at + F_ARMEDAT]!;
  }
  set armedAt(v: number) {
    this.row[this.at + F_ARMEDAT] = v;
  }
  get rtxAt(): number {
    return this.row[this.at + F_RTXAT]!;
  }
  set rtxAt(v: number) {
    this.row[this.at + F_RTXAT] = v;
  }
  get dackAt(): number {
    return this.row[this.at + F_DACKAT]!;
  }
  set dackAt(v: number) {
    this.row[this.at + F_DACKAT] = v;
  }
  /** TIME_WAIT expiry, FIN_WAIT_2 idle limit or connect timeout. */
  get closeAt(): number {
    return this.row[this.at + F_CLOSEAT]!;
  }
  set closeAt(v: number) {
    this.row[this.at + F_CLOSEAT] = v;
  }
  get openedAt(): number {
    return this.row[this.at + F_OPENEDAT]!;
  }
  get establishedAt(): number {
    return this.row[this.at + F_ESTABLISHEDAT]!;
  }
  set establishedAt(v: number) {
    this.row[this.at + F_ESTABLISHEDAT] = v;
  }
  get bytesIn(): number {
    return this.row[this.at + F_BYTESIN]!;
  }
  set bytesIn(v: number) {
    this.row[this.at + F_BYTESIN] = v;
  }
  get bytesOut(): number {
    return this.row[this.at + F_BYTESOUT]!;
  }
  set bytesOut(v: number) {
    this.row[this.at + F_BYTESOUT] = v;
  }
  get localIp(): number {
    return this.row[this.at + F_LOCALIP]!;
  }
  get remoteIp(): number {
    return this.row[this.at + F_REMOTEIP]!;
  }
  /** Smoothed RTT in picoseconds (0 before the first sample). */
  get srtt(): number {
    return this.row[this.at + F_SRTT]!;
  }
  set srtt(v: number) {
    this.row[this.at + F_SRTT] = v;
  }
  get rttvar(): number {
    return this.row[this.at + F_RTTVAR]!;
  }
  set rttvar(v: number) {
    this.row[this.at + F_RTTVAR] = v;
  }
  /** RTO before backoff. */
  get baseRto(): number {
    return this.row[this.at + F_BASERTO]!;
  }
  set baseRto(v: number) {
    this.row[this.at + F_BASERTO] = v;
  }
  /** Both SYNs carried the window-scale option. */
  get wsAgreed(): boolean {
    return (this.bits & B_WSAGREED) !== 0;
  }
  set wsAgreed(v: boolean) {
    this.bits = v ? this.bits | B_WSAGREED : this.bits & ~B_WSAGREED;
  }
  /** close() was called: a FIN follows the last byte of the send buffer. */
  get finQueued(): boolean {
    return (this.bits & B_FINQUEUED) !== 0;
  }
  set finQueued(v: boolean) {
    this.bits = v ? this.bits | B_FINQUEUED : this.bits & ~B_FINQUEUED;
  }
  /** The peer acknowledged our FIN: nothing more to send. */
  get finAcked(): boolean {
    return (this.bits & B_FINACKED) !== 0;
  }
  set finAcked(v: boolean) {
    this.bits = v ? this.bits | B_FINACKED : this.bits & ~B_FINACKED;
  }
  get tsOn(): boolean {
    return (this.bits & B_TSON) !== 0;
  }
  set tsOn(v: boolean) {
    this.bits = v ? this.bits | B_TSON : this.bits & ~B_TSON;
  }
  get peerSackPermitted(): boolean {
    return (this.bits & B_PEERSACKPERMITTED) !== 0;
  }
  set peerSackPermitted(v: boolean) {
    this.bits = v ? this.bits | B_PEERSACKPERMITTED : this.bits & ~B_PEERSACKPERMITTED;
  }
  get inRecovery(): boolean {
    return (this.bits & B_INRECOVERY) !== 0;
  }
  set inRecovery(v: boolean) {
    this.bits = v ? this.bits | B_INRECOVERY : this.bits & ~B_INRECOVERY;
  }
  get ackNow(): boolean {
    return (this.bits & B_ACKNOW) !== 0;
  }
  set ackNow(v: boolean) {
    this.bits = v ? this.bits | B_ACKNOW : this.bits & ~B_ACKNOW;
  }
  /** The application knows this connection (active open, or accepted). */
  get accepted(): boolean {
    return (this.bits & B_ACCEPTED) !== 0;
  }
  set accepted(v: boolean) {
    this.bits = v ? this.bits | B_ACCEPTED : this.bits & ~B_ACCEPTED;
  }
  get pendingFin(): boolean {
    return (this.bits & B_PENDINGFIN) !== 0;
  }
  set pendingFin(v: boolean) {
    this.bits = v ? this.bits | B_PENDINGFIN : this.bits & ~B_PENDINGFIN;
  }
  get wantWritable(): boolean {
    return (this.bits & B_WANTWRITABLE) !== 0;
  }
  set wantWritable(v: boolean) {
    this.bits = v ? this.bits | B_WANTWRITABLE : this.bits & ~B_WANTWRITABLE;
  }
  /** write() only queues while corked (TCP_CORK): uncork() sends, so a head and body share segments. */
  get corked(): boolean {
    return (this.bits & B_CORKED) !== 0;
  }
  set corked(v: boolean) {
    this.bits = v ? this.bits | B_CORKED : this.bits & ~B_CORKED;
  }
  get closeNotified(): boolean {
    return (this.bits & B_CLOSENOTIFIED) !== 0;
  }
  set closeNotified(v: boolean) {
    this.bits = v ? this.bits | B_CLOSENOTIFIED : this.bits & ~B_CLOSENOTIFIED;
  }
  /** Reached ESTABLISHED at some point (the host heard 'open'). */
  get wasEstablished(): boolean {
    return (this.bits & B_WASESTABLISHED) !== 0;
  }
  set wasEstablished(v: boolean) {
    this.bits = v ? this.bits | B_WASESTABLISHED : this.bits & ~B_WASESTABLISHED;
  }

  /** The RTT estimator (RFC 6298): this control block, which carries its state. */
  get rtt(): TcpConnection {
    return this;
  }

  /** A round-trip measurement from a segment that was not retransmitted (Karn). */
  sample(r: number): void {
    rttSample(this.config, this, r);
  }

  /** Current RTO in picoseconds: base doubled per backoff, capped. */
  get rto(): number {
    return rtoOf(this.config, this);
  }

  get passive(): boolean {
    return this.listener !== null;
  }

  /** RFC name: ESTABLISHED, TIME_WAIT ... */
  get stateName(): string {
    return tcpStateName(this.state);
  }

  /** As z/OS Netstat shows it on the console: Estblsh, TimeWt ... */
  get zosState(): string {
    return zosStateName(this.state);
  }

  /** Bytes written and not yet acknowledged. */
  get unacknowledged(): number {
    return this.sendBuf.length;
  }
}
