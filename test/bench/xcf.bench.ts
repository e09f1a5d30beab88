// XCF as z/OS builds it (issue 16), measured: the idle cost of a sysplex (events per virtual second per LPAR, for
// 8 and 32 LPARs idling 300 s of virtual time at the default failure detection interval: it must grow with the
// LPARs, not their square), an XCF signal's round trip through a CF list structure (ICA SR, IC) and over FICON
// CTC (virtual time, from the models), and the CF requests a CF processor serves per second. The firmware there
// is the tests' fake (it joins the group and answers pings), so the figures are the hardware models' own. Then
// the same idle figure with the real firmware: fixtures/topologies/sysplex32.yaml at z/OS's timing (spinfdi 45 s,
// each profile's SYSPLEXWLMPOLL) idling 300 s of virtual time, its wall time and events per virtual second per
// LPAR (over the whole run, and after the join's exchange: 100 s to 300 s).
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { prepare } from '../../src/run/run-scenario.js';
import { loadRunFile, parseOverride, type Override } from '../../src/scenario/index.js';
import { ROOT } from '../e2e/cli.js';
import { MS, Simulation, US } from '../../src/kernel/index.js';
import { buildSysplex } from '../../src/run/wiring.js';
import type { CfSpec, Topology, XcfLinkModel } from '../../src/scenario/types.js';
import { CF } from '../../hw-models/cf/datasheet.js';
import { AT, type FakeFirmware, type FakeScript, demoTopology, fakeFirmware, lan, lpar, osa, xcfLink } from '../hw-models/helpers.js';

function sysplexOf(n: number, model: XcfLinkModel | 'FICON'): Topology {
  const names = Array.from({ length: n }, (_, i) => `SYS${i + 1}`);
  const cf: CfSpec = { name: 'CF01', processors: 2, cpc: 'CPC1', at: AT };
  const links = model === 'FICON'
    ? names.flatMap((a, i) => names.slice(i + 1).map((b) => xcfLink(a, b)))
    : names.map((s) => xcfLink(s, 'CF01', { model, distanceM: model === 'IC' ? 0 : 10, signalling: 'STRUCTURE' }));
  return demoTopology({
    lans: [lan('LAN1')],
    osas: names.map((_, i) => osa(`OSA${i + 1}`)),
    lpars: names.map((s, i) => lpar(s, [`OSA${i + 1}`])), // failure detection: spinfdi 45 s
    cfs: model === 'FICON' ? [] : [cf],
    xcf: { links, transportClass: { classLength: 956, maxMsgBytes: 2_048_000 } },
  });
}

function idle(n: number, virtualPs: number): { events: number; perLparPerSecond: number; wallMs: number } {
  const sim = new Simulation(1);
  buildSysplex(sim, sysplexOf(n, 'ICA-SR'), fakeFirmware({}, new Map()));
  sim.seal();
  const t0 = performance.now();
  sim.runUntil(virtualPs);
  const wallMs = performance.now() - t0;
  return { events: sim.events, perLparPerSecond: sim.events / n / (virtualPs / 1e12), wallMs };
}

/** SYS1 pings SYS2 (64 bytes) at 1 ms; SYS2 answers; the round trip in virtual time. */
function roundTrip(model: XcfLinkModel | 'FICON'): number {
  const sim = new Simulation(1);
  const instances = new Map<string, FakeFirmware[]>();
  let sentAt = 0;
  let back = 0;
  const scripts: Record<string, FakeScript> = {
    SYS1: { onStart: (fw) => fw.hal.setTimer(1, 1 * MS), onTimer: (fw, now) => { sentAt = now; fw.hal.xcfSend('SYS2', new Uint8Array(64)); }, onXcf: (_fw, now) => { back = now; } },
    SYS2: { onXcf: (fw, _now, from, bytes) => fw.hal.xcfSend(from, bytes) },
  };
  buildSysplex(sim, sysplexOf(2, model), fakeFirmware(scripts, instances));
  sim.seal();
  sim.runUntil(3 * MS);
  return back - sentAt;
}

