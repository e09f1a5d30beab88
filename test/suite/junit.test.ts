// JUnit XML: well-formed whatever the scenario names and messages hold, with the structure CI reporters read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { className, junitXml, xmlEscape } from '../../src/suite/junit.js';
import type { Outcome, Suite } from '../../src/suite/types.js';
import { findAll, parseXml } from './xml.js';

function outcome(file: string, over: Partial<Outcome> = {}): Outcome {
  return { file, name: file, seed: 1, verdict: 'passed', errors: [], failures: [], notes: [], seconds: 0.5, ...over };
}

/** Any UTF-16 code unit (lone surrogates included), markup and control characters often. */
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('<', '>', '&', '"', "'", '\n', '\r', '\t', '\u0000', '\u001b', '\uFFFE', ']]>', '&amp;', '\u{1F600}'),
);

describe('xmlEscape', () => {
  it('escapes markup, quotes and whitespace that attribute values would normalise', () => {
    expect(xmlEscape(`a<b>&"c"'d'\n\te\r`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;&#9;e&#13;');
  });

  it('replaces characters XML 1.0 cannot carry (controls, lone surrogates) and keeps astral ones', () => {
    expect(xmlEscape('x\u0000y\u001bz\uFFFF')).toBe('x\uFFFDy\uFFFDz\uFFFD');
    expect(xmlEscape('\uD800a\uDC00')).toBe('\uFFFDa\uFFFD');
    expect(xmlEscape('\u{1F600}')).toBe('\u{1F600}');
  });

  it('round-trips any string through an attribute of a strict parser', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 40 }), (s) => {
        const doc = parseXml(`<a v="${xmlEscape(s)}"/>`);
        // What comes back is the string with forbidden characters replaced, nothing else changed.
        const expected = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
        expect(doc.attrs.v).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('junitXml', () => {
  const suites: Suite[] = [
    { name: 'fixtures/scenarios', files: ['fixtures/scenarios/a.yaml', 'fixtures/scenarios/b.yaml'] },
    { name: 'x/broken.yaml', files: ['x/broken.yaml'] },
  ];
  const outcomes = new Map<string, Outcome>([
    ['fixtures/scenarios/a.yaml', outcome('fixtures/scenarios/a.yaml', { name: 'round robin <1:1:1> & "more"', seed: 7, seconds: 1.25 })],
    [
      'fixtures/scenarios/b.yaml',
      outcome('fixtures/scenarios/b.yaml', {
        verdict: 'failed',
        failures: [
          { type: 'expectation', message: 'clients.failed == 0 (actual: 3)', detail: 'expected: clients.failed == 0\nactual:   3' },
          { type: 'expectation', message: 'display("D TCPIP,SYS1,NETSTAT,VIPADYN") contains "ACTIVE" (actual: "EZZ2500I ...")', detail: 'x < y & z' },
        ],
      }),
    ],
    ['x/broken.yaml', outcome('x/broken.yaml', { verdict: 'error', errorType: 'input', seed: null, errors: ['x/broken.yaml:3:5: until: "5 lightyears" is not a time', 'x/broken.yaml:9:1: second'] })],
  ]);

  it('is well-formed, one testsuite per argument, one testcase per scenario, with counts and seeds', () => {
    const xml = junitXml(suites, outcomes);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '3', failures: '1', errors: '1' });
    const ts = findAll(root, 'testsuite');
    expect(ts.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.errors])).toEqual([
      ['fixtures/scenarios', '2', '1', '0'],
      ['x/broken.yaml', '1', '0', '1'],
    ]);
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['round robin <1:1:1> & "more"', 'fixtures/scenarios/b.yaml', 'x/broken.yaml']);
    expect(cases[0]!.attrs).toMatchObject({ classname: 'fixtures.scenarios.a', time: '1.250', file: 'fixtures/scenarios/a.yaml' });
    const seed = findAll(cases[0]!, 'property').find((p) => p.attrs.name === 'seed');
    expect(seed?.attrs.value).toBe('7');
    expect(findAll(cases[2]!, 'property').some((p) => p.attrs.name === 'seed')).toBe(false);
  });

  it('gives a <failure> per false expectation with its expression and actual value, an <error> for bad input', () => {
    const root = parseXml(junitXml(suites, outcomes));
    const [, failing, broken] = findAll(root, 'testcase');
    const failures = findAll(failing!, 'failure');
    expect(failures).toHaveLength(2);
    expect(failures[0]!.attrs).toMatchObject({ type: 'expectation', message: 'clients.failed == 0 (actual: 3)' });
    expect(failures[0]!.text).toBe('expected: clients.failed == 0\nactual:   3');
    expect(failures[1]!.text).toBe('x < y & z');
    expect(findAll(failing!, 'error')).toHaveLength(0);
    const errors = findAll(broken!, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.attrs.type).toBe('input');
    expect(errors[0]!.attrs.message).toBe('x/broken.yaml:3:5: until: "5 lightyears" is not a time');
    expect(errors[0]!.text.split('\n')).toHaveLength(2);
  });

  it('differs between two runs only in time attributes', () => {
    const slower = new Map([...outcomes].map(([k, o]) => [k, { ...o, seconds: o.seconds * 3 + 0.123 }]));
    const strip = (x: string) => x.replace(/ time="[0-9.]+"/g, '');
    expect(strip(junitXml(suites, slower))).toBe(strip(junitXml(suites, outcomes)));
    expect(junitXml(suites, slower)).not.toBe(junitXml(suites, outcomes));
  });
});

describe('className', () => {
  it('turns a scenario path into a dotted class name', () => {
    expect(className('fixtures/scenarios/round-robin.yaml')).toBe('fixtures.scenarios.round-robin');
    expect(className('./a/b.yml')).toBe('a.b');
    expect(className('/tmp/x/y.yaml')).toBe('.tmp.x.y');
  });
});

describe('client totals', () => {
  it('a finished run carries clients.* properties, so held connections (open) read apart from failed ones', () => {
    const clients = { opened: 600, completed: 0, reset: 0, failed: 0, open: 600, bytesSent: 120000, bytesReceived: 120000 };
    const xml = junitXml([{ name: 's', files: ['s/a.yaml', 's/b.yaml'] }], new Map([
      ['s/a.yaml', outcome('s/a.yaml', { clients })],
      ['s/b.yaml', outcome('s/b.yaml', { verdict: 'error', errorType: 'input', errors: ['s/b.yaml:1:1: bad'] })],
    ]));
    const cases = findAll(parseXml(xml), 'testcase');
    const props = (i: number) => Object.fromEntries(findAll(cases[i]!, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props(0)).toMatchObject({ 'clients.open': '600', 'clients.failed': '0', 'clients.opened': '600' });
    expect(Object.keys(props(1)).filter((k) => k.startsWith('clients.'))).toEqual([]);
  });
});
