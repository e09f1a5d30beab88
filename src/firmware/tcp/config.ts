// TCP parameters, with Linux-client and z/OS-stack presets. Times are integer picoseconds.
// Sources: Linux values from the kernel's include/net/tcp.h constants and ip-sysctl documentation
// (TCP_RTO_MIN 200 ms, TCP_TIMEOUT_INIT 1 s, TCP_RTO_MAX 120 s, tcp_syn_retries 6, tcp_synack_retries 5,
// tcp_retries2 15, TCP_TIMEWAIT_LEN 60 s, tcp_fin_timeout 60 s, TCP_DELACK_MIN 40 ms, initial cwnd 10
// (RFC 6928), ephemeral range 32768-60999, somaxconn 4096). z/OS values from the TCPCONFIG statement and
// Netstat CONFIG report of z/OS Communications Server (MAXIMUMRETRANSMITTIME 120, MINIMUMRETRANSMITTIME 0.5,
// ROUNDTRIPGAIN 0.125, VARIANCEGAIN 0.25, VARIANCEMULTIPLIER 2, CONNECTINITINTERVAL 3000 ms,
// CONNECTTIMEOUT 75 s, FINWAIT2TIME 600, MaxSegLifeTime 30, TCPSENDBFRSIZE/TCPRCVBUFRSIZE 64K since V2R1,
// SOMAXCONN 1024 since V2R1, EPHEMERALPORTS 1024-65535, DELAYACKS). Values marked `assumed` have no public
// source and were chosen to be plausible.

import type { RtoParameters } from '../../net/rtt.js';

const MS = 1_000_000_000;
const S = 1_000_000_000_000;

/** The RFC 6298 parameters come from src/net/rtt.ts; initialRto is also the SYN retransmission interval. */
export interface TcpConfig extends RtoParameters {
  /** MSS we advertise and cap our segments at (interface MTU - 40). */
  readonly mss: number;
  /** SYN retransmissions before an active open fails. */
  readonly synRetries: number;
  /** SYN-ACK retransmissions before a half-open passive connection is dropped. */
  readonly synAckRetries: number;
  /** Retransmissions of data or FIN before the connection is dropped ('timeout'). */
  readonly dataRetries: number;
  /** Active open gives up after this long (0 = only synRetries count). */
  readonly connectTimeout: number;
  /** TIME_WAIT duration (2 * MSL). */
  readonly timeWait: number;
  /** Idle time in FIN_WAIT_2 before the connection is dropped. */
  readonly finWait2Timeout: number;
  readonly delayedAck: boolean;
  readonly delayedAckTimeout: number;
  /** Receive buffer: the most we advertise. */
  readonly receiveWindow: number;
  /** Window-scale shift we offer (0-14), or -1 to offer none. */
  readonly windowScale: number;
  /** Send buffer: bytes write() accepts beyond what is acknowledged. */
  readonly sendBuffer: number;
  /** Initial congestion window in segments. */
  readonly initialCwnd: number;
  /** Offer and use RFC 7323 timestamps. */
  readonly timestamps: boolean;
  /** Backlog when listen() is given 0, and the cap on any backlog (SOMAXCONN). */
  readonly listenBacklog: number;
  readonly maxBacklog: number;
  readonly ephemeralLow: number;
  readonly ephemeralHigh: number;
  readonly ttl: number;
  /** Verify IPv4 header and TCP checksums of received datagrams. */
  readonly verifyChecksums: boolean;
}

