// `OSA1`: one OSA-Express port in QDIO layer-3 mode, shared by the LPARs that define it. Ports: one per LPAR
// (named after it) and `lan` to the switch. Per LPAR it keeps one read queue (READSTORAGE SBALs of 64 KB that
// datagrams are packed into, see read-queue.ts) and four outbound priority queues of SBALs x entries; the OSA
// Address Table says which LPAR gets which inbound datagram; the OSA answers
// ARP for registered addresses itself, sends a gratuitous ARP when an address is registered, and resolves
// outbound next hops with an ARP cache of its own. The wire is serialised at the `lan` link's bit rate; each
// frame also spends a fixed processing latency in the adapter (pipelined). Inbound interrupts are coalesced per
// INBPERF; an inbound buffer is free again when the LPAR acknowledges it (the stack has taken the datagram).
// Faults osa-down / osa-up stop and resume the port in both directions and tell the LPARs.

import { type Port } from '../../src/kernel/index.js';
import { ModelComponent } from '../model-component.js';
import {
  ArpOp,
  EtherType,
  MAC_BROADCAST,
  arpReply,
  arpRequest,
  buildEthernetFrame,
  gratuitousArp,
  ipToString,
  ipv4Check,
  ipv4Dst,
  ipv4Src,
  ipv4TotalLength,
  parseArp,
  readMac,
  readU16,
} from '../../src/net/index.js';
import type { ControlMsg, DeliverMsg, FrameMsg, LparToOsaMsg, PortStateMsg } from '../messages.js';
import { ArpTable, type ArpTableParams } from '../lan/arp-table.js';
import { wireBytes } from '../lan/wire.js';
import { AddressTable } from './address-table.js';
import { type Inbperf, type InterruptPolicy, OSA, queueCapacity, type ReadStorage, readSbals } from './datasheet.js';
import { FrameRing } from './frame-ring.js';
import { ReadQueue, type ReadQueueStats } from './read-queue.js';
import { Histogram } from '../../src/kernel/histogram.js';

const TAG_TX = 0;
const TAG_IRQ = 1;
const TAG_ARP = 2;

export interface OsaConfig {
  readonly mac: number;
  readonly inbperf: Inbperf;
  /** Per-frame processing latency, ps. */
  readonly frameLatencyPs: number;
  /** Write queue geometry (default 128 SBALs x 16 entries). */
  readonly sbals?: number;
  readonly entriesPerSbal?: number;
  /** Read storage of each LPAR's read queue (QDIOSTG / READSTORAGE; default MAX = 64 SBALs). */
  readonly readStorage?: ReadStorage;
  /** Inbound workload queueing (INTERFACE ... WORKLOADQ): a second read queue per LPAR for the datagrams its
   *  sysplex distributor forwards. */
  readonly workloadQ?: boolean;
  readonly arp?: ArpTableParams;
}

/** A datagram waiting for its next hop's MAC. */
interface HeldDatagram {
  readonly slot: number;
  readonly queue: number;
  readonly packet: Uint8Array;
}

/** One sharing LPAR as the OSA sees it. */
/** One read queue of an LPAR: its buffers and its interrupt state. */
class InboundQueue {
  readonly rq: ReadQueue;
  /** When the pending interrupt fires (Infinity: none armed). */
  irqAt = Infinity;
  constructor(
    readSbals: number,
    readonly policy: InterruptPolicy,
    /** The interrupt hold time now: the policy's, or what the stack set (INBPERF DYNAMIC), ps. */
    public holdPs: number,
  ) {
    this.rq = new ReadQueue(readSbals, OSA.sbalBytes, OSA.qdioHeaderBytes);
  }
}

class LparSlot {
  /** Read queues: the primary one, and with WORKLOADQ the sysplex distributor's ancillary queue. */
  readonly queues: InboundQueue[] = [];
  readonly outbound: FrameRing[] = [];
  /** Frames transmitted per write priority queue 1..4. */
  readonly txByQueue = [0, 0, 0, 0];
  /** Datagrams put on the sysplex distributor's read queue (IWQ). */
  sdFrames = 0;
  /** IWQ: the (DVIPA, port) services this LPAR's distributor forwards (ip x 65536 + port). */
  readonly sdServices = new Set<number>();
  constructor(
    readonly name: string,
    readonly port: Port,
    capacity: number,
    readSbals: number,
    policy: InterruptPolicy,
    workloadQ: boolean,
  ) {
    this.queues.push(new InboundQueue(readSbals, policy, policy.holdPs));
    if (workloadQ) this.queues.push(new InboundQueue(readSbals, OSA.sdQueueInterrupts, OSA.sdQueueInterrupts.holdPs));
    for (let q = 0; q < OSA.outboundQueues; q++) this.outbound.push(new FrameRing(capacity));
  }
  get inbound(): ReadQueue {
    return this.queues[0]!.rq;
  }
}

