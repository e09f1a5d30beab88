import { describe, expect, it } from 'vitest';
import { Simulation, US } from '../../src/kernel/index.js';
import { ArpOp, EtherType, MAC_BROADCAST, arpRequest, buildEthernetFrame, ipv4Dst, readMac, readU16 } from '../../src/net/index.js';
import { LparHost } from '../../hw-models/lpar/lpar.js';
import { OsaPort } from '../../hw-models/osa/osa.js';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { LPAR_COSTS } from '../../hw-models/lpar/datasheet.js';
import type { Inbperf } from '../../hw-models/osa/datasheet.js';
import { macFor } from '../../hw-models/lan/wire.js';
import { FakeFirmware, type FakeScript, LanHost, TraceCollector, arpOf, datagram, fakeFirmware, ip, ipv4Frame, tagOf } from './helpers.js';

const HOST_MAC = 0x02_aa_00_00_00_01;
const HOST_IP = ip('10.1.1.100');

interface Rig {
  sim: Simulation;
  osa: OsaPort;
  host: LanHost;
  lpars: Map<string, LparHost>;
  fw: (name: string) => FakeFirmware;
  trace: TraceCollector;
}

/** One OSA shared by the given LPARs, a LAN host wired straight to its `lan` port (10 GbE, 500 ns). */
function rig(
  scripts: Record<string, FakeScript>,
  opts: { inbperf?: Inbperf; sbals?: number; entries?: number; readStorage?: number; costs?: Record<string, number>; processors?: number } = {},
): Rig {
  const sim = new Simulation(1);
  const trace = new TraceCollector();
  sim.traceSink = trace;
  const osa = sim.add(
    new OsaPort('OSA1', {
      mac: macFor('OSA1'),
      inbperf: opts.inbperf ?? 'MINLATENCY',
      frameLatencyPs: 2 * US,
      ...(opts.sbals !== undefined ? { sbals: opts.sbals } : {}),
      ...(opts.entries !== undefined ? { entriesPerSbal: opts.entries } : {}),
      ...(opts.readStorage !== undefined ? { readStorage: opts.readStorage } : {}),
    }),
  );
  const host = sim.add(new LanHost('HOST', HOST_MAC, HOST_IP));
  sim.connect(osa.lan, host.lan, 500_000, 10e9);
  const instances = new Map<string, FakeFirmware[]>();
  const select = fakeFirmware(scripts, instances);
  const lpars = new Map<string, LparHost>();
  for (const name of Object.keys(scripts)) {
    const l = sim.add(
      new LparHost(name, {
        processors: opts.processors ?? 2,
        clockHz: 5_200_000_000,
        firmware: select(name),
        firmwareConfig: { profile: '', profileFile: `${name}.tcpip`, applications: [] },
        xcf: { failureDetectionPs: 2_000 * US, weight: 100, classLength: 956, maxMsgBytes: 2_048_000 },
        ...(opts.costs !== undefined ? { costs: opts.costs } : {}),
      }),
    );
    sim.connect(l.addOsa('OSA1', opts.inbperf ?? 'MINLATENCY'), osa.attachLpar(name), OSA.qdioLatencyPs, 0);
    lpars.set(name, l);
  }
  sim.seal();
  return { sim, osa, host, lpars, fw: (n) => instances.get(n)!.at(-1)!, trace };
}

const reg = (addr: string) => ({ register: [{ ifName: 'OSA1', ip: ip(addr) }], join: false });