/** A Linux client host (kernel 5.x/6.x defaults). */
export const LINUX_TCP_CONFIG: TcpConfig = Object.freeze({
  mss: 1460,
  initialRto: 1 * S,
  minRto: 200 * MS,
  maxRto: 120 * S,
  clockGranularity: 1 * MS, // assumed: a 1000 Hz jiffy
  rttGain: 1 / 8,
  varianceGain: 1 / 4,
  varianceMultiplier: 4,
  synRetries: 6,
  synAckRetries: 5,
  dataRetries: 15,
  connectTimeout: 0,
  timeWait: 60 * S,
  finWait2Timeout: 60 * S,
  delayedAck: true,
  delayedAckTimeout: 40 * MS,
  receiveWindow: 131072, // tcp_rmem default
  windowScale: 7,
  sendBuffer: 262144, // assumed: tcp_wmem autotuning settles near this for LAN transfers
  initialCwnd: 10,
  timestamps: true,
  listenBacklog: 4096,
  maxBacklog: 4096,
  ephemeralLow: 32768,
  ephemeralHigh: 60999,
  ttl: 64,
  verifyChecksums: true,
});

/** A z/OS Communications Server stack (TCPCONFIG defaults, V2R1 and later). */
export const ZOS_TCP_CONFIG: TcpConfig = Object.freeze({
  mss: 1452, // assumed: OSA-Express QDIO default MTU 1492 - 40
  initialRto: 3 * S, // CONNECTINITINTERVAL 3000 ms
  minRto: 500 * MS, // MINIMUMRETRANSMITTIME 0.5
  maxRto: 120 * S, // MAXIMUMRETRANSMITTIME 120
  clockGranularity: 1 * MS, // assumed
  rttGain: 0.125, // ROUNDTRIPGAIN
  varianceGain: 0.25, // VARIANCEGAIN
  varianceMultiplier: 2, // VARIANCEMULTIPLIER
  synRetries: 6, // assumed; CONNECTTIMEOUT bounds the attempt
  synAckRetries: 5, // assumed
  dataRetries: 15, // assumed
  connectTimeout: 75 * S, // CONNECTTIMEOUT 75
  timeWait: 60 * S, // 2 * MaxSegLifeTime 30
  finWait2Timeout: 600 * S, // FINWAIT2TIME 600
  delayedAck: true, // DELAYACKS
  delayedAckTimeout: 200 * MS, // assumed
  receiveWindow: 65536, // TCPRCVBUFRSIZE 64K
  windowScale: 1, // assumed: enough to advertise the whole 64K buffer
  sendBuffer: 65536, // TCPSENDBFRSIZE 64K
  initialCwnd: 10, // assumed
  timestamps: true, // TCPTIMESTAMP
  listenBacklog: 1024, // SOMAXCONN
  maxBacklog: 1024,
  ephemeralLow: 1024, // EPHEMERALPORTS 1024 65535
  ephemeralHigh: 65535,
  ttl: 64,
  verifyChecksums: true,
});

/** A preset with some values replaced; out-of-range values are clamped to what TCP can carry. */
export function tcpConfig(base: TcpConfig, overrides: Partial<TcpConfig> = {}): TcpConfig {
  const c = { ...base, ...overrides };
  c.mss = clampInt(c.mss, 64, 65495);
  c.windowScale = c.windowScale < 0 ? -1 : clampInt(c.windowScale, 0, 14);
  c.receiveWindow = clampInt(c.receiveWindow, 1, 0xffff << Math.max(0, c.windowScale));
  c.sendBuffer = clampInt(c.sendBuffer, 1, 0x4000_0000);
  c.minRto = Math.max(1, Math.floor(c.minRto));
  c.maxRto = Math.max(c.minRto, Math.floor(c.maxRto));
  c.initialRto = Math.min(Math.max(c.minRto, Math.floor(c.initialRto)), c.maxRto);
  c.ephemeralLow = clampInt(c.ephemeralLow, 1, 65535);
  c.ephemeralHigh = clampInt(c.ephemeralHigh, c.ephemeralLow, 65535);
  c.listenBacklog = clampInt(c.listenBacklog, 1, 1 << 30);
  c.maxBacklog = clampInt(c.maxBacklog, 1, 1 << 30);
  c.initialCwnd = clampInt(c.initialCwnd, 1, 1000);
  return Object.freeze(c);
}

function clampInt(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}
