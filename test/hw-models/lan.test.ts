import { describe, expect, it } from 'vitest';
import { Simulation, US } from '../../src/kernel/index.js';
import {
  ArpOp,
  EtherType,
  MAC_BROADCAST,
  arpRequest,
  buildEthernetFrame,
  gratuitousArp,
  ipv4Check,
  ipv4Dst,
  readMac,
} from '../../src/net/index.js';
import { LanSwitch } from '../../hw-models/lan/switch.js';
import { EdgeRouter } from '../../hw-models/lan/router.js';
import { ROUTER } from '../../hw-models/lan/datasheet.js';
import { macFor } from '../../hw-models/lan/wire.js';
import { ClientsHost, LanHost, TraceCollector, datagram, ip, ipv4Frame, tagOf } from './helpers.js';

const MAC = { a: 0x02_00_00_00_00_0a, b: 0x02_00_00_00_00_0b, c: 0x02_00_00_00_00_0c };

function switched(seed = 1) {
  const sim = new Simulation(seed);
  const trace = new TraceCollector();
  sim.traceSink = trace;
  const sw = sim.add(new LanSwitch('LAN1'));
  const hosts = (['a', 'b', 'c'] as const).map((n) => {
    const h = sim.add(new LanHost(n.toUpperCase(), MAC[n]));
    sim.connect(h.lan, sw.attach(n.toUpperCase()), 500_000, 10e9);
    return h;
  });
  sim.seal();
  return { sim, sw, hosts, trace };
}

const frame = (dst: number, src: number, tag: number) => ipv4Frame(dst, src, datagram(ip('10.1.1.1'), ip('10.1.1.2'), 64, tag));

describe('LAN switch', () => {
  it('floods unknown and broadcast destinations, learns sources, then forwards to one port', () => {
    const { sim, sw, hosts } = switched();
    const [a, b, c] = hosts;
    a!.sendAt(10 * US, frame(MAC.b, MAC.a, 1)); // B unknown: flooded to B and C
    b!.sendAt(20 * US, frame(MAC.a, MAC.b, 2)); // A learned: only to A
    a!.sendAt(30 * US, frame(MAC.b, MAC.a, 3)); // B learned now: only to B
    c!.sendAt(40 * US, frame(MAC_BROADCAST, MAC.c, 4)); // broadcast: A and B
    sim.runUntil(1_000 * US);
    const tags = (h: LanHost) => h.frames.map((f) => tagOf(f.frame.subarray(14)));
    expect(tags(a!)).toEqual([2, 4]);
    expect(tags(b!)).toEqual([1, 3, 4]);
    expect(tags(c!)).toEqual([1]);
    expect(sw.portOf(MAC.a)).toBe('A');
    expect(sw.portOf(MAC.c)).toBe('C');
    expect(sw.stats).toMatchObject({ frames: 4, flooded: 2 });
  });

  it('relearns a MAC that moved to another port, and filters frames for the port they came from', () => {
    const { sim, sw, hosts } = switched();
    const [a, b, c] = hosts;
    a!.sendAt(10 * US, frame(MAC.b, MAC.a, 1)); // flooded; A learned on port A
    b!.sendAt(20 * US, frame(MAC.a, MAC.b, 2)); // to A only; B learned on port B
    c!.sendAt(30 * US, frame(MAC.b, MAC.a, 3)); // A's MAC now shows up on port C
    b!.sendAt(40 * US, frame(MAC.a, MAC.b, 4)); // follows A to port C
    c!.sendAt(50 * US, frame(MAC.a, MAC.c, 5)); // for a MAC on the port it came from: filtered
    sim.runUntil(1_000 * US);
    const tags = (h: LanHost) => h.frames.map((f) => tagOf(f.frame.subarray(14)));
    expect(tags(a!)).toEqual([2]);
    expect(tags(b!)).toEqual([1, 3]);
    expect(tags(c!)).toEqual([1, 4]);
    expect(sw.portOf(MAC.a)).toBe('C');
    expect(sw.stats.filtered).toBe(1);
  });

  it('drops frames with the loss probability, from its own seeded random stream', () => {
    const lossy = (seed: number, pct: number) => {
      const { sim, sw, hosts, trace } = switched(seed);
      sw.scheduleControl(0, 0, { kind: 'loss', pct });
      for (let i = 0; i < 1000; i++) hosts[0]!.sendAt((10 + i) * US, frame(MAC_BROADCAST, MAC.a, i));
      sim.runUntil(2_000 * US);
      return { got: hosts[1]!.frames.map((f) => tagOf(f.frame.subarray(14))), lost: sw.stats.lost, traced: trace.of('lan.drop').length };
    };
    const half = lossy(7, 30);
    expect(half.lost).toBeGreaterThan(240);
    expect(half.lost).toBeLessThan(360);
    expect(half.got).toHaveLength(1000 - half.lost);
    expect(half.traced).toBe(half.lost);
    expect(lossy(7, 30)).toEqual(half);
    expect(lossy(8, 30).got).not.toEqual(half.got);
    expect(lossy(7, 100).got).toEqual([]);
    expect(lossy(7, 0).got).toHaveLength(1000);
  });
});

