// `LAN1.router`: the edge router between the client hosts and the LAN (CONTRACT.md: every stack's default
// route, 10.1.1.254 in the demo). It answers ARP for its own address, resolves LAN addresses with ARP (holding
// packets meanwhile), and updates an existing ARP entry from a gratuitous ARP, so when a DVIPA moves to another
// OSA its traffic follows at once. IPv4 from the `clients` port to a LAN address is framed to whichever MAC
// answers for that address now; IPv4 from the LAN to any other address leaves on the `clients` port as a bare
// datagram. TTL is decremented both ways (RFC 1812 5.3.1: a packet whose TTL would reach 0 is dropped).

import { type Port } from '../../src/kernel/index.js';
import { ModelComponent } from '../model-component.js';
import {
  ArpOp,
  EtherType,
  MAC_BROADCAST,
  arpReply,
  arpRequest,
  buildEthernetFrame,
  writeEthernetHeader,
  checksumAdjust16,
  inSubnet,
  ipToString,
  ipv4Check,
  ipv4Dst,
  ipv4TotalLength,
  macToString,
  parseArp,
  readMac,
  readU16,
  writeU16,
  allocPacket,
} from '../../src/net/index.js';
import type { FrameMsg, Ipv4Msg } from '../messages.js';
import { ArpTable, type ArpTableParams } from './arp-table.js';
import { ROUTER } from './datasheet.js';
import { wireBytes } from './wire.js';

const ETH_HEADER = 14;

const TAG_ARP = 0;

export interface EdgeRouterConfig {
  /** The router's address on the LAN. */
  readonly ip: number;
  readonly mac: number;
  /** The LAN's subnet. */
  readonly network: number;
  readonly prefix: number;
  readonly arp?: ArpTableParams;
}

export class EdgeRouter extends ModelComponent {
  readonly arp: ArpTable<Uint8Array>;
  readonly stats = { toLan: 0, toClients: 0, ttlExpired: 0, malformed: 0, noRoute: 0, arpUnresolved: 0, arpUpdates: 0 };

  constructor(name: string, private readonly cfg: EdgeRouterConfig) {
    super(name);
    this.arp = new ArpTable(cfg.arp ?? ROUTER.arp);
  }

  /** The port to the LAN switch (created on first use, once the router was added to a simulation). */
  get lan(): Port {
    return this.port('lan');
  }
  /** The port to the client hosts (`LAN1.clients`), carrying Ipv4Msg both ways. */
  get clients(): Port {
    return this.port('clients');
  }

  get ip(): number {
    return this.cfg.ip;
  }
  get mac(): number {
    return this.cfg.mac;
  }

  override onMessage(port: Port, message: unknown): void {
    if (port.name === 'clients') this.fromClients((message as Ipv4Msg).packet);
    else this.fromLan((message as FrameMsg).frame);
  }

  override onTimer(tag: number, data: unknown): void {
    if (tag !== TAG_ARP) return;
    const ip = data as number;
    const r = this.arp.expire(ip, this.now);
    if (r === null) return;
    if (r.retry) {
      this.sendArpRequest(ip);
      this.at(r.deadline, TAG_ARP, ip);
    } else {
      this.stats.arpUnresolved += r.dropped.length;
      if (this.tracing) this.trace('router.drop', { reason: 'arp-unresolved', ip: ipToString(ip), packets: r.dropped.length });
    }
  }

  // ---- clients -> LAN -----------------------------------------------------------------------------------

  private fromClients(packet: Uint8Array): void {
    if (ipv4Check(packet, 0, true) < 0) {
      this.drop('malformed', packet);
      return;
    }
    const dst = ipv4Dst(packet);
    if (!inSubnet(dst, this.cfg.network, this.cfg.prefix)) {
      this.drop('no-route', packet);
      return;
    }
    // One copy per hop: the routed datagram goes straight into a frame with room for the Ethernet header.
    const out = this.decrementTtl(packet, ETH_HEADER);
    if (out === null) return;
    const mac = this.arp.lookup(dst);
    if (mac >= 0) {
      this.sendRoutedFrame(mac, out);
      return;
    }
    const held = this.arp.hold(dst, out, this.now);
    if (held === 'request') {
      this.sendArpRequest(dst);
      this.at(this.arp.deadlineOf(dst), TAG_ARP, dst);
    } else if (held === 'full') {
      this.drop('arp-queue-full', packet);
    }
  }

  // ---- LAN -> clients -----------------------------------------------------------------------------------

  private fromLan(frame: Uint8Array): void {
    if (frame.length < 14) return;
    const dstMac = readMac(frame, 0);
    if (dstMac !== this.cfg.mac && dstMac !== MAC_BROADCAST) return; // flooded unicast for someone else
    const type = readU16(frame, 12);
    if (type === EtherType.ARP) this.onArp(frame);
    else if (type === EtherType.IPv4 && dstMac === this.cfg.mac) this.onLanIpv4(frame);
  }