describe('OSA-Express address table and ARP offload', () => {
  it('sends a gratuitous ARP when an address is registered, and answers ARP for registered addresses only', () => {
    const r = rig({ SYS1: reg('10.1.1.1') });
    r.sim.runUntil(100 * US);
    const garp = r.host.arps();
    expect(garp).toHaveLength(1);
    expect(garp[0]).toMatchObject({ op: ArpOp.Request, senderIp: ip('10.1.1.1'), targetIp: ip('10.1.1.1'), senderMac: macFor('OSA1') });
    expect(readMac(r.host.frames[0]!.frame, 0)).toBe(MAC_BROADCAST);
    expect(r.trace.of('osa.register')).toEqual([expect.objectContaining({ c: 'OSA1', f: { lpar: 'SYS1', ip: '10.1.1.1' } })]);
    expect(r.trace.of('osa.garp')).toHaveLength(1);

    // Who has 10.1.1.1? The OSA answers with its own MAC. Who has 10.1.1.9 (nobody registered it)? Silence.
    const ask = (target: string) => buildEthernetFrame({ dst: MAC_BROADCAST, src: HOST_MAC, etherType: EtherType.ARP }, arpRequest(HOST_MAC, HOST_IP, ip(target)));
    r.host.sendAt(200 * US, ask('10.1.1.1'));
    r.host.sendAt(300 * US, ask('10.1.1.9'));
    r.sim.runUntil(1_000 * US);
    const replies = r.host.arps().filter((a) => a.op === ArpOp.Reply);
    expect(replies).toEqual([{ op: ArpOp.Reply, senderMac: macFor('OSA1'), senderIp: ip('10.1.1.1'), targetMac: HOST_MAC, targetIp: HOST_IP }]);
    expect(r.osa.stats.arpReplies).toBe(1);
    // The OSA learned the asker, so it can send to it without an ARP of its own.
    expect(r.osa.arp.lookup(HOST_IP)).toBe(HOST_MAC);
  });

  it('delivers each inbound datagram to the LPAR that registered its destination, drops and counts the rest', () => {
    const r = rig({ SYS1: reg('10.1.1.1'), SYS2: reg('10.1.1.2') });
    const osaMac = macFor('OSA1');
    const dsts = ['10.1.1.1', '10.1.1.2', '10.1.1.3', '10.1.1.1', '10.1.1.2'];
    dsts.forEach((d, i) => r.host.sendAt((100 + 10 * i) * US, ipv4Frame(osaMac, HOST_MAC, datagram(HOST_IP, ip(d), 100, i))));
    r.sim.runUntil(1_000 * US);
    expect(r.fw('SYS1').received.map((x) => tagOf(x.packet))).toEqual([0, 3]);
    expect(r.fw('SYS2').received.map((x) => tagOf(x.packet))).toEqual([1, 4]);
    expect(r.fw('SYS1').received.every((x) => ipv4Dst(x.packet) === ip('10.1.1.1') && x.ifName === 'OSA1')).toBe(true);
    expect(r.osa.stats.dropUnregistered).toBe(1);
    expect(r.trace.of('osa.drop')).toEqual([expect.objectContaining({ f: expect.objectContaining({ reason: 'unregistered', dst: '10.1.1.3' }) })]);
    expect(r.trace.of('osa.rx')).toHaveLength(4);
    // The datagram reaches the firmware without its MAC header (layer 3).
    expect(r.fw('SYS1').received[0]!.packet[0]).toBe(0x45);
  });

  it('moves an address to the LPAR that registers it last, with a gratuitous ARP', () => {
    const r = rig({
      SYS1: reg('10.1.1.10'),
      SYS2: { join: false, onStart: (fw) => fw.hal.setTimer(1, 50 * US), onTimer: (fw) => fw.hal.registerAddress('OSA1', ip('10.1.1.10')) },
    });
    r.host.sendAt(200 * US, ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.10'), 100, 7)));
    r.sim.runUntil(1_000 * US);
    expect(r.fw('SYS1').received).toHaveLength(0);
    expect(r.fw('SYS2').received.map((x) => tagOf(x.packet))).toEqual([7]);
    expect(r.trace.of('osa.register').map((x) => x.f)).toEqual([{ lpar: 'SYS1', ip: '10.1.1.10' }, { lpar: 'SYS2', ip: '10.1.1.10', replaced: 'SYS1' }]);
    expect(r.host.arps().filter((a) => a.senderIp === a.targetIp)).toHaveLength(2);
  });
});

describe('OSA-Express queues', () => {
  it('packs inbound datagrams into 64 KB read SBALs; with none free it drops and counts (osa.drop)', () => {
    // One read SBAL; a slow single-CP LPAR: each datagram keeps its CP busy for 1 ms. 1500-byte datagrams behind
    // a 32-byte QDIO header: 42 fit in 64 KB, the other 8 of the burst find no free buffer.
    const r = rig({ SYS1: reg('10.1.1.1') }, { readStorage: 1, processors: 1, costs: { packetReceived: 5_200_000 } });
    const osaMac = macFor('OSA1');
    for (let i = 0; i < 50; i++) r.host.sendAt(100 * US, ipv4Frame(osaMac, HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), 1480, i)));
    r.sim.runUntil(5_000 * US);
    expect(r.osa.stats.dropInboundFull).toBe(8);
    const drops = r.trace.of('osa.drop');
    expect(drops).toHaveLength(8);
    expect(drops.every((d) => d.f.reason === 'inbound-full' && d.f.lpar === 'SYS1')).toBe(true);
    // The LPAR took the first datagram before the 42nd arrived: 41 held at most.
    expect(r.osa.slotSummaries()[0]).toMatchObject({ readStorage: 1, peakSbals: 1, maxFramesPerSbal: 42, peakFrames: 41 });
    // What was accepted is delivered, in order, as the LPAR's CP gets to it (1 ms each).
    const got = r.fw('SYS1').received;
    expect(got.map((x) => tagOf(x.packet))).toEqual([0, 1, 2, 3, 4]);
    // Each datagram came with its own interrupt (MINLATENCY), charged on top of the receive cost.
    expect(got[1]!.t - got[0]!.t).toBe(Math.round(((5_200_000 + LPAR_COSTS.perByte * 1500 + LPAR_COSTS.interrupt) * 1e12) / 5.2e9));
    r.sim.runUntil(50_000 * US);
    expect(r.osa.inboundOccupancy('SYS1')).toBe(0);
    expect(r.osa.inboundSbals('SYS1')).toBe(0);
  });

  it('holds as many frames as fit in QDIOSTG MAX (64 SBALs of 64 KB): about 2700 of 1500 bytes, thousands more when small', () => {
    const held = (size: number, n: number): { accepted: number; sbals: number; perSbal: number } => {
      // An LPAR that never gets to its datagrams (one CP busy for a second); MINCPU lets the SBALs fill.
      const r = rig({ SYS1: reg('10.1.1.1') }, { inbperf: 'MINCPU', processors: 1, costs: { packetReceived: 5_200_000_000 } });
      for (let i = 0; i < n; i++) r.host.sendAt(100 * US, ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), size - 20, i)));
      r.sim.runUntil(100_000 * US);
      const s = r.osa.slotSummaries()[0]!;
      return { accepted: n - r.osa.stats.dropInboundFull, sbals: s.peakSbals, perSbal: s.maxFramesPerSbal };
    };
    expect(held(1500, 3000)).toEqual({ accepted: 64 * 42, sbals: 64, perSbal: 42 });
    const small = held(64, 6000);
    expect(small.accepted).toBe(6000); // 682 fit in one SBAL: 6000 use 9
    expect(small.perSbal).toBe(Math.floor(65_536 / (64 + 32)));
  });

  it('drops and counts outbound frames beyond the write queue, and serialises the rest at line rate', () => {
    const burst = 20;
    const r = rig(
      {
        SYS1: {
          register: [{ ifName: 'OSA1', ip: ip('10.1.1.1') }],
          join: false,
          onStart: (fw) => fw.hal.setTimer(1, 500 * US),
          onTimer: (fw) => {
            for (let i = 0; i < burst; i++) fw.hal.transmit('OSA1', datagram(ip('10.1.1.1'), HOST_IP, 1472, i), HOST_IP);
          },
        },
      },
      { sbals: 1, entries: 4 },
    );
    // Teach the OSA the host's MAC first (the host asks for 10.1.1.1, the OSA learns the asker).
    r.host.sendAt(100 * US, buildEthernetFrame({ dst: MAC_BROADCAST, src: HOST_MAC, etherType: EtherType.ARP }, arpRequest(HOST_MAC, HOST_IP, ip('10.1.1.1'))));
    r.sim.runUntil(2_000 * US);
    const got = r.host.ipv4();
    expect(got.map((f) => tagOf(f.frame.subarray(14)))).toEqual([0, 1, 2, 3]);
    expect(r.osa.stats.dropOutboundFull).toBe(burst - 4);
    expect(r.trace.of('osa.drop').filter((d) => d.f.reason === 'outbound-full' && d.f.queue === 4)).toHaveLength(burst - 4);
    // 1492-byte datagram + 14 header = 1506 bytes, 1530 on the wire (preamble, FCS, gap) at 800 ps/byte.
    expect(got[1]!.t - got[0]!.t).toBe(1530 * 800);
    expect(got.every((f) => readMac(f.frame, 0) === HOST_MAC && readMac(f.frame, 6) === macFor('OSA1'))).toBe(true);
  });

  it('resolves an unknown next hop with ARP, holding the datagram meanwhile; gives up after its retries', () => {
    const r = rig({
      SYS1: {
        register: [{ ifName: 'OSA1', ip: ip('10.1.1.1') }],
        join: false,
        onStart: (fw) => fw.hal.setTimer(1, 100 * US),
        onTimer: (fw) => {
          fw.hal.transmit('OSA1', datagram(ip('10.1.1.1'), HOST_IP, 100, 1), HOST_IP);
          fw.hal.transmit('OSA1', datagram(ip('10.1.1.1'), ip('10.1.1.77'), 100, 2), ip('10.1.1.77'));
        },
      },
    });
    r.sim.runUntil(10_000 * US);
    const requests = r.host.arps().filter((a) => a.op === ArpOp.Request && a.senderIp !== a.targetIp);
    expect(requests.filter((a) => a.targetIp === HOST_IP)).toHaveLength(1);
    expect(requests.filter((a) => a.targetIp === ip('10.1.1.77'))).toHaveLength(OSA.arp.attempts);
    expect(r.host.ipv4().map((f) => tagOf(f.frame.subarray(14)))).toEqual([1]);
    expect(r.osa.stats.dropArpUnresolved).toBe(1);
    expect(r.trace.of('osa.drop').map((d) => d.f.reason)).toEqual(['arp-unresolved']);
  });

  it('never announces an address it does not own: a target answering from a DVIPA ARPs from its home address', () => {
    const r = rig({
      SYS2: {
        register: [{ ifName: 'OSA1', ip: ip('10.1.1.2') }],
        join: false,
        onStart: (fw) => fw.hal.setTimer(1, 100 * US),
        onTimer: (fw) => fw.hal.transmit('OSA1', datagram(ip('10.1.1.10'), HOST_IP, 100, 1), HOST_IP),
      },
    });
    r.sim.runUntil(1_000 * US);
    const asks = r.host.arps().filter((a) => a.op === ArpOp.Request && a.senderIp !== a.targetIp);
    expect(asks.map((a) => a.senderIp)).toEqual([ip('10.1.1.2')]);
    expect(r.host.ipv4().map((f) => tagOf(f.frame.subarray(14)))).toEqual([1]);
  });

  it('routes a datagram between two LPARs of the same port inside the adapter', () => {
    const r = rig({
      SYS1: { register: [{ ifName: 'OSA1', ip: ip('10.1.1.1') }], join: false, onStart: (fw) => fw.hal.setTimer(1, 100 * US), onTimer: (fw) => fw.hal.transmit('OSA1', datagram(ip('10.1.1.1'), ip('10.1.1.2'), 100, 5), ip('10.1.1.2')) },
      SYS2: reg('10.1.1.2'),
    });
    r.sim.runUntil(1_000 * US);
    expect(r.fw('SYS2').received.map((x) => tagOf(x.packet))).toEqual([5]);
    expect(r.osa.stats.internal).toBe(1);
    expect(r.host.ipv4()).toHaveLength(0);
  });
});

