// `LAN1.tap`: the clients side of a LAN's edge router as a real host sees it through a Linux TAP device. It
// takes the client hosts' place on the router's `clients` port and speaks Ethernet towards the host: it
// answers ARP for the gateway address (the clients subnet's first host address, 198.51.100.1 in the demo),
// passes the host's IPv4 datagrams to the router, and frames the router's datagrams to the host's MAC (learnt
// from the host's own frames; asked for with ARP when not yet known).
//
// Frames from the host arrive as control events at the virtual time the live driver read them (or the
// recorded time when a live run is replayed), so the model stays free of I/O and clocks: what goes out to
// the host is handed to `out`, which the live driver writes to the TAP (and a replay drops).

import { type Port } from '../../src/kernel/index.js';
import {
  ArpOp,
  EtherType,
  MAC_BROADCAST,
  arpReply,
  arpRequest,
  buildEthernetFrame,
  inSubnet,
  ipToString,
  ipv4Check,
  ipv4Dst,
  ipv4Src,
  ipv4TotalLength,
  macToString,
  parseCidr,
  parseArp,
  readMac,
  readU16,
  writeEthernetHeader,
  allocPacket,
} from '../../src/net/index.js';
import { ModelComponent } from '../model-component.js';
import type { Ipv4Msg } from '../messages.js';
import { macFor, wireBytes } from './wire.js';

const ETH = 14;
/** Datagrams held for one host address while its MAC is asked for (as the router's ARP queue). */
const HOLD = 8;

export interface TapPortConfig {
  /** The gateway address the port answers ARP for, and its MAC. */
  readonly gatewayIp: number;
  readonly gatewayMac: number;
  /** The clients subnet: only hosts in it are learnt and asked for. */
  readonly network: number;
  readonly prefix: number;
}

/** The port named `name` for a clients subnet (`198.51.100.0/24`): the gateway is the subnet's first host
 *  address; the MAC comes from the name. A live run and its replay build the same port this way. */
export function tapPortConfig(name: string, clientsCidr: string): TapPortConfig {
  const c = parseCidr(clientsCidr);
  if (!c.ok) throw new Error(`clients subnet ${clientsCidr}: ${c.error.message}`);
  return { gatewayIp: (c.value.network + 1) >>> 0, gatewayMac: macFor(name), network: c.value.network, prefix: c.value.prefix };
}

/** A frame from the host, delivered as a control event. */
export interface TapFrameControl {
  readonly kind: 'tap-frame';
  readonly frame: Uint8Array;
}

export class TapPort extends ModelComponent {
  /** Where frames for the host go (the TAP device in a live run); frames are fresh arrays the callee may keep. */
  out: (frame: Uint8Array) => void = () => {};
  readonly stats = { framesIn: 0, framesOut: 0, toRouter: 0, toHost: 0, arpAnswered: 0, ignored: 0, unresolved: 0 };
  private readonly macOf = new Map<number, number>();
  private readonly held = new Map<number, Uint8Array[]>();

  constructor(name: string, private readonly cfg: TapPortConfig) {
    super(name);
  }

  get gatewayIp(): number {
    return this.cfg.gatewayIp;
  }

  /** The port to the edge router's `clients` port (bare IPv4 datagrams both ways). */
  get router(): Port {
    return this.port('router');
  }

  override onControl(control: unknown): void {
    const c = control as TapFrameControl;
    if (c.kind === 'tap-frame') this.fromHost(c.frame);
  }

  /** A datagram from the router for a host. */
  override onMessage(_port: Port, message: unknown): void {
    const packet = (message as Ipv4Msg).packet;
    const dst = ipv4Dst(packet);
    const mac = this.macOf.get(dst);
    if (mac !== undefined) {
      this.toHost(mac, packet);
      return;
    }
    if (!inSubnet(dst, this.cfg.network, this.cfg.prefix)) {
      this.stats.unresolved++;
      return;
    }
    let q = this.held.get(dst);
    if (q === undefined) {
      this.held.set(dst, (q = []));
      this.send(buildEthernetFrame({ dst: MAC_BROADCAST, src: this.cfg.gatewayMac, etherType: EtherType.ARP }, arpRequest(this.cfg.gatewayMac, this.cfg.gatewayIp, dst)));
    }
    if (q.length < HOLD) q.push(packet);
    else this.stats.unresolved++;
  }

  private fromHost(frame: Uint8Array): void {
    this.stats.framesIn++;
    if (frame.length < ETH) return this.ignore();
    const dstMac = readMac(frame, 0);
    if (dstMac !== this.cfg.gatewayMac && dstMac !== MAC_BROADCAST) return this.ignore();
    const type = readU16(frame, 12);
    if (type === EtherType.ARP) this.onArp(frame);
    else if (type === EtherType.IPv4 && dstMac === this.cfg.gatewayMac) this.onIpv4(frame);
    else this.ignore(); // IPv6 neighbour discovery, LLDP ...: nothing on this side speaks them
  }

  private onArp(frame: Uint8Array): void {
    const parsed = parseArp(frame, ETH);
    if (!parsed.ok) return this.ignore();
    const a = parsed.value;
    if (a.senderIp !== 0) this.learn(a.senderIp, a.senderMac);
    if (a.op === ArpOp.Request && a.targetIp === this.cfg.gatewayIp && a.senderIp !== a.targetIp) {
      this.stats.arpAnswered++;
      this.send(buildEthernetFrame({ dst: a.senderMac, src: this.cfg.gatewayMac, etherType: EtherType.ARP }, arpReply(this.cfg.gatewayMac, this.cfg.gatewayIp, a.senderMac, a.senderIp)));
    }
  }

  private onIpv4(frame: Uint8Array): void {
    const packet = frame.subarray(ETH);
    if (ipv4Check(packet, 0, true) < 0) return this.ignore();
    this.learn(ipv4Src(packet), readMac(frame, 6));
    const copy = packet.slice(0, ipv4TotalLength(packet));
    this.stats.toRouter++;
    const msg: Ipv4Msg = { kind: 'ipv4', packet: copy };
    this.router.send(msg, wireBytes(copy.length + ETH));
  }

  private learn(ip: number, mac: number): void {
    if (!inSubnet(ip, this.cfg.network, this.cfg.prefix)) return;
    if (this.macOf.get(ip) === mac) return;
    this.macOf.set(ip, mac);
    if (this.tracing) this.trace('tap.learn', { ip: ipToString(ip), mac: macToString(mac) });
    const q = this.held.get(ip);
    if (q === undefined) return;
    this.held.delete(ip);
    for (const p of q) this.toHost(mac, p);
  }

  private toHost(mac: number, packet: Uint8Array): void {
    const frame = allocPacket(ETH + packet.length);
    writeEthernetHeader(frame, 0, { dst: mac, src: this.cfg.gatewayMac, etherType: EtherType.IPv4 });
    frame.set(packet, ETH);
    this.stats.toHost++;
    this.send(frame);
  }

  private send(frame: Uint8Array): void {
    this.stats.framesOut++;
    this.out(frame);
  }

  private ignore(): void {
    this.stats.ignored++;
  }
}
