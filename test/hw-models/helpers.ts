// Test doubles for the hardware models: a scriptable fake firmware, a LAN host that sends and records frames,
// packet builders, a hand-made topology and a trace collector.

import { Component, Port, traceLine, type TraceSink } from '../../src/kernel/index.js';
import type { Firmware, FirmwareConfig, FirmwareFactory, FirmwareView, Hal, XcfMembershipEvent } from '../../src/firmware/hal.js';
import {
  ArpOp,
  arpReply,
  EtherType,
  IpProtocol,
  buildEthernetFrame,
  buildIpv4,
  parseArp,
  readMac,
  readU16,
  type ArpPacket,
} from '../../src/net/index.js';
import type { LanSpec, LparSpec, OsaSpec, SourcePos, Topology, XcfLinkSpec } from '../../src/scenario/types.js';
import type { FrameMsg, Ipv4Msg } from '../../hw-models/messages.js';
import { wireBytes } from '../../hw-models/lan/wire.js';

export const AT: SourcePos = { file: 'test.yaml', line: 1, col: 1 };

export { ipOf as ip } from '../../src/net/index.js';

/** A UDP-ish IPv4 datagram (protocol UDP, payload of `size` bytes, first 4 bytes = `tag`). */
export function datagram(src: number, dst: number, size = 64, tag = 0, ttl = 64): Uint8Array {
  const payload = new Uint8Array(size);
  new DataView(payload.buffer).setUint32(0, tag);
  return buildIpv4({ src, dst, protocol: IpProtocol.UDP, ttl }, payload);
}

export function tagOf(packet: Uint8Array): number {
  const hl = (packet[0]! & 0x0f) * 4;
  return new DataView(packet.buffer, packet.byteOffset + hl, 4).getUint32(0);
}

export function ipv4Frame(dstMac: number, srcMac: number, packet: Uint8Array): Uint8Array {
  return buildEthernetFrame({ dst: dstMac, src: srcMac, etherType: EtherType.IPv4 }, packet);
}

export function arpOf(frame: Uint8Array): ArpPacket | null {
  if (readU16(frame, 12) !== EtherType.ARP) return null;
  const a = parseArp(frame, 14);
  return a.ok ? a.value : null;
}

// ---- fake firmware ------------------------------------------------------------------------------------------

export interface FakeScript {
  /** Addresses to register at start, on interface `ifName` (default the LPAR's first OSA name given here). */
  readonly register?: readonly { readonly ifName: string; readonly ip: number }[];
  /** Join the XCF group at start (default true). */
  readonly join?: boolean;
  /** Called for every received datagram (after it is logged). */
  readonly onReceive?: (fw: FakeFirmware, now: number, ifName: string, packet: Uint8Array) => void;
  readonly onXcf?: (fw: FakeFirmware, now: number, from: string, bytes: Uint8Array) => void;
  readonly onMembership?: (fw: FakeFirmware, now: number, e: XcfMembershipEvent) => void;
  readonly onTimer?: (fw: FakeFirmware, now: number, id: number) => void;
  readonly onStart?: (fw: FakeFirmware, now: number) => void;
}

/** A firmware that logs every call and does what its script says. */
export class FakeFirmware implements Firmware {
  readonly received: { t: number; ifName: string; packet: Uint8Array }[] = [];
  readonly xcf: { t: number; from: string; bytes: Uint8Array }[] = [];
  readonly memberships: { t: number; e: XcfMembershipEvent }[] = [];
  readonly timers: { t: number; id: number }[] = [];
  readonly operators: { t: number; command: string }[] = [];
  readonly interfaceStates: { t: number; ifName: string; up: boolean }[] = [];
  /** Look-ahead calls: the burst, and how many datagrams had been received before it. */
  readonly bursts: { ifName: string; packets: readonly Uint8Array[]; receivedBefore: number }[] = [];
  startedAt = -1;

  constructor(
    readonly hal: Hal,
    readonly config: FirmwareConfig,
    private readonly script: FakeScript,
  ) {}