/** 20,000 signals at once through one CF processor: the rate the CF sustains, requests per second. */
function cfRate(): number {
  const sim = new Simulation(1);
  const t = sysplexOf(2, 'ICA-SR');
  const one = { ...t, cfs: t.cfs.map((c) => ({ ...c, processors: 1 })) };
  const scripts: Record<string, FakeScript> = {
    SYS1: { onStart: (fw) => fw.hal.setTimer(1, 1 * MS), onTimer: (fw) => { for (let i = 0; i < 20_000; i++) fw.hal.xcfSend('SYS2', new Uint8Array(64)); } },
  };
  const s = buildSysplex(sim, { ...one, xcf: { ...one.xcf, transportClass: { classLength: 956, maxMsgBytes: 1e9 } } }, fakeFirmware(scripts, new Map()));
  sim.seal();
  sim.runUntil(1 * MS + 500 * MS);
  const cf = s.cfs[0]!.summary();
  return cf.requests / ((cf.cpuBusyPct / 100) * (sim.now / 1e12));
}

/** sysplex32.yaml with the real firmware at default timing, idling: events at `steadyFrom` and at `until`. */
async function idleReal(untilPs: number, steadyFromPs: number): Promise<{ lpars: number; events: number; steadyEvents: number; wallMs: number; compressed: number }> {
  const loaded = loadRunFile(join(ROOT, 'fixtures/topologies/sysplex32.yaml'), [parseOverride('xcf.failureDetection=45s') as Override]);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const p = await prepare(loaded.value, { untilPs });
  const t0 = performance.now();
  p.sim.start();
  p.sim.runUntil(steadyFromPs);
  const atSteady = p.sim.events;
  p.sim.runUntil(untilPs);
  const wallMs = performance.now() - t0;
  return { lpars: p.sysplex.lpars.length, events: p.sim.events, steadyEvents: p.sim.events - atSteady, wallMs, compressed: loaded.value.topology.compressed.length };
}

const real = await idleReal(300e12, 100e12);
console.log(
  `xcf idle, real firmware, sysplex32.yaml at default timing (${real.compressed} compressed values), 300 s virtual: ${real.events} events in ${real.wallMs.toFixed(0)} ms wall, ` +
    `${(real.events / real.lpars / 300).toFixed(3)} events/s per LPAR over the run, ${(real.steadyEvents / real.lpars / 200).toFixed(3)} from 100 s to 300 s (after the join)`,
);
const a8 = idle(8, 300e12);
const a32 = idle(32, 300e12);
console.log(
  `xcf idle, 300 s virtual at default detection: 8 LPARs ${a8.perLparPerSecond.toFixed(2)} events/s per LPAR (${a8.events} events, ${a8.wallMs.toFixed(0)} ms wall); ` +
    `32 LPARs ${a32.perLparPerSecond.toFixed(2)} events/s per LPAR (${a32.events} events, ${a32.wallMs.toFixed(0)} ms wall)`,
);
const us = (ps: number) => `${(ps / US).toFixed(2)} us`;
console.log(`xcf round trip (64 B, SYS1 -> SYS2 -> SYS1, no CPU cost in the fake firmware): CF structure over ICA SR ${us(roundTrip('ICA-SR'))}, over IC ${us(roundTrip('IC'))}, FICON CTC ${us(roundTrip('FICON'))}`);
console.log(`CF list requests per second per CF processor: ${Math.round(cfRate()).toLocaleString('en-US')} measured at saturation (datasheet ${Math.round(1e12 / CF.listRequestPs).toLocaleString('en-US')})`);

describe('xcf idle sysplex, 32 LPARs, 10 s virtual', () => {
  bench('idle 32 LPARs', () => {
    idle(32, 10e12);
  }, { iterations: 3 });
});
