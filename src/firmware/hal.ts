// The hardware abstraction layer: the only door between the routing-stack firmware and anything else.
//
// The firmware is sans-I/O (like smoltcp or quinn-proto): every call into it carries the virtual time `now`
// (integer picoseconds), and everything it wants done outside itself goes through a Hal that its host gives it.
// The same firmware object therefore runs against a fake HAL in unit tests, inside the LPAR model of one
// process, and inside a partition process of the backplane, unmodified.
//
// IPv4 addresses cross this boundary as unsigned 32-bit numbers (10.1.1.10 = 0x0a01010a).

import type { ProfileSource } from './profile/include.js';

/** A seeded source of numbers; the host derives it from the run seed and the LPAR's name. */
export interface Rng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
}

/** What the host gives the firmware. Every method is synchronous and returns quickly. */
export interface Hal {
  /** The stack's name (the LPAR name in the topology: SYS1 ...). */
  readonly stackName: string;
  /** Seeded randomness (TCP initial sequence numbers, ephemeral ports). */
  readonly rng: Rng;

  /** Send an IPv4 datagram (no link-layer header) out of an OSA interface; the OSA resolves `nextHop`. */
  transmit(ifName: string, packet: Uint8Array, nextHop: number): void;
  /** Add an address to the OSA Address Table of an interface, so the OSA delivers it here and answers ARP. */
  registerAddress(ifName: string, ip: number): void;
  /** Remove an address from the OSA Address Table. */
  deregisterAddress(ifName: string, ip: number): void;

  /** Send a message to another stack of the XCF group (control messages and forwarded datagrams alike). */
  xcfSend(toStack: string, message: Uint8Array): void;
  /** Send a dynamic XCF message over HiperSockets (the IUTIQDIO interface z/OS builds when DYNAMICXCF meets
   *  an IQD CHPID): true when `toStack` shares an IQD CHPID with this one and the message went; false when
   *  it does not (another CPC, no IQD), and the caller uses xcfSend. It arrives as an xcfReceive call.
   *  Optional: hosts without HiperSockets leave it out. */
  iqdSend?(toStack: string, message: Uint8Array): boolean;
  /** Join (true) or leave (false) the TCP/IP XCF group; membership changes come back as xcfMembership calls. */
  xcfJoin(join: boolean): void;

  /** Arm timer `id` (firmware-chosen) to fire at virtual time `at`; re-arming an id replaces it. */
  setTimer(id: number, at: number): void;
  /** Cancel timer `id`; cancelling an unarmed id does nothing. */
  cancelTimer(id: number): void;

  /** A TCP connection of this stack was set up (`open`) or ended (`close` normally, `reset` by a RST or a
   *  timeout): the LPAR charges its per-connection cycles and keeps the run's accounting (report `lost`). */
  tcpConnection(event: 'open' | 'close' | 'reset', localIp: number, localPort: number, remoteIp: number, remotePort: number): void;

  /** This LPAR's WLM system weight now (0-64, from its own spare capacity), which BASEWLM distribution uses
   *  when the host gives no wlmCapacity. */
  wlmWeight(): number;
  /** WLM's capacity data for this system (z/OS MVS Programming: WLM Services, "Calculation of server
   *  weights"): the service units a second left unused over WLM's 3-minute window, and the system's capacity.
   *  The distributor turns them into system weights normalised across the sysplex (SUs x 64 / total SUs).
   *  Optional: hosts without it fall back to wlmWeight. */
  wlmCapacity?(): { readonly unused: number; readonly total: number };

  /** Record a trace event (CONTRACT.md kinds: vcrt.insert, tcp.open ...). Call only when `tracing` is true. */
  trace(kind: string, fields: Record<string, unknown>): void;
  /** True when someone listens to trace events; lets the firmware skip building their fields. */
  readonly tracing: boolean;
}

/** A membership change of the TCP/IP XCF group, as the XCF model reports it. */
export interface XcfMembershipEvent {
  readonly stack: string;
  readonly joined: boolean;
  /** True when the member left because it failed (detected after the failure detection interval). */
  readonly failed: boolean;
}