describe('OSA-Express inbound interrupts (INBPERF)', () => {
  const burst = (inbperf: Inbperf) => {
    const r = rig({ SYS1: reg('10.1.1.1') }, { inbperf });
    for (let i = 0; i < 5; i++) r.host.sendAt(100 * US, ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), 100, i)));
    r.sim.runUntil(1_000 * US);
    return r;
  };

  it('MINLATENCY interrupts per frame; BALANCED holds the burst and delivers it with one interrupt', () => {
    const fast = burst('MINLATENCY');
    const slow = burst('BALANCED');
    expect(fast.osa.stats.interrupts).toBe(5);
    expect(slow.osa.stats.interrupts).toBe(1);
    expect(slow.fw('SYS1').received.map((x) => tagOf(x.packet))).toEqual([0, 1, 2, 3, 4]);
    // The first frame waits for the BALANCED hold time.
    const first = (r: typeof fast) => r.fw('SYS1').received[0]!.t;
    expect(first(slow) - first(fast)).toBe(OSA.interrupts.BALANCED.holdPs);
  });

  it('records each datagram\'s inbound queue wait, ready in the read queue until its interrupt (osas[].inboundWait)', () => {
    const fast = burst('MINLATENCY');
    const slow = burst('BALANCED');
    // MINLATENCY: each frame interrupts as soon as it is ready. BALANCED: the five frames, arriving one
    // serialisation apart, go up with one interrupt at the first one's ready time plus the hold.
    expect(fast.osa.inboundWait.summary()).toMatchObject({ count: 5, max: 0, mean: 0 });
    const rx = slow.trace.of('osa.rx').map((x) => x.t);
    const irq = rx[0]! + 2 * US + OSA.interrupts.BALANCED.holdPs;
    const waits = rx.map((t) => irq - (t + 2 * US));
    const s = slow.osa.inboundWait.summary();
    expect(s.count).toBe(5);
    expect(s.max).toBe(OSA.interrupts.BALANCED.holdPs);
    expect(s.mean).toBe(Math.round(waits.reduce((a, b) => a + b, 0) / 5));
  });

  it('BALANCED interrupts at once when its frame count is reached', () => {
    const r = rig({ SYS1: reg('10.1.1.1') }, { inbperf: 'BALANCED' });
    const n = OSA.interrupts.BALANCED.maxFrames;
    for (let i = 0; i < n; i++) r.host.sendAt(100 * US, ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), 100, i)));
    r.sim.runUntil(1_000 * US);
    expect(r.osa.stats.interrupts).toBe(1);
    const lastArrival = r.trace.of('osa.rx').at(-1)!.t;
    const delivered = r.fw('SYS1').received[0]!.t;
    expect(delivered - lastArrival).toBe(2 * US + OSA.qdioLatencyPs); // frame latency + QDIO, no hold
  });
});

