import { describe, expect, it } from 'vitest';
import { MS, Simulation, US } from '../../src/kernel/index.js';
import { ipv4Dst, ipv4Src } from '../../src/net/index.js';
import { InputError } from '../../src/errors.js';
import type { FaultSpec, Topology } from '../../src/scenario/types.js';
import { buildSysplex } from '../../src/run/wiring.js';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { CDS } from '../../hw-models/cds/datasheet.js';
import { COUPLING_LINKS } from '../../hw-models/xcf/datasheet.js';
import { AT, ClientsHost, FakeFirmware, type FakeScript, TraceCollector, datagram, demoTopology, fakeFirmware, ip, lpar, tagOf } from './helpers.js';

const DVIPA = ip('10.1.1.10');
const ROUTER = ip('10.1.1.254');
const CLIENT = ip('198.51.100.7');

/** Every stack registers its home address and echoes datagrams back through the router; SYS1 owns the DVIPA,
 *  and SYS2 takes it over when SYS1 fails (a miniature Sysplex Distributor takeover). */
function scripts(): Record<string, FakeScript> {
  const echo = (fw: FakeFirmware, _now: number, ifName: string, p: Uint8Array) =>
    fw.hal.transmit(ifName, datagram(ipv4Dst(p), ipv4Src(p), 64, tagOf(p)), ROUTER);
  const home = (n: number) => [{ ifName: `OSA${n}`, ip: ip(`10.1.1.${n}`) }];
  return {
    SYS1: { register: [...home(1), { ifName: 'OSA1', ip: DVIPA }], onReceive: echo },
    SYS2: {
      register: home(2),
      onReceive: echo,
      onMembership: (fw, _now, e) => {
        if (e.stack === 'SYS1' && e.failed) fw.hal.registerAddress('OSA2', DVIPA);
      },
    },
    SYS3: { register: home(3), onReceive: echo },
  };
}

function build(topology: Topology, faults: Omit<FaultSpec, 'at'>[], seed = 1) {
  const sim = new Simulation(seed);
  const trace = new TraceCollector();
  const instances = new Map<string, FakeFirmware[]>();
  let clients: ClientsHost | null = null;
  const sysplex = buildSysplex(sim, topology, fakeFirmware(scripts(), instances), {
    clients: (lan) => (clients = new ClientsHost(`${lan.name}.clients`)),
  });
  faults.forEach((f, i) => sysplex.applyFault({ ...f, at: AT }, i));
  sim.seal();
  sim.traceSink = trace;
  return { sim, sysplex, trace, instances, clients: clients! };
}

/** A client datagram to the DVIPA every 100 us from 100 us to 9.9 ms (tag = its number). */
function offer(c: ClientsHost): void {
  for (let i = 1; i < 100; i++) c.sendAt(i * 100 * US, datagram(CLIENT, DVIPA, 64, i));
}

