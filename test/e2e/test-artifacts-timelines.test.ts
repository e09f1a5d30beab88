// `test --artifacts`: a failing scenario's folder also holds its timelines (VCD that GTKWave's vcd2fst reads,
// Perfetto JSON, the HTML report); a passing scenario leaves nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { needs } from '../support/tools.js';
import { cli } from './cli.js';

it('writes timeline.vcd, perfetto.json and report.html for the failing scenario only', needs('vcd2fst'), () => {
  const art = mkdtempSync(join(tmpdir(), 'art-'));
  const r = cli(['test', 'test/suite/fixtures/mixed', '--artifacts', art, '--jobs', '1'], { timeoutMs: 180_000 });
  expect(r.status).toBe(1);
  const dir = join(art, 'fails');
  for (const f of ['timeline.vcd', 'perfetto.json', 'report.html', 'report.json', 'trace.jsonl']) expect(existsSync(join(dir, f)), f).toBe(true);
  expect(existsSync(join(art, 'passes'))).toBe(false);
  execFileSync('vcd2fst', [join(dir, 'timeline.vcd'), join(art, 'fails.fst')]);
  expect(existsSync(join(art, 'fails.fst'))).toBe(true);
  expect(JSON.parse(readFileSync(join(dir, 'perfetto.json'), 'utf8')).traceEvents.length).toBeGreaterThan(10);
  expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/uPlot/);
});
