import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Component, MS, type Port, Simulation, US } from '../../src/kernel/index.js';
import type { DeliverMsg, LparToOsaMsg } from '../../hw-models/messages.js';
import { LparHost } from '../../hw-models/lpar/lpar.js';
import { LPAR_COSTS } from '../../hw-models/lpar/datasheet.js';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { buildSysplex } from '../../src/run/wiring.js';
import { AT, FakeFirmware, type FakeScript, TraceCollector, datagram, demoTopology, fakeFirmware, ip, tagOf } from './helpers.js';

const CLOCK = 5_200_000_000;
const cyclesPs = (c: number) => Math.round((c * 1e12) / CLOCK);
/** Receiving one of the rig's datagrams (64 bytes of UDP payload: 84 bytes of IPv4), and sending it on. */
const RECEIVED = LPAR_COSTS.packetReceived + LPAR_COSTS.perByte * 84;
const SENT = LPAR_COSTS.packetSent + LPAR_COSTS.perByte * 84;

/** Stands in for an OSA: delivers datagrams to the LPAR (one per interrupt) and records what the LPAR sends. */
class FakeOsa extends Component {
  readonly fromLpar: { t: number; m: LparToOsaMsg }[] = [];
  sentAt: number[] = [];
  get lpar(): Port {
    return this.port('SYS1');
  }
  /** Poisson arrivals at `rate` per second, `n` of them, from time `start`. */
  offer(rate: number, n: number, start: number): void {
    let t = start;
    for (let i = 0; i < n; i++) {
      t += Math.max(1, Math.round((-Math.log(1 - this.rng.nextFloat()) / rate) * 1e12));
      this.at(t, 0, i);
    }
  }
  override onTimer(tag: number, data: unknown): void {
    if (tag === 1) {
      this.lpar.send({ kind: 'port-state', up: data as boolean }, 0);
      return;
    }
    const i = data as number;
    this.sentAt[i] = this.now;
    const msg: DeliverMsg = { kind: 'deliver', packets: [datagram(ip('198.51.100.1'), ip('10.1.1.1'), 64, i)] };
    this.lpar.send(msg, 84);
  }
  override onMessage(_p: Port, m: unknown): void {
    this.fromLpar.push({ t: this.now, m: m as LparToOsaMsg });
  }
}

function host(script: FakeScript, processors = 1, seed = 1) {
  const sim = new Simulation(seed);
  const trace = new TraceCollector();
  sim.traceSink = trace;
  const instances = new Map<string, FakeFirmware[]>();
  const lpar = sim.add(
    new LparHost('SYS1', {
      processors,
      clockHz: CLOCK,
      firmware: fakeFirmware({ SYS1: { join: false, ...script } }, instances)('SYS1'),
      firmwareConfig: { profile: '', profileFile: 'SYS1.tcpip', applications: [] },
      xcf: { failureDetectionPs: 2 * MS, weight: 100, classLength: 956, maxMsgBytes: 2_048_000 },
    }),
  );
  const osa = sim.add(new FakeOsa('OSA1'));
  sim.connect(lpar.addOsa('OSA1'), osa.lpar, OSA.qdioLatencyPs, 0);
  sim.seal();
  return { sim, lpar, osa, trace, fw: () => instances.get('SYS1')!.at(-1)!, instances };
}