/** One sharing LPAR's queues, for the report. */
export interface OsaSlotSummary extends ReadQueueStats {
  readonly lpar: string;
  readonly readStorage: number;
  readonly txByQueue: readonly number[];
  /** Datagrams the OSA put on the sysplex distributor's read queue (IWQ; 0 without WORKLOADQ). */
  readonly sdQueueFrames: number;
}

export interface OsaStats {
  rxFrames: number;
  txFrames: number;
  interrupts: number;
  /** Datagrams between LPARs of this port, routed inside the adapter. */
  internal: number;
  arpReplies: number;
  garps: number;
  dropInboundFull: number;
  dropOutboundFull: number;
  dropUnregistered: number;
  dropPortDown: number;
  dropArpUnresolved: number;
  dropControlFull: number;
  dropMalformed: number;
  /** Flooded frames for other MACs, ignored (not a drop). */
  notForMe: number;
}

export class OsaPort extends ModelComponent {
  private readonly slots: LparSlot[] = [];
  private readonly slotByPort = new Map<Port, number>();
  readonly oat = new AddressTable();
  readonly arp: ArpTable<HeldDatagram>;
  private readonly control: FrameRing;
  private readonly capacity: number;
  private readonly readSbals: number;
  private readonly policy: InterruptPolicy;
  private up = true;
  private txWakeAt = Infinity;
  /** Round-robin start among LPARs within a priority. */
  private rr = 0;
  readonly stats: OsaStats = {
    rxFrames: 0, txFrames: 0, interrupts: 0, internal: 0, arpReplies: 0, garps: 0, dropInboundFull: 0,
    dropOutboundFull: 0, dropUnregistered: 0, dropPortDown: 0, dropArpUnresolved: 0, dropControlFull: 0, dropMalformed: 0,
    notForMe: 0,
  };
  /** Inbound queue wait: how long each datagram waited in its read queue, ready for the host, until an interrupt
   *  presented it (the INBPERF hold and interrupt coalescing), ps. */
  readonly inboundWait = new Histogram();

  constructor(name: string, private readonly cfg: OsaConfig) {
    super(name);
    this.capacity = queueCapacity(cfg.sbals ?? OSA.sbals, cfg.entriesPerSbal ?? OSA.entriesPerSbal);
    this.readSbals = readSbals(cfg.readStorage ?? 'MAX');
    this.policy = OSA.interrupts[cfg.inbperf];
    this.arp = new ArpTable(cfg.arp ?? OSA.arp);
    this.control = new FrameRing(OSA.controlQueue);
  }

  get mac(): number {
    return this.cfg.mac;
  }
  get isUp(): boolean {
    return this.up;
  }
  /** The port to the LAN switch. */
  get lan(): Port {
    return this.port('lan');
  }

  /** The port for an LPAR that defines this OSA (its name is the LPAR's). */
  attachLpar(lpar: string): Port {
    const existing = this.slots.find((s) => s.name === lpar);
    if (existing !== undefined) return existing.port;
    const port = this.port(lpar);
    this.slotByPort.set(port, this.slots.length);
    this.slots.push(new LparSlot(lpar, port, this.capacity, this.readSbals, this.policy, this.cfg.workloadQ === true));
    return port;
  }

  /** Frames in an LPAR's inbound queue (waiting or delivered but unacknowledged), for tests and inspection. */
  inboundOccupancy(lpar: string): number {
    const s = this.slots.find((x) => x.name === lpar);
    return s === undefined ? 0 : s.queues.reduce((n, q) => n + q.rq.held, 0);
  }

  /** Read SBALs an LPAR's inbound queue has in use now. */
  inboundSbals(lpar: string): number {
    return this.slots.find((x) => x.name === lpar)?.inbound.inUse ?? 0;
  }

