// XCF as z/OS builds it: FICON CTC paths (one transfer in flight per device), list-structure paths through a CF
// (two CF requests per signal, the CF's processors a queue), path and CF failover, the transport class, and
// membership through the couple data set with SFM.
import { describe, expect, it } from 'vitest';
import { MS, Simulation, US } from '../../src/kernel/index.js';
import type { CfSpec, FaultSpec, Topology, XcfLinkModel } from '../../src/scenario/types.js';
import { buildSysplex } from '../../src/run/wiring.js';
import { CDS } from '../../hw-models/cds/datasheet.js';
import { CF } from '../../hw-models/cf/datasheet.js';
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

const FDI = 2 * MS;
const two = (over: Partial<Topology>): Topology =>
  demoTopology({
    osas: [osa('OSA1'), osa('OSA2')],
    lpars: [lpar('SYS1', ['OSA1'], { failureDetectionPs: FDI }), lpar('SYS2', ['OSA2'], { failureDetectionPs: FDI })],
    ...over,
  });
const xcf = (links: Topology['xcf']['links'], over: Partial<Topology['xcf']> = {}): Topology['xcf'] => ({
  links, transportClass: { classLength: 956, maxMsgBytes: 2_048_000 }, ...over,
});
/** SYS1 and SYS2 with a FICON CTC link of `paths` device pairs. */
const ctcPair = (paths = 1, distanceM = 100) => two({ xcf: xcf([xcfLink('SYS1', 'SYS2', { paths, distanceM })]) });
/** SYS1 and SYS2, each with a coupling link of `model` to every CF. */
function cfPair(model: XcfLinkModel, cfs: number, distanceM = 10, processors = 1): Topology {
  const names = Array.from({ length: cfs }, (_, i) => `CF0${i + 1}`);
  const specs: CfSpec[] = names.map((name) => ({ name, processors, cpc: 'CPC1', at: AT }));
  const links = names.flatMap((cf) => ['SYS1', 'SYS2'].map((s) => xcfLink(s, cf, { model, distanceM, signalling: 'STRUCTURE' })));
  return two({ cfs: specs, xcf: xcf(links) });
}

/** SYS1 sends `count` signals of `size` bytes to SYS2 at 1 ms, all at once. */
const burst = (count: number, size = 1000): Record<string, FakeScript> => ({
  SYS1: { onStart: (fw) => fw.hal.setTimer(1, 1 * MS), onTimer: (fw) => { for (let i = 0; i < count; i++) fw.hal.xcfSend('SYS2', tagged(i, size)); } },
});
/** SYS1 sends signal n every `period` from 1 ms on. */
const stream = (period: number): Record<string, FakeScript> => ({
  SYS1: {
    onStart: (fw) => fw.hal.setTimer(0, 1 * MS),
    onTimer: (fw, now, id) => {
      fw.hal.xcfSend('SYS2', tagged(id, 16));
      fw.hal.setTimer(id + 1, now + period);
    },
  },
});
function tagged(n: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}
const seqs = (fw: FakeFirmware) => fw.xcf.map((x) => new DataView(x.bytes.buffer, x.bytes.byteOffset).getUint32(0));
const ser = (model: XcfLinkModel, bytes: number) => (COUPLING_LINKS[model].bps === 0 ? 0 : bytes * Math.ceil(8e12 / COUPLING_LINKS[model].bps));
const oneWay = (model: XcfLinkModel, distanceM: number) => distanceM * XCF.propagationPsPerM + COUPLING_LINKS[model].overheadPs;

