// The retransmission deadline: SYN and SYN-ACK retries, RTO with exponential backoff and go-back-N
// (RFC 6298 section 5, RFC 5681 section 3.1), and zero-window probes.

import type { TcpConnection } from './connection.js';
import type { TcpEngine } from './engine.js';
import { emit, output, sendSyn } from './output.js';
import { seqAdd, seqDiff, seqGt } from '../../net/tcp-seq.js';
import { TcpFlag } from '../../net/tcp.js';
import { TcpState } from './types.js';

export function rtxTimeout(eng: TcpEngine, conn: TcpConnection, now: number): void {
  const c = eng.config;
  const counters = eng.counters;
  if (conn.state === TcpState.SYN_SENT || conn.state === TcpState.SYN_RECEIVED) {
    const limit = conn.state === TcpState.SYN_SENT ? c.synRetries : c.synAckRetries;
    if (++conn.retries > limit) {
      if (conn.passive) {
        eng.free(conn, now, null); // a half-open connection just disappears
        return;
      }
      counters.attemptFails++;
      counters.timeouts++;
      eng.free(conn, now, 'timeout');
      eng.notifyClosed(conn, now, 'timeout');
      return;
    }
    counters.rtoTimeouts++;
    conn.rttTime = -1;
    conn.rtt.backoff++;
    sendSyn(eng, conn, now);
    return;
  }
  if (conn.state === TcpState.TIME_WAIT) return;
  const outstanding = seqDiff(conn.sndMax, conn.sndUna);
  if (outstanding <= 0) {
    // Persist: the peer's window is shut and data waits. Probe with one byte beyond the window.
    if (conn.sendBuf.length > 0 && conn.sndWnd === 0) {
      emit(eng, conn, now, conn.sndNxt, TcpFlag.ACK, seqDiff(conn.sndNxt, conn.sndUna), 1);
      conn.sndNxt = seqAdd(conn.sndNxt, 1);
      if (seqGt(conn.sndNxt, conn.sndMax)) conn.sndMax = conn.sndNxt;
      conn.rtt.backoff++;
      conn.rtxAt = now + conn.rtt.rto;
    }
    return;
  }
  if (++conn.retries > c.dataRetries) {
    counters.timeouts++;
    eng.free(conn, now, 'timeout');
    eng.notifyClosed(conn, now, 'timeout');
    return;
  }
  counters.rtoTimeouts++;
  const mss = conn.effMss;
  conn.ssthresh = Math.max(Math.floor(outstanding / 2), 2 * mss);
  conn.cwnd = mss;
  conn.dupAcks = 0;
  conn.inRecovery = false;
  conn.recover = conn.sndMax;
  conn.sndNxt = conn.sndUna; // go back N: resend from the oldest unacknowledged byte
  conn.rttTime = -1; // Karn
  conn.rtt.backoff++;
  conn.rtxAt = now + conn.rtt.rto;
  output(eng, conn, now);
}
