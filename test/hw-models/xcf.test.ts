import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS, Simulation, US } from '../../src/kernel/index.js';
import type { FaultSpec, Topology, XcfLinkModel } from '../../src/scenario/types.js';
import { buildSysplex } from '../../src/run/wiring.js';
import { COUPLING_LINKS, XCF } from '../../hw-models/xcf/datasheet.js';
import { AT, FakeFirmware, type FakeScript, TraceCollector, demoTopology, fakeFirmware, lpar, osa, xcfLink } from './helpers.js';

function run(topology: Topology, scripts: Record<string, FakeScript>, faults: Omit<FaultSpec, 'at'>[], untilPs: number, seed = 1) {
  const sim = new Simulation(seed);
  const trace = new TraceCollector();
  const instances = new Map<string, FakeFirmware[]>();
  const sysplex = buildSysplex(sim, topology, fakeFirmware(scripts, instances));
  faults.forEach((f, i) => sysplex.applyFault({ ...f, at: AT }, i));
  sim.seal();
  sim.traceSink = trace;
  sim.runUntil(untilPs);
  return { sim, sysplex, trace, fw: (name: string, ipl = 0) => instances.get(name)![ipl]!, instances };
}

function pair(link: Partial<Parameters<typeof xcfLink>[2]> = {}, failureDetectionPs = 2 * MS): Topology {
  return demoTopology({
    osas: [osa('OSA1'), osa('OSA2')],
    lpars: [lpar('SYS1', ['OSA1']), lpar('SYS2', ['OSA2'])],
    xcf: { failureDetectionPs, links: [xcfLink('SYS1', 'SYS2', link)], transportClass: { classLength: 956, maxMsgBytes: 2_048_000 } },
  });
}

/** SYS1 sends one `size`-byte message to SYS2 at 100 us. */
const sendOnce = (size: number): Record<string, FakeScript> => ({
  SYS1: { onStart: (fw) => fw.hal.setTimer(1, 100 * US), onTimer: (fw) => fw.hal.xcfSend('SYS2', new Uint8Array(size)) },
});

function transferTime(r: ReturnType<typeof run>): number {
  const sent = r.trace.of('xcf.send', 'SYS1');
  const recv = r.trace.of('xcf.recv', 'SYS2');
  expect(sent).toHaveLength(1);
  expect(recv).toHaveLength(1);
  return recv[0]!.t - sent[0]!.t;
}