  /** Per sharing LPAR: read storage, its high-water marks and frames sent per write queue. */
  slotSummaries(): OsaSlotSummary[] {
    return this.slots.map((s) => ({
      lpar: s.name, readStorage: this.readSbals, ...s.inbound.stats, txByQueue: [...s.txByQueue], sdQueueFrames: s.sdFrames,
    }));
  }

  // ---- events -------------------------------------------------------------------------------------------

  override onMessage(port: Port, message: unknown): void {
    const slot = this.slotByPort.get(port);
    if (slot === undefined) this.fromLan((message as FrameMsg).frame);
    else this.fromLpar(slot, message as LparToOsaMsg);
  }

  override onTimer(tag: number, data: unknown): void {
    if (tag === TAG_TX) {
      if (this.now !== this.txWakeAt) return;
      this.txWakeAt = Infinity;
      this.serviceWire();
    } else if (tag === TAG_IRQ) {
      const slot = (data as number) >> 1;
      const q = this.slots[slot]!.queues[(data as number) & 1]!;
      if (this.now !== q.irqAt) return;
      q.irqAt = Infinity;
      this.interrupt(slot, (data as number) & 1);
    } else if (tag === TAG_ARP) {
      this.arpExpired(data as number);
    }
  }

  override onControl(control: unknown): void {
    const c = control as ControlMsg;
    if (c.kind === 'osa-down' && this.up) this.portDown();
    else if (c.kind === 'osa-up' && !this.up) this.portUp();
  }

  // ---- from the LPARs -----------------------------------------------------------------------------------

  private fromLpar(slot: number, m: LparToOsaMsg): void {
    switch (m.kind) {
      case 'transmit':
        this.transmit(slot, m.packet, m.nextHop, m.queue);
        break;
      case 'ack':
        this.slots[slot]!.queues[m.queue ?? 0]?.rq.take(m.count);
        break;
      case 'inbperf':
        // INBPERF DYNAMIC: the stack re-tunes how long this port holds inbound frames before it interrupts.
        if (this.cfg.inbperf === 'DYNAMIC') this.slots[slot]!.queues[0]!.holdPs = m.holdPs;
        break;
      case 'iwq-sd': {
        const set = this.slots[slot]!.sdServices;
        const key = (m.ip >>> 0) * 65536 + m.port;
        if (m.on) set.add(key);
        else set.delete(key);
        break;
      }
      case 'register':
        this.register(slot, m.ip);
        break;
      case 'deregister':
        if (this.oat.deregister(m.ip, slot) && this.tracing) {
          this.trace('osa.deregister', { lpar: this.slots[slot]!.name, ip: ipToString(m.ip) });
        }
        break;
      case 'deregister-all':
        this.deregisterAll(slot);
        break;
    }
  }

  private register(slot: number, ip: number): void {
    const prev = this.oat.register(ip, slot);
    if (prev === slot) return;
    if (this.tracing) {
      const f: Record<string, unknown> = { lpar: this.slots[slot]!.name, ip: ipToString(ip) };
      if (prev >= 0) f.replaced = this.slots[prev]!.name;
      this.trace('osa.register', f);
    }
    if (this.up) this.sendGratuitousArp(ip);
  }

  private deregisterAll(slot: number): void {
    const s = this.slots[slot]!;
    const gone = this.oat.removeAll(slot);
    for (const q of s.queues) {
      q.rq.clear();
      q.irqAt = Infinity;
    }
    for (const q of s.outbound) q.clear();
    s.sdServices.clear();
    if (this.tracing) this.trace('osa.deregister', { lpar: s.name, all: true, ips: gone.map(ipToString) });
  }

