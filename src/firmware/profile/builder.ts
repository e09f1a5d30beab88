// The mutable state of one parse; `build` freezes it into the Profile the firmware receives.

import type { Pos } from './errors.js';
import type { IncludedDataset } from './include.js';
import type {
  Device, NotModelled, DeviceCommand, DynamicXcf, HomeEntry, IgnoredStatement, Interface, Link, OtherOption,
  PortReservation, Profile, Route, SysplexMonitor, VipaBackup, VipaDefine, VipaDistribute, VipaRange, VipaRoute,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class ProfileBuilder {
  dynamicXcf: DynamicXcf | null = null;
  readonly ipconfig = {
    datagramFwd: true,
    sysplexRouting: false,
    sourceVipa: false,
    tcpStackSourceVipa: null as number | null,
    multipath: null as 'PERCONNECTION' | 'PERPACKET' | null,
    pathMtuDiscovery: false,
    ttl: 64,
    arpTimeout: 1200,
    reassemblyTimeout: 60,
    format: null as 'LONG' | 'SHORT' | null,
    otherOptions: [] as OtherOption[],
  };
  readonly globalConfig = {
    xcfGroupId: null as number | null,
    sysplexWlmPoll: 60,
    sysplexMonitor: { delayJoin: false, recovery: false, timerSecs: 60, autoRejoin: false, monInterface: false } as Mutable<SysplexMonitor>,
    otherOptions: [] as OtherOption[],
  };
  readonly tcpConfig = {
    sendBufferSize: null as number | null,
    receiveBufferSize: null as number | null,
    restrictLowPorts: false,
    otherOptions: [] as OtherOption[],
  };
  readonly udpConfig = { restrictLowPorts: false, otherOptions: [] as OtherOption[] };
  readonly interfaces: Interface[] = [];
  readonly devices: Device[] = [];
  readonly links: Link[] = [];
  readonly homes: HomeEntry[] = [];
  readonly routes: Route[] = [];
  vipaDefines: VipaDefine[] = [];
  vipaBackups: VipaBackup[] = [];
  vipaRanges: VipaRange[] = [];
  vipaDistributes: VipaDistribute[] = [];
  vipaRoutes: VipaRoute[] = [];
  readonly vipaSmParms: OtherOption[] = [];
  readonly portReservations: PortReservation[] = [];
  readonly starts: DeviceCommand[] = [];
  readonly stops: DeviceCommand[] = [];
  readonly ignored: IgnoredStatement[] = [];
  /** Statements, operands and interface types accepted but not modelled, in the order written. */
  readonly notModelled: NotModelled[] = [];
  readonly includes: IncludedDataset[] = [];
  /** How many of each modelled statement the profile has. */
  readonly modelled = new Map<string, number>();

  /** Names of interfaces the emulator does not model (IPv6 ...), so routes over them are not reported unknown. */
  readonly unmodelledInterfaces = new Set<string>();
  /** Interface names of IPv6 DVIPAs (VIPADEFINE/VIPABACKUP/VIPARANGE intfname ipv6addr), which VIPADISTRIBUTE may name. */
  readonly ipv6DvipaNames = new Set<string>();
  /** Where each DVIPA was defined (VIPADEFINE or VIPABACKUP), for the duplicate check; VIPADELETE clears it. */
  readonly dvipaOrigins = new Map<number, { statement: 'VIPADEFINE' | 'VIPABACKUP'; at: Pos }>();

  /** A statement accepted but not modelled. */
  ignore(name: string, at: Pos): void {
    const where = { line: at.line, col: at.col, ...(at.file !== undefined ? { file: at.file } : {}) };
    this.ignored.push({ name, ...where });
    this.notModelled.push({ statement: name, ...where });
  }

  /** An operand (or interface type) of a modelled statement, accepted but not modelled. */
  ignoreOperand(statement: string, operand: string, at: Pos): void {
    this.notModelled.push({ statement, operand, line: at.line, col: at.col, ...(at.file !== undefined ? { file: at.file } : {}) });
  }

  /** The ScanContext callback that records unmodelled options of `statement`. */
  operandsOf(statement: string): (option: string, at: Pos) => void {
    return (option, at) => this.ignoreOperand(statement, option, at);
  }

  build(file: string): Profile {
    return {
      file,
      dynamicXcf: this.dynamicXcf,
      ipconfig: this.ipconfig,
      globalConfig: this.globalConfig,
      tcpConfig: this.tcpConfig,
      udpConfig: this.udpConfig,
      interfaces: this.interfaces,
      devices: this.devices,
      links: this.links,
      homes: this.homes,
      routes: this.routes,
      vipaDefines: this.vipaDefines,
      vipaBackups: this.vipaBackups,
      vipaRanges: this.vipaRanges,
      vipaDistributes: this.vipaDistributes,
      vipaRoutes: this.vipaRoutes,
      vipaSmParms: this.vipaSmParms,
      portReservations: this.portReservations,
      starts: this.starts,
      stops: this.stops,
      ignored: this.ignored,
      notModelled: this.notModelled,
      includes: this.includes,
      modelled: Object.fromEntries([...this.modelled].sort(([a], [z]) => (a < z ? -1 : a > z ? 1 : 0))),
    };
  }
}
