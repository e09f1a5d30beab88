// Messages that cross kernel links between the hardware models. Every one is plain data (numbers, strings,
// Uint8Array, arrays of them) so that the backplane can msgpack-encode it when a link crosses processes.
// A message is immutable once sent: a switch may hand the same frame object to several ports.

// ---- LAN (OSA <-> switch <-> router): Ethernet frames ------------------------------------------------------

/** An Ethernet II frame without preamble or FCS (what a capture point writes to pcapng). */
export interface FrameMsg {
  readonly kind: 'frame';
  readonly frame: Uint8Array;
}

// ---- edge router <-> clients component (`LAN1.clients`) ---------------------------------------------------

/** A bare IPv4 datagram between the edge router's `clients` port and the client hosts: clients send one per
 *  packet towards the sysplex (any destination on the LAN, normally the DVIPA), and receive the sysplex's
 *  replies the same way. The router decrements TTL in both directions. */
export interface Ipv4Msg {
  readonly kind: 'ipv4';
  readonly packet: Uint8Array;
}

// ---- LPAR <-> OSA (QDIO) ----------------------------------------------------------------------------------

/** The stack adds `ip` to the OSA Address Table (the OSA then answers ARP for it and delivers it here). */
export interface RegisterMsg {
  readonly kind: 'register';
  readonly ip: number;
}
/** The stack removes `ip` from the OSA Address Table. */
export interface DeregisterMsg {
  readonly kind: 'deregister';
  readonly ip: number;
}
/** The LPAR is gone (lpar-down): drop every address it registered and everything queued for it. */
export interface DeregisterAllMsg {
  readonly kind: 'deregister-all';
}
/** An outbound IPv4 datagram (layer 3: no MAC header) on write queue `queue` (1 = highest, 4 = lowest). */
export interface TransmitMsg {
  readonly kind: 'transmit';
  readonly packet: Uint8Array;
  readonly nextHop: number;
  readonly queue: number;
}
/** The stack consumed `count` inbound entries: their buffers are free again (QDIO buffer return). */
export interface InboundAckMsg {
  readonly kind: 'ack';
  readonly count: number;
  /** The read queue (0 primary, 1 the sysplex distributor's with IWQ; absent = 0). */
  readonly queue?: number;
}
/** IWQ: the stack's distributor forwards (ip, port) (on) or no longer does (off): the OSA puts such inbound
 *  datagrams on the sysplex distributor's read queue. */
export interface IwqSdMsg {
  readonly kind: 'iwq-sd';
  readonly ip: number;
  readonly port: number;
  readonly on: boolean;
}
/** INBPERF DYNAMIC: the stack sets how long the OSA may hold a ready inbound frame before it interrupts. */
export interface InbperfTuneMsg {
  readonly kind: 'inbperf';
  readonly holdPs: number;
}
export type LparToOsaMsg = RegisterMsg | DeregisterMsg | DeregisterAllMsg | TransmitMsg | InboundAckMsg | InbperfTuneMsg | IwqSdMsg;

/** One inbound interrupt: the IPv4 datagrams (MAC header stripped) the OSA put in this LPAR's read queue. */
export interface DeliverMsg {
  readonly kind: 'deliver';
  readonly packets: Uint8Array[];
  /** The read queue they came from (absent = 0, the primary one). */
  readonly queue?: number;
}
/** The OSA port stopped (osa-down) or resumed (osa-up) carrying frames. */
export interface PortStateMsg {
  readonly kind: 'port-state';
  readonly up: boolean;
}
export type OsaToLparMsg = DeliverMsg | PortStateMsg;

// ---- LPAR <-> LPAR over a FICON CTC signalling path ------------------------------------------------------

/** A message of the TCP/IP XCF group, from one stack's firmware to another's, on the sender's outbound CTC
 *  device of path `path`. */
export interface XcfDataMsg {
  readonly kind: 'xcf-data';
  readonly from: string;
  readonly bytes: Uint8Array;
  /** When the sender's XCF accepted the signal, ps: the receiver measures the path's transfer time (MXFER) from
   *  it, as z/OS does with the sysplex's common TOD clock. Absent from senders that do not stamp. */
  readonly sentPs?: number;
}
/** Device end: the receiving side has taken the transfer, the sender's outbound device is free again. */
export interface CtcAckMsg {
  readonly kind: 'ctc-ack';
}
export type XcfPathMsg = XcfDataMsg | CtcAckMsg;

// ---- LPAR <-> CF over a coupling link (list-structure signalling) -----------------------------------------

/** A CF request: `write` puts a signal on the list from `from` to `to` in the CF's signalling structure;
 *  `read` takes the oldest signal off the list from `from` to `to` (the reader is `to`); `purge` empties every
 *  list to `to` (its inbound paths start afresh at IPL). `id` comes back in the response. */
export interface CfRequestMsg {
  readonly kind: 'cf-req';
  readonly id: number;
  readonly op: 'write' | 'read' | 'purge';
  readonly from: string;
  readonly to: string;
  readonly bytes: Uint8Array | null;
  /** A write: when the sender's XCF accepted the signal, ps (kept with it in the list, see XcfDataMsg). */
  readonly sentPs?: number;
}
/** The CF finished request `id`: a write's `ok` (false: the list was full or the CF lost the structure), a
 *  read's signal (null when the list was empty) and whether more wait behind it. */