describe('INBPERF DYNAMIC and write priorities', () => {
  it('DYNAMIC: the stack asks for no hold while traffic is sparse and for BALANCED\'s hold once it is dense', () => {
    const r = rig({ SYS1: reg('10.1.1.1') }, { inbperf: 'DYNAMIC' });
    const frame = (tag: number) => ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), 100, tag));
    // Sparse: one frame every 200 us (5 000/s) for 3 ms: each interrupts on its own, without waiting.
    for (let i = 0; i < 15; i++) r.host.sendAt((100 + 200 * i) * US, frame(i));
    r.sim.runUntil(3_200 * US);
    expect(r.osa.stats.interrupts).toBe(15);
    const rx = r.trace.of('osa.rx');
    const got = r.fw('SYS1').received;
    expect(got[14]!.t - rx[14]!.t).toBe(2 * US + OSA.qdioLatencyPs);
    // Dense: one frame every 10 us (100 000/s) for 4 ms: after a sample interval the OSA holds frames for 20 us.
    for (let i = 0; i < 400; i++) r.host.sendAt((3_200 + 10 * i) * US, frame(100 + i));
    r.sim.runUntil(8_000 * US);
    const dense = r.osa.stats.interrupts - 15;
    expect(dense).toBeLessThan(250);
    expect(dense).toBeGreaterThan(400 / 3 - 10);
    expect(r.fw('SYS1').received).toHaveLength(415);
  });

  it('picks the write priority queue from the IP precedence with IBM\'s default table (000,001 -> 4; 010 -> 3; 011 -> 2; 1xx -> 1)', () => {
    // 2^p datagrams with precedence p: each queue's count names exactly the precedences mapped to it.
    const r = rig({
      SYS1: {
        ...reg('10.1.1.1'),
        onStart: (fw) => fw.hal.setTimer(1, 300 * US),
        onTimer: (fw) => {
          for (let p = 0; p < 8; p++) {
            for (let k = 0; k < 2 ** p; k++) {
              const d = datagram(ip('10.1.1.1'), HOST_IP, 64, k);
              d[1] = p << 5; // checksum left stale: the OSA does not check outbound headers
              fw.hal.transmit('OSA1', d, HOST_IP);
            }
          }
        },
      },
    }, { sbals: 128 });
    // The host asks for 10.1.1.1 first, so the OSA knows its MAC and holds nothing for ARP.
    r.host.sendAt(100 * US, buildEthernetFrame({ dst: MAC_BROADCAST, src: HOST_MAC, etherType: EtherType.ARP }, arpRequest(HOST_MAC, HOST_IP, ip('10.1.1.1'))));
    r.sim.runUntil(2_000 * US);
    expect(r.osa.slotSummaries()[0]!.txByQueue).toEqual([16 + 32 + 64 + 128, 8, 4, 1 + 2]);
  });
});

