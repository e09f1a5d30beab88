// A run that fails leaves no timeline files behind, complete or partial; one that ends early because its
// sysplex went idle still closes them with a last sample at the end time.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Component, type Port, SimulationError } from '../../src/kernel/index.js';
import { runScenario, type Instrument } from '../../src/run/run-scenario.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { timelineInstruments } from '../../src/viz/index.js';
import { ROOT } from '../e2e/cli.js';
import { parseVcd } from './vcd-parse.js';

class Bomb extends Component {
  override onMessage(_p: Port, _m: unknown): void {}
  override start(): void {
    this.at(3_000_000_000, 0);
  }
  override onTimer(): void {
    throw new Error('boom');
  }
}

function demo() {
  const loaded = loadRunFile(join(ROOT, 'fixtures/topologies/demo.yaml'));
  if (!loaded.ok) throw new Error('demo does not load');
  return loaded.value;
}

describe('timeline files', () => {
  it('are removed when the run fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viz-abandon-'));
    const bomb: Instrument = { build: (p) => void p.sim.add(new Bomb('bomb')) };
    const instruments = [...timelineInstruments({ vcd: join(dir, 'a.vcd'), perfetto: join(dir, 'a.json'), html: join(dir, 'a.html') }), bomb];
    await expect(runScenario(demo(), { untilPs: 20_000_000_000, instruments })).rejects.toThrow(SimulationError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('end with the run at its end time, sampled at the interval asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viz-short-'));
    const vcd = join(dir, 'b.vcd');
    await runScenario(demo(), { untilPs: 2_500_000_000, instruments: timelineInstruments({ vcd, sampleIntervalPs: 1_000_000_000 }) });
    expect(existsSync(`${vcd}.partial`)).toBe(false);
    const text = readFileSync(vcd, 'utf8');
    const times = parseVcd(text).changes.map((c) => c.t);
    // Ticks at 0, 1 and 2 ms, and the final sample at 2.5 ms; nothing after the end.
    expect(Math.max(...times)).toBeLessThanOrEqual(2_500_000_000);
    expect(text.split('\n').filter((l) => l.startsWith('#')).at(-1)).toBe('#2500000000');
    expect(parseVcd(text).history('sysplex.SYS1.up')).toEqual([{ t: 0, value: '1' }]);
  });
});