describe('edge router', () => {
  const ROUTER_IP = ip('10.1.1.254');
  const DVIPA = ip('10.1.1.10');
  const CLIENT = ip('198.51.100.7');

  function routed() {
    const sim = new Simulation(1);
    const trace = new TraceCollector();
    sim.traceSink = trace;
    const sw = sim.add(new LanSwitch('LAN1'));
    const router = sim.add(new EdgeRouter('LAN1.router', { ip: ROUTER_IP, mac: macFor('LAN1.router'), network: ip('10.1.1.0'), prefix: 24 }));
    sim.connect(router.lan, sw.attach('router'), 500_000, 10e9);
    // Two stand-ins for OSAs: OSA1 owns the DVIPA first.
    const osa1 = sim.add(new LanHost('OSA1', MAC.a, DVIPA));
    const osa2 = sim.add(new LanHost('OSA2', MAC.b));
    sim.connect(osa1.lan, sw.attach('OSA1'), 500_000, 10e9);
    sim.connect(osa2.lan, sw.attach('OSA2'), 500_000, 10e9);
    const clients = sim.add(new ClientsHost('LAN1.clients'));
    sim.connect(router.clients, clients.router, 20 * US, 10e9);
    sim.seal();
    return { sim, router, osa1, osa2, clients, trace };
  }

  it('resolves the destination with ARP and forwards client packets onto the LAN with TTL - 1', () => {
    const r = routed();
    r.clients.sendAt(10 * US, datagram(CLIENT, DVIPA, 100, 1, 64));
    r.clients.sendAt(11 * US, datagram(CLIENT, DVIPA, 100, 2, 64)); // held behind the same resolution
    r.sim.runUntil(1_000 * US);
    const asked = r.osa2.arps();
    expect(asked).toEqual([{ op: ArpOp.Request, senderMac: macFor('LAN1.router'), senderIp: ROUTER_IP, targetMac: 0, targetIp: DVIPA }]);
    const got = r.osa1.ipv4();
    expect(got.map((f) => tagOf(f.frame.subarray(14)))).toEqual([1, 2]);
    for (const f of got) {
      const p = f.frame.subarray(14);
      expect(readMac(f.frame, 0)).toBe(MAC.a);
      expect(readMac(f.frame, 6)).toBe(macFor('LAN1.router'));
      expect(p[8]).toBe(63);
      expect(ipv4Check(p, 0, true)).toBe(20); // checksum patched correctly
    }
    expect(r.osa2.ipv4()).toHaveLength(0); // unicast once the switch learned OSA1
    expect(r.router.stats.toLan).toBe(2);
  });

  it('forwards LAN packets for client addresses to the clients port as bare IPv4, and answers ARP for itself', () => {
    const r = routed();
    const askRouter = buildEthernetFrame(
      { dst: MAC_BROADCAST, src: MAC.b, etherType: EtherType.ARP },
      arpRequest(MAC.b, ip('10.1.1.2'), ROUTER_IP),
    );
    r.osa2.sendAt(10 * US, askRouter);
    r.osa2.sendAt(50 * US, ipv4Frame(macFor('LAN1.router'), MAC.b, datagram(ip('10.1.1.2'), CLIENT, 200, 9, 64)));
    r.osa2.sendAt(60 * US, ipv4Frame(macFor('LAN1.router'), MAC.b, datagram(ip('10.1.1.2'), CLIENT, 200, 10, 1))); // TTL expires
    r.sim.runUntil(1_000 * US);
    expect(r.osa2.arps().filter((a) => a.op === ArpOp.Reply)).toEqual([
      { op: ArpOp.Reply, senderMac: macFor('LAN1.router'), senderIp: ROUTER_IP, targetMac: MAC.b, targetIp: ip('10.1.1.2') },
    ]);
    expect(r.clients.packets.map((p) => [tagOf(p.packet), p.packet[8], ipv4Dst(p.packet)])).toEqual([[9, 63, CLIENT]]);
    expect(ipv4Check(r.clients.packets[0]!.packet, 0, true)).toBe(20);
    expect(r.router.stats.ttlExpired).toBe(1);
    expect(r.trace.of('router.drop').map((d) => d.f.reason)).toEqual(['ttl']);
  });

  it('moves a LAN address to the MAC a gratuitous ARP announces, and learns nothing new from one', () => {
    const r = routed();
    r.clients.sendAt(10 * US, datagram(CLIENT, DVIPA, 100, 1));
    // The DVIPA moves to OSA2 (a takeover): OSA2 announces it; and announces an address the router never used.
    const garp = (ipAddr: number) => buildEthernetFrame({ dst: MAC_BROADCAST, src: MAC.b, etherType: EtherType.ARP }, gratuitousArp(MAC.b, ipAddr));
    r.osa2.sendAt(200 * US, garp(DVIPA));
    r.osa2.sendAt(200 * US, garp(ip('10.1.1.77')));
    r.clients.sendAt(300 * US, datagram(CLIENT, DVIPA, 100, 2));
    r.sim.runUntil(1_000 * US);
    expect(r.osa1.ipv4().map((f) => tagOf(f.frame.subarray(14)))).toEqual([1]);
    expect(r.osa2.ipv4().map((f) => tagOf(f.frame.subarray(14)))).toEqual([2]);
    expect(r.router.arp.lookup(DVIPA)).toBe(MAC.b);
    expect(r.router.arp.lookup(ip('10.1.1.77'))).toBe(-1);
    expect(r.router.stats.arpUpdates).toBe(1);
    expect(r.trace.of('router.arp').map((x) => x.f)).toEqual([{ ip: '10.1.1.10', mac: '02:00:00:00:00:0b' }]);
  });

  it('drops what it cannot route or resolve, and counts it', () => {
    const r = routed();
    r.clients.sendAt(10 * US, datagram(CLIENT, ip('192.0.2.1'), 100, 1)); // not on the LAN
    r.clients.sendAt(20 * US, datagram(CLIENT, ip('10.1.1.99'), 100, 2)); // nobody answers ARP
    const bad = datagram(CLIENT, DVIPA, 100, 3);
    bad[10] ^= 0xff; // broken header checksum
    r.clients.sendAt(30 * US, bad);
    r.sim.runUntil(10_000 * US);
    expect(r.router.stats).toMatchObject({ noRoute: 1, malformed: 1, arpUnresolved: 1, toLan: 0 });
    expect(r.osa2.arps().filter((a) => a.targetIp === ip('10.1.1.99'))).toHaveLength(ROUTER.arp.attempts);
  });
});
