// Issue 20, item 6: no valid input crashes. fast-check generates schema-valid sysplexes and scenarios
// (generator.ts) and runs each for a short virtual time: every run ends with exit 0 or 1, never 3; a broken
// variant of a valid case ends with exit 2 and a position. CI runs a bounded number of cases with a fixed
// seed; `npm run fuzz` runs more (FUZZ_RUNS, FUZZ_SEED). Crashes found are kept in regressions.test.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BREAKAGES, caseArb } from './generator.js';
import { POSITIONED, runCase } from './run-case.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const SEED = Number(process.env.FUZZ_SEED ?? 20);

describe('generated scenarios', () => {
  it('every schema-valid case runs to exit 0 or 1', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const r = await runCase(c);
        // The case as JSON, to keep as a regression (test/fuzz/regressions/NNN-what.json, with a `found` note).
        if (r.exit > 1) throw new Error(`exit ${r.exit}: ${r.message}\ncase: ${JSON.stringify(c)}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);

  it('every broken variant is exit 2 with a position', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.constantFrom(...BREAKAGES), async (c, b) => {
        const broken = { ...c, files: { ...c.files, [b.file]: b.apply(c.files[b.file]!) } };
        const r = await runCase(broken);
        expect(r.exit, `${b.name}: ${r.message}`).toBe(2);
        for (const line of r.message.split('\n')) expect(line, b.name).toMatch(POSITIONED);
      }),
      { numRuns: Math.max(BREAKAGES.length, RUNS), seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
