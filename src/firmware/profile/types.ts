// The typed profile: what a PROFILE.TCPIP text becomes at the edge of the firmware.
// IPv4 addresses and masks are unsigned 32-bit numbers (the HAL's form); formatIpv4 gives the dotted text.
// Every entry carries `at`, the position of the word that defined it, so later checks can name FILE:LINE:COL.

import type { Pos } from './errors.js';
import type { IncludedDataset } from './include.js';

export type { Pos, IncludedDataset };

/** IPCONFIG DYNAMICXCF ip mask cost: this stack's dynamic XCF address, which identifies it as a target. */
export interface DynamicXcf {
  readonly ip: number;
  readonly mask: number;
  readonly prefixLen: number;
  readonly cost: number;
  readonly at: Pos;
}

/** A keyword option the emulator does not interpret, kept with its values for `validate`. */
export interface OtherOption {
  readonly name: string;
  readonly values: readonly string[];
  readonly at: Pos;
}

/** IPCONFIG flags (the IBM defaults when not coded; later IPCONFIG statements override earlier ones). */
export interface IpConfig {
  /** DATAGRAMFWD (default) | NODATAGRAMFWD. */
  readonly datagramFwd: boolean;
  /** SYSPLEXROUTING | NOSYSPLEXROUTING (default): needed for WLM and health exchange. */
  readonly sysplexRouting: boolean;
  /** SOURCEVIPA | NOSOURCEVIPA (default). */
  readonly sourceVipa: boolean;
  /** TCPSTACKSOURCEVIPA address, or null. */
  readonly tcpStackSourceVipa: number | null;
  /** MULTIPATH PERCONNECTION|PERPACKET, or null for NOMULTIPATH (default). */
  readonly multipath: 'PERCONNECTION' | 'PERPACKET' | null;
  /** PATHMTUDISCOVERY | NOPATHMTUDISCOVERY (default). */
  readonly pathMtuDiscovery: boolean;
  /** TTL, default 64. */
  readonly ttl: number;
  /** ARPTO seconds, default 1200. */
  readonly arpTimeout: number;
  /** REASSEMBLYTIMEOUT seconds, default 60. */
  readonly reassemblyTimeout: number;
  /** FORMAT LONG|SHORT of Netstat reports, or null when not coded. */
  readonly format: 'LONG' | 'SHORT' | null;
  readonly otherOptions: readonly OtherOption[];
}

export type InbPerf = 'BALANCED' | 'DYNAMIC' | 'MINCPU' | 'MINLATENCY';

/** INTERFACE name DEFINE IPAQENET|IPAQIDIO|VIRTUAL ... (IPv4 interfaces; IPv6 ones are kept as ignored). */
export interface Interface {
  readonly name: string;
  readonly type: 'IPAQENET' | 'IPAQIDIO' | 'VIRTUAL' | 'EQENET';
  /** PORTNAME of the OSA port (IPAQENET), else null. */
  readonly portName: string | null;
  /** CHPID (IPAQIDIO), else null. */
  readonly chpid: string | null;
  readonly ip: number;
  readonly prefixLen: number;
  readonly mask: number;
  /** MTU, or null for the default of the device. */
  readonly mtu: number | null;
  /** INBPERF, or null when not coded (the stack's default). */
  readonly inbperf: InbPerf | null;
  /** WORKLOADQ coded with INBPERF DYNAMIC. */
  readonly workloadQ: boolean;
  readonly vlanId: number | null;
  /** VMAC coded: the MAC given (12 hex digits) or '' for an OSA-generated one; null when not coded. */
  readonly vmac: string | null;
  readonly router: 'PRIROUTER' | 'SECROUTER' | 'NONROUTER' | null;
  /** MONSYSPLEX: GLOBALCONFIG SYSPLEXMONITOR MONINTERFACE watches this interface. */
  readonly monSysplex: boolean;
  readonly otherOptions: readonly OtherOption[];
  readonly at: Pos;
}

/** DEVICE name type ... (older form). */
export interface Device {
  readonly name: string;
  readonly type: string;
  readonly options: readonly string[];
  readonly at: Pos;
}

/** LINK name type [n] device ... (older form). */
export interface Link {
  readonly name: string;
  readonly type: string;
  readonly device: string;
  readonly options: readonly string[];
  readonly at: Pos;
}