describe('XCF signalling path timing', () => {
  it('takes size/bandwidth + fibre propagation + per-message cost (ICA SR vs CE LR at 10 km)', () => {
    const size = 1000;
    const expected = (m: XcfLinkModel) =>
      (size + XCF.messageHeaderBytes) * Math.ceil(8e12 / COUPLING_LINKS[m].bps) + 10_000 * 5_000 + COUPLING_LINKS[m].messageCostPs;
    const ica = transferTime(run(pair({ model: 'ICA-SR', distanceM: 10_000 }), sendOnce(size), [], 1 * MS));
    const celr = transferTime(run(pair({ model: 'CE-LR', distanceM: 10_000 }), sendOnce(size), [], 1 * MS));
    expect(ica).toBe(expected('ICA-SR'));
    expect(celr).toBe(expected('CE-LR'));
    // Worked figures: 1064 B at 8 GB/s = 133 ns, at 10 Gb/s = 851.2 ns; 10 km of fibre = 50 us one way.
    expect(ica).toBe(133_000 + 50 * US + 2 * US);
    expect(celr).toBe(851_200 + 50 * US + 4 * US);
  });

  it('follows the formula for any model, distance, size and signalling kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<XcfLinkModel>('ICA-SR', 'CE-LR', 'IC'),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: XCF.maxMessageBytes }),
        fc.constantFrom<'CTC' | 'STRUCTURE'>('CTC', 'STRUCTURE'),
        (model, distanceM, size, signalling) => {
          const r = run(pair({ model, distanceM, signalling }), sendOnce(size), [], 1 * MS);
          const prop = distanceM * XCF.propagationPsPerM;
          const cf = signalling === 'STRUCTURE' ? 2 * prop + XCF.cfServicePs : 0;
          const ser = (size + XCF.messageHeaderBytes) * Math.ceil(8e12 / COUPLING_LINKS[model].bps);
          expect(transferTime(r)).toBe(ser + prop + COUPLING_LINKS[model].messageCostPs + cf);
          expect(r.fw('SYS2').xcf.map((x) => x.bytes.length)).toEqual([size]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('XCF path failover', () => {
  /** SYS1 sends message n (its first 4 bytes) every 10 us from 100 us on. */
  const stream: Record<string, FakeScript> = {
    SYS1: {
      onStart: (fw) => fw.hal.setTimer(0, 100 * US),
      onTimer: (fw, now, id) => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setUint32(0, id);
        fw.hal.xcfSend('SYS2', b);
        fw.hal.setTimer(id + 1, now + 10 * US);
      },
    },
  };
  const seqs = (fw: FakeFirmware) => fw.xcf.map((x) => new DataView(x.bytes.buffer, x.bytes.byteOffset).getUint32(0));

  it('keeps messages flowing on the second path when the first goes down, and back when it returns', () => {
    const r = run(pair({ paths: 2 }), stream, [
      { atPs: 505 * US, action: 'xcf-down', target: 'SYS1-SYS2:0' },
      { atPs: 805 * US, action: 'xcf-up', target: 'SYS1-SYS2:0' },
    ], 1_000 * US);
    const got = seqs(r.fw('SYS2'));
    expect(got).toEqual(Array.from({ length: 90 }, (_, i) => i)); // 100 us .. 990 us, none lost, in order
    const paths = r.trace.of('xcf.recv', 'SYS2').map((x) => [x.t, x.f.path] as const);
    expect(paths.filter(([t]) => t < 505 * US).every(([, p]) => p === 0)).toBe(true);
    expect(paths.filter(([t]) => t > 506 * US && t < 805 * US).every(([, p]) => p === 1)).toBe(true);
    expect(paths.filter(([t]) => t > 806 * US).every(([, p]) => p === 0)).toBe(true);
    expect(r.trace.of('xcf.path', 'SYS1').map((x) => x.f)).toEqual([
      { peer: 'SYS2', path: 0, up: false },
      { peer: 'SYS2', path: 0, up: true },
    ]);
    // No membership change: status updates went over the surviving path.
    expect(r.fw('SYS2').memberships.map((m) => m.e)).toEqual([{ stack: 'SYS1', joined: true, failed: false }]);
  });

  it('loses and counts messages while every path of the pair is down', () => {
    const r = run(pair({ paths: 2 }), stream, [
      { atPs: 505 * US, action: 'xcf-down', target: 'SYS1-SYS2' },
      { atPs: 705 * US, action: 'xcf-up', target: 'SYS1-SYS2' },
    ], 1_000 * US);
    const got = seqs(r.fw('SYS2'));
    const lost = Array.from({ length: 20 }, (_, i) => 41 + i); // sent at 510 .. 700 us
    expect(got).toEqual(Array.from({ length: 90 }, (_, i) => i).filter((n) => !lost.includes(n)));
    expect(r.trace.of('xcf.drop', 'SYS1')).toHaveLength(20);
    expect(r.sysplex.lpar('SYS1')!.xcf.stats.dropped).toBe(20);
  });
});

describe('XCF group membership', () => {
  it('announces a failed member after the failure detection interval, and its return after re-IPL', () => {
    const fd = 2 * MS;
    const down = 5 * MS;
    const r = run(demoTopology(), {}, [
      { atPs: down, action: 'lpar-down', target: 'SYS1' },
      { atPs: 10 * MS, action: 'lpar-up', target: 'SYS1' },
    ], 12 * MS);
    for (const observer of ['SYS2', 'SYS3']) {
      const events = r.fw(observer).memberships.filter((m) => m.e.stack === 'SYS1');
      expect(events.map((m) => m.e)).toEqual([
        { stack: 'SYS1', joined: true, failed: false },
        { stack: 'SYS1', joined: false, failed: true },
        { stack: 'SYS1', joined: true, failed: false },
      ]);
      const failedAt = events[1]!.t;
      // Missing status updates for the whole interval: the last one came at most interval/4 before the down.
      expect(failedAt).toBeGreaterThan(down + fd - fd / XCF.heartbeatsPerInterval);
      expect(failedAt).toBeLessThanOrEqual(down + fd + 10 * US);
      expect(events[2]!.t).toBeGreaterThanOrEqual(10 * MS);
      expect(events[2]!.t).toBeLessThan(10 * MS + 20 * US);
      expect(r.trace.of('xcf.leave', observer)).toEqual([expect.objectContaining({ f: { stack: 'SYS1', failed: true } })]);
    }
    // While down, SYS1 hears nothing (status updates keep arriving on its paths).
    expect(r.trace.records.filter((x) => x.c === 'SYS1' && x.t > down && x.t < 10 * MS)).toEqual([]);
    expect(r.trace.of('xcf.join', 'SYS1').filter((x) => x.t >= 10 * MS).map((x) => x.f.stack)).toEqual(['SYS1', 'SYS2', 'SYS3']);
    // The re-IPLed SYS1 is a fresh firmware that learns the group at once from the members' replies.
    const again = r.fw('SYS1', 1);
    expect(again.startedAt).toBe(10 * MS);
    expect(again.memberships.map((m) => m.e.stack).sort()).toEqual(['SYS2', 'SYS3']);
    expect(again.memberships.every((m) => m.e.joined && m.t < 10 * MS + 20 * US)).toBe(true);
  });

  it('announces a voluntary leave at once, and a re-IPL faster than the interval as a failure and a join', () => {
    const r = run(
      demoTopology(),
      { SYS3: { onStart: (fw) => fw.hal.setTimer(1, 1 * MS), onTimer: (fw) => fw.hal.xcfJoin(false) } },
      [
        { atPs: 3 * MS, action: 'lpar-down', target: 'SYS2' },
        { atPs: 3 * MS + 100 * US, action: 'lpar-up', target: 'SYS2' },
      ],
      4 * MS,
    );
    const left = r.fw('SYS1').memberships.filter((m) => m.e.stack === 'SYS3');
    expect(left.map((m) => m.e)).toEqual([
      { stack: 'SYS3', joined: true, failed: false },
      { stack: 'SYS3', joined: false, failed: false },
    ]);
    expect(left[1]!.t - 1 * MS).toBeLessThan(10 * US);
    const sys2 = r.fw('SYS1').memberships.filter((m) => m.e.stack === 'SYS2');
    expect(sys2.map((m) => m.e)).toEqual([
      { stack: 'SYS2', joined: true, failed: false },
      { stack: 'SYS2', joined: false, failed: true },
      { stack: 'SYS2', joined: true, failed: false },
    ]);
    expect(sys2[1]!.t).toBeGreaterThanOrEqual(3 * MS + 100 * US);
    expect(sys2[1]!.t).toBeLessThan(3 * MS + 120 * US);
  });
});