  start(now: number): void {
    this.startedAt = now;
    for (const r of this.script.register ?? []) this.hal.registerAddress(r.ifName, r.ip);
    if (this.script.join ?? true) this.hal.xcfJoin(true);
    this.script.onStart?.(this, now);
  }
  receive(now: number, ifName: string, packet: Uint8Array): void {
    this.received.push({ t: now, ifName, packet });
    this.script.onReceive?.(this, now, ifName, packet);
  }
  interfaceState(now: number, ifName: string, up: boolean): void {
    this.interfaceStates.push({ t: now, ifName, up });
  }
  inboundBurst(ifName: string, packets: readonly Uint8Array[]): void {
    this.bursts.push({ ifName, packets: [...packets], receivedBefore: this.received.length });
  }
  xcfReceive(now: number, from: string, bytes: Uint8Array): void {
    this.xcf.push({ t: now, from, bytes });
    this.script.onXcf?.(this, now, from, bytes);
  }
  xcfMembership(now: number, e: XcfMembershipEvent): void {
    this.memberships.push({ t: now, e });
    this.script.onMembership?.(this, now, e);
  }
  timer(now: number, id: number): void {
    this.timers.push({ t: now, id });
    this.script.onTimer?.(this, now, id);
  }
  operator(now: number, command: string): string {
    this.operators.push({ t: now, command });
    return `${this.hal.stackName} ANSWERS ${command}`;
  }
  inspect(): FirmwareView {
    return {
      stack: this.hal.stackName,
      inGroup: true,
      dvipas: [],
      vdpt: [],
      vcrtSize: 0,
      vcrt: () => [],
      connections: 0,
      counters: {},
    };
  }
}

/** A factory per LPAR name; `instances` collects every firmware made (one per IPL). */
export function fakeFirmware(scripts: Record<string, FakeScript>, instances: Map<string, FakeFirmware[]>): (lpar: string) => FirmwareFactory {
  return (lpar) => (hal, config) => {
    const fw = new FakeFirmware(hal, config, scripts[lpar] ?? {});
    const list = instances.get(lpar) ?? [];
    list.push(fw);
    instances.set(lpar, list);
    return fw;
  };
}

// ---- LAN and client test hosts ------------------------------------------------------------------------------

/** A host on a LAN link: records every frame with its arrival time, sends frames, and (optionally) answers ARP
 *  for its own address. */
export class LanHost extends Component {
  readonly frames: { t: number; frame: Uint8Array }[] = [];
  constructor(
    name: string,
    readonly mac: number,
    readonly ip: number = 0,
  ) {
    super(name);
  }
  get lan(): Port {
    return this.port('lan');
  }
  send(frame: Uint8Array): void {
    const m: FrameMsg = { kind: 'frame', frame };
    this.lan.send(m, wireBytes(frame.length));
  }
  /** Sends `frame` at virtual time `at`. */
  sendAt(at: number, frame: Uint8Array): void {
    this.at(at, 0, frame);
  }
  override onTimer(_tag: number, data: unknown): void {
    this.send(data as Uint8Array);
  }
  override onMessage(_p: Port, m: unknown): void {
    const frame = (m as FrameMsg).frame;
    this.frames.push({ t: this.now, frame });
    const a = arpOf(frame);
    if (a !== null && this.ip !== 0 && a.op === ArpOp.Request && a.targetIp === this.ip && a.senderIp !== a.targetIp) {
      this.send(buildEthernetFrame({ dst: a.senderMac, src: this.mac, etherType: EtherType.ARP }, arpReply(this.mac, this.ip, a.senderMac, a.senderIp)));
    }
  }
  arps(): ArpPacket[] {
    return this.frames.map((f) => arpOf(f.frame)).filter((a): a is ArpPacket => a !== null);
  }
  ipv4(): { t: number; frame: Uint8Array }[] {
    return this.frames.filter((f) => readU16(f.frame, 12) === EtherType.IPv4);
  }
  dstMacs(): number[] {
    return this.frames.map((f) => readMac(f.frame, 0));
  }
}