/** An application the topology runs on the LPAR (built into the firmware image). */
export interface ApplicationConfig {
  readonly app: 'echo' | 'http';
  readonly port: number;
  /** HTTP: default body size in bytes when the request path names none. */
  readonly response?: number;
  /** Listen backlog. */
  readonly backlog?: number;
}

/** What the host hands a new firmware instance. */
export interface FirmwareConfig {
  /** Text of the PROFILE.TCPIP, and its file name for messages. */
  readonly profile: string;
  readonly profileFile: string;
  readonly applications: readonly ApplicationConfig[];
  /** INCLUDEd data sets and system symbols of the profile (absent: no INCLUDE, no symbols beyond none). */
  readonly profileSource?: ProfileSource;
}

/** The firmware as its host sees it. `now` is virtual time in integer picoseconds. */
export interface Firmware {
  /** IPL: process the profile, register home addresses, join the XCF group, start applications. */
  start(now: number): void;
  /** An IPv4 datagram arrived from an OSA interface. */
  receive(now: number, ifName: string, packet: Uint8Array): void;
  /**
   * Optional look-ahead: one QDIO inbound interrupt brought these datagrams, and receive() follows for each of
   * them, in order, as the LPAR's processors get to them. The firmware may prepare (the distributor decides
   * the whole burst at once, so the misses of its connection table overlap), but this call must change
   * nothing the firmware will do or send: it costs no virtual time, and the HAL may not be used in it.
   */
  inboundBurst?(ifName: string, packets: readonly Uint8Array[]): void;
  /** Optional: the OSA port behind interface `ifName` stopped (up = false) or works again. */
  interfaceState?(now: number, ifName: string, up: boolean): void;
  /** A message arrived from another stack over XCF. */
  xcfReceive(now: number, fromStack: string, message: Uint8Array): void;
  /** The XCF group changed. */
  xcfMembership(now: number, event: XcfMembershipEvent): void;
  /** Timer `id` fired. */
  timer(now: number, id: number): void;
  /** An operator command (`D TCPIP,SYS1,NETSTAT,VCRT`, `V TCPIP,SYS1,SYSPLEX,LEAVEGROUP`); returns its text. */
  operator(now: number, command: string): string;
  /** A read-only view of the firmware's tables for reports and the debugger. */
  inspect(): FirmwareView;
}

/** The firmware image: a module exporting `createFirmware`. A topology may name another module. */
export type FirmwareFactory = (hal: Hal, config: FirmwareConfig) => Firmware;

export interface VcrtRow {
  readonly dvipa: string;
  readonly port: number;
  readonly client: string;
  readonly clientPort: number;
  readonly target: string;
}
export interface VdptRow {
  readonly dvipa: string;
  readonly port: number;
  readonly target: string;
  readonly targetXcf: string;
  readonly ready: number;
  readonly totalConn: number;
  readonly activeConn: number;
  readonly weight: number;
  readonly method: string;
}
export interface DvipaRow {
  readonly ip: string;
  /** As Netstat VIPADYN shows it on this stack: ACTIVE, BACKUP, QUIESCING, DEACTIVATED; NONE when the stack
   *  does not hold it now (out of the group, or neither owner, backup nor target). */
  readonly state: string;
  readonly origin: string;
  readonly rank: number;
  readonly distributing: boolean;
  readonly owner: string | null;
  readonly backups: readonly string[];
}
export interface FirmwareView {
  readonly stack: string;
  readonly inGroup: boolean;
  readonly dvipas: readonly DvipaRow[];
  readonly vdpt: readonly VdptRow[];
  readonly vcrtSize: number;
  /** VCRT rows from `offset`, at most `count` of them (the table may hold a million). */
  vcrt(offset: number, count: number): VcrtRow[];
  readonly connections: number;
  readonly counters: Readonly<Record<string, number>>;
}
