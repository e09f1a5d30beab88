// Issue 21's Done when: every scenario the project ships (fixtures/scenarios: the fault scenarios and the rest)
// gives one process's report and a byte-identical trace with 2 and 3 partitions, on threads (the default on one
// host). identical.test.ts runs shorter versions of three of them on both transports; this file takes each one
// as written, so that a new scenario is covered as soon as it is added.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.js';
import { comparable, run } from './processes.js';

const DIR = 'fixtures/scenarios';
const FILES = readdirSync(join(ROOT, DIR)).filter((f) => f.endsWith('.yaml')).sort();

/** Scenarios run with 1 and 2 partitions only, and why. */
const TWO_ONLY: Record<string, string> = {
  // 3 partitions cut the demo on its 500 ns LAN links; its 96 s of virtual time hold 1.2 M events about 80 us
  // apart, each a hand-off between threads: 25 s with 3 partitions (0.6 s in one process).
  'timedaffinity.yaml': 'long and sparse over 500 ns cuts',
};

describe('every shipped scenario runs partitioned as in one process', () => {
  it('finds the scenarios', () => {
    expect(FILES.length).toBeGreaterThan(20);
    for (const f of Object.keys(TWO_ONLY)) expect(FILES).toContain(f);
  });

  for (const file of FILES) {
    const counts = TWO_ONLY[file] === undefined ? [1, 2, 3] : [1, 2];
    it(`${file}: ${counts.join(', ')} partitions give the same report and a byte-identical trace`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'every-scenario-'));
      const runs = await Promise.all(
        counts.map(async (n) => {
          const trace = join(dir, `p${n}.jsonl`);
          const r = await run(['run', join(DIR, file), '--json', '--partitions', String(n), '--trace', trace]);
          return { n, r, trace: readFileSync(trace, 'utf8') };
        }),
      );
      const [one, ...more] = runs;
      expect(one!.r.status, one!.r.stderr).toBe(0); // every shipped scenario's expectations hold
      expect(one!.trace.length).toBeGreaterThan(0);
      for (const m of more) {
        expect(m.r.status, `${m.n} partitions: ${m.r.stderr}`).toBe(0);
        expect(m.r.stderr).toBe('');
        expect(comparable(m.r.stdout), `report with ${m.n} partitions`).toEqual(comparable(one!.r.stdout));
        expect(m.trace === one!.trace, `trace with ${m.n} partitions is byte-identical`).toBe(true);
      }
    }, 300_000);
  }
});
