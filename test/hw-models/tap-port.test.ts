// TapPort: the clients side of an edge router as a real host on a TAP sees it (ARP for the gateway, IPv4 both
// ways, the host's MAC learnt or asked for). Frames from the host come in as control events, as in a live run.
import { describe, expect, it } from 'vitest';
import { Simulation, US } from '../../src/kernel/index.js';
import { ArpOp, EtherType, MAC_BROADCAST, arpReply, arpRequest, buildEthernetFrame, ipv4Dst, readMac, readU16 } from '../../src/net/index.js';
import { TapPort, tapPortConfig } from '../../hw-models/lan/tap-port.js';
import { ClientsHost, arpOf, datagram, ip, ipv4Frame, tagOf } from './helpers.js';

const HOST_MAC = 0x02_00_00_00_00_42;

function wired() {
  const sim = new Simulation(1);
  const cfg = tapPortConfig('LAN1.tap', '198.51.100.0/24');
  const tap = sim.add(new TapPort('LAN1.tap', cfg));
  // The "router" end: records what the host sent, sends datagrams back.
  const router = sim.add(new ClientsHost('router'));
  sim.connect(tap.router, router.router, 1 * US, 10e9);
  const out: { t: number; frame: Uint8Array }[] = [];
  tap.out = (frame) => out.push({ t: sim.now, frame });
  sim.seal();
  let seq = 0;
  const fromHost = (at: number, frame: Uint8Array) => sim.postControl(at, tap, seq++, { kind: 'tap-frame', frame });
  return { sim, cfg, tap, router, out, fromHost };
}

describe('TapPort', () => {
  it('answers ARP for the clients subnet first host address with its own MAC, and nothing else', () => {
    const { sim, cfg, out, fromHost } = wired();
    expect(cfg.gatewayIp).toBe(ip('198.51.100.1'));
    fromHost(10 * US, buildEthernetFrame({ dst: MAC_BROADCAST, src: HOST_MAC, etherType: EtherType.ARP }, arpRequest(HOST_MAC, ip('198.51.100.2'), ip('198.51.100.1'))));
    fromHost(20 * US, buildEthernetFrame({ dst: MAC_BROADCAST, src: HOST_MAC, etherType: EtherType.ARP }, arpRequest(HOST_MAC, ip('198.51.100.2'), ip('198.51.100.7'))));
    sim.runUntil(100 * US);
    expect(out).toHaveLength(1);
    const a = arpOf(out[0]!.frame)!;
    expect(a.op).toBe(ArpOp.Reply);
    expect(a.senderIp).toBe(cfg.gatewayIp);
    expect(a.senderMac).toBe(cfg.gatewayMac);
    expect(a.targetMac).toBe(HOST_MAC);
    expect(readMac(out[0]!.frame, 0)).toBe(HOST_MAC);
  });

  it('passes the host IPv4 to the router as bare datagrams and frames the answers to the learnt MAC', () => {
    const { sim, cfg, router, out, fromHost } = wired();
    fromHost(10 * US, ipv4Frame(cfg.gatewayMac, HOST_MAC, datagram(ip('198.51.100.2'), ip('10.1.1.10'), 64, 7)));
    fromHost(11 * US, ipv4Frame(0x02_00_00_00_00_99, HOST_MAC, datagram(ip('198.51.100.2'), ip('10.1.1.10'), 64, 8))); // not for us
    sim.runUntil(50 * US);
    expect(router.packets.map((p) => tagOf(p.packet))).toEqual([7]);
    router.sendAt(60 * US, datagram(ip('10.1.1.10'), ip('198.51.100.2'), 64, 9));
    sim.runUntil(100 * US);
    expect(out).toHaveLength(1);
    const f = out[0]!.frame;
    expect(readMac(f, 0)).toBe(HOST_MAC);
    expect(readMac(f, 6)).toBe(cfg.gatewayMac);
    expect(readU16(f, 12)).toBe(EtherType.IPv4);
    expect(tagOf(f.subarray(14))).toBe(9);
  });

  it('asks for an unknown host with ARP, holds its datagrams and sends them once the host answers', () => {
    const { sim, cfg, router, out, fromHost } = wired();
    router.sendAt(10 * US, datagram(ip('10.1.1.10'), ip('198.51.100.3'), 64, 1));
    router.sendAt(11 * US, datagram(ip('10.1.1.10'), ip('198.51.100.3'), 64, 2));
    router.sendAt(12 * US, datagram(ip('10.1.1.10'), ip('203.0.113.9'), 64, 3)); // outside the subnet: dropped
    sim.runUntil(50 * US);
    expect(out).toHaveLength(1);
    const ask = arpOf(out[0]!.frame)!;
    expect(ask.op).toBe(ArpOp.Request);
    expect(ask.targetIp).toBe(ip('198.51.100.3'));
    const reply = buildEthernetFrame({ dst: cfg.gatewayMac, src: HOST_MAC, etherType: EtherType.ARP }, arpReply(HOST_MAC, ip('198.51.100.3'), cfg.gatewayMac, cfg.gatewayIp));
    fromHost(60 * US, reply);
    sim.runUntil(100 * US);
    expect(out.slice(1).map((o) => [readMac(o.frame, 0), ipv4Dst(o.frame.subarray(14)), tagOf(o.frame.subarray(14))])).toEqual([
      [HOST_MAC, ip('198.51.100.3'), 1],
      [HOST_MAC, ip('198.51.100.3'), 2],
    ]);
  });
});