describe('LPAR CPU model', () => {
  const service = cyclesPs(RECEIVED + LPAR_COSTS.interrupt);

  /** Mean wait before the firmware sees an input, at utilisation rho of one CP. */
  function meanWait(rho: number, n = 4000) {
    const h = host({});
    h.osa.offer(rho / (service / 1e12), n, 0);
    h.sim.runUntil(Infinity);
    const got = h.fw().received;
    expect(got).toHaveLength(n);
    let sum = 0;
    for (const r of got) sum += r.t - (h.osa.sentAt[tagOf(r.packet)]! + OSA.qdioLatencyPs);
    return { wait: sum / n, summary: h.lpar.summary(), h };
  }

  it('makes latency through the LPAR grow with its CPU load, as a single-server queue does', () => {
    const rhos = [0.1, 0.3, 0.5, 0.7, 0.85];
    const waits = rhos.map((r) => meanWait(r).wait);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThan(waits[i - 1]!);
    // Poisson arrivals, fixed service: M/D/1 mean wait rho*S / (2(1-rho)). Within 25 % at 4000 samples.
    rhos.forEach((rho, i) => {
      const theory = (rho * service) / (2 * (1 - rho));
      expect(Math.abs(waits[i]! - theory) / theory).toBeLessThan(0.25);
    });
    expect(waits[4]! / waits[0]!).toBeGreaterThan(20);
  });

  it('reports CPU busy, run queue and WLM weight from the load', () => {
    const { summary, h } = meanWait(0.5);
    expect(summary.cpuBusyPct).toBeGreaterThan(40);
    expect(summary.cpuBusyPct).toBeLessThan(60);
    expect(summary.maxRunQueue).toBeGreaterThan(1);
    expect(summary.inputs).toBe(4000);
    expect(Math.abs(summary.meanQueueDelayPs - meanWait(0.5).wait)).toBeLessThan(1);
    const idle = host({});
    idle.sim.runUntil(50 * MS);
    expect(idle.lpar.summary().wlmWeight).toBe(64);
    expect(idle.lpar.cpuBusyPct()).toBe(0);
    // Under half load the last complete 10 ms window had about half its capacity spare.
    const w = h.lpar.cpu.wlmWeight(h.osa.sentAt.at(-1)!);
    expect(w).toBeGreaterThan(20);
    expect(w).toBeLessThan(44);
  });

  it('records each input\'s CPU queue wait (run queue to CP) in the LPAR\'s histogram, the report\'s lpars[].cpuWait', () => {
    const { wait, h } = meanWait(0.5);
    const s = h.lpar.cpuWait.summary();
    expect(s.count).toBe(4000);
    // The firmware saw each input when its CP took it: the histogram's exact sum is the sum of those waits.
    expect(Math.abs(s.mean - wait)).toBeLessThanOrEqual(0.5);
    expect(s.p50).toBeLessThan(s.p99);
    expect(s.max).toBeGreaterThan(service);
    // One CP, two inputs at once: the first waits nothing, the second the first's service.
    const one = host({}, 1);
    one.osa.at(10 * US, 0, 0);
    one.osa.at(10 * US, 0, 1);
    one.sim.runUntil(1 * MS);
    expect(one.lpar.cpuWait.summary()).toMatchObject({ count: 2, max: service, mean: Math.round(service / 2) });
  });

  it('uses every logical CP: two CPs take two simultaneous inputs at once', () => {
    for (const cps of [1, 2]) {
      const h = host({}, cps);
      h.osa.at(10 * US, 0, 0);
      h.osa.at(10 * US, 0, 1);
      h.sim.runUntil(1 * MS);
      const t = h.fw().received.map((r) => r.t);
      expect(t[1]! - t[0]!).toBe(cps === 2 ? 0 : service);
    }
  });

  it('lets the firmware look ahead at a whole interrupt, at no cost in virtual time', () => {
    const h = host({});
    const packets = [0, 1, 2].map((i) => datagram(ip('198.51.100.1'), ip('10.1.1.1'), 64, i));
    const msg: DeliverMsg = { kind: 'deliver', packets };
    h.osa.lpar.send(msg, 3 * 84);
    h.osa.lpar.send({ kind: 'deliver', packets: [datagram(ip('198.51.100.1'), ip('10.1.1.1'), 64, 3)] } satisfies DeliverMsg, 84);
    h.sim.runUntil(1 * MS);
    const fw = h.fw();
    // One look-ahead, for the burst of three only, before any of its datagrams was received.
    expect(fw.bursts).toHaveLength(1);
    expect(fw.bursts[0]!.ifName).toBe('OSA1');
    expect(fw.bursts[0]!.receivedBefore).toBe(0);
    expect(fw.bursts[0]!.packets).toEqual(packets);
    expect(fw.received.map((r) => r.packet)).toEqual([...packets, expect.anything()]);
    // Each datagram still costs its own processing: the interrupt once per burst, then one packet each.
    const t = fw.received.map((r) => r.t);
    const packetOnly = cyclesPs(RECEIVED);
    expect([t[1]! - t[0]!, t[2]! - t[1]!, t[3]! - t[2]!]).toEqual([service, packetOnly, packetOnly]);
  });

  it('tells the firmware when an OSA port goes down and comes back, as work on a CP', () => {
    const h = host({});
    h.osa.at(10 * US, 1, false);
    h.osa.at(30 * US, 1, true);
    h.osa.at(30 * US, 0, 7); // a datagram right behind the port coming back waits for that work
    h.sim.runUntil(1 * MS);
    const fw = h.fw();
    const arrive = (t: number) => t + OSA.qdioLatencyPs;
    expect(fw.interfaceStates).toEqual([
      { t: arrive(10 * US), ifName: 'OSA1', up: false },
      { t: arrive(30 * US), ifName: 'OSA1', up: true },
    ]);
    expect(fw.received[0]!.t).toBe(arrive(30 * US) + cyclesPs(LPAR_COSTS.interfaceState));
    expect(h.trace.of('lpar.osa').map((r) => r.f.up)).toEqual([false, true]);
  });

  it('releases what the firmware sends when the CP has done the work, charging the send', () => {
    const h = host({ onReceive: (fw, _now, ifName, p) => fw.hal.transmit(ifName, p, ip('10.1.1.254')) });
    h.osa.at(10 * US, 0, 0);
    h.sim.runUntil(1 * MS);
    const rx = h.fw().received[0]!.t;
    const tx = h.osa.fromLpar.filter((x) => x.m.kind === 'transmit');
    expect(tx).toHaveLength(1);
    expect(tx[0]!.t).toBe(rx + cyclesPs(RECEIVED + LPAR_COSTS.interrupt + SENT) + OSA.qdioLatencyPs);
    expect(tx[0]!.m).toMatchObject({ kind: 'transmit', nextHop: ip('10.1.1.254'), queue: 4 });
    // The inbound buffer went back to the OSA when the CP took the datagram.
    expect(h.osa.fromLpar.find((x) => x.m.kind === 'ack')).toEqual({ t: rx + OSA.qdioLatencyPs, m: { kind: 'ack', count: 1 } });
  });

  it('charges forwarding over XCF as forwarding, not as an XCF message', () => {
    const h = host({ onReceive: (fw, _n, _i, p) => fw.hal.xcfSend('SYS2', p) });
    h.osa.at(10 * US, 0, 0);
    h.sim.runUntil(1 * MS);
    const rx = h.fw().received[0]!.t;
    // No path to SYS2 in this rig: the signal is dropped, but when it was let go shows what it cost.
    const drop = h.trace.of('xcf.drop', 'SYS1');
    expect(drop).toHaveLength(1);
    expect(drop[0]!.t).toBe(rx + cyclesPs(RECEIVED + LPAR_COSTS.interrupt + LPAR_COSTS.packetForwarded));
  });
});

