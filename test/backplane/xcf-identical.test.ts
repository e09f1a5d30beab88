// Determinism of XCF as z/OS builds it (issue 16): CF structures, FICON CTC, the couple data set, SFM and the
// stack-stop fault give the same report and a byte-identical trace with 1, 2 and 3 partitions (the CFs and the
// couple data set go with a neighbour's partition), through the built CLI.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { comparable, run } from './processes.js';

it('xcf-cf-short.yaml: 1, 2 and 3 partitions give the same report and a byte-identical trace', async () => {
  const file = 'test/backplane/fixtures/xcf-cf-short.yaml';
  const dir = mkdtempSync(join(tmpdir(), 'xcf-identical-'));
  const runs = await Promise.all(
    ([[1, 'threads'], [2, 'threads'], [3, 'threads'], [2, 'processes']] as const).map(async ([n, transport]) => {
      const trace = join(dir, `p${n}-${transport}.jsonl`);
      const r = await run(['run', file, '--json', '--partitions', String(n), '--trace', trace, ...(n > 1 ? ['--transport', transport] : [])]);
      expect(r.status, `${n} partitions: ${r.stderr}`).toBe(0);
      return { n, r, trace: readFileSync(trace, 'utf8') };
    }),
  );
  const [one, ...more] = runs;
  const kinds = new Set(one!.trace.trim().split('\n').map((l) => JSON.parse(l).k as string));
  for (const k of ['cf.down', 'cf.up', 'xcf.path', 'stack.stop', 'stack.start', 'xcf.leave', 'xcf.join']) expect(kinds.has(k), `trace kind ${k}`).toBe(true);
  const report = JSON.parse(one!.r.stdout);
  expect(report.xcf.cfs.map((c: { name: string }) => c.name)).toEqual(['CF01', 'CF02']);
  expect(report.xcf.systems[0].paths.map((p: { kind: string; via: string }) => `${p.kind} ${p.via}`)).toEqual([
    'CTC SYS1-SYS2', 'STRUCTURE CF01', 'STRUCTURE CF02', 'STRUCTURE CF01', 'STRUCTURE CF02',
  ]);
  expect(report.compressed.map((c: { key: string }) => c.key)).toEqual(['xcf.failureDetection']);
  for (const m of more) {
    expect(m.r.status).toBe(one!.r.status);
    expect(comparable(m.r.stdout), `report with ${m.n} partitions`).toEqual(comparable(one!.r.stdout));
    expect(m.trace === one!.trace, `trace with ${m.n} partitions is byte-identical`).toBe(true);
  }
}, 300_000);