/** The client side of an edge router: sends bare IPv4 datagrams, records what comes back. */
export class ClientsHost extends Component {
  readonly packets: { t: number; packet: Uint8Array }[] = [];
  get router(): Port {
    return this.port('router');
  }
  sendAt(at: number, packet: Uint8Array): void {
    this.at(at, 0, packet);
  }
  override onTimer(_tag: number, data: unknown): void {
    const m: Ipv4Msg = { kind: 'ipv4', packet: data as Uint8Array };
    this.router.send(m, wireBytes(m.packet.length + 14));
  }
  override onMessage(_p: Port, m: unknown): void {
    this.packets.push({ t: this.now, packet: (m as Ipv4Msg).packet });
  }
}

// ---- traces -------------------------------------------------------------------------------------------------

export class TraceCollector implements TraceSink {
  readonly records: { t: number; c: string; k: string; f: Record<string, unknown> }[] = [];
  readonly lines: string[] = [];
  record(t: number, c: string, _seq: number, k: string, f: Record<string, unknown> | undefined): void {
    this.records.push({ t, c, k, f: f ?? {} });
    this.lines.push(traceLine(t, c, k, f));
  }
  of(kind: string, component?: string): { t: number; c: string; k: string; f: Record<string, unknown> }[] {
    return this.records.filter((r) => r.k === kind && (component === undefined || r.c === component));
  }
}

// ---- topologies ---------------------------------------------------------------------------------------------

export function lan(name: string, over: Partial<LanSpec> = {}): LanSpec {
  return {
    name,
    subnet: '10.1.1.0/24',
    router: '10.1.1.254',
    clients: '198.51.100.0/24',
    latencyPs: 500_000,
    routerLatencyPs: 20_000_000,
    clientBps: 10_000_000_000,
    at: AT,
    ...over,
  };
}

export function osa(name: string, over: Partial<OsaSpec> = {}): OsaSpec {
  return { name, lan: 'LAN1', bps: 10_000_000_000, inbperf: 'MINLATENCY', frameLatencyPs: 2_000_000, at: AT, ...over };
}

export function lpar(name: string, osas: string[], over: Partial<LparSpec> = {}): LparSpec {
  return {
    name,
    processors: 2,
    clockHz: 5_200_000_000,
    weight: 100,
    profileFile: `/profiles/${name}.tcpip`,
    profile: `; ${name}\n`,
    firmware: 'builtin',
    osas,
    applications: [],
    cpc: 'CPC1',
    cps: 'dedicated',
    failureDetectionPs: 45_000_000_000_000,
    at: AT,
    ...over,
  };
}

export function xcfLink(a: string, b: string, over: Partial<XcfLinkSpec> = {}): XcfLinkSpec {
  return { between: [a, b], model: 'ICA-SR', distanceM: 10, paths: 1, signalling: 'CTC', at: AT, ...over };
}

/** The demo sysplex's shape: SYS1-3, OSA1-3 on LAN1, a full mesh of ICA SR links. */
export function demoTopology(over: Partial<Topology> = {}): Topology {
  return {
    file: 'test.yaml',
    name: 'demo',
    lans: [lan('LAN1')],
    osas: [osa('OSA1'), osa('OSA2'), osa('OSA3')],
    lpars: [lpar('SYS1', ['OSA1']), lpar('SYS2', ['OSA2']), lpar('SYS3', ['OSA3'])],
    cpcs: [{ name: 'CPC1', implicit: true, at: AT }],
    cfs: [],
    xcf: { failureDetectionPs: 2_000_000_000, links: [xcfLink('SYS1', 'SYS2'), xcfLink('SYS1', 'SYS3'), xcfLink('SYS2', 'SYS3')], transportClass: { classLength: 956, maxMsgBytes: 2_048_000 } },
    compressed: [],
    workload: [],
    ...over,
  };
}
