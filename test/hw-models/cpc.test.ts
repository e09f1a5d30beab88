// The LPAR on its CPC: PR/SM slows a shared LPAR's logical CPs when the other LPARs on the CPC want their share,
// and the stack's work runs ahead of the LPAR's application work.
import { describe, expect, it } from 'vitest';
import { Component, MS, type Port, Simulation, US } from '../../src/kernel/index.js';
import type { DeliverMsg } from '../../hw-models/messages.js';
import { LparHost } from '../../hw-models/lpar/lpar.js';
import { LPAR_COSTS } from '../../hw-models/lpar/datasheet.js';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { Cpc } from '../../hw-models/cpc/cpc.js';
import { APPLICATION, PRSM } from '../../hw-models/cpc/datasheet.js';
import { type FakeFirmware, datagram, fakeFirmware, ip } from './helpers.js';

const CLOCK = 5_200_000_000;
const cyclesPs = (c: number) => Math.round((c * 1e12) / CLOCK);

/** Delivers one datagram (one interrupt) to its LPAR at each given time. */
class Feeder extends Component {
  get out(): Port {
    return this.port('lpar');
  }
  feed(times: number[]): void {
    times.forEach((t, i) => this.at(t, 0, i));
  }
  override onTimer(_tag: number, data: unknown): void {
    const msg: DeliverMsg = { kind: 'deliver', packets: [datagram(ip('198.51.100.1'), ip('10.1.1.1'), 64, data as number)] };
    this.out.send(msg, 84);
  }
  override onMessage(): void {} // acknowledgements: nothing to do
}

/** SYS1 (idle apart from the datagrams it is fed) and SYS2 (application work at `load2` percent) on one CPC
 *  whose single shared CP PR/SM divides equally; or, with `shared` false, SYS1 alone on a dedicated CP. */
function rig(opts: { shared: boolean; load1?: number; load2?: number }) {
  const sim = new Simulation(1);
  const instances = new Map<string, FakeFirmware[]>();
  const select = fakeFirmware({ SYS1: { join: false }, SYS2: { join: false } }, instances);
  const mk = (name: string, load: number) =>
    sim.add(new LparHost(name, {
      processors: 1, clockHz: CLOCK, firmware: select(name), xcf: { failureDetectionPs: 2 * MS, weight: 100, classLength: 956, maxMsgBytes: 2_048_000 },
      firmwareConfig: { profile: '', profileFile: `${name}.tcpip`, applications: [] },
      ...(load > 0 ? { loadPct: load } : {}),
    }));
  const sys1 = mk('SYS1', opts.load1 ?? 0);
  const feeder = sim.add(new Feeder('OSA1'));
  sim.connect(sys1.addOsa('OSA1'), feeder.out, OSA.qdioLatencyPs, 0);
  if (opts.shared) {
    const sys2 = mk('SYS2', opts.load2 ?? 0);
    const cpc = sim.add(new Cpc('CPC1.prsm', 1));
    sim.connect(sys1.attachCpc(), cpc.attachLpar('SYS1', { weight: 100, logicalCps: 1, capped: false }), PRSM.latencyPs, 0);
    sim.connect(sys2.attachCpc(), cpc.attachLpar('SYS2', { weight: 100, logicalCps: 1, capped: false }), PRSM.latencyPs, 0);
  }
  sim.seal();
  return { sim, sys1, feeder, fw: () => instances.get('SYS1')!.at(-1)! };
}

/** How long SYS1's CP is busy with one datagram fed at 20 ms (when PR/SM's shares have settled). */
function serviceTime(opts: { shared: boolean; load2?: number }): number {
  const r = rig(opts);
  r.feeder.feed([20 * MS]);
  r.sim.runUntil(20 * MS);
  const before = r.sys1.cpu.busyPs;
  r.sim.runUntil(30 * MS);
  return r.sys1.cpu.busyPs - before;
}

describe('CPC and PR/SM', () => {
  it('a shared LPAR runs at full speed while the others on its CPC are idle, at its weight share when they are busy', () => {
    const work = cyclesPs(LPAR_COSTS.packetReceived + LPAR_COSTS.perByte * 84 + LPAR_COSTS.interrupt);
    expect(serviceTime({ shared: false })).toBe(work);
    expect(serviceTime({ shared: true, load2: 0 })).toBe(work);
    // SYS2 wants its whole CP: SYS1 gets half of the shared one, so its datagram takes twice as long.
    expect(Math.abs(serviceTime({ shared: true, load2: 100 }) - 2 * work)).toBeLessThanOrEqual(1);
  });

  it('runs the stack ahead of application work: a datagram waits at most one application slice for the CP', () => {
    const r = rig({ shared: false, load1: 100 });
    const at = Array.from({ length: 20 }, (_, i) => 5 * MS + i * 137 * US);
    r.feeder.feed(at);
    r.sim.runUntil(10 * MS);
    const got = r.fw().received;
    expect(got).toHaveLength(20);
    for (let i = 0; i < 20; i++) expect(got[i]!.t - at[i]! - OSA.qdioLatencyPs).toBeLessThanOrEqual(APPLICATION.slicePs);
    // And the application really kept the CP busy around them.
    expect(r.sys1.cpuBusyPct()).toBeGreaterThan(98); // from its first tick at 100 us
  });

  it('an idle shared LPAR stops reporting to PR/SM, and still runs its next work at the CPC\'s share of now', () => {
    // Both idle: each reports once (demand 0) and parks; a second of idle costs no PR/SM events.
    const idle = rig({ shared: true });
    idle.sim.runUntil(1 * MS);
    const early = idle.sim.events;
    idle.sim.runUntil(1000 * MS);
    expect(idle.sim.events - early).toBeLessThanOrEqual(4); // status updates to the CDS at most
    // SYS2 becomes busy at its first application tick, long after SYS1 parked: the CPC tells SYS1 at once, so
    // its datagram at 20 ms takes twice as long (the test above), and a busy LPAR keeps its 1 ms reports.
    const busy = rig({ shared: true, load2: 100 });
    busy.sim.runUntil(10 * MS);
    const before = busy.sim.events;
    busy.sim.runUntil(20 * MS);
    expect(busy.sim.events - before).toBeGreaterThanOrEqual(20); // SYS2's reports and answers, 1 ms apart
  });
});