describe('wiring a Topology', () => {
  it('creates the components and links the topology names, with the documented latencies', () => {
    const { sim, sysplex } = build(demoTopology(), []);
    expect(sim.components.map((c) => c.name)).toEqual(['CDS', 'LAN1', 'LAN1.clients', 'LAN1.router', 'OSA1', 'OSA2', 'OSA3', 'SYS1', 'SYS2', 'SYS3']);
    const link = (name: string) => sim.links.find((l) => l.name === name)!;
    expect(link('OSA1-LAN1')).toMatchObject({ latencyPs: 500_000, psPerByte: 800 });
    expect(link('SYS1-OSA1')).toMatchObject({ latencyPs: OSA.qdioLatencyPs, psPerByte: 0 });
    expect(link('LAN1.router-LAN1')).toMatchObject({ latencyPs: 500_000 });
    expect(link('LAN1.router-LAN1.clients')).toMatchObject({ latencyPs: 20 * US, psPerByte: 800 });
    expect(sysplex.xcfLinks.map((x) => x.name)).toEqual(['SYS1-SYS2.0', 'SYS1-SYS3.0', 'SYS2-SYS3.0']);
    // FICON CTC: 100 m of fibre and the per-transfer overhead one way; 16 Gb/s.
    expect(sysplex.xcfLinks[0]!.link).toMatchObject({ latencyPs: 100 * 5_000 + COUPLING_LINKS.FICON.overheadPs, psPerByte: 500 });
    expect(link('SYS1-CDS')).toMatchObject({ latencyPs: CDS.ioPs, psPerByte: 0 });
    expect(sysplex.lpar('SYS2')!.ports.map((p) => p.name)).toEqual(['OSA2', 'cds', 'ctc.SYS1.0', 'ctc.SYS3.0']);
    expect(sysplex.osa('OSA1')!.ports.map((p) => p.name)).toEqual(['lan', 'SYS1']);
    expect(sim.minLatency()).toBe(500_000); // the LAN segments: a partitioned run's lookahead
  });

  it('carries client traffic to the DVIPA owner and back, and after a takeover to the new owner', () => {
    const down = 3 * MS;
    const r = build(demoTopology(), [{ atPs: down, action: 'lpar-down', target: 'SYS1' }]);
    offer(r.clients);
    r.sim.runUntil(12 * MS);
    const sys1 = r.instances.get('SYS1')![0]!.received.map((x) => tagOf(x.packet));
    const sys2 = r.instances.get('SYS2')![0]!.received.map((x) => tagOf(x.packet));
    // The stacks start once XCF is in the sysplex (one couple data set round trip, 200 us); the router holds
    // the first datagram while it resolves the DVIPA, which SYS1 registers then.
    expect(sys1).toEqual(Array.from({ length: 29 }, (_, i) => i + 1)); // 100 us .. 2.9 ms
    // SYS2 hears of SYS1's failure after the detection interval (status missing), SFM's isolation and one
    // couple data set I/O, registers the DVIPA; its OSA's gratuitous ARP moves the router's entry, and the
    // rest of the traffic reaches SYS2.
    const takeover = r.trace.of('osa.garp', 'OSA2').find((g) => g.f.ip === '10.1.1.10')!;
    const after = 2 * MS + CDS.isolationPs + CDS.ioPs;
    expect(takeover.t).toBeGreaterThan(down + after - 0.5 * MS);
    expect(takeover.t).toBeLessThan(down + after + 0.1 * MS);
    expect(r.trace.of('router.arp', 'LAN1.router').map((x) => x.f.ip)).toEqual(['10.1.1.10']);
    // The first datagram to reach the router after its ARP entry moved (20 us client link + serialisation).
    const moved = r.trace.of('router.arp', 'LAN1.router')[0]!.t;
    const firstAtSys2 = Math.ceil((moved - 20 * US) / (100 * US));
    expect(sys2).toEqual(Array.from({ length: 100 - firstAtSys2 }, (_, i) => firstAtSys2 + i));
    // Lost in between: sent to OSA1's MAC after SYS1's registrations vanished.
    expect(r.sysplex.osa('OSA1')!.stats.dropUnregistered).toBe(firstAtSys2 - 30);
    // Replies come back to the client from the DVIPA, through the router (TTL 64 - 1).
    const replies = r.clients.packets;
    expect(replies.map((p) => tagOf(p.packet))).toEqual([...sys1, ...sys2]);
    expect(replies.every((p) => ipv4Src(p.packet) === DVIPA && ipv4Dst(p.packet) === CLIENT && p.packet[8] === 63)).toBe(true);
    // Round trip at light load: router and LAN hops, OSA latency both ways, QDIO, CPU work.
    const rtt = replies[1]!.t - 200 * US; // the first waited for the stack to start
    expect(rtt).toBeGreaterThan(50 * US);
    expect(rtt).toBeLessThan(80 * US);
  });

  it('reports a target the topology lacks as a typed input error at the fault', () => {
    const { sysplex } = build(demoTopology(), []);
    const at = { file: 'scenario.yaml', line: 12, col: 9 };
    const attempt = (f: Omit<FaultSpec, 'at'>) => {
      try {
        sysplex.applyFault({ ...f, at }, 0);
        return null;
      } catch (e) {
        return e;
      }
    };
    const e = attempt({ atPs: 0, action: 'lpar-down', target: 'SYS9' });
    expect(e).toBeInstanceOf(InputError);
    expect(String(e)).toBe('scenario.yaml:12:9: lpar-down: no LPAR named SYS9');
    expect(String(attempt({ atPs: 0, action: 'xcf-down', target: 'SYS1' }))).toMatch(/^scenario.yaml:12:9: xcf-down: target must be/);
    expect(String(attempt({ atPs: 0, action: 'xcf-down', target: 'SYS1-SYS2:3' }))).toMatch(/has 1 path\(s\)/);
    expect(String(attempt({ atPs: 0, action: 'loss', target: 'LAN1' }))).toMatch(/pct/);
    expect(String(attempt({ atPs: 0, action: 'osa-up', target: 'OSA7' }))).toMatch(/no OSA named OSA7/);
    expect(String(attempt({ atPs: 0, action: 'operator', command: 'D XCF' }))).toMatch(/names no stack/);
    expect(attempt({ atPs: 0, action: 'xcf-up', target: 'SYS3-SYS2' })).toBeNull();
    const bad = demoTopology({ lpars: [lpar('SYS1', ['OSA9'], { at: { file: 'topo.yaml', line: 4, col: 5 } })] });
    expect(() => buildSysplex(new Simulation(1), bad, () => fakeFirmware({}, new Map())('SYS1'))).toThrow(InputError);
    try {
      buildSysplex(new Simulation(1), bad, fakeFirmware({}, new Map()));
    } catch (err) {
      expect(String(err)).toBe('topo.yaml:4:5: LPAR SYS1: no OSA named OSA9');
    }
  });
});

describe('determinism', () => {
  const traceOf = (seed: number) => {
    const r = build(demoTopology(), [
      { atPs: 0, action: 'loss', target: 'LAN1', pct: 20 },
      { atPs: 3 * MS, action: 'lpar-down', target: 'SYS1' },
      { atPs: 7 * MS, action: 'lpar-up', target: 'SYS1' },
    ], seed);
    offer(r.clients);
    r.sim.runUntil(12 * MS);
    return r.trace.lines.join('');
  };

  it('gives the same trace for the same seed, and another for another seed', () => {
    const a = traceOf(42);
    expect(a.length).toBeGreaterThan(10_000);
    expect(traceOf(42)).toBe(a);
    expect(traceOf(43)).not.toBe(a);
    expect(a).toContain('"k":"lan.drop"');
    expect(a).toContain('"k":"xcf.leave"');
  });
});
