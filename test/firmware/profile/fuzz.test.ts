// Whatever the text, parseProfile returns a typed result and never throws; positions lie inside the text.
// Inputs: random strings, random token soups from the profile's own vocabulary, and random mutations of the
// fixtures (deleted, duplicated, swapped and retyped lines, spliced words, truncation).

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseProfile, ProfileError } from '../../../src/firmware/profile/index.js';
import { withoutPositions } from './helpers.js';
import { CORPUS, INVALID, corpusFiles } from './corpus.js';

const FIXTURES = [
  'fixtures/profiles/SYS1.tcpip', 'fixtures/profiles/production.tcpip', 'fixtures/profiles/legacy.tcpip',
  ...['weightedactive', 'hotstandby', 'basewlm', 'serverwlm', 'optlocal', 'timedaffinity'].map((d) => `fixtures/profiles/${d}/SYS2.tcpip`),
  ...readdirSync('fixtures/profiles/invalid').map((f) => `fixtures/profiles/invalid/${f}`),
  ...corpusFiles(CORPUS), ...corpusFiles(INVALID),
].map((path) => readFileSync(path, 'utf8'));

const VOCABULARY = [
  'IPCONFIG', 'DYNAMICXCF', 'INTERFACE', 'DEFINE', 'IPAQENET', 'PORTNAME', 'IPADDR', 'MTU', 'INBPERF', 'BALANCED',
  'BEGINROUTES', 'ROUTE', 'DEFAULT', '=', 'ENDROUTES', 'VIPADYNAMIC', 'ENDVIPADYNAMIC', 'VIPADEFINE', 'VIPABACKUP',
  'VIPADELETE', 'VIPARANGE', 'VIPAROUTE', 'VIPADISTRIBUTE', 'VIPASMPARMS', 'DISTMETHOD', 'DISTM', 'HOTSTANDBY',
  'WEIGHTEDACTIVE', 'ROUNDROBIN', 'BASEWLM', 'SERVERWLM', 'PROCTYPE', 'CP', 'ZIIP', 'PROCXCOST', 'ILWEIGHTING',
  'PREFERRED', 'BACKUP', 'WEIGHT', 'DESTIP', 'ALL', 'PORT', 'TCP', 'UDP', 'MOVEABLE', 'IMMEDIATE', 'WHENIDLE',
  'OPTLOCAL', 'TIMEDAFFINITY', 'SYSPLEXPORTS', 'DELETE', 'HOME', 'DEVICE', 'LINK', 'START', 'STOP', 'AUTOLOG',
  'ENDAUTOLOG', 'GLOBALCONFIG', 'XCFGRPID', 'SYSPLEXMONITOR', 'TIMERSECS', 'TCPCONFIG', 'TCPSENDBFRSIZE', 'GATEWAY',
  'INCLUDE', 'IPSEC', 'ENDIPSEC', 'TIER1', 'MOVE', 'VIPA', 'VIPAD', 'HOST', 'REPL', 'VMAC', 'VIRTUAL', 'IPAQENET6',
  '10.1.1.10', '10.9.9.1', '255.255.255.0', '255.0.255.0', '10.1.1.0/24', '10.1.1.300', '2001:db8::1', '0', '1',
  '80', '100', '254', '65536', '80-90', '90-80', 'OSA1', 'JOB*', '*', ';', '"', '"QUOTED VALUE"', '\n', '\t', ' ',
  'DEFAULTNET', '9', '130.50', '0.255.255.0', 'DEFAULTSIZE', 'EQENET', 'EQENET6', 'IPAQIDIO6', 'DATASETPREFIX',
  'SMFCONFIG', 'TYPE119', 'PKTTRACE', 'ABBREV=200', 'IPCONFIG6', 'MPCIPA', 'LCS', 'E20', 'TRANSLATE', 'PORTRANGE',
  '&SYSNAME.', '&SYSCLONE', '&NOPE.', '&', '&&', 'OSA&SYSCLONE.A', "'A.B(C)'", 'A.B(C)', 'X(Y)', 'DEFAULT6', '00010000',
  '\u0001', 'VIPADYNAMC', 'FOOBAR',
];

