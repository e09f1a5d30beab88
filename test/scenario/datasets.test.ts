// lpars[].datasets and lpars[].symbols: the topology maps data-set names to files or folders of members (paths
// relative to it) and names site symbols; a missing path, a bad name and an attempt to set SYSNAME are errors at
// their node; the resolver finds exact names, members in a folder (any case, any extension) and says what is missing.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTopology } from '../../src/scenario/index.js';
import { datasetResolver, profileSourceOf } from '../../src/scenario/datasets.js';
import { errorLines, loaded, tree } from './tree.js';

const TOPO = (extra: string) => `name: plex1
lans:
  - { name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254 }
osas:
  - { name: OSA1, lan: LAN1 }
lpars:
  - name: SYS1
    profile: profiles/SYS1.tcpip
    osas: [OSA1]
${extra}`;

describe('topology data sets and symbols', () => {
  test('paths resolve against the topology; names are upper-cased; symbols kept beside the built-ins', () => {
    const dir = tree({
      'topo.yaml': TOPO('    datasets: { tcpip.profiles: members, "TCPIP.ONE(VIPA)": members/vipa.txt }\n    symbols: { homeip: 10.1.1.1, SYSCLONE: "01" }\n'),
      'members/vipa.txt': 'VIPADYNAMIC\nENDVIPADYNAMIC\n',
    });
    const t = loaded(loadTopology(join(dir, 'topo.yaml')));
    const l = t.lpars[0]!;
    expect(l.datasets).toEqual({ 'TCPIP.PROFILES': join(dir, 'members'), 'TCPIP.ONE(VIPA)': join(dir, 'members/vipa.txt') });
    expect(l.symbols).toEqual({ HOMEIP: '10.1.1.1', SYSCLONE: '01' });
    const source = profileSourceOf(l, t);
    expect(source.symbols).toEqual({ SYSNAME: 'SYS1', SYSCLONE: '01', SYSPLEX: 'PLEX1', HOMEIP: '10.1.1.1' });
    expect(source.include('TCPIP.ONE(VIPA)')).toMatchObject({ text: 'VIPADYNAMIC\nENDVIPADYNAMIC\n' });
    expect(source.include('TCPIP.PROFILES(VIPA)')).toMatchObject({ text: 'VIPADYNAMIC\nENDVIPADYNAMIC\n' });
    expect(source.include('tcpip.profiles(nope)')).toEqual({ error: expect.stringMatching(/^member NOPE is not in .*members$/) });
    expect(source.include('OTHER.DS')).toEqual({ error: 'not in the data-set map (lpars[].datasets: TCPIP.ONE(VIPA), TCPIP.PROFILES)' });
    expect(source.include('TCPIP.PROFILES')).toEqual({ error: expect.stringMatching(/is a folder: name a member, TCPIP.PROFILES\(MEMBER\)$/) });
  });

  test('a missing file, a bad data-set name, a bad symbol name and SYSNAME are errors at their node', () => {
    const dir = tree({
      'topo.yaml': TOPO('    datasets: { "TCPIP.X(Y)": nowhere.txt }\n    symbols: { SYSNAME: X }\n'),
    });
    const at = (lines: string[]) => lines.map((l) => l.slice(l.indexOf('topo.yaml:')));
    expect(at(errorLines(loadTopology(join(dir, 'topo.yaml'))))).toEqual([
      `topo.yaml:10:31: lpars[0].datasets.TCPIP.X(Y): data set TCPIP.X(Y): ${join(dir, 'nowhere.txt')}: no such file`,
      "topo.yaml:11:25: lpars[0].symbols.SYSNAME: SYSNAME is the LPAR's name; it cannot be set",
    ]);
    const badName = tree({ 'topo.yaml': TOPO('    datasets: { "NOT A NAME": x }\n    symbols: { "1BAD": x }\n') });
    const lines = at(errorLines(loadTopology(join(badName, 'topo.yaml'))));
    expect(lines).toContain('topo.yaml:10:17: lpars[0].datasets: "NOT A NAME" is not a data-set name (HLQ.NAME, HLQ.NAME(MEMBER) or /path)');
    expect(lines).toContain('topo.yaml:11:16: lpars[0].symbols: "1BAD" is not a symbol name (1-16 characters: a letter, #, @ or $, then those, digits or _)');
  });

  test('a bare resolver searches the fallback folder for members', () => {
    const dir = tree({ 'm/BASE': 'ARPAGE 5\n', 'm/routes.tcpip': 'ARPAGE 6\n' });
    const r = datasetResolver({}, join(dir, 'm'));
    expect(r('ANY.DS(BASE)')).toMatchObject({ text: 'ARPAGE 5\n' });
    expect(r('ANY.DS(ROUTES)')).toMatchObject({ text: 'ARPAGE 6\n' });
    expect(r('PLAIN.DS')).toEqual({ error: 'not in the data-set map (lpars[].datasets is empty)' });
  });
});