describe('LPAR firmware timers', () => {
  it('fires, cancels and re-arms timers by id', () => {
    const h = host({
      onStart: (fw) => {
        fw.hal.setTimer(1, 100 * US);
        fw.hal.setTimer(2, 50 * US);
        fw.hal.setTimer(3, 200 * US);
        fw.hal.cancelTimer(3);
        fw.hal.setTimer(1, 300 * US); // replaces 100 us
        fw.hal.setTimer(4, 150 * US);
        fw.hal.setTimer(4, 150 * US);
        fw.hal.cancelTimer(99);
      },
      onTimer: (fw, now, id) => {
        if (id === 2) fw.hal.setTimer(5, now - 10 * US); // in the past: fires at once
      },
    });
    h.sim.runUntil(1 * MS);
    const fired = h.fw().timers.map((x) => [x.id, x.t]);
    expect(fired).toEqual([
      [2, 50 * US],
      [5, 50 * US + cyclesPs(LPAR_COSTS.timer)],
      [4, 150 * US],
      [1, 300 * US],
    ]);
  });

  it('fires exactly the timers left armed, each once and at its time (any sequence of set/cancel)', () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 7 }), at: fc.integer({ min: 1, max: 2500 }) }),
      fc.record({ cancel: fc.integer({ min: 0, max: 7 }) }),
    );
    // Round k runs at k * 1000.5 us (timer 100+k) and sets or cancels timers 0-7 relative to then; deadlines
    // are whole microseconds, so none coincides with a round.
    const ROUND = 1_000_500_000;
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), (rounds) => {
        const h = host({
          onStart: (fw) => fw.hal.setTimer(100, 0),
          onTimer: (fw, now, id) => {
            if (id < 100) return;
            const k = id - 100;
            for (const o of rounds[k]!) {
              if ('set' in o) fw.hal.setTimer(o.set, now + o.at * US);
              else fw.hal.cancelTimer(o.cancel);
            }
            if (k + 1 < rounds.length) fw.hal.setTimer(101 + k, (k + 1) * ROUND);
          },
        }, 8);
        h.sim.runUntil(Infinity);
        const fired = h.fw().timers.filter((x) => x.id < 100).map((f): [number, number] => [f.id, f.t]);
        // The model: a timer fires at its deadline unless a later round replaced or cancelled it first.
        const model = new Map<number, number>();
        const fires: [number, number][] = [];
        rounds.forEach((ops, k) => {
          const now = k * ROUND;
          for (const [id, at] of [...model]) if (at < now) { fires.push([id, at]); model.delete(id); }
          for (const o of ops) {
            if ('set' in o) model.set(o.set, now + o.at * US);
            else model.delete(o.cancel);
          }
        });
        for (const [id, at] of model) fires.push([id, at]);
        const norm = (xs: [number, number][]) => xs.map(([i, t]) => `${t}:${i}`).sort();
        expect(norm(fired)).toEqual(norm(fires));
      }),
      { numRuns: 80 },
    );
  });
});

