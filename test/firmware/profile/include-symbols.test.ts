// INCLUDE through the host's resolver and MVS system symbols: included statements count as if written in place,
// messages about them name their own file, line and column and the INCLUDE that brought them in; cycles and
// missing data sets are errors at the INCLUDE; symbols keep the original columns in every message.

import { describe, expect, test } from 'vitest';
import { parseProfile, type IncludeResolver } from '../../../src/firmware/profile/index.js';
import { builtinSymbols, profileSourceOf } from '../../../src/scenario/datasets.js';
import type { LparSpec } from '../../../src/scenario/types.js';
import { demoPreamble, ip } from './helpers.js';

/** A resolver over in-memory members: `files[dsn]` is the text, the file name is `dsn.txt`. */
function members(files: Record<string, string>): IncludeResolver {
  return (dsn) => (files[dsn] !== undefined ? { file: `${dsn}.txt`, text: files[dsn]! } : { error: 'not in the data-set map' });
}

const VIPA = 'VIPADYNAMIC\n  VIPADEFINE 255.255.255.0 10.1.1.10\nENDVIPADYNAMIC\n';

describe('INCLUDE', () => {
  test('the included statements take the INCLUDE\'s place; quoted and unquoted names; nesting', () => {
    const r = parseProfile(`${demoPreamble()}INCLUDE TCPIP.P(VIPA)\nINCLUDE 'USER.PORTS'\n`, 'main.tcpip', {
      include: members({ 'TCPIP.P(VIPA)': VIPA, 'USER.PORTS': 'INCLUDE USER.MORE\n', 'USER.MORE': 'PORT 80 TCP HTTPD\n' }),
    });
    if (!r.ok) expect.fail(r.errors.map(String).join('\n'));
    expect(r.profile.vipaDefines.map((d) => [d.ip, d.at])).toEqual([[ip('10.1.1.10'), { line: 2, col: 28, file: 'TCPIP.P(VIPA).txt', via: 'in TCPIP.P(VIPA), INCLUDEd at main.tcpip:7:9' }]]);
    expect(r.profile.portReservations.map((p) => [p.port, p.jobName])).toEqual([[80, 'HTTPD']]);
    expect(r.profile.includes.map((i) => [i.dsn, i.file, i.at.line, i.at.file])).toEqual([
      ['TCPIP.P(VIPA)', 'TCPIP.P(VIPA).txt', 7, undefined],
      ['USER.PORTS', 'USER.PORTS.txt', 8, undefined],
      ['USER.MORE', 'USER.MORE.txt', 1, 'USER.PORTS.txt'],
    ]);
    expect(r.profile.modelled['INCLUDE']).toBe(3);
  });

  test('an error inside an included member names that file, its line and column, and the INCLUDE chain', () => {
    const r = parseProfile(`${demoPreamble()}INCLUDE A\n`, 'main.tcpip', {
      include: members({ A: '; A\nINCLUDE B\n', B: '; B\n\nIPCONFIG TTL 999\n' }),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(String)).toEqual([
      'B.txt:3:14: TTL 999 is out of range 1-255 (in B, INCLUDEd at A.txt:2:9, in A, INCLUDEd at main.tcpip:7:9)',
    ]);
  });

  test('cycles, missing members, no resolver and a missing name are errors at the INCLUDE', () => {
    const cycle = parseProfile('INCLUDE A\n', 'm.tcpip', { include: members({ A: 'INCLUDE B\n', B: 'INCLUDE A\n' }) });
    expect(cycle.ok ? [] : cycle.errors.map(String)).toEqual([
      'B.txt:1:9: INCLUDE A is a cycle: A -> B -> A (in B, INCLUDEd at A.txt:1:9, in A, INCLUDEd at m.tcpip:1:9)',
    ]);
    const self = parseProfile('INCLUDE A\n', 'm.tcpip', { include: () => ({ file: 'm.tcpip', text: 'INCLUDE A\n' }) });
    expect(self.ok ? [] : self.errors.map((e) => e.message)).toEqual([expect.stringContaining('is a cycle: m.tcpip is already being read')]);
    const missing = parseProfile('ARPAGE 5\nINCLUDE NOPE\n', 'm.tcpip', { include: members({}) });
    expect(missing.ok ? [] : missing.errors.map(String)).toEqual(['m.tcpip:2:9: INCLUDE NOPE: not in the data-set map']);
    const none = parseProfile('INCLUDE X(Y)\n', 'm.tcpip');
    expect(none.ok ? [] : none.errors.map((e) => `${e.line}:${e.col}`)).toEqual(['1:9']);
    const bare = parseProfile('ARPAGE 5\nINCLUDE\n', 'm.tcpip', { include: members({}) });
    expect(bare.ok ? [] : bare.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual(['2:8 expected the data set name to INCLUDE, found the end of the profile']);
  });

  test('a resolver that throws is an error at the INCLUDE, not an exception', () => {
    const r = parseProfile('INCLUDE A\n', 'm.tcpip', { include: () => { throw new Error('disk on fire'); } });
    expect(r.ok ? [] : r.errors.map(String)).toEqual(['m.tcpip:1:9: INCLUDE A: disk on fire']);
  });
});

describe('system symbols', () => {
  const symbols = { SYSNAME: 'SYS2', SYSCLONE: 'S2', HOMEIP: '10.1.1.2', XCF: '2' };

  test('&NAME. and &NAME are replaced; the period ends the name and is consumed', () => {
    const text = 'IPCONFIG DYNAMICXCF 10.9.9.&XCF. 255.255.255.0 1\n' +
      'INTERFACE OSA&SYSCLONE DEFINE IPAQENET PORTNAME P&SYSNAME..X IPADDR &HOMEIP/24\n';
    const r = parseProfile(text, 't.tcpip', { symbols });
    if (!r.ok) expect.fail(r.errors.map(String).join('\n'));
    expect(r.profile.dynamicXcf?.ip).toBe(ip('10.9.9.2'));
    expect(r.profile.interfaces.map((i) => [i.name, i.portName, i.ip, i.prefixLen])).toEqual([['OSAS2', 'PSYS2.X', ip('10.1.1.2'), 24]]);
  });

  test('a value with blanks gives several words, each at the symbol\'s word', () => {
    const r = parseProfile('IPCONFIG &FLAGS. TTL 9\n', 't.tcpip', { symbols: { FLAGS: 'SYSPLEXROUTING  NODATAGRAMFWD' } });
    if (!r.ok) expect.fail(r.errors.map(String).join('\n'));
    expect([r.profile.ipconfig.sysplexRouting, r.profile.ipconfig.datagramFwd, r.profile.ipconfig.ttl]).toEqual([true, false, 9]);
    const bad = parseProfile('IPCONFIG &FLAGS.\n', 't.tcpip', { symbols: { FLAGS: 'SYSPLEXROUTING BOGUS' } });
    expect(bad.ok ? [] : bad.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual(['1:10 BOGUS is not an operand of IPCONFIG']);
  });

  test('an undefined symbol is an error at its own column; the rest of the line keeps its columns', () => {
    const r = parseProfile('IPCONFIG TTL &NOPE. ARPTO &XCF. TTL 999\n', 't.tcpip', { symbols });
    expect(r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.message.slice(0, 40)}`)).toEqual([
      '1:14 system symbol &NOPE. is not defined (def',
      '1:27 ARPTO 2 is out of range 60-86400',
      '1:37 TTL 999 is out of range 1-255',
    ]);
  });

  test('a profile with symbols and none defined says which symbol, where', () => {
    const r = parseProfile('PRIMARYINTERFACE OSA&SYSCLONE.\n', 't.tcpip');
    expect(r.ok ? [] : r.errors.map(String)).toEqual([expect.stringMatching(/^t\.tcpip:1:21: system symbol &SYSCLONE\. is not defined \(no symbols are defined;/)]);
  });

  test('the built-ins come from the topology: SYSNAME the LPAR, SYSCLONE its last two characters, SYSPLEX its name', () => {
    expect(builtinSymbols('sysa', 'plex1')).toEqual({ SYSNAME: 'SYSA', SYSCLONE: 'SA', SYSPLEX: 'PLEX1' });
    const lpar = { name: 'SYS1', symbols: { SYSCLONE: '01', SITE: 'X' } } as unknown as LparSpec;
    expect(profileSourceOf(lpar, { name: 'demo' }, { EXTRA: 'y' }).symbols).toEqual({
      SYSNAME: 'SYS1', SYSCLONE: '01', SYSPLEX: 'DEMO', SITE: 'X', EXTRA: 'y',
    });
  });
});
