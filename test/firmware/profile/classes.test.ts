// Every token accounted for: a statement, operand or INTERFACE type is modelled, known but not modelled (listed
// with its line), or refused at its position with the nearest keyword. Older and newer forms: GATEWAY and
// DEFAULTNET become routes, EQENET is an interface, IPv6 types are read and listed. Sequence numbers in columns
// 73-80 are refused, as the IP Configuration Reference does not allow them; VIPADISTRIBUTE options in any order.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseProfile, statementCatalogue } from '../../../src/firmware/profile/index.js';
import { demoPreamble, ip, parseErrors, parseOk, withoutPositions } from './helpers.js';

const PRE = demoPreamble();
const messages = (text: string): string[] => parseErrors(text).map((e) => `${e.line}:${e.col} ${e.message}`);

describe('statements', () => {
  test('an unknown statement is refused and does not swallow the next one', () => {
    expect(messages('ARPAGE 20\nDATASETPREFIX TCPIP\nIPCONFIG TTL 999\n')).toEqual([
      '2:1 DATASETPREFIX is not a PROFILE.TCPIP statement: it is a TCPIP.DATA statement',
      '3:14 TTL 999 is out of range 1-255',
    ]);
  });
  test('a near miss gets a did-you-mean; a far one does not', () => {
    expect(messages('VIPADYNAMC\n')).toEqual(['1:1 VIPADYNAMC is not a PROFILE.TCPIP statement (did you mean VIPADYNAMIC?)']);
    expect(messages('GLOBALCONFGI\n')).toEqual(['1:1 GLOBALCONFGI is not a PROFILE.TCPIP statement (did you mean GLOBALCONFIG?)']);
    expect(messages('XYZZY\n')).toEqual(['1:1 XYZZY is not a PROFILE.TCPIP statement']);
  });
  test('a control character prints as its code, never as an empty name', () => {
    expect(messages('\u0001\nARPAGE 5\n')).toEqual(["1:1 <X'01'> is not a PROFILE.TCPIP statement"]);
    expect(messages('IPCONFIG \u0007TTL\n')).toEqual(["1:10 <X'07'>TTL is not an operand of IPCONFIG (did you mean TTL?)"]);
  });
  test('an unknown word after a statement\'s last operand is refused, whatever the statement', () => {
    for (const stmt of ['ARPAGE 20', 'SOMAXCONN 10', 'PRIMARYINTERFACE OSA1', 'SMFPARMS 119 0 0', 'START OSA1']) {
      expect(messages(`${PRE}${stmt} FOOBAR\n`), stmt).toEqual([expect.stringMatching(/^7:\d+ FOOBAR is not a PROFILE.TCPIP statement/)]);
    }
  });
  test('statements of every class are listed: modelled ones counted, the others with their lines', () => {
    const { profile } = parseOk(`${PRE}ARPAGE 20\nSOMAXCONN 10\nTCPCONFIG INTERVAL 120 RESTRICTLOWPORTS\n`);
    expect(profile.modelled).toMatchObject({ IPCONFIG: 1, INTERFACE: 1, BEGINROUTES: 1, TCPCONFIG: 1 });
    expect(profile.notModelled).toEqual([
      { statement: 'ARPAGE', line: 7, col: 1 },
      { statement: 'SOMAXCONN', line: 8, col: 1 },
      { statement: 'TCPCONFIG', operand: 'INTERVAL', line: 9, col: 11 },
    ]);
  });
});