  private onArp(frame: Uint8Array): void {
    const parsed = parseArp(frame, 14);
    if (!parsed.ok) {
      this.stats.malformed++;
      return;
    }
    const a = parsed.value;
    const forMe = a.targetIp === this.cfg.ip;
    if (a.senderIp !== 0) {
      // RFC 826 merge: update an existing entry (this is how a gratuitous ARP moves a DVIPA); create one only
      // when the packet is addressed to us.
      const learned = this.arp.learn(a.senderIp, a.senderMac, forMe && a.senderIp !== a.targetIp);
      if (learned.changed) {
        this.stats.arpUpdates++;
        if (this.tracing) this.trace('router.arp', { ip: ipToString(a.senderIp), mac: macToString(a.senderMac) });
      }
      if (learned.released !== null) for (const f of learned.released) this.sendRoutedFrame(a.senderMac, f);
    }
    if (forMe && a.op === ArpOp.Request && a.senderIp !== a.targetIp) {
      this.sendFrame(a.senderMac, EtherType.ARP, arpReply(this.cfg.mac, this.cfg.ip, a.senderMac, a.senderIp));
    }
  }

  private onLanIpv4(frame: Uint8Array): void {
    // (The packet is read in place, at its offset in the frame: two views a packet were a few % of a run's
    // allocation.)
    if (ipv4Check(frame, ETH_HEADER, true) < 0) {
      this.drop('malformed', frame.subarray(ETH_HEADER));
      return;
    }
    const dst = ipv4Dst(frame, ETH_HEADER);
    if (dst === this.cfg.ip) return; // addressed to the router itself: nothing listens
    if (inSubnet(dst, this.cfg.network, this.cfg.prefix)) {
      this.drop('no-route', frame.subarray(ETH_HEADER)); // a LAN host should not route LAN traffic through us
      return;
    }
    const out = this.decrementTtl(frame, 0, ETH_HEADER, ipv4TotalLength(frame, ETH_HEADER));
    if (out === null) return;
    this.stats.toClients++;
    const msg: Ipv4Msg = { kind: 'ipv4', packet: out };
    this.clients.send(msg, wireBytes(out.length + 14));
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** A copy of the packet of `length` bytes at `offset` in `buf` after `headroom` free bytes, with TTL - 1 and
   *  the checksum patched (RFC 1624), or null when it expired. */
  private decrementTtl(buf: Uint8Array, headroom: number, offset = 0, length = buf.length - offset): Uint8Array | null {
    if (buf[offset + 8]! <= 1) {
      this.stats.ttlExpired++;
      if (this.tracing) this.trace('router.drop', { reason: 'ttl', dst: ipToString(ipv4Dst(buf, offset)) });
      return null;
    }
    const out = allocPacket(headroom + length);
    out.set(offset === 0 && length === buf.length ? buf : buf.subarray(offset, offset + length), headroom);
    const oldWord = readU16(out, headroom + 8);
    out[headroom + 8] = out[headroom + 8]! - 1;
    writeU16(out, headroom + 10, checksumAdjust16(readU16(out, headroom + 10), oldWord, readU16(out, headroom + 8)));
    return out;
  }

  /** Sends a frame made by decrementTtl(packet, ETH_HEADER): the header is written into its headroom. */
  private sendRoutedFrame(dstMac: number, frame: Uint8Array): void {
    writeEthernetHeader(frame, 0, { dst: dstMac, src: this.cfg.mac, etherType: EtherType.IPv4 });
    this.stats.toLan++;
    const msg: FrameMsg = { kind: 'frame', frame };
    this.lan.send(msg, wireBytes(frame.length));
  }

  private sendFrame(dstMac: number, etherType: number, payload: Uint8Array): void {
    const frame = buildEthernetFrame({ dst: dstMac, src: this.cfg.mac, etherType }, payload);
    if (etherType === EtherType.IPv4) this.stats.toLan++;
    const msg: FrameMsg = { kind: 'frame', frame };
    this.lan.send(msg, wireBytes(frame.length));
  }

  private sendArpRequest(ip: number): void {
    this.sendFrame(MAC_BROADCAST, EtherType.ARP, arpRequest(this.cfg.mac, this.cfg.ip, ip));
  }

  private drop(reason: 'malformed' | 'no-route' | 'arp-queue-full', packet: Uint8Array): void {
    if (reason === 'malformed') this.stats.malformed++;
    else if (reason === 'no-route') this.stats.noRoute++;
    if (this.tracing) this.trace('router.drop', { reason, len: packet.length });
  }
}
