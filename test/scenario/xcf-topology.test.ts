// The XCF part of topology files as z/OS builds it: CPCs, CFs, coupling links to CFs, FICON CTC between
// LPARs, the failure detection interval z/OS derives, and the forms that cannot exist (exit 2, one line).
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTopology } from '../../src/scenario/index.js';
import { spinFdiPs } from '../../src/scenario/topology.js';
import { signallingPaths } from '../../src/scenario/signalling-paths.js';
import { errorLines, loaded, tree } from './tree.js';

const BASE = `name: x
lans:
  - { name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254 }
osas:
  - { name: OSA1, lan: LAN1 }
  - { name: OSA2, lan: LAN1 }
`;
const lpars = (extra1 = '', extra2 = '') => `lpars:
  - { name: SYS1, profile: profiles/SYS1.tcpip, osas: [OSA1]${extra1} }
  - { name: SYS2, profile: profiles/SYS2.tcpip, osas: [OSA2]${extra2} }
`;
const load = (text: string) => {
  const dir = tree({ 't.yaml': text });
  return { r: loadTopology(join(dir, 't.yaml')), file: join(dir, 't.yaml') };
};

describe('CPCs, CFs and links', () => {
  test('a CF reached over ICA SR by both LPARs and a FICON CTC between them: three signalling paths', () => {
    const t = loaded(load(`${BASE}${lpars('', ', cps: shared')}cfs:
  - { name: CF01, processors: 2 }
xcf:
  links:
    - { between: [SYS1, CF01], model: ICA-SR }
    - { between: [SYS2, CF01], model: ICA-SR }
    - { between: [SYS1, SYS2], model: FICON, signalling: CTC, paths: 2 }
`).r);
    expect(t.cpcs).toMatchObject([{ name: 'CPC1', implicit: true }]);
    expect(t.cfs).toMatchObject([{ name: 'CF01', processors: 2, cpc: 'CPC1' }]);
    expect(t.xcf.links.map((l) => [l.model, l.signalling, l.distanceM])).toEqual([['ICA-SR', 'STRUCTURE', 10], ['ICA-SR', 'STRUCTURE', 10], ['FICON', 'CTC', 100]]);
    expect(signallingPaths(t, 'SYS1', 'SYS2').map((p) => p.kind)).toEqual(['CTC', 'CTC', 'STRUCTURE']);
    // No explicit interval: each system's spin FDI, (3 + 1) x SPINTIME + 5 s.
    expect(t.lpars.map((l) => [l.cps, l.failureDetectionPs])).toEqual([['dedicated', 45e12], ['shared', 165e12]]);
    expect(spinFdiPs('dedicated')).toBe(45e12);
    expect(t.xcf.failureDetectionPs).toBeUndefined();
    expect(t.compressed).toEqual([]);
    expect(t.xcf.transportClass).toEqual({ classLength: 956, maxMsgBytes: 2000 * 1024 });
  });

  test('an explicit interval below spinfdi is listed as compressed, with where it was written', () => {
    const t = loaded(load(`${BASE}${lpars()}xcf:
  failureDetection: 2ms
  links:
    - { between: [SYS1, SYS2], model: FICON }
`).r);
    expect(t.lpars.map((l) => l.failureDetectionPs)).toEqual([2e9, 2e9]);
    expect(t.compressed).toMatchObject([{ key: 'xcf.failureDetection', valuePs: 2e9, realPs: 45e12, at: { line: 11 } }]);
  });

  test('two CPCs: every LPAR and CF names its own, and IC stays inside one', () => {
    const t = loaded(load(`${BASE}cpcs: [{ name: CPCA }, { name: CPCB }]
${lpars(', cpc: CPCA', ', cpc: CPCB')}cfs: [{ name: CF01, cpc: CPCA }]
xcf:
  links:
    - { between: [SYS1, CF01], model: IC }
    - { between: [SYS2, CF01], model: CE-LR, distance: 20km }
`).r);
    expect(t.lpars.map((l) => l.cpc)).toEqual(['CPCA', 'CPCB']);
    expect(t.cpcs.map((c) => c.implicit)).toEqual([false, false]);
  });
});

describe('forms that cannot exist: exit 2 with one line naming the right form', () => {
  const cases: [string, string, RegExp][] = [
    ['CTC over a coupling link', `${BASE}${lpars()}cfs: [{ name: CF01 }]\nxcf:\n  links:\n    - { between: [SYS1, CF01], model: ICA-SR, signalling: CTC }\n`,
      /^FILE:13:59: xcf\.links\[0\]\.signalling: CTC signalling does not run over a coupling link: coupling links join an LPAR to a CF \(\{ between: \[SYS1, CF01\], model: ICA-SR \}.*FICON, signalling: CTC/],
    ['a structure over FICON', `${BASE}${lpars()}xcf:\n  links:\n    - { between: [SYS1, SYS2], model: FICON, signalling: STRUCTURE }\n`,
      /^FILE:12:58: xcf\.links\[0\]\.signalling: a FICON link carries CTC signalling, not a structure: coupling links join/],
    ['FICON to a CF', `${BASE}${lpars()}cfs: [{ name: CF01 }]\nxcf:\n  links:\n    - { between: [SYS1, CF01], model: FICON }\n`,
      /^FILE:13:18: xcf\.links\[0\]\.between: FICON does not reach a CF: /],
    ['IC across CPCs', `${BASE}cpcs: [{ name: A }, { name: B }]\n${lpars(', cpc: A', ', cpc: B')}cfs: [{ name: CF01, cpc: B }]\nxcf:\n  links:\n    - { between: [SYS1, CF01], model: IC }\n`,
      /^FILE:14:39: xcf\.links\[0\]\.model: IC is internal to one CPC, but SYS1 runs on A and CF01 on B: use ICA-SR or CE-LR$/],
    ['a CPC missing with two of them', `${BASE}cpcs: [{ name: A }, { name: B }]\n${lpars(', cpc: A')}`,
      /^FILE:10:5: lpars\[1\]: cpc is missing: the topology has 2 CPCs \(A, B\), say which one it runs on$/],
    ['an unknown CPC', `${BASE}${lpars(', cpc: Z')}`, /^FILE:8:68: lpars\[0\]\.cpc: unknown CPC "Z" \(the file has no cpcs: list\)$/],
    ['CLASSLEN too long', `${BASE}${lpars()}xcf:\n  classLength: 70000\n`, /^FILE:11:16: xcf\.classLength: CLASSLEN is at most 62464 bytes/],
  ];
  test.each(cases)('%s', (_name, text, want) => {
    const { r, file } = load(text);
    const lines = errorLines(r);
    expect(lines[0]!.replace(file, 'FILE')).toMatch(want);
    for (const l of lines) expect(l).not.toContain('\n');
  });
});
