// Typed, checked topology and scenario objects: what the YAML files become at the edge (parse, don't validate).
// Times are integer picoseconds, sizes bytes, rates per virtual second, addresses dotted strings.
// Every path a file names is already resolved to an absolute path.

/** Where a node came from, for messages that must name FILE:LINE:COL after loading. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface LanSpec {
  readonly name: string;
  /** The LAN's subnet, e.g. 10.1.1.0/24. */
  readonly subnet: string;
  /** The edge router's address on this LAN; clients and replayed traffic enter and leave through it. */
  readonly router: string;
  /** Client hosts' addresses are drawn from this subnet (default 198.51.100.0/24). */
  readonly clients: string;
  /** One-way propagation of each LAN segment (host/OSA to switch), ps. Default 500 ns. */
  readonly latencyPs: number;
  /** Router's extra latency between clients and the LAN, ps. Default 20 us. */
  readonly routerLatencyPs: number;
  /** Bit rate of client segments (bits per second). Default 10 Gb/s. */
  readonly clientBps: number;
  readonly at: SourcePos;
}

export interface OsaSpec {
  readonly name: string;
  readonly lan: string;
  /** Line rate in bits per second (1, 10 or 25 GbE). */
  readonly bps: number;
  /** INBPERF setting. */
  readonly inbperf: 'BALANCED' | 'DYNAMIC' | 'MINCPU' | 'MINLATENCY';
  /** Per-frame processing latency in ps (assumed value by default). */
  readonly frameLatencyPs: number;
  /** Read storage of each sharing LPAR's read queue: QDIOSTG / READSTORAGE MAX, AVG, MIN or SBALs (8-126). */
  readonly readStorage: 'MAX' | 'AVG' | 'MIN' | number;
  /** Inbound workload queueing: the sysplex distributor's own read queue. */
  readonly workloadQ: boolean;
  readonly at: SourcePos;
}

export interface ApplicationSpec {
  readonly app: 'echo' | 'http';
  readonly port: number;
  /** HTTP default body size, bytes. */
  readonly response?: number;
  readonly backlog?: number;
}

export interface LparSpec {
  readonly name: string;
  /** Logical processors. */
  readonly processors: number;
  /** Processor clock in Hz. */
  readonly clockHz: number;
  /** PR/SM LPAR weight. */
  readonly weight: number;
  /** Absolute path of the PROFILE.TCPIP file, and its text. */
  readonly profileFile: string;
  readonly profile: string;
  /** Data sets the profile may INCLUDE: name (upper case) -> absolute path of a file, or of a folder of members. */
  readonly datasets?: Readonly<Record<string, string>>;
  /** System symbols for the profile (upper-case names without & and period), beyond the built-ins. */
  readonly symbols?: Readonly<Record<string, string>>;
  /** Firmware image module: 'builtin' or an absolute path of a module exporting createFirmware. */
  readonly firmware: string;
  /** Names of the OSA ports this LPAR defines (a port may be shared by several LPARs). */
  readonly osas: readonly string[];
  readonly applications: readonly ApplicationSpec[];
  /** Partition this LPAR is pinned to in a partitioned run, if any. */
  readonly partition?: number;
  /** The CPC (machine) the LPAR runs on (the implicit one when the file names none). */
  readonly cpc: string;
  /** Its logical CPs are dedicated or shared physical CPs (z/OS's default SPINTIME, and so the failure
   *  detection interval, depends on it). */
  readonly cps: 'dedicated' | 'shared';
  /** PR/SM initial capping of a shared LPAR. */
  readonly capped: boolean;
  /** Application work beside the stack, percent of the logical CPs' capacity (0-100). */
  readonly loadPct: number;
  /** Cycle costs of the stack's work overriding the LPAR datasheet's (hw-models/lpar/datasheet.ts), by name. */
  readonly cycles?: Readonly<Record<string, number>>;
  /** Effective failure detection interval of this system, ps: xcf.failureDetection when the file gives one,
   *  else the spin failure detection interval z/OS derives from its SPINTIME. */
  readonly failureDetectionPs: number;
  readonly at: SourcePos;
}

/** A central processor complex: one machine. IC links and (later) HiperSockets stay inside one. */
export interface CpcSpec {
  readonly name: string;
  /** True for the CPC a file without `cpcs:` gets. */
  readonly implicit: boolean;
  /** Physical general-purpose CPs (default: its LPARs' logical CPs, nothing overcommitted). */
  readonly processors: number;
  /** Its HiperSockets CHPID, when it has one: dynamic XCF between its LPARs runs over it. */
  readonly iqd: IqdSpec | null;
  readonly at: SourcePos;
}

/** A HiperSockets (IQD) CHPID: IOCP's CHPID number and maximum frame size (OS=00/40/80/C0). */
export interface IqdSpec {
  readonly chpid: string;
  /** Maximum frame size, KB: 16, 24, 40 or 64. */
  readonly mfsKb: number;
}

/** A coupling facility LPAR: list structures (XCF signalling) served by its processors. */
export interface CfSpec {
  readonly name: string;
  /** CF processors (ICFs) serving requests. */
  readonly processors: number;
  readonly cpc: string;
  readonly at: SourcePos;
}

