// Same seed, same timelines: two runs of the demo through the built CLI give byte-identical VCD and Perfetto
// files, and the timelines change nothing in the run: its report is the one a run without them gives (the
// sampler's own ticks aside, counted in `events`).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../e2e/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'viz-det-'));

function run(extra: string[]): Record<string, unknown> {
  const r = cli(['run', 'fixtures/topologies/demo.yaml', '--json', '--seed', '11', '--until', '120ms', ...extra], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('timelines of the same seed', () => {
  it('are byte-identical, and the run is the same as without them', () => {
    const reports = [1, 2].map((k) => run(['--vcd', join(dir, `d${k}.vcd`), '--perfetto', join(dir, `d${k}.json`)]));
    const vcd = [1, 2].map((k) => readFileSync(join(dir, `d${k}.vcd`)));
    const perfetto = [1, 2].map((k) => readFileSync(join(dir, `d${k}.json`)));
    expect(vcd[0]!.length).toBeGreaterThan(5_000);
    expect(perfetto[0]!.length).toBeGreaterThan(50_000);
    expect(vcd[0]!.equals(vcd[1]!)).toBe(true);
    expect(perfetto[0]!.equals(perfetto[1]!)).toBe(true);

    const plain = run([]);
    const strip = (r: Record<string, unknown>) => {
      const { wallMs: _w, events: _e, timelines: _t, ...rest } = r;
      return rest;
    };
    expect(strip(reports[0]!)).toEqual(strip(plain));
    // 120 ms at the default 1 ms: ticks at 0, 1, ..., 120 ms.
    expect(reports[0]!.events).toBe((plain.events as number) + 121);
    expect((reports[0]!.timelines as { samples: number }).samples).toBe(121);
  });
});