  private transmit(slot: number, packet: Uint8Array, nextHop: number, queue: number): void {
    if (!this.up) {
      this.drop('port-down', slot, packet.length);
      return;
    }
    // A next hop registered on this very port is another sharing LPAR: the adapter routes it internally.
    const local = this.oat.owner(nextHop);
    if (local >= 0) {
      this.stats.internal++;
      if (this.tracing) this.trace('osa.tx', { lpar: this.slots[slot]!.name, to: this.slots[local]!.name, len: packet.length });
      this.acceptInbound(local, packet);
      return;
    }
    const mac = this.arp.lookup(nextHop);
    if (mac >= 0) {
      this.enqueueOutbound(slot, queue, mac, packet);
      return;
    }
    const held = this.arp.hold(nextHop, { slot, queue, packet }, this.now);
    if (held === 'request') {
      this.sendControl(MAC_BROADCAST, EtherType.ARP, arpRequest(this.cfg.mac, this.arpSender(slot, ipv4Src(packet)), nextHop));
      this.at(this.arp.deadlineOf(nextHop), TAG_ARP, nextHop);
    } else if (held === 'full') {
      this.drop('arp-queue-full', slot, packet.length);
    }
  }

  private enqueueOutbound(slot: number, queue: number, mac: number, packet: Uint8Array): void {
    const q = queue >= 1 && queue <= OSA.outboundQueues ? queue - 1 : OSA.outboundQueues - 1;
    const frame = buildEthernetFrame({ dst: mac, src: this.cfg.mac, etherType: EtherType.IPv4 }, packet);
    const ready = this.now + this.cfg.frameLatencyPs;
    if (!this.slots[slot]!.outbound[q]!.push(frame, ready)) {
      this.drop('outbound-full', slot, frame.length, q + 1);
      return;
    }
    this.wakeTx(ready);
  }

  /** The sender address of an ARP request: the datagram's source only when this port answers for it;
   *  otherwise (a target answering from a DVIPA another stack owns) an address the LPAR registered here, so
   *  that neighbours never learn someone else's DVIPA at this port's MAC. */
  private arpSender(slot: number, source: number): number {
    if (this.oat.owner(source) === slot) return source;
    for (const a of this.oat.addresses()) if (this.oat.owner(a) === slot) return a;
    return 0;
  }

  private arpExpired(ip: number): void {
    const r = this.arp.expire(ip, this.now);
    if (r === null) return;
    if (r.retry) {
      const waiting = this.arp.held(ip)[0];
      const sender = waiting === undefined ? 0 : this.arpSender(waiting.slot, ipv4Src(waiting.packet));
      this.sendControl(MAC_BROADCAST, EtherType.ARP, arpRequest(this.cfg.mac, sender, ip));
      this.at(r.deadline, TAG_ARP, ip);
      return;
    }
    this.stats.dropArpUnresolved += r.dropped.length;
    if (this.tracing) this.trace('osa.drop', { reason: 'arp-unresolved', ip: ipToString(ip), frames: r.dropped.length });
  }

  // ---- the wire -----------------------------------------------------------------------------------------

  private sendControl(dst: number, etherType: number, payload: Uint8Array): void {
    if (!this.up) return;
    const frame = buildEthernetFrame({ dst, src: this.cfg.mac, etherType }, payload);
    const ready = this.now + this.cfg.frameLatencyPs;
    if (!this.control.push(frame, ready)) {
      this.drop('control-full', -1, frame.length);
      return;
    }
    this.wakeTx(ready);
  }

  private sendGratuitousArp(ip: number): void {
    this.stats.garps++;
    if (this.tracing) this.trace('osa.garp', { ip: ipToString(ip) });
    this.sendControl(MAC_BROADCAST, EtherType.ARP, gratuitousArp(this.cfg.mac, ip));
  }

  /** Arms the transmitter's wake-up at `t` (never earlier than when the wire is free). */
  private wakeTx(t: number): void {
    const free = this.lan.txFreeAt;
    let at = t > free ? t : free;
    if (at < this.now) at = this.now;
    if (at >= this.txWakeAt) return;
    this.txWakeAt = at;
    this.at(at, TAG_TX);
  }