describe('operands and interface types', () => {
  test('unknown operands of INTERFACE, GLOBALCONFIG, a LINK and an unmodelled statement are refused', () => {
    expect(messages(PRE.replace('MTU 1500', 'MTU 1500 FOOBAR 12'))).toEqual(['2:74 FOOBAR is not an operand of INTERFACE OSA1 DEFINE IPAQENET']);
    expect(messages('GLOBALCONFIG SYSPLEXWLMPOLL 30 XCFGRPIDD 3\n')).toEqual(['1:32 XCFGRPIDD is not an operand of GLOBALCONFIG (did you mean XCFGRPID?)']);
    expect(messages('DEVICE D1 MPCIPA\nLINK L1 IPAQENET D1 CHEKSUM\n')).toEqual(['2:21 CHEKSUM is not an operand of LINK IPAQENET (did you mean CHECKSUM?)']);
    expect(messages('SMFCONFIG TYPE119 TCPINITT\n')).toEqual(['1:19 TCPINITT is not an operand of SMFCONFIG (did you mean TCPINIT?)']);
    expect(messages('DEVICE D1 FOOBARDEV\n')).toEqual([expect.stringMatching(/^1:11 FOOBARDEV is not a DEVICE type \(MPCIPA, /)]);
  });
  test('an unknown INTERFACE type is refused; IPv6 types are read and listed', () => {
    expect(messages('INTERFACE X DEFINE FOOBARNET IPADDR 10.1.1.1\n')).toEqual([expect.stringMatching(/^1:20 FOOBARNET is not an INTERFACE type \(IPAQENET, /)]);
    expect(messages('INTERFACE X DEFINE IPAQENT IPADDR 10.1.1.1\n')).toEqual([expect.stringMatching(/^1:20 IPAQENT is not an INTERFACE type .*\(did you mean IPAQENET\?\)$/)]);
    const { profile } = parseOk('INTERFACE X6 DEFINE IPAQENET6 PORTNAME P IPADDR 2001:db8::1 INTFID 0:0:0:1\nINTERFACE V6 DEFINE VIRTUAL6 IPADDR 2001:db8::2\n');
    expect(profile.interfaces).toEqual([]);
    expect(profile.notModelled.map((n) => `${n.statement}@${n.line}`)).toEqual(['INTERFACE IPAQENET6@1', 'INTERFACE VIRTUAL6@2']);
    expect(messages('INTERFACE X6 DEFINE IPAQENET6 PORTNAME P IPADDR 2001:db8::1 FOOBAR\n')).toEqual([expect.stringMatching(/^1:61 FOOBAR is not an operand/)]);
  });
  test('EQENET (Network Express) is an IPv4 interface like IPAQENET, with the INBPERF default shown', () => {
    const { profile } = parseOk('INTERFACE NX1 DEFINE EQENET PORTNAME NXP IPADDR 10.1.1.5/24 MTU 8992\n');
    expect(profile.interfaces.map((i) => [i.name, i.type, i.ip, i.prefixLen, i.mtu, i.inbperf])).toEqual([['NX1', 'EQENET', ip('10.1.1.5'), 24, 8992, 'BALANCED']]);
  });
  test('known operands that are not modelled are listed under their statement', () => {
    const { profile } = parseOk(PRE.replace('MTU 1500', 'MTU 1500 ISOLATE OLM'));
    expect(profile.notModelled.map((n) => `${n.statement} ${n.operand}@${n.line}:${n.col}`)).toEqual([
      'INTERFACE IPAQENET ISOLATE@2:74', 'INTERFACE IPAQENET OLM@2:82',
    ]);
  });
});

describe('GATEWAY', () => {
  test('entries become the routes BEGINROUTES would give', () => {
    const gw = parseOk([
      'DEVICE D1 MPCIPA', 'LINK L1 IPAQENET D1', 'HOME 9.67.43.100 L1', 'GATEWAY',
      '  9 = L1 2000 0.255.255.0 0.67.43.0', '  130.50 = L1 1500 0', '  9.67.100.7 9.67.43.2 L1 DEFAULTSIZE HOST',
      '  DEFAULTNET 9.67.43.1 L1 1500 0', '',
    ].join('\n')).profile;
    const routes = parseOk([
      'DEVICE D1 MPCIPA', 'LINK L1 IPAQENET D1', 'HOME 9.67.43.100 L1', 'BEGINROUTES',
      '  ROUTE 9.67.43.0/24 = L1 MTU 2000', '  ROUTE 130.50.0.0/16 = L1 MTU 1500', '  ROUTE 9.67.100.7 HOST 9.67.43.2 L1 MTU DEFAULTSIZE',
      '  ROUTE DEFAULT 9.67.43.1 L1 MTU 1500', 'ENDROUTES', '',
    ].join('\n')).profile;
    expect(withoutPositions(gw.routes)).toEqual(withoutPositions(routes.routes));
    expect(gw.routes).toHaveLength(4);
  });
  test('a bad GATEWAY entry is refused at its word; the next entry is still read', () => {
    expect(messages('GATEWAY\n  9 = L1 2000 0.255.0.255 0.1.0.1\n  DEFAULTNET 9.1.1.1 L1 FOO 0\n')).toEqual([
      '2:15 subnet mask 0.255.0.255 with network 9 is not contiguous',
      '3:25 expected the packet size (a number 1-65535), found FOO',
    ]);
  });
});

describe('records and options', () => {
  test('sequence numbers in columns 73-80 are refused at column 73; in a comment they are comment text', () => {
    const numbered = `${'IPCONFIG DATAGRAMFWD'.padEnd(72)}00010000\n${'ARPAGE 20'.padEnd(72)}00020000\n`;
    expect(messages(numbered)).toEqual([expect.stringMatching(/^1:73 sequence number 00010000 in columns 73-80: the IP Configuration Reference does not allow/)]);
    const glued = `${'IPCONFIG TTL 6'.padEnd(72, '4')}00010000\n`;
    expect(messages(glued).map((m) => m.slice(0, 5))).toContain('1:73 ');
    const comment = `${'; banner'.padEnd(72)}00010000\n${'ARPAGE 20'.padEnd(80)}\n`;
    expect(parseOk(comment).profile.notModelled.map((n) => n.statement)).toEqual(['ARPAGE']);
  });
  test('VIPADISTRIBUTE options before the address, after PORT or after DESTIP mean the same', () => {
    const dist = (s: string) => withoutPositions(parseOk(`${PRE}VIPADYNAMIC\n  VIPADEFINE 255.255.255.0 10.1.1.10\n  ${s}\nENDVIPADYNAMIC\n`).profile.vipaDistributes);
    const base = dist('VIPADISTRIBUTE DEFINE DISTMETHOD BASEWLM OPTLOCAL 2 TIMEDAFFINITY 30 10.1.1.10 PORT 80 DESTIP ALL');
    expect(dist('VIPADISTRIBUTE DEFINE 10.1.1.10 PORT 80 DESTIP ALL DISTMETHOD BASEWLM OPTLOCAL 2 TIMEDAFFINITY 30')).toEqual(base);
    expect(dist('VIPADISTRIBUTE 10.1.1.10 TIMEDAFFINITY 30 PORT 80 OPTLOCAL 2 DESTIP ALL DEFINE')).toEqual(base);
    const procType = dist('VIPADISTRIBUTE DEFINE DISTMETHOD BASEWLM 10.1.1.10 PORT 80 DESTIP ALL PROCTYPE CP 20 ZAAP 40 ZIIP 40');
    expect(procType).toEqual(dist('VIPADISTRIBUTE DEFINE DISTMETHOD BASEWLM PROCTYPE CP 20 ZAAP 40 ZIIP 40 10.1.1.10 PORT 80 DESTIP ALL'));
    expect(messages(`${PRE}VIPADYNAMIC\n  VIPADEFINE 255.255.255.0 10.1.1.10\n  VIPADISTRIBUTE 10.1.1.10 PORT 80 DESTIP ALL PROCTYPE CP 50 ZIIP 50 DISTMETHOD ROUNDROBIN\nENDVIPADYNAMIC\n`))
      .toEqual(['9:47 PROCTYPE is valid only with DISTMETHOD BASEWLM (this one is ROUNDROBIN)']);
  });
  test('VIPADEFINE without MOVEABLE takes MOVEABLE IMMEDIATE, as Netstat VIPADCFG shows', () => {
    const { profile } = parseOk(`${PRE}VIPADYNAMIC\n  VIPADEFINE 255.255.255.0 10.1.1.10\nENDVIPADYNAMIC\n`);
    expect(profile.vipaDefines[0]!.moveable).toBe('IMMEDIATE');
  });
});

describe('the catalogue (docs/profiles.md)', () => {
  const catalogue = statementCatalogue();
  const doc = readFileSync('docs/profiles.md', 'utf8');

  test('lists every statement, in its class, and every INTERFACE type', () => {
    const section = (title: string): string => doc.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
    const modelled = section('Modelled statements');
    const notModelled = section('Accepted, not modelled');
    for (const s of catalogue.statements) {
      expect(s.modelled ? modelled : notModelled, s.statement).toMatch(new RegExp(`\\b${s.statement}\\b`));
    }
    for (const t of [...catalogue.interfaceTypes.modelled, ...catalogue.interfaceTypes.notModelled]) expect(doc).toContain(t);
  });
  test('lists the operands of each option statement in their class', () => {
    for (const s of catalogue.statements) {
      for (const o of [...(s.operands?.modelled ?? []), ...(s.operands?.notModelled ?? [])]) expect(doc, `${s.statement} ${o}`).toContain(o);
    }
  });
  test('a statement of the catalogue parses, one the catalogue lacks does not', () => {
    for (const s of catalogue.statements.filter((x) => x.end !== undefined && !x.modelled)) {
      expect(parseProfile(`${s.statement}\n${s.end}\n`, 't').ok, s.statement).toBe(true);
    }
  });
});
