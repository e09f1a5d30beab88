// What the timelines cost: the demo sysplex (1000 HTTP connections, 1 s of virtual time) run in-process
// without timelines, with the sampler and trace sink alone (no files), with each of --vcd, --perfetto and
// --html, and with all three (the bound: at most 30 % slower than without). Files go to a temporary
// folder. Compare the mean times of the rows (vitest prints them relative to the fastest).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { prepare, runPrepared, type Instrument } from '../../src/run/run-scenario.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { TimelineInstrument, timelineInstruments } from '../../src/viz/index.js';

const loaded = loadRunFile('fixtures/topologies/demo.yaml');
if (!loaded.ok) throw new Error('the demo topology does not load');
const demo = loaded.value;
const dir = mkdtempSync(join(tmpdir(), 'viz-bench-'));
const vcd = join(dir, 'demo.vcd');
const perfetto = join(dir, 'demo.json');
const html = join(dir, 'demo.html');

async function run(instruments: Instrument[]): Promise<void> {
  const p = await prepare(demo, { instruments });
  const r = runPrepared(p, { instruments });
  if (r.clients.completed !== 1000) throw new Error(`the demo completed ${r.clients.completed} connections`);
}

const opts = { time: 4000, warmupIterations: 3, iterations: 10 };

describe('demo sysplex, 1 s virtual', () => {
  bench('no timelines', () => run([]), opts);
  bench('sampler and trace sink, no files', () => run([new TimelineInstrument({}, 1_000_000_000)]), opts);
  bench('--vcd', () => run(timelineInstruments({ vcd })), opts);
  bench('--perfetto', () => run(timelineInstruments({ perfetto })), opts);
  bench('--html', () => run(timelineInstruments({ html })), opts);
  bench('--vcd --perfetto --html', () => run(timelineInstruments({ vcd, perfetto, html })), opts);
});
