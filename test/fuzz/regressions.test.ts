// Every crash the generated scenarios (scenarios.test.ts) or a user found, kept as the case that showed it:
// test/fuzz/regressions/*.json, each a FuzzCase ({ files, capture }) with a `found` note. Each must now run to
// exit 0 or 1, or, for a case that is bad input after all (`expectExit: 2`), give exit 2 with a position.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FuzzCase } from './generator.js';
import { POSITIONED, runCase } from './run-case.js';

const DIR = new URL('./regressions/', import.meta.url).pathname;
const cases = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('fuzz regressions', () => {
  it('are kept', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s ends as it should', async (file) => {
    const c = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as FuzzCase & { found: string; expectExit?: 2 };
    const r = await runCase(c);
    if (c.expectExit === 2) {
      expect(r.exit, r.message).toBe(2);
      expect(r.message).toMatch(POSITIONED);
    } else expect(r.exit, r.message).toBeLessThanOrEqual(1);
  }, 300_000);
});