/** Coupling links join a z/OS image to a CF; FICON joins two z/OS images (CTC). */
export type CouplingModel = 'ICA-SR' | 'CE-LR' | 'IC';
export type XcfLinkModel = CouplingModel | 'FICON';

export interface XcfLinkSpec {
  /** The two ends, in the order written: an LPAR and a CF (coupling link), or two LPARs (FICON CTC). The
   *  link's name is `A-B`. */
  readonly between: readonly [string, string];
  readonly model: XcfLinkModel;
  /** Fibre length in metres (CE LR up to 10 km and more; ICA SR up to 150 m). */
  readonly distanceM: number;
  /** Coupling link: CHPIDs to the CF; FICON: CTC device pairs (signalling paths) between the two systems. */
  readonly paths: number;
  /** CTC (FICON) or STRUCTURE (a list structure in the CF the coupling link reaches). */
  readonly signalling: 'CTC' | 'STRUCTURE';
  readonly at: SourcePos;
}

/** A transport class (COUPLExx CLASSDEF/PATHOUT): how long a signal fits a buffer, how much buffer space a
 *  path's outbound signals may take. */
export interface TransportClassSpec {
  /** CLASSLEN, bytes. */
  readonly classLength: number;
  /** MAXMSG, bytes of buffer space per outbound path. */
  readonly maxMsgBytes: number;
}

/** A value the file sets shorter than z/OS's own, listed in the reports as compressed. */
export interface CompressedValue {
  /** The key, e.g. `xcf.failureDetection`. */
  readonly key: string;
  readonly valuePs: number;
  /** What z/OS would use, ps. */
  readonly realPs: number;
  readonly at: SourcePos;
}

export interface XcfSpec {
  /** Failure detection interval the file sets for every system, ps (none: each system's spin FDI). */
  readonly failureDetectionPs?: number;
  readonly links: readonly XcfLinkSpec[];
  readonly transportClass: TransportClassSpec;
}

export interface WorkloadSpec {
  readonly dvipa: string;
  readonly port: number;
  readonly protocol: 'http' | 'echo';
  /** Number of client hosts. */
  readonly clients: number;
  /** Total connections to open. */
  readonly connections: number;
  /** New connections per virtual second over all clients (0 = all at once). */
  readonly rate: number;
  /** Request bytes each connection sends, response bytes it expects (HTTP asks for that body size). */
  readonly request: number;
  readonly response: number;
  /** How long a client keeps the connection open after the response, ps. */
  readonly holdPs: number;
  /** When the first connection starts, ps. */
  readonly startPs: number;
  readonly at: SourcePos;
  /** Where `connections` is (the workload's own position when it is absent), for the memory check. */
  readonly connectionsAt?: SourcePos;
}

export type FaultAction =
  | 'lpar-down' | 'lpar-up' | 'osa-down' | 'osa-up' | 'xcf-down' | 'xcf-up' | 'loss'
  | 'cf-down' | 'cf-up' | 'stack-stop' | 'stack-start';

export interface FaultSpec {
  readonly atPs: number;
  /** A fault action on a target, or an operator command (then `action` is 'operator'). */
  readonly action: FaultAction | 'operator';
  readonly target?: string;
  /** Loss percentage for `loss` (0-100). */
  readonly pct?: number;
  /** The command text for `operator`. */
  readonly command?: string;
  readonly at: SourcePos;
}

export interface Topology {
  readonly file: string;
  readonly name: string;
  readonly lans: readonly LanSpec[];
  readonly osas: readonly OsaSpec[];
  readonly lpars: readonly LparSpec[];
  readonly cpcs: readonly CpcSpec[];
  readonly cfs: readonly CfSpec[];
  readonly xcf: XcfSpec;
  /** Values set shorter than z/OS's own (the reports list them). */
  readonly compressed: readonly CompressedValue[];
  /** A default workload, used when a scenario gives none. */
  readonly workload: readonly WorkloadSpec[];
  /** Partitioned runs: where the LAN and its clients go (default: with the first LPAR's partition). */
  readonly backplane?: BackplaneSpec;
}

export interface BackplaneSpec {
  /** Address the coordinator binds; default tcp://127.0.0.1:0 (any free port). */
  readonly bind?: string;
  /** CURVE key files for non-loopback endpoints (absolute paths). */
  readonly curveServerKey?: string;
  readonly curveClientKey?: string;
  /** Components pinned to partitions, by component name. */
  readonly pin?: Readonly<Record<string, number>>;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly topology: Topology;
  readonly seed: number;
  /** Virtual time to stop at, ps (at most 2^53 ps). */
  readonly untilPs: number;
  readonly workload: readonly WorkloadSpec[];
  readonly faults: readonly FaultSpec[];
  readonly expect: readonly ExpectationSpec[];
  /** Absolute path of the golden trace, if any. */
  readonly golden?: string;
  /** Absolute path of a capture to replay, if any. */
  readonly capture?: string;
  /** `tap`: a live run recorded by `run --tap --record` (frames injected exactly as recorded). */
  readonly captureMode?: 'closed' | 'open' | 'tap';
}

/** One `expect` line, already parsed (see src/scenario/expect.ts). */
export interface ExpectationSpec {
  readonly text: string;
  readonly expr: import('./expect.js').Expectation;
  readonly at: SourcePos;
}