export interface CfResponseMsg {
  readonly kind: 'cf-resp';
  readonly id: number;
  readonly ok: boolean;
  readonly bytes: Uint8Array | null;
  readonly more: boolean;
  /** A read's signal: when its sender's XCF accepted it, ps (see XcfDataMsg). */
  readonly sentPs?: number;
}
/** List transition: the list from `from` to the receiver went from empty to non-empty. */
export interface CfNotifyMsg {
  readonly kind: 'cf-notify';
  readonly cf: string;
  readonly from: string;
}
export type CfToLparMsg = CfResponseMsg | CfNotifyMsg;

// ---- LPAR <-> sysplex couple data set ----------------------------------------------------------------------

/** A system's status update (its heartbeat in the couple data set), every status-update interval. `fdiPs` is
 *  its effective failure detection interval, `weight` its SFM weight. */
export interface CdsStatusMsg {
  readonly kind: 'cds-status';
  readonly sys: string;
  readonly incarnation: number;
  readonly fdiPs: number;
  readonly weight: number;
  /** The system's TCP/IP stack is a member of the group (the member record rides along). */
  readonly member: boolean;
}
/** The system's TCP/IP stack joins or leaves the group (its member record). */
export interface CdsGroupMsg {
  readonly kind: 'cds-group';
  readonly sys: string;
  readonly incarnation: number;
  readonly joined: boolean;
}
/** The system has no working signalling path left to `peer` (SFM CONNFAIL decides). */
export interface CdsConnFailMsg {
  readonly kind: 'cds-connfail';
  readonly sys: string;
  readonly peer: string;
}
export type LparToCdsMsg = CdsStatusMsg | CdsGroupMsg | CdsConnFailMsg;

/** A member of the group joined or left (`failed`: partitioned out of the sysplex). */
export interface CdsNoticeMsg {
  readonly kind: 'cds-notice';
  readonly stack: string;
  readonly joined: boolean;
  readonly failed: boolean;
}
/** SFM isolates (fences) this system: it stops at once, as in a non-restartable wait state. */
export interface CdsIsolateMsg {
  readonly kind: 'cds-isolate';
  readonly reason: 'status-missing' | 'connfail';
}
/** The system is in the sysplex (its first status update was recorded and it has been told the group's
 *  members): XCF initialisation is done and the stack may start. */
export interface CdsReadyMsg {
  readonly kind: 'cds-ready';
}
export type CdsToLparMsg = CdsNoticeMsg | CdsIsolateMsg | CdsReadyMsg;

// ---- LPAR <-> HiperSockets IQD CHPID ------------------------------------------------------------------

/** A write to another LPAR on the IQD CHPID (a dynamic XCF message over IUTIQDIO). */
export interface IqdWriteMsg {
  readonly kind: 'iqd-write';
  readonly to: string;
  readonly bytes: Uint8Array;
}
/** What the IQD CHPID put in this LPAR's inbound buffers. */
export interface IqdReadMsg {
  readonly kind: 'iqd-read';
  readonly from: string;
  readonly bytes: Uint8Array;
}

// ---- control events (faults and operator commands, posted by the run with sim.postControl) ----------------

export interface LparControl {
  readonly kind: 'lpar-down' | 'lpar-up';
}
export interface OsaControl {
  readonly kind: 'osa-down' | 'osa-up';
}
/** Posted to both LPARs of a pair: all paths to `peer`, or only path `path` (0-based) when given. */
export interface XcfControl {
  readonly kind: 'xcf-down' | 'xcf-up';
  readonly peer: string;
  readonly path?: number;
}
/** Posted to a LAN switch: drop each frame with probability pct/100 (0 ends the loss). */
export interface LossControl {
  readonly kind: 'loss';
  readonly pct: number;
}
/** Posted to the LPAR whose stack the command names. */
export interface OperatorControl {
  readonly kind: 'operator';
  readonly command: string;
}
/** Posted to a CF and to every LPAR with a coupling link to it. */
export interface CfControl {
  readonly kind: 'cf-down' | 'cf-up';
  readonly cf: string;
}
/** The LPAR's TCP/IP stack ends in an orderly way (P TCPIP) or is started again. */
export interface StackControl {
  readonly kind: 'stack-stop' | 'stack-start';
}
export type ControlMsg = LparControl | OsaControl | XcfControl | LossControl | OperatorControl | CfControl | StackControl;

// ---- LPAR <-> CPC (PR/SM) ---------------------------------------------------------------------------------

/** A shared LPAR tells PR/SM how many physical CPs it would use now (its logical CPs when work waits). */
export interface PrsmDemandMsg {
  readonly kind: 'prsm-demand';
  readonly demand: number;
}
/** PR/SM's answer: how fast the LPAR's logical CPs run now (the share of a physical CP each gets while it has
 *  work, 0-1) and the LPAR's entitlement in physical CPs (its weight's share of the pool). */
export interface PrsmShareMsg {
  readonly kind: 'prsm-share';
  readonly speed: number;
  readonly entitlement: number;
}
