// A harness observer that checks the Sysplex Distributor's two promises packet by packet:
//  1. a new connection goes only to a target that has a listener on the port (checked when the distributor
//     traces vcrt.insert, against the target stack's own sockets at that instant);
//  2. every packet of an existing connection reaches the target that holds it (for each client datagram
//     that reaches the distributing stack, the harness knows which live stack holds the TCP connection; the
//     firmware must forward it there over XCF, or keep it when it holds it itself).
// The one documented exception: right after a takeover, while the new distributor waits for the targets'
// reports, a datagram without a VCRT row is dropped (the client retransmits) rather than answered.

import type { Stack } from '../../src/firmware/stack.js';
import { DVIPA, type Harness, type HarnessObserver, type Node, ip } from './harness.js';
import { ipToString, ipv4Dst, ipv4HeaderLen, ipv4Src, tcpDstPort, tcpSrcPort } from '../../src/net/index.js';

const DVIPA_IP = ip(DVIPA);

interface Arrival {
  packet: Uint8Array;
  forwardedTo: string | null;
  inserted: string | null;
}

export class RoutingAudit implements HarnessObserver {
  readonly violations: string[] = [];
  /** Datagrams of existing connections routed to their holder; new connections distributed; dropped while
   *  a takeover waited for reports. */
  readonly counts = { existing: 0, distributed: 0, awaitingDrops: 0, local: 0 };
  private arrival: Arrival | null = null;

  constructor(private readonly h: Harness) {
    h.observer = this;
  }

  arrive(node: Node, packet: Uint8Array, redirect: boolean, call: () => void): void {
    const stack = node.fw as Stack;
    const flow = tcpFlow(packet);
    if (flow === null || flow.dst !== DVIPA_IP || !stack.sysplex.owns(DVIPA_IP)) {
      call();
      return;
    }
    const holder = this.holderOf(flow);
    const awaiting = (stack.sysplex.dvipas.get(DVIPA_IP)?.awaiting.size ?? 0) > 0;
    const dropped = stack.sysplex.counters.dropped;
    const a: Arrival = { packet, forwardedTo: null, inserted: null };
    this.arrival = a;
    try {
      call();
    } finally {
      this.arrival = null;
    }
    const wasDropped = stack.sysplex.counters.dropped > dropped;
    const went = a.forwardedTo ?? (wasDropped ? null : node.name);
    const what = `${this.h.now}ps ${redirect ? 'redirected ' : ''}${flowText(flow)} at ${node.name}`;
    if (holder !== null) {
      if (went === holder) {
        this.counts.existing++;
        if (went === node.name) this.counts.local++;
      } else if (went === null && awaiting) this.counts.awaitingDrops++;
      else this.violations.push(`${what}: held by ${holder}, went to ${went ?? 'nowhere'}`);
    } else if (a.inserted !== null) {
      this.counts.distributed++;
      if (went !== a.inserted) this.violations.push(`${what}: distributed to ${a.inserted}, went to ${went ?? 'nowhere'}`);
    }
  }

  xcfSend(_from: string, to: string, message: Uint8Array): void {
    // Message type 1 forwards a datagram to a target (xcf-messages.ts).
    const a = this.arrival;
    if (a === null || message.length !== a.packet.length + 2 || message[1] !== 1) return;
    for (let i = 0; i < a.packet.length; i++) if (message[i + 2] !== a.packet[i]) return;
    a.forwardedTo = to;
  }

  trace(stack: string, kind: string, fields: Record<string, unknown>): void {
    if (kind !== 'vcrt.insert') return;
    const target = String(fields.target);
    const port = Number(fields.port);
    if (this.arrival !== null) this.arrival.inserted = target;
    const node = this.h.nodes.get(target);
    const listening = node !== undefined && node.up && (node.fw as Stack).tcp.hasListener(DVIPA_IP, port);
    if (!listening) this.violations.push(`${this.h.now}ps ${stack} distributed ${String(fields.client)}:${String(fields.clientPort)} to ${target}, which has no listener on port ${port}`);
  }

  /** The live stack whose TCP engine holds the connection of this client datagram, or null. */
  private holderOf(f: Flow): string | null {
    const holders: string[] = [];
    for (const n of this.h.nodes.values()) {
      if (n.up && (n.fw as Stack).tcp.connection(f.dst, f.dport, f.src, f.sport) !== undefined) holders.push(n.name);
    }
    if (holders.length > 1) this.violations.push(`${flowText(f)} is held by ${holders.join(' and ')}`);
    return holders[0] ?? null;
  }
}

interface Flow {
  src: number;
  sport: number;
  dst: number;
  dport: number;
}

function tcpFlow(p: Uint8Array): Flow | null {
  if (p.length < 40 || p[0]! >>> 4 !== 4 || p[9] !== 6) return null;
  const ihl = ipv4HeaderLen(p);
  return { src: ipv4Src(p), dst: ipv4Dst(p), sport: tcpSrcPort(p, ihl), dport: tcpDstPort(p, ihl) };
}

function flowText(f: Flow): string {
  return `${ipToString(f.src)}:${f.sport}>${ipToString(f.dst)}:${f.dport}`;
}
