// The corpus of real-shop-style profiles: each parses, with its symbols and data sets, to exactly the `validate
// --json` golden next to it; each invalid one is refused at the FILE:LINE:COL its header names.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { describeProfile, parseProfile } from '../../../src/firmware/profile/index.js';
import { bareProfileSource } from '../../../src/scenario/datasets.js';
import { CORPUS, INVALID, corpusFiles, corpusOptions, expectedError } from './corpus.js';

function parseCorpus(path: string) {
  const { symbols, datasets } = corpusOptions(path);
  return parseProfile(readFileSync(path, 'utf8'), path, bareProfileSource(path, symbols, datasets));
}

describe('valid corpus', () => {
  const files = corpusFiles(CORPUS);

  test('at least 15 profiles, each with its golden', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) expect(existsSync(f.replace(/\.tcpip$/, '.json')), f).toBe(true);
  });

  test.each(files)('%s gives its golden --json', (path) => {
    const r = parseCorpus(path);
    if (!r.ok) expect.fail(r.errors.map(String).join('\n'));
    const golden = JSON.parse(readFileSync(path.replace(/\.tcpip$/, '.json'), 'utf8')) as unknown;
    expect(JSON.parse(JSON.stringify(describeProfile(r.profile).json))).toEqual(golden);
  });

  test('the corpus covers the styles it promises', () => {
    const all = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const needle of ['&SYSCLONE.', 'INCLUDE ', 'GATEWAY', 'DEFAULTNET', 'DEVICE ', 'HOME', 'ipconf', 'EQENET6', 'IPAQENET6']) {
      expect(all, needle).toContain(needle);
    }
    expect(files.some((f) => readFileSync(f, 'utf8').split('\n').some((l) => l.length === 80))).toBe(true);
  });
});

describe('invalid corpus', () => {
  const files = corpusFiles(INVALID);

  test('covers the refusals the issue names', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  test.each(files)('%s is refused where its header says', (path) => {
    const want = expectedError(path);
    const r = parseCorpus(path);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.errors.find((e) => e.file === want.file && e.line === want.line && e.col === want.col);
    expect(hit, r.errors.map(String).join('\n')).toBeDefined();
    expect(hit!.message).toContain(want.fragment);
    // The first error is the promised one: no cascade before it.
    expect(String(r.errors[0])).toBe(String(hit));
  });
});