describe('LPAR faults and accounting', () => {
  it('stops at once on lpar-down, keeps its connection ledger, and re-IPLs a fresh firmware on lpar-up', () => {
    const conn = (fw: FakeFirmware, ev: 'open' | 'close' | 'reset', port: number) =>
      fw.hal.tcpConnection(ev, ip('10.1.1.10'), 80, ip('198.51.100.7'), port);
    const h = host({
      register: [{ ifName: 'OSA1', ip: ip('10.1.1.1') }],
      onStart: (fw, now) => {
        if (now === 0) fw.hal.setTimer(1, 10 * US); // the first IPL only
      },
      onTimer: (fw, _now, id) => {
        if (id !== 1) return;
        for (const p of [1001, 1002, 1003]) conn(fw, 'open', p);
        conn(fw, 'close', 1001);
        conn(fw, 'reset', 1002);
        fw.hal.setTimer(2, 5 * MS); // never fires: the LPAR is down by then
      },
    });
    h.lpar.scheduleControl(1 * MS, 0, { kind: 'lpar-down' });
    h.lpar.scheduleControl(2 * MS, 1, { kind: 'lpar-up' });
    h.osa.at(1500 * US, 0, 0); // arrives while down: lost
    h.sim.runUntil(999 * US);
    const before = h.lpar.ledger(ip('10.1.1.10'), 80);
    expect({ total: before.total, active: before.active, closed: before.closed, reset: before.reset }).toEqual({ total: 3, active: 1, closed: 1, reset: 1 });
    expect([...before.lastAssigned]).toEqual([1002, 1003].map((port) => ip('198.51.100.7') * 65536 + port));
    h.sim.runUntil(6 * MS);
    const after = h.lpar.ledger(ip('10.1.1.10'), 80);
    expect({ total: after.total, active: after.active, lostOnDown: after.lostOnDown }).toEqual({ total: 3, active: 0, lostOnDown: 1 });
    expect(h.instances.get('SYS1')).toHaveLength(2);
    expect(h.instances.get('SYS1')![0]!.timers.map((t) => t.id)).toEqual([1]);
    expect(h.instances.get('SYS1')![1]!.timers).toEqual([]); // timer 2 died with the first IPL
    expect(h.instances.get('SYS1')![1]!.startedAt).toBe(2 * MS);
    expect(h.lpar.summary()).toMatchObject({ up: true, ipls: 2, inputsDropped: 1 });
    const toOsa = h.osa.fromLpar.map((x) => x.m.kind);
    expect(toOsa).toEqual(['register', 'deregister-all', 'register']);
    expect(h.trace.of('lpar.down').map((x) => x.t)).toEqual([1 * MS]);
    expect(h.trace.of('lpar.up').map((x) => x.t)).toEqual([0, 2 * MS]);
    // The old firmware's Hal is dead: nothing it does reaches the LPAR any more.
    h.instances.get('SYS1')![0]!.hal.transmit('OSA1', datagram(1, 2), 3);
    expect(h.lpar.summary().connections).toEqual([{ localIp: '10.1.1.10', localPort: 80, total: 3, active: 0, closed: 1, reset: 1, lostOnDown: 1 }]);
  });

  it('runs operator commands on the LPAR they name, and traces the answer', () => {
    const sim = new Simulation(1);
    const trace = new TraceCollector();
    const instances = new Map<string, FakeFirmware[]>();
    const sysplex = buildSysplex(sim, demoTopology(), fakeFirmware({}, instances));
    sysplex.applyFault({ atPs: 1 * MS, action: 'operator', command: 'D TCPIP,SYS2,NETSTAT,VCRT', at: AT }, 0);
    sysplex.applyFault({ atPs: 1 * MS, action: 'lpar-down', target: 'SYS3', at: AT }, 1);
    sysplex.applyFault({ atPs: 2 * MS, action: 'operator', command: 'V TCPIP,SYS3,SYSPLEX,LEAVEGROUP', at: AT }, 2);
    sim.seal();
    sim.traceSink = trace;
    sim.runUntil(3 * MS);
    expect(instances.get('SYS2')![0]!.operators.map((o) => o.command)).toEqual(['D TCPIP,SYS2,NETSTAT,VCRT']);
    expect(trace.of('operator').map((r) => [r.c, r.f])).toEqual([
      ['SYS2', { command: 'D TCPIP,SYS2,NETSTAT,VCRT', text: 'SYS2 ANSWERS D TCPIP,SYS2,NETSTAT,VCRT' }],
      ['SYS3', { command: 'V TCPIP,SYS3,SYSPLEX,LEAVEGROUP', error: 'SYS3 is down' }],
    ]);
    expect(sysplex.operatorDisplay('d tcpip,sys1,netstat,home')).toBe('SYS1 ANSWERS d tcpip,sys1,netstat,home');
    expect(sysplex.operatorDisplay('D TCPIP,SYS3,NETSTAT,HOME')).toBeUndefined();
  });
});