describe('OSA-Express faults', () => {
  it('osa-down stops frames both ways and tells the LPAR; osa-up resumes and re-announces its addresses', () => {
    const r = rig({ SYS1: reg('10.1.1.1') });
    const frame = (tag: number) => ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), 100, tag));
    r.osa.scheduleControl(200 * US, 0, { kind: 'osa-down' });
    r.osa.scheduleControl(400 * US, 1, { kind: 'osa-up' });
    r.host.sendAt(100 * US, frame(1));
    r.host.sendAt(300 * US, frame(2));
    r.host.sendAt(500 * US, frame(3));
    r.sim.runUntil(1_000 * US);
    expect(r.fw('SYS1').received.map((x) => tagOf(x.packet))).toEqual([1, 3]);
    expect(r.osa.stats.dropPortDown).toBe(1);
    expect(r.trace.of('lpar.osa', 'SYS1').map((x) => x.f.up)).toEqual([false, true]);
    expect(r.trace.of('osa.garp').map((x) => x.t >= 400 * US)).toEqual([false, true]);
    expect(r.host.frames.filter((f) => readU16(f.frame, 12) === EtherType.ARP && arpOf(f.frame)!.senderIp === ip('10.1.1.1'))).toHaveLength(2);
  });

  it('forgets an LPAR that went down: its addresses and queued frames', () => {
    const r = rig({ SYS1: reg('10.1.1.1') });
    r.lpars.get('SYS1')!.scheduleControl(200 * US, 0, { kind: 'lpar-down' });
    r.host.sendAt(300 * US, ipv4Frame(macFor('OSA1'), HOST_MAC, datagram(HOST_IP, ip('10.1.1.1'), 100, 1)));
    r.sim.runUntil(1_000 * US);
    expect(r.osa.oat.size).toBe(0);
    expect(r.osa.stats.dropUnregistered).toBe(1);
    expect(r.trace.of('osa.deregister')).toEqual([expect.objectContaining({ f: { lpar: 'SYS1', all: true, ips: ['10.1.1.1'] } })]);
  });
});