describe('FICON CTC paths', () => {
  it('carry a signal in size/rate + fibre + the transfer overhead, and hold the device until device end', () => {
    const r = run(ctcPair(1, 2_000), burst(3), [], 2 * MS);
    const sent = r.trace.of('xcf.send', 'SYS1')[0]!.t;
    const recv = r.trace.of('xcf.recv', 'SYS2').map((x) => x.t - sent);
    const bytes = 1000 + XCF.messageHeaderBytes;
    const l = oneWay('FICON', 2_000);
    expect(recv[0]).toBe(ser('FICON', bytes) + l);
    // One transfer in flight per device: the next starts when device end (the ack) is back.
    expect(recv[1]! - recv[0]!).toBe(l + ser('FICON', bytes) + l);
    expect(recv[2]! - recv[1]!).toBe(recv[1]! - recv[0]!);
    expect(r.fw('SYS2').xcf).toHaveLength(3);
    // The path's transfer time rises with what waits on it.
    const path = r.sysplex.lpar('SYS1')!.summary().xcfPaths[0]!;
    expect(path).toMatchObject({ peer: 'SYS2', path: 0, kind: 'CTC', via: 'SYS1-SYS2', signals: 3, maxPending: 3 });
    expect(path.maxTransferPs).toBe(3 * (2 * l + ser('FICON', bytes)));
    expect(path.meanTransferPs).toBe(2 * (2 * l + ser('FICON', bytes)));
    // Busy from the burst's send to the last device end; its data rate is what one device sustains.
    expect(path.bytes).toBe(3 * bytes);
    expect(path.busyPs).toBe(3 * (2 * l + ser('FICON', bytes)));
    expect(path.bytesPerSecond).toBe(Math.round((3 * bytes * 1e12) / path.busyPs));
  });
});

describe('transfer time (MXFER) as the receiver measures it', () => {
  /** Per signal (by its tag), the time from its xcf.send at SYS1 to its xcf.recv at SYS2. */
  const sendToRecv = (r: ReturnType<typeof run>) => {
    const sent = r.trace.of('xcf.send', 'SYS1').map((x) => x.t);
    return r.trace.of('xcf.recv', 'SYS2').map((x, i) => x.t - sent[seqs(r.fw('SYS2'))[i]!]!);
  };
  const exactSum = (d: { sumHi: number; sumLo: number }) => d.sumHi * 2 ** 32 + d.sumLo;

  it('is each signal\'s send to delivery, queueing on the busy CTC device included', () => {
    const r = run(ctcPair(1, 2_000), burst(3), [], 2 * MS);
    const t = sendToRecv(r);
    const [inbound] = r.sysplex.lpar('SYS2')!.xcf.inboundTransfers();
    expect(inbound).toMatchObject({ from: 'SYS1', path: 0 });
    expect(inbound!.transfer).toMatchObject({ count: 3, min: t[0], max: t[2] });
    expect(exactSum(inbound!.transfer)).toBe(t[0]! + t[1]! + t[2]!);
    // The third waited for two device ends: far longer than the first.
    expect(t[2]!).toBeGreaterThan(2 * t[0]!);
  });

  it('over a CF structure: write, notification and read, and the CF processor queue under a burst', () => {
    const r = run(cfPair('ICA-SR', 1), burst(200), [], 5 * MS);
    const t = sendToRecv(r);
    expect(t).toHaveLength(200);
    const [inbound] = r.sysplex.lpar('SYS2')!.xcf.inboundTransfers();
    expect(inbound!.transfer.count).toBe(200);
    expect(exactSum(inbound!.transfer)).toBe(t.reduce((a, b) => a + b, 0));
    expect(inbound!.transfer.max).toBe(Math.max(...t));
    // Nothing was sent the other way, so SYS1 measured nothing.
    expect(r.sysplex.lpar('SYS1')!.xcf.inboundTransfers()).toEqual([]);
  });
});