/** One `ip linkname` pair of the HOME statement. */
export interface HomeEntry {
  readonly ip: number;
  readonly linkName: string;
  readonly at: Pos;
}

/** ROUTE of BEGINROUTES: `ROUTE dest/len|DEFAULT gateway|= ifname MTU n`. */
export interface Route {
  /** Destination network (0 for DEFAULT). */
  readonly dest: number;
  readonly prefixLen: number;
  readonly isDefault: boolean;
  /** First hop, or null for `=` (directly attached). */
  readonly gateway: number | null;
  /** The INTERFACE or LINK name. */
  readonly ifName: string;
  /** MTU, or null for DEFAULTSIZE / not coded. */
  readonly mtu: number | null;
  readonly replaceable: boolean;
  readonly at: Pos;
}

export type Moveable = 'IMMEDIATE' | 'WHENIDLE';

/** VIPADEFINE: this stack owns the DVIPA. */
export interface VipaDefine {
  readonly ip: number;
  readonly mask: number;
  readonly prefixLen: number;
  /** MOVEABLE IMMEDIATE|WHENIDLE; IMMEDIATE when not coded (the z/OS default, as Netstat VIPADCFG shows). */
  readonly moveable: Moveable;
  readonly serviceMgr: boolean;
  readonly at: Pos;
}

/** VIPABACKUP: this stack takes the DVIPA over when its owner leaves (higher rank first). */
export interface VipaBackup {
  readonly ip: number;
  /** 1-254, default 1. */
  readonly rank: number;
  readonly moveable: Moveable | null;
  /** Coded only with MOVEABLE (then this backup may activate the DVIPA itself); null otherwise. */
  readonly mask: number | null;
  readonly prefixLen: number | null;
  readonly serviceMgr: boolean;
  readonly at: Pos;
}

/** VIPARANGE: DVIPAs created by applications (bind/ioctl) inside this subnet. */
export interface VipaRange {
  readonly ip: number;
  readonly mask: number;
  readonly prefixLen: number;
  readonly moveable: 'NONDISRUPTIVE' | 'DISRUPTIVE';
  readonly saf: string | null;
  readonly at: Pos;
}

/** VIPAROUTE DEFINE xcfip|DEFAULT targetip: reach a target through IP routing (GRE) instead of dynamic XCF. */
export interface VipaRoute {
  /** The target's dynamic XCF address, or null for DEFAULT (every target). */
  readonly xcfIp: number | null;
  readonly targetIp: number;
  readonly at: Pos;
}

export type DistMethod = 'BASEWLM' | 'ROUNDROBIN' | 'SERVERWLM' | 'WEIGHTEDACTIVE' | 'HOTSTANDBY';

/** One DESTIP entry: a target stack named by its dynamic XCF address. */
export interface DistDestination {
  readonly xcfIp: number;
  /** WEIGHTEDACTIVE weight, when coded. */
  readonly weight?: number;
  /** HOTSTANDBY role. */
  readonly role?: 'PREFERRED' | 'BACKUP';
  /** HOTSTANDBY BACKUP rank (1-254, higher preferred). */
  readonly rank?: number;
  readonly at: Pos;
}

/** VIPADISTRIBUTE DEFINE: this stack distributes connections to the DVIPA when it owns it. */
export interface VipaDistribute {
  readonly ip: number;
  /** Distributed ports, ranges expanded, in the order written; empty = every port a target binds (dynamic). */
  readonly ports: readonly number[];
  readonly method: DistMethod;
  /** BASEWLM PROCTYPE CP/ZAAP/ZIIP proportions, or null. */
  readonly procType: { readonly cp: number; readonly zaap: number; readonly ziip: number } | null;
  /** SERVERWLM PROCXCOST ZAAP/ZIIP crossover costs, or null. */
  readonly procXCost: { readonly zaap: number; readonly ziip: number } | null;
  /** SERVERWLM ILWEIGHTING 0-3, or null. */
  readonly ilWeighting: number | null;
  /** HOTSTANDBY AUTOSWITCHBACK (default) | NOAUTOSWITCHBACK. */
  readonly autoSwitchBack: boolean;
  /** HOTSTANDBY HEALTHSWITCH (default) | NOHEALTHSWITCH. */
  readonly healthSwitch: boolean;
  /** OPTLOCAL n (0-16; OPTLOCAL alone = 1), or null for NOOPTLOCAL (default). */
  readonly optLocal: number | null;
  /** TIMEDAFFINITY seconds; 0 = no affinity. */
  readonly timedAffinity: number;
  readonly sysplexPorts: boolean;
  readonly destinations: 'ALL' | readonly DistDestination[];
  readonly at: Pos;
}