/** Invariants of any result, for any text. */
function checkResult(text: string): void {
  const r = parseProfile(text, 'fuzz.tcpip');
  const lines = text.split('\n').length;
  const all = r.ok ? r.warnings : [...r.errors, ...r.warnings];
  for (const e of all) {
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.message).not.toContain('internal error');
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(String(e).startsWith(`fuzz.tcpip:${e.line}:${e.col}: `)).toBe(true);
  }
  if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insertWord' as const), at: fc.nat(), word: fc.constantFrom(...VOCABULARY) }),
  fc.record({ kind: fc.constant('replaceChar' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant('deleteSpan' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('changeCase' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = (n: number): number => n % lines.length;
  switch (m.kind) {
    case 'deleteLine': lines.splice(li(m.at), 1); return lines.join('\n');
    case 'duplicateLine': lines.splice(li(m.at), 0, lines[li(m.at)]!); return lines.join('\n');
    case 'swapLines': {
      const a = li(m.at); const b = li(m.with);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'insertWord': { const i = m.at % (text.length + 1); return `${text.slice(0, i)} ${m.word} ${text.slice(i)}`; }
    case 'replaceChar': { const i = m.at % Math.max(1, text.length); return text.slice(0, i) + m.ch + text.slice(i + 1); }
    case 'deleteSpan': { const i = m.at % Math.max(1, text.length); return text.slice(0, i) + text.slice(i + m.length); }
    case 'truncate': return text.slice(0, m.at % (text.length + 1));
    case 'changeCase': { const a = li(m.at); lines[a] = lines[a]!.toLowerCase(); return lines.join('\n'); }
  }
}

describe('parseProfile never throws', () => {
  test('random strings (any characters)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => checkResult(text)), { numRuns: 500 });
  });

  test('random soups of profile words', () => {
    const soup = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 120 }).map((w) => w.join(' '));
    fc.assert(fc.property(soup, (text) => checkResult(text)), { numRuns: 1500 });
  });

  test('random mutations of the fixtures', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 6 }), (fixture, ms) => {
        checkResult(ms.reduce(mutate, fixture));
      }),
      { numRuns: 1500 },
    );
  });

  test('random INCLUDE trees (cycles, missing members, symbols, throwing resolvers): positions lie in the file named', () => {
    const soup = fc.array(fc.constantFrom(...VOCABULARY, 'INCLUDE', 'A', 'B', 'C(D)', "'B'"), { maxLength: 60 }).map((w) => w.join(' '));
    const names = ['A', 'B', 'C(D)'];
    fc.assert(
      fc.property(soup, fc.array(fc.option(soup), { minLength: 3, maxLength: 3 }), fc.dictionary(fc.constantFrom('SYSNAME', 'SYSCLONE', 'X', 'NOPE'), fc.constantFrom('1', 'A B', '', '&X.', '10.1.1.1')), fc.boolean(),
        (main, members, symbols, throwing) => {
          const texts = new Map<string, string>([['main.tcpip', main]]);
          names.forEach((n, i) => { if (members[i] !== null) texts.set(`${n}.txt`, members[i]!); });
          const r = parseProfile(main, 'main.tcpip', {
            symbols,
            include: (dsn) => {
              if (throwing && dsn === 'B') throw new Error('boom');
              const t = texts.get(`${dsn}.txt`);
              return t === undefined ? { error: 'missing' } : { file: `${dsn}.txt`, text: t };
            },
          });
          for (const e of r.ok ? r.warnings : [...r.errors, ...r.warnings]) {
            expect(e.message).not.toContain('internal error');
            const text = texts.get(e.file);
            expect(text, e.file).toBeDefined();
            expect(e.line).toBeLessThanOrEqual(text!.split('\n').length);
            expect(e.col).toBeGreaterThanOrEqual(1);
          }
        }),
      { numRuns: 800 },
    );
  });

  test('inputs that are not strings at all come back as typed errors or profiles, not exceptions', () => {
    for (const v of [undefined, null, 42, {}, []] as unknown[]) {
      expect(() => parseProfile(v as string, 'odd.tcpip')).not.toThrow();
    }
  });
});

describe('meaning does not depend on layout', () => {
  const SYS1 = readFileSync('fixtures/profiles/weightedactive/SYS1.tcpip', 'utf8');
  const meaning = (text: string): unknown => {
    const r = parseProfile(text, 'x');
    expect(r.ok).toBe(true);
    return r.ok ? withoutPositions(r.profile) : null;
  };

  test('any case, any blanks and line ends between words, comments anywhere: the same profile', () => {
    const words = SYS1.split('\n').map((l) => l.replace(/;.*$/, '')).join(' ').split(/\s+/).filter((w) => w !== '');
    const base = meaning(SYS1);
    const separator = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', ' ; a comment\n', '\n;\n   ');
    fc.assert(
      fc.property(fc.array(separator, { minLength: words.length, maxLength: words.length }), fc.boolean(), (seps, lower) => {
        const text = words.map((w, i) => (lower ? w.toLowerCase() : w) + seps[i]).join('');
        expect(meaning(text)).toEqual(base);
      }),
      { numRuns: 200 },
    );
  });

  test('parsing is deterministic', () => {
    for (const f of FIXTURES) expect(JSON.stringify(parseProfile(f, 'd'))).toBe(JSON.stringify(parseProfile(f, 'd')));
  });
});