  /** Puts ready frames on the wire while it is free: the OSA's own frames first, then queue 1..4, LPARs in
   *  round robin within a queue. */
  private serviceWire(): void {
    if (!this.up) return;
    const lan = this.lan;
    const now = this.now;
    for (;;) {
      if (lan.txFreeAt > now) {
        this.wakeTx(lan.txFreeAt);
        return;
      }
      let ring: FrameRing | null = null;
      let owner = -1;
      if (this.control.count > 0 && this.control.readyAt() <= now) ring = this.control;
      else {
        const n = this.slots.length;
        for (let q = 0; q < OSA.outboundQueues && ring === null; q++) {
          for (let k = 0; k < n; k++) {
            const i = (this.rr + k) % n;
            const r = this.slots[i]!.outbound[q]!;
            if (r.count > 0 && r.readyAt() <= now) {
              ring = r;
              owner = i;
              this.rr = (i + 1) % n;
              break;
            }
          }
        }
      }
      if (ring === null) break;
      const frame = ring.shift();
      this.stats.txFrames++;
      if (owner >= 0) {
        const s = this.slots[owner]!;
        s.txByQueue[s.outbound.indexOf(ring)]!++;
      }
      if (this.tracing) this.traceTx(owner, frame);
      const msg: FrameMsg = { kind: 'frame', frame };
      lan.send(msg, wireBytes(frame.length));
    }
    // Nothing ready now: wake for the earliest frame that will be.
    let next = Infinity;
    if (this.control.count > 0) next = this.control.readyAt();
    for (const s of this.slots) for (const r of s.outbound) if (r.count > 0 && r.readyAt() < next) next = r.readyAt();
    if (next !== Infinity) this.wakeTx(next);
  }

  private traceTx(owner: number, frame: Uint8Array): void {
    const f: Record<string, unknown> = {};
    if (owner >= 0) f.lpar = this.slots[owner]!.name;
    if (readU16(frame, 12) === EtherType.IPv4) {
      f.src = ipToString(ipv4Src(frame, 14));
      f.dst = ipToString(ipv4Dst(frame, 14));
    } else f.type = 'arp';
    f.len = frame.length;
    this.trace('osa.tx', f);
  }

  // ---- from the LAN -------------------------------------------------------------------------------------

  private fromLan(frame: Uint8Array): void {
    if (!this.up) {
      this.stats.dropPortDown++;
      return;
    }
    if (frame.length < 14) {
      this.stats.dropMalformed++;
      return;
    }
    const dstMac = readMac(frame, 0);
    if (dstMac !== this.cfg.mac && dstMac !== MAC_BROADCAST) {
      this.stats.notForMe++;
      return;
    }
    const type = readU16(frame, 12);
    if (type === EtherType.ARP) {
      this.onArp(frame);
      return;
    }
    if (type !== EtherType.IPv4 || dstMac !== this.cfg.mac) return;
    const hl = ipv4Check(frame, 14, false);
    if (hl < 0) {
      this.drop('malformed', -1, frame.length);
      return;
    }
    const packet = frame.subarray(14, 14 + ipv4TotalLength(frame, 14));
    const slot = this.oat.owner(ipv4Dst(packet));
    if (slot < 0) {
      this.stats.dropUnregistered++;
      if (this.tracing) this.trace('osa.drop', { reason: 'unregistered', dst: ipToString(ipv4Dst(packet)), len: frame.length });
      return;
    }
    this.stats.rxFrames++;
    if (this.tracing) {
      this.trace('osa.rx', { lpar: this.slots[slot]!.name, src: ipToString(ipv4Src(packet)), dst: ipToString(ipv4Dst(packet)), len: frame.length });
    }
    this.acceptInbound(slot, packet);
  }

  private onArp(frame: Uint8Array): void {
    const parsed = parseArp(frame, 14);
    if (!parsed.ok) {
      this.stats.dropMalformed++;
      return;
    }
    const a = parsed.value;
    const askedForOurs = a.op === ArpOp.Request && a.senderIp !== a.targetIp && this.oat.owner(a.targetIp) >= 0;
    const replyToUs = a.op === ArpOp.Reply && a.targetMac === this.cfg.mac;
    if (a.senderIp !== 0 && this.oat.owner(a.senderIp) < 0) {
      const learned = this.arp.learn(a.senderIp, a.senderMac, askedForOurs || replyToUs);
      if (learned.released !== null) {
        for (const h of learned.released) this.enqueueOutbound(h.slot, h.queue, a.senderMac, h.packet);
      }
    }
    if (askedForOurs) {
      this.stats.arpReplies++;
      this.sendControl(a.senderMac, EtherType.ARP, arpReply(this.cfg.mac, a.targetIp, a.senderMac, a.senderIp));
    }
  }

  // ---- inbound queue and interrupts ---------------------------------------------------------------------