/** PORT reservation entry: `port TCP|UDP jobname [options]`. */
export interface PortReservation {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Job name as written (upper case): `*`, OMVS, RESERVED and masks like `CICS*` included. */
  readonly jobName: string;
  readonly noAutolog: boolean;
  readonly shareport: 'SHAREPORT' | 'SHAREPORTWLM' | null;
  readonly bind: number | null;
  readonly saf: string | null;
  readonly otherOptions: readonly OtherOption[];
  readonly at: Pos;
}

/** GLOBALCONFIG SYSPLEXMONITOR options. */
export interface SysplexMonitor {
  readonly delayJoin: boolean;
  readonly recovery: boolean;
  /** TIMERSECS, default 60. */
  readonly timerSecs: number;
  readonly autoRejoin: boolean;
  /** MONINTERFACE: the stack watches its MONSYSPLEX interfaces (DYNROUTE, the dynamic-route check, is not modelled). */
  readonly monInterface: boolean;
}

export interface GlobalConfig {
  /** XCFGRPID 2-31 (group EZBTvvtt), or null for the default group. */
  readonly xcfGroupId: number | null;
  /** SYSPLEXWLMPOLL seconds (1-180, default 60): how often the distributor polls WLM weights. */
  readonly sysplexWlmPoll: number;
  readonly sysplexMonitor: SysplexMonitor;
  readonly otherOptions: readonly OtherOption[];
}

export interface TcpConfig {
  /** TCPSENDBFRSIZE in bytes, or null. */
  readonly sendBufferSize: number | null;
  /** TCPRCVBUFRSIZE in bytes, or null. */
  readonly receiveBufferSize: number | null;
  readonly restrictLowPorts: boolean;
  readonly otherOptions: readonly OtherOption[];
}

export interface UdpConfig {
  readonly restrictLowPorts: boolean;
  readonly otherOptions: readonly OtherOption[];
}

/** A statement accepted but not modelled (ARPAGE, AUTOLOG, SMFCONFIG ...), for `validate` to list. */
export interface IgnoredStatement {
  readonly name: string;
  readonly line: number;
  readonly col: number;
  /** The INCLUDEd file it is in; absent for the profile itself. */
  readonly file?: string;
}

/** A statement, or an operand of a modelled statement, that z/OS takes and the emulator does not model. */
export interface NotModelled {
  readonly statement: string;
  /** The operand (or INTERFACE type); absent when the whole statement is not modelled. */
  readonly operand?: string;
  readonly line: number;
  readonly col: number;
  readonly file?: string;
}

/** START/STOP of a device or interface. */
export interface DeviceCommand {
  readonly name: string;
  readonly at: Pos;
}

export interface Profile {
  readonly file: string;
  readonly dynamicXcf: DynamicXcf | null;
  readonly ipconfig: IpConfig;
  readonly globalConfig: GlobalConfig;
  readonly tcpConfig: TcpConfig;
  readonly udpConfig: UdpConfig;
  readonly interfaces: readonly Interface[];
  readonly devices: readonly Device[];
  readonly links: readonly Link[];
  readonly homes: readonly HomeEntry[];
  readonly routes: readonly Route[];
  readonly vipaDefines: readonly VipaDefine[];
  readonly vipaBackups: readonly VipaBackup[];
  readonly vipaRanges: readonly VipaRange[];
  readonly vipaDistributes: readonly VipaDistribute[];
  readonly vipaRoutes: readonly VipaRoute[];
  /** VIPASMPARMS options, kept as written. */
  readonly vipaSmParms: readonly OtherOption[];
  readonly portReservations: readonly PortReservation[];
  readonly starts: readonly DeviceCommand[];
  readonly stops: readonly DeviceCommand[];
  readonly ignored: readonly IgnoredStatement[];
  /** Everything accepted but not modelled: the statements of `ignored`, and operands of modelled statements. */
  readonly notModelled: readonly NotModelled[];
  /** How many of each modelled statement the profile has (INCLUDE counted once per INCLUDE). */
  readonly modelled: Readonly<Record<string, number>>;
  /** The data sets INCLUDE brought in. */
  readonly includes: readonly IncludedDataset[];
}