describe('list-structure paths through a CF', () => {
  it('cost two CF requests and a notification per signal, about 7.5 us a request over ICA SR, less over IC', () => {
    const oneSignal = (model: XcfLinkModel) => {
      const r = run(cfPair(model, 1), burst(1, 100), [], 2 * MS);
      const t = r.trace.of('xcf.recv', 'SYS2')[0]!.t - r.trace.of('xcf.send', 'SYS1')[0]!.t;
      return { r, t, cf: r.sysplex.cfs[0]!.summary() };
    };
    const ica = oneSignal('ICA-SR');
    expect(ica.cf).toMatchObject({ writes: 1, reads: 1, notifications: 1, requests: 2 });
    const l = oneWay('ICA-SR', 10);
    const bytes = 100 + XCF.messageHeaderBytes;
    // write (data out, CF service) -> notification -> read request -> CF service -> data back.
    expect(ica.t).toBe(ser('ICA-SR', bytes) + l + CF.listRequestPs + l + l + CF.listRequestPs + ser('ICA-SR', bytes) + l);
    // Each system's service time per request, as RMF gives it: the write (data out) and the read (data back)
    // each cost the link both ways, the CF's service and the signal's serialisation once.
    for (const sys of ['SYS1', 'SYS2']) {
      expect(ica.r.sysplex.lpar(sys)!.xcf.cfRequestSummaries()).toEqual([
        { cf: 'CF01', requests: 1, meanServicePs: 2 * l + CF.listRequestPs + ser('ICA-SR', bytes), maxServicePs: 2 * l + CF.listRequestPs + ser('ICA-SR', bytes) },
      ]);
    }
    // One request's round trip (Packer: about 7.5 us over ICA SR).
    const request = 2 * l + CF.listRequestPs;
    expect(request).toBeGreaterThanOrEqual(7 * US);
    expect(request).toBeLessThanOrEqual(8 * US);
    const ic = oneSignal('IC');
    expect(ic.t).toBeLessThan(ica.t);
    expect(ica.r.fw('SYS2').xcf.map((x) => x.bytes.length)).toEqual([100]);
  });

  it('queue for the CF processors: service time grows with CF utilisation', () => {
    const light = run(cfPair('ICA-SR', 1), burst(1), [], 3 * MS).sysplex.cfs[0]!.summary();
    const heavy = run(cfPair('ICA-SR', 1), burst(200), [], 5 * MS);
    const cf = heavy.sysplex.cfs[0]!.summary();
    expect(heavy.fw('SYS2').xcf).toHaveLength(200);
    expect(seqs(heavy.fw('SYS2'))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(cf.requests).toBe(400);
    expect(light.meanServicePs).toBe(CF.listRequestPs);
    expect(cf.meanServicePs).toBeGreaterThan(3 * CF.listRequestPs);
    expect(cf.cpuBusyPct).toBeGreaterThan(0);
    expect(cf.requestsPerSecondPerProcessor).toBe(1e12 / CF.listRequestPs);
    // A second CF processor takes half the queue.
    const two2 = run(cfPair('ICA-SR', 1, 10, 2), burst(200), [], 5 * MS).sysplex.cfs[0]!.summary();
    expect(two2.meanServicePs).toBeLessThan(cf.meanServicePs);
    // The sender waited for subchannels (8 per ICA SR CHPID).
    expect(heavy.sysplex.lpar('SYS1')!.xcf.stats.subchannelWaits).toBeGreaterThan(0);
  });

  it('fail over to the structure in another CF when a CF fails, and come back to it', () => {
    const r = run(cfPair('ICA-SR', 2), stream(10 * US), [
      { atPs: 1505 * US, action: 'cf-down', target: 'CF01' },
      { atPs: 1805 * US, action: 'cf-up', target: 'CF01' },
    ], 2 * MS);
    const got = seqs(r.fw('SYS2'));
    const sent = r.trace.of('xcf.send', 'SYS1').length;
    // Signals already in CF01's structure when it failed (written, not yet read: about 20 us of them) are
    // gone with it; writes still in flight are driven again through CF02; nothing else is lost.
    const lost = sent - got.length;
    expect(lost).toBeGreaterThanOrEqual(1);
    expect(lost).toBeLessThanOrEqual(4);
    const paths = r.trace.of('xcf.recv', 'SYS2').map((x) => [x.t, x.f.path] as const);
    expect(paths.filter(([t]) => t < 1505 * US).every(([, p]) => p === 0)).toBe(true);
    expect(paths.filter(([t]) => t > 1530 * US && t < 1805 * US).every(([, p]) => p === 1)).toBe(true);
    expect(paths.filter(([t]) => t > 1830 * US).every(([, p]) => p === 0)).toBe(true);
    expect(r.trace.of('cf.down', 'CF01')).toHaveLength(1);
    // No membership change and no partitioning: the systems still signal, and status goes to the CDS.
    expect(r.trace.of('sfm.isolate', 'CDS')).toEqual([]);
    expect(r.fw('SYS2').memberships.map((m) => m.e)).toEqual([{ stack: 'SYS1', joined: true, failed: false }]);
  });
});

describe('paths and the transport class as resources', () => {
  it('drive the signals pending on a failed path again on the next one: none lost, in order', () => {
    const r = run(ctcPair(2), stream(30 * US), [
      { atPs: 1505 * US, action: 'xcf-down', target: 'SYS1-SYS2:0' },
      { atPs: 1805 * US, action: 'xcf-up', target: 'SYS1-SYS2:0' },
    ], 2 * MS);
    const sent = r.trace.of('xcf.send', 'SYS1').length;
    expect(seqs(r.fw('SYS2'))).toEqual(Array.from({ length: sent }, (_, i) => i).slice(0, r.fw('SYS2').xcf.length));
    expect(r.fw('SYS2').xcf.length).toBeGreaterThanOrEqual(sent - 2); // the last ones may still be in flight
    expect(r.trace.of('xcf.path', 'SYS1').map((x) => x.f)).toEqual([
      { peer: 'SYS2', path: 0, up: false },
      { peer: 'SYS2', path: 0, up: true },
    ]);
    expect(r.trace.of('sfm.isolate', 'CDS')).toEqual([]);
  });

  it('reject a signal that does not fit the MAXMSG buffer space, and count signals longer than CLASSLEN', () => {
    const t = ctcPair(1);
    const small = { ...t, xcf: { ...t.xcf, transportClass: { classLength: 956, maxMsgBytes: 10 * 956 } } };
    const r = run(small, burst(30, 2000), [], 3 * MS);
    const stats = r.sysplex.lpar('SYS1')!.xcf.stats;
    // Each 2 KB signal takes a 2064-byte buffer: four fit in 9560 bytes, the rest of the burst is refused.
    expect(stats.rejected).toBe(26);
    expect(stats.expanded).toBe(4);
    expect(r.trace.of('xcf.drop', 'SYS1').every((x) => x.f.reason === 'maxmsg')).toBe(true);
    expect(r.fw('SYS2').xcf).toHaveLength(4);
  });
});

describe('membership through the couple data set, with SFM', () => {
  it('a failed system is isolated after its failure detection interval, then partitioned; only then do the others see it leave', () => {
    const down = 5 * MS;
    const r = run(demoTopology(), {}, [
      { atPs: down, action: 'lpar-down', target: 'SYS1' },
      { atPs: 12 * MS, action: 'lpar-up', target: 'SYS1' },
    ], 14 * MS);
    const isolated = r.trace.of('sfm.isolate', 'CDS')[0]!;
    const partitioned = r.trace.of('sfm.partition', 'CDS')[0]!;
    expect(isolated.f).toEqual({ sys: 'SYS1', reason: 'status-missing' });
    // Its last status update came at most interval / 4 before it went down.
    expect(isolated.t).toBeGreaterThan(down + FDI - FDI / CDS.updatesPerInterval);
    expect(isolated.t).toBeLessThanOrEqual(down + FDI);
    expect(partitioned.t).toBe(isolated.t + CDS.isolationPs);
    for (const observer of ['SYS2', 'SYS3']) {
      const events = r.fw(observer).memberships.filter((m) => m.e.stack === 'SYS1');
      expect(events.map((m) => m.e)).toEqual([
        { stack: 'SYS1', joined: true, failed: false },
        { stack: 'SYS1', joined: false, failed: true },
        { stack: 'SYS1', joined: true, failed: false },
      ]);
      expect(events[1]!.t).toBeGreaterThanOrEqual(partitioned.t + CDS.ioPs);
      expect(events[1]!.t).toBeLessThan(partitioned.t + CDS.ioPs + 20 * US);
      expect(r.trace.of('xcf.leave', observer)).toEqual([expect.objectContaining({ f: { stack: 'SYS1', failed: true } })]);
    }
    // The re-IPLed SYS1 enters the sysplex through the CDS, then its fresh stack knows the group at once.
    const again = r.fw('SYS1', 1);
    expect(again.startedAt).toBe(12 * MS + 2 * CDS.ioPs);
    expect(again.memberships.map((m) => m.e.stack).sort()).toEqual(['SYS2', 'SYS3']);
  });

  it('losing every path between two live systems removes exactly one of them (SFM weights), never both', () => {
    const t = demoTopology();
    const heavier = { ...t, lpars: t.lpars.map((l) => (l.name === 'SYS3' ? { ...l, weight: 300 } : l)) };
    const r = run(heavier, {}, [{ atPs: 2 * MS, action: 'xcf-down', target: 'SYS2-SYS3' }], 8 * MS);
    expect(r.trace.of('sfm.connfail', 'CDS').map((x) => x.f)).toEqual([{ between: expect.any(Array), removes: 'SYS2' }]);
    expect(r.trace.of('sfm.partition', 'CDS').map((x) => x.f.sys)).toEqual(['SYS2']);
    expect(r.sysplex.lpar('SYS2')!.isUp).toBe(false);
    expect(r.trace.of('lpar.down', 'SYS2')[0]!.f).toEqual({ isolated: 'connfail' });
    expect(r.sysplex.lpar('SYS3')!.isUp).toBe(true);
    expect(r.sysplex.lpar('SYS1')!.isUp).toBe(true);
    for (const observer of ['SYS1', 'SYS3']) {
      expect(r.fw(observer).memberships.filter((m) => !m.e.joined).map((m) => m.e)).toEqual([{ stack: 'SYS2', joined: false, failed: true }]);
    }
    // With equal weights the later name goes, whichever side reported first.
    const tie = run(demoTopology(), {}, [{ atPs: 2 * MS, action: 'xcf-down', target: 'SYS2-SYS3' }], 8 * MS);
    expect(tie.trace.of('sfm.partition', 'CDS').map((x) => x.f.sys)).toEqual(['SYS3']);
  });

  it('a voluntary leave and a stack-stop are told to the others at once (one CDS I/O); stack-start joins again', () => {
    const r = run(
      demoTopology(),
      { SYS3: { onStart: (fw) => fw.hal.setTimer(1, 1 * MS), onTimer: (fw) => fw.hal.xcfJoin(false) } },
      [
        { atPs: 2 * MS, action: 'stack-stop', target: 'SYS2' },
        { atPs: 3 * MS, action: 'stack-start', target: 'SYS2' },
      ],
      4 * MS,
    );
    const seen = r.fw('SYS1').memberships.filter((m) => m.e.stack !== 'SYS1');
    const left3 = seen.find((m) => m.e.stack === 'SYS3' && !m.e.joined)!;
    expect(left3.e.failed).toBe(false);
    expect(left3.t - 1 * MS).toBeGreaterThanOrEqual(2 * CDS.ioPs);
    expect(left3.t - 1 * MS).toBeLessThan(2 * CDS.ioPs + 20 * US);
    const sys2 = seen.filter((m) => m.e.stack === 'SYS2');
    expect(sys2.map((m) => m.e)).toEqual([
      { stack: 'SYS2', joined: true, failed: false },
      { stack: 'SYS2', joined: false, failed: false },
      { stack: 'SYS2', joined: true, failed: false },
    ]);
    expect(sys2[1]!.t - 2 * MS).toBeLessThan(2 * CDS.ioPs + 20 * US);
    expect(r.sysplex.lpar('SYS2')!.isUp).toBe(true);
    expect(r.instances.get('SYS2')).toHaveLength(2);
    expect(r.trace.of('stack.stop', 'SYS2')).toHaveLength(1);
    expect(r.trace.of('sfm.isolate', 'CDS')).toEqual([]);
  });

  it('an idle sysplex costs events linear in its systems: one status update per interval / 4 each', () => {
    const r = run(demoTopology(), { SYS1: { join: false }, SYS2: { join: false }, SYS3: { join: false } }, [], 100 * MS);
    const updates = r.sysplex.cds.summary().statusUpdates;
    expect(updates).toBe(3 * ((100 * MS) / (FDI / CDS.updatesPerInterval)));
  });
});
