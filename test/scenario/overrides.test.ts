// Overrides of topology and scenario fields (`sweep --set`, `run --set`): the path syntax of expectations plus
// [*], applied before the schema so a bad value is reported like one written in the file.
import { describe, expect, it } from 'vitest';
import { loadRunFile } from '../../src/scenario/index.js';
import { applyOverrides, parseAxis, parseOverride, type Override } from '../../src/scenario/overrides.js';

function set(text: string): Override {
  const o = parseOverride(text);
  if (typeof o === 'string') throw new Error(o);
  return o;
}

describe('parseAxis', () => {
  it('splits values on commas outside brackets and quotes, and parses each as YAML', () => {
    const a = parseAxis('lpars[name=SYS1].processors=1,2,4');
    expect(a).toMatchObject({ path: 'lpars[name=SYS1].processors', texts: ['1', '2', '4'], values: [1, 2, 4] });
    const b = parseAxis(`x.y=[a,b],'c,d',2us`);
    expect(b).toMatchObject({ texts: ['[a,b]', `'c,d'`, '2us'], values: [['a', 'b'], 'c,d', '2us'] });
  });

  it('says what is wrong with a malformed option', () => {
    expect(parseAxis('osas[*].frameLatency')).toMatch(/expected PATH=VALUE/);
    expect(parseAxis('osas..x=1')).toMatch(/column 6/);
    expect(parseAxis('a=1,,2')).toMatch(/an empty value/);
    expect(parseOverride('a=1,2')).toMatch(/give one value/);
  });
});

describe('applyOverrides', () => {
  const doc = {
    osas: [{ name: 'OSA1', frameLatency: '2us' }, { name: 'OSA2' }],
    lpars: [{ name: 'SYS1', processors: 2 }, { name: 'SYS2', processors: 2 }],
    xcf: { links: [{ between: ['SYS1', 'CF01'], distance: '10m' }] },
  };

  it('sets every element with [*], one with [name=...], a link by its between pair, and adds a last field', () => {
    const r = applyOverrides(doc, [set('osas[*].frameLatency=4us'), set('lpars[name=SYS2].processors=8'), set('xcf.links[name=SYS1-CF01].distance=10km')]);
    expect(r.ok).toBe(true);
    const v = (r as { value: typeof doc }).value;
    expect(v.osas.map((o) => (o as { frameLatency?: string }).frameLatency)).toEqual(['4us', '4us']);
    expect(v.lpars.map((l) => l.processors)).toEqual([2, 8]);
    expect(v.xcf.links[0]!.distance).toBe('10km');
    expect(doc.osas[0]!.frameLatency).toBe('2us'); // the original is untouched
  });

  it('refuses a selector that matches nothing and a missing middle of a path', () => {
    expect(applyOverrides(doc, [set('lpars[name=SYS9].processors=1')])).toEqual({ ok: false, message: 'set lpars[name=SYS9].processors=1: lpars[name=SYS9]: no element matches (the list has 2)' });
    expect(applyOverrides(doc, [set('cfs[0].processors=1')])).toMatchObject({ ok: false, message: expect.stringMatching(/cfs is not in the file/) });
    expect(applyOverrides(doc, [set('lpars.processors=1')])).toMatchObject({ ok: false, message: expect.stringMatching(/a list has no field processors/) });
  });
});

describe('loadRunFile with overrides', () => {
  it('changes the topology of a scenario and the scenario itself', () => {
    const r = loadRunFile('fixtures/scenarios/takeover.yaml', [set('seed=7'), set('lpars[name=SYS2].processors=3')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.seed).toBe(7);
    expect(r.value.topology.lpars.find((l) => l.name === 'SYS2')!.processors).toBe(3);
  });

  it('checks an overridden value with the schema, at the field the file wrote', () => {
    const r = loadRunFile('fixtures/topologies/demo.yaml', [set('lpars[name=SYS1].processors=-1')]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.toString()).toMatch(/^fixtures\/topologies\/demo\.yaml:\d+:\d+: .*processors/);
  });

  it('refuses a scenario field on a topology', () => {
    const r = loadRunFile('fixtures/topologies/demo.yaml', [set('seed=3')]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.toString()).toBe('fixtures/topologies/demo.yaml: set seed=3: seed is a scenario field, and this file is a topology');
  });
});