  private acceptInbound(slot: number, packet: Uint8Array): void {
    const s = this.slots[slot]!;
    const now = this.now;
    const ready = now + this.cfg.frameLatencyPs;
    const qi = s.queues.length > 1 && s.sdServices.size > 0 && s.sdServices.has(serviceKey(packet)) ? 1 : 0;
    const q = s.queues[qi]!;
    if (!q.rq.push(packet, ready)) {
      this.drop('inbound-full', slot, packet.length);
      return;
    }
    if (qi === 1) s.sdFrames++;
    if (q.rq.count >= q.policy.maxFrames) this.armInterrupt(slot, qi, ready);
    else if (q.rq.count === 1) this.armInterrupt(slot, qi, ready + q.holdPs);
  }

  private armInterrupt(slot: number, qi: number, at: number): void {
    const q = this.slots[slot]!.queues[qi]!;
    if (at >= q.irqAt) return;
    q.irqAt = at;
    this.at(at, TAG_IRQ, slot * 2 + qi);
  }

  /** One interrupt: every ready frame of one of the LPAR's read queues goes up in one message. */
  private interrupt(slot: number, qi: number): void {
    const s = this.slots[slot]!;
    const q = s.queues[qi]!;
    const inbound = q.rq;
    const now = this.now;
    const packets: Uint8Array[] = [];
    while (inbound.count > 0 && inbound.readyAt() <= now) {
      this.inboundWait.record(now - inbound.readyAt());
      packets.push(inbound.shift());
    }
    inbound.presented();
    if (packets.length > 0) {
      this.stats.interrupts++;
      const msg: DeliverMsg = qi === 0 ? { kind: 'deliver', packets } : { kind: 'deliver', packets, queue: qi };
      let bytes = 0;
      for (const p of packets) bytes += p.length;
      s.port.send(msg, bytes);
    }
    if (inbound.count === 0) return;
    const p = q.policy;
    const k = Math.min(inbound.count, p.maxFrames) - 1;
    const at = inbound.count >= p.maxFrames ? inbound.readyAt(k) : inbound.readyAt() + q.holdPs;
    this.armInterrupt(slot, qi, at > now ? at : now);
  }

  // ---- faults -------------------------------------------------------------------------------------------

  private portDown(): void {
    this.up = false;
    let lost = this.control.clear();
    for (const s of this.slots) {
      for (const q of s.queues) {
        lost += q.rq.clear();
        q.irqAt = Infinity;
      }
      for (const q of s.outbound) lost += q.clear();
    }
    this.stats.dropPortDown += lost + this.arp.clear();
    this.txWakeAt = Infinity;
    if (this.tracing) this.trace('osa.down', { frames: lost });
    this.tellLpars(false);
  }

  private portUp(): void {
    this.up = true;
    if (this.tracing) this.trace('osa.up', {});
    this.tellLpars(true);
    for (const ip of this.oat.addresses()) this.sendGratuitousArp(ip);
  }

  private tellLpars(up: boolean): void {
    const msg: PortStateMsg = { kind: 'port-state', up };
    for (const s of this.slots) s.port.send(msg, 0);
  }

  private drop(reason: string, slot: number, len: number, queue?: number): void {
    switch (reason) {
      case 'inbound-full':
        this.stats.dropInboundFull++;
        break;
      case 'outbound-full':
        this.stats.dropOutboundFull++;
        break;
      case 'port-down':
        this.stats.dropPortDown++;
        break;
      case 'malformed':
        this.stats.dropMalformed++;
        break;
      case 'control-full':
        this.stats.dropControlFull++;
        break;
      default: // arp-queue-full
        this.stats.dropArpUnresolved++;
    }
    if (!this.tracing) return;
    const f: Record<string, unknown> = { reason };
    if (slot >= 0) f.lpar = this.slots[slot]!.name;
    if (queue !== undefined) f.queue = queue;
    f.len = len;
    this.trace('osa.drop', f);
  }
}

/** A datagram's destination service for IWQ: ip x 65536 + TCP/UDP destination port (0 for other protocols). */
function serviceKey(packet: Uint8Array): number {
  const proto = packet[9];
  const dst = ipv4Dst(packet) >>> 0;
  if (proto !== 6 && proto !== 17) return dst * 65536;
  const hl = (packet[0]! & 0x0f) * 4;
  return dst * 65536 + (packet.length >= hl + 4 ? readU16(packet, hl + 2) : 0);
}
