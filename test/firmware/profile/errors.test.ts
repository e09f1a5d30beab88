// Each kind of error names its line and column; warnings for what is accepted but not modelled.

import { describe, expect, test } from 'vitest';
import { parseProfile, ProfileError } from '../../../src/firmware/profile/index.js';
import { demoPreamble, ip, parseErrors, parseOk } from './helpers.js';

const PRE = demoPreamble(); // 6 lines + an empty 7th: appended text starts on line 7
const vipa = (body: string): string => `${PRE}VIPADYNAMIC\n${body}\nENDVIPADYNAMIC\n`; // body from line 8
const DEF = '  VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 10.1.1.10'; // line 8 when first

/** The text must be rejected with an error at line:col whose message contains `fragment`. */
function expectError(text: string, line: number, col: number, fragment: string): void {
  const errors = parseErrors(text);
  const hit = errors.find((e) => e.line === line && e.col === col);
  expect(hit, `no error at ${line}:${col}; got:\n${errors.map(String).join('\n')}`).toBeDefined();
  expect(hit!.message).toContain(fragment);
}

describe('statement level', () => {
  test('an unknown word where a statement is expected', () => {
    expectError(`${PRE}FOO BAR\n`, 7, 1, 'FOO is not a PROFILE.TCPIP statement');
  });
  test('a VIPA statement outside VIPADYNAMIC', () => {
    expectError(`${PRE}VIPADEFINE 255.255.255.0 10.1.1.10\n`, 7, 1, 'valid only inside VIPADYNAMIC');
  });
  test('ROUTE outside BEGINROUTES, ENDVIPADYNAMIC without VIPADYNAMIC', () => {
    expectError(`${PRE}ROUTE DEFAULT 10.1.1.254 OSA1\n`, 7, 1, 'valid only inside BEGINROUTES');
    expectError(`${PRE}ENDVIPADYNAMIC\n`, 7, 1, 'without VIPADYNAMIC');
  });
  test('a block missing its END at the end of the profile is reported at its start', () => {
    expectError(`${PRE}VIPADYNAMIC\n${DEF}\n`, 7, 1, 'ENDVIPADYNAMIC is missing');
    expectError(`${PRE}AUTOLOG 5\n  FTPD\n`, 7, 1, 'ENDAUTOLOG is missing');
    expectError(`IPCONFIG DATAGRAMFWD\nBEGINROUTES\n ROUTE DEFAULT 10.1.1.254 X\n`, 2, 1, 'ENDROUTES is missing');
  });
  test('a statement before ENDROUTES', () => {
    expectError(PRE.replace('ENDROUTES', 'START OSA1'), 6, 1, 'ENDROUTES expected before START');
  });
  test('a value missing at the end of the profile points just after the last word', () => {
    expectError(`${PRE}VIPADYNAMIC\n  VIPADEFINE 255.255.255.0`, 8, 27, 'expected the DVIPA address of VIPADEFINE, found the end of the profile');
  });
  test('every error of the profile is reported in one pass, in order', () => {
    const errors = parseErrors(`${PRE}FOO\nIPCONFIG TTL 300\nVIPADYNAMIC\n  VIPABACKUP 0 10.1.1.10\n  VIPADEFINE 255.255.255.0 10.1.1.999\nENDVIPADYNAMIC\nBAR\n`);
    expect(errors.map((e) => `${e.line}:${e.col}`)).toEqual(['7:1', '8:14', '10:14', '11:28', '13:1']);
    expect(errors.every((e) => e instanceof ProfileError)).toBe(true);
  });
});

describe('addresses, masks and numbers', () => {
  test('an invalid address, an IPv6 address where IPv4 is needed, a word where an address is needed', () => {
    expectError(`${PRE}HOME\n  10.1.1.300 OSA1\n`, 8, 3, 'not a valid IPv4 address');
    expectError(PRE.replace('DYNAMICXCF 10.9.9.1', 'DYNAMICXCF 2001:db8::1'), 1, 48, 'IPv6');
    expectError(PRE.replace('ROUTE DEFAULT 10.1.1.254', 'ROUTE DEFAULT GATEWAY1'), 5, 17, 'expected the first hop');
  });
  test('masks must be contiguous, prefix lengths 0-32; a bad option value is one error, not two', () => {
    expect(parseErrors(PRE.replace('IPADDR 10.1.1.1/24', 'IPADDR 10.1.1.1/33'))).toHaveLength(1);
    expectError(PRE.replace('IPADDR 10.1.1.1/24', 'IPADDR 10.1.1.1/33'), 2, 62, 'out of range 0-32');
    expectError(vipa('  VIPARANGE DEFINE 255.255.0.255 10.1.2.0'), 8, 20, 'not contiguous');
  });
  test('numbers out of range: TTL, MTU, VIPABACKUP rank, BACKUP rank, ports', () => {
    expectError(`${PRE}IPCONFIG TTL 0\n`, 7, 14, 'TTL 0 is out of range 1-255');
    expectError(PRE.replace('MTU 1500\nBEGIN', 'MTU 70000\nBEGIN'), 2, 69, 'MTU 70000 is out of range');
    expectError(vipa('  VIPABACKUP 0 10.1.1.10'), 8, 14, 'out of range 1-254');
    expectError(vipa(`${DEF}\n  VIPADISTRIBUTE DISTMETHOD HOTSTANDBY 10.1.1.10 PORT 80 DESTIP 10.9.9.1 PREFERRED 10.9.9.2 BACKUP 300`), 9, 100, 'out of range 1-254');
    expectError(`${PRE}PORT\n  0 TCP JOB\n`, 8, 3, 'out of range 1-65535');
    expectError(`${PRE}PORT\n  80 TCX JOB\n`, 8, 6, 'expected TCP or UDP');
  });
});

describe('dynamic VIPAs', () => {
  test('VIPADEFINE and VIPABACKUP of the same address', () => {
    expectError(vipa(`${DEF}\n  VIPABACKUP 100 10.1.1.10`), 9, 18, 'already defined by VIPADEFINE at 8:47');
  });
  test('VIPADELETE between two definitions makes the second one valid', () => {
    const { profile } = parseOk(vipa(`${DEF}\n  VIPADELETE 10.1.1.10\n  VIPABACKUP 100 10.1.1.10`));
    expect(profile.vipaDefines).toEqual([]);
    expect(profile.vipaBackups.map((b) => [b.ip, b.rank])).toEqual([[ip('10.1.1.10'), 100]]);
  });
  test('MOVEABLE on VIPABACKUP needs the mask', () => {
    expectError(vipa('  VIPABACKUP 100 MOVEABLE IMMEDIATE 10.1.1.10'), 8, 37, 'needs the address mask before the address');
  });
  test('an unknown word inside VIPADYNAMIC, and words left after a statement', () => {
    expectError(vipa('  VIPAFOO 10.1.1.10'), 8, 3, 'not a VIPADYNAMIC statement');
    expectError(vipa(`${DEF} EXTRA`), 8, 57, 'unexpected EXTRA after VIPADEFINE');
  });
});

describe('VIPADISTRIBUTE', () => {
  const dist = (text: string): string => vipa(`${DEF}\n  VIPADISTRIBUTE ${text}`); // statement on line 9, text at col 18

  test('DVIPA without VIPADEFINE or VIPABACKUP', () => {
    expectError(vipa('  VIPADISTRIBUTE 10.1.1.10 PORT 80 DESTIP ALL'), 8, 18, 'no VIPADEFINE or VIPABACKUP');
  });
  test('unknown DISTMETHOD, missing DESTIP, PORT after DESTIP, PORT without ports', () => {
    expectError(dist('DISTMETHOD FASTEST 10.1.1.10 DESTIP ALL'), 9, 29, 'unknown DISTMETHOD FASTEST');
    expectError(dist('10.1.1.10 PORT 80'), 10, 1, 'expected DESTIP after the DVIPA address, found ENDVIPADYNAMIC');
    expectError(dist('10.1.1.10 DESTIP ALL PORT 80'), 9, 39, 'PORT must come before DESTIP');
    expectError(dist('10.1.1.10 PORT DESTIP ALL'), 9, 28, 'PORT needs at least one port number');
  });
  test('ports: not a number, listed twice (also through a range)', () => {
    expectError(dist('10.1.1.10 PORT 80 HTTP DESTIP ALL'), 9, 36, 'expected a port number or range');
    expectError(dist('10.1.1.10 PORT 80 79-81 DESTIP ALL'), 9, 36, 'port 80 is listed twice');
  });
  test('a port distributed twice for the same DVIPA', () => {
    expectError(`${PRE}VIPADYNAMIC\n${DEF}\n  VIPADISTRIBUTE 10.1.1.10 PORT 80 81 DESTIP ALL\n  VIPADISTRIBUTE 10.1.1.10 PORT 81 DESTIP ALL\nENDVIPADYNAMIC\n`,
      10, 18, 'port 81 of DVIPA 10.1.1.10 is already distributed by VIPADISTRIBUTE at 9:18');
  });
  test('whole-range distributions are compared without a quadratic scan', () => {
    expectError(`${PRE}VIPADYNAMIC\n${DEF}\n  VIPADISTRIBUTE 10.1.1.10 PORT 1-65000 DESTIP ALL\n  VIPADISTRIBUTE 10.1.1.10 PORT 65000-65535 DESTIP ALL\nENDVIPADYNAMIC\n`,
      10, 18, 'port 65000 of DVIPA 10.1.1.10 is already distributed');
    const { profile } = parseOk(`${PRE}VIPADYNAMIC\n${DEF}\n  VIPADISTRIBUTE 10.1.1.10 PORT 1-65535 DESTIP ALL\n  VIPADISTRIBUTE DELETE 10.1.1.10 PORT 2-65535\nENDVIPADYNAMIC\n`);
    expect(profile.vipaDistributes.map((d) => d.ports)).toEqual([[1]]);
  });
  test('a target listed twice; method-specific keywords with another method', () => {
    expectError(dist('DISTMETHOD WEIGHTEDACTIVE 10.1.1.10 DESTIP 10.9.9.1 WEIGHT 1 10.9.9.1 WEIGHT 2'), 9, 79, 'listed twice');
    expectError(dist('DISTMETHOD ROUNDROBIN 10.1.1.10 DESTIP 10.9.9.1 PREFERRED 10.9.9.2 BACKUP 10'), 9, 66, 'valid only with DISTMETHOD HOTSTANDBY');
    expectError(dist('DISTMETHOD BASEWLM NOAUTOSWITCHBACK 10.1.1.10 DESTIP ALL'), 9, 37, 'NOAUTOSWITCHBACK is valid only with DISTMETHOD HOTSTANDBY');
  });
  test('HOTSTANDBY: a target without a role; no PREFERRED', () => {
    expectError(dist('DISTMETHOD HOTSTANDBY 10.1.1.10 DESTIP 10.9.9.1 PREFERRED 10.9.9.2'), 9, 76, 'needs PREFERRED or BACKUP rank');
    expectError(dist('DISTMETHOD HOTSTANDBY 10.1.1.10 DESTIP 10.9.9.2 BACKUP 10'), 9, 3, 'EZZ0826I');
  });
  test('TIMEDAFFINITY needs seconds; OPTLOCAL alone is OPTLOCAL 1', () => {
    expectError(dist('TIMEDAFFINITY LONG 10.1.1.10 DESTIP ALL'), 9, 32, 'expected TIMEDAFFINITY seconds');
    const { profile } = parseOk(dist('OPTLOCAL 10.1.1.10 DESTIP ALL'));
    expect(profile.vipaDistributes[0]!.optLocal).toBe(1);
  });
  test('VIPADISTRIBUTE DELETE removes the listed ports of an earlier distribution', () => {
    const { profile } = parseOk(vipa(`${DEF}\n  VIPADISTRIBUTE 10.1.1.10 PORT 7 80 DESTIP ALL\n  VIPADISTRIBUTE DELETE 10.1.1.10 PORT 7 DESTIP ALL`));
    expect(profile.vipaDistributes.map((d) => d.ports)).toEqual([[80]]);
  });
  test('the default method is BASEWLM, with HOTSTANDBY defaults AUTOSWITCHBACK and HEALTHSWITCH', () => {
    const { profile } = parseOk(dist('10.1.1.10 DESTIP ALL'));
    expect(profile.vipaDistributes[0]).toMatchObject({ method: 'BASEWLM', ports: [], autoSwitchBack: true, healthSwitch: true, optLocal: null });
  });
});

describe('interfaces and routes', () => {
  test('INTERFACE without IPADDR, a duplicate interface, a duplicate LINK', () => {
    expectError(`${PRE}INTERFACE OSA2 DEFINE IPAQENET PORTNAME OSA2\n`, 7, 1, 'IPADDR is required');
    expectError(`${PRE}INTERFACE OSA1 DEFINE VIRTUAL IPADDR 10.1.9.1\n`, 7, 11, 'interface OSA1 is already defined at 2:11');
    expectError(`${PRE}DEVICE D1 MPCIPA\nLINK OSA1 IPAQENET D1\n`, 8, 6, 'link OSA1 is already defined');
  });
  test('an unknown ROUTE option; a ROUTE over an undefined interface', () => {
    expectError(PRE.replace('ROUTE DEFAULT 10.1.1.254 OSA1 MTU 1500', 'ROUTE DEFAULT 10.1.1.254 OSA1 MTU 1500 FAST'), 5, 42, 'unknown ROUTE option FAST');
    expectError(PRE.replace('= OSA1', '= OSA2'), 4, 3, 'ROUTE names OSA2');
  });
  test('ROUTE forms: mask, HOST, host route without mask', () => {
    const { profile } = parseOk(PRE.replace('ENDROUTES', ' ROUTE 10.2.0.0 255.255.0.0 10.1.1.254 OSA1 MTU 1500\n ROUTE 10.3.3.3 HOST 10.1.1.254 OSA1\n ROUTE 10.4.4.4 10.1.1.254 OSA1\nENDROUTES'));
    expect(profile.routes.slice(2).map((r) => [r.dest, r.prefixLen, r.gateway, r.mtu])).toEqual([
      [ip('10.2.0.0'), 16, ip('10.1.1.254'), 1500],
      [ip('10.3.3.3'), 32, ip('10.1.1.254'), null],
      [ip('10.4.4.4'), 32, ip('10.1.1.254'), null],
    ]);
  });
});

describe('warnings: accepted, not modelled', () => {
  test('unknown IPCONFIG and INTERFACE options are errors at the word, with the nearest option', () => {
    expect(parseErrors(PRE.replace('IPCONFIG DATAGRAMFWD', 'IPCONFIG NEWOPTION 5 DATAGRAMFWD')).map(String)).toEqual([
      'test.tcpip:1:10: NEWOPTION is not an operand of IPCONFIG',
    ]);
    expect(parseErrors(PRE.replace('IPCONFIG DATAGRAMFWD', 'IPCONFIG DATAGRAMFWS')).map((e) => e.message)).toEqual([
      'DATAGRAMFWS is not an operand of IPCONFIG (did you mean DATAGRAMFWD?)',
    ]);
  });
  test('known options the emulator does not model are kept and listed with their line', () => {
    const { profile } = parseOk(PRE.replace('IPCONFIG DATAGRAMFWD', 'IPCONFIG CHECKSUMOFFLOAD DATAGRAMFWD'));
    expect(profile.ipconfig.otherOptions).toEqual([{ name: 'CHECKSUMOFFLOAD', values: [], at: { line: 1, col: 10 } }]);
    expect(profile.notModelled).toContainEqual({ statement: 'IPCONFIG', operand: 'CHECKSUMOFFLOAD', line: 1, col: 10 });
  });
  test('START of something undefined, HOME over an undefined link, VIPADISTRIBUTE without DYNAMICXCF', () => {
    expect(parseOk(`${PRE}START OSA9\n`).warnings.map((w) => `${w.line}:${w.col}`)).toEqual(['7:7']);
    expect(parseOk(`${PRE}HOME 10.1.1.1 LNK9\n`).warnings[0]!.message).toContain('LNK9');
    const noXcf = parseOk(vipa(`${DEF}\n  VIPADISTRIBUTE 10.1.1.10 DESTIP ALL`).replace(' DYNAMICXCF 10.9.9.1 255.255.255.0 1', ''));
    expect(noXcf.warnings.map((w) => w.message)).toEqual([expect.stringContaining('needs IPCONFIG DYNAMICXCF')]);
  });
  test('multi-tier VIPADISTRIBUTE is ignored with a warning; IPv6 forms are ignored silently', () => {
    const { profile, warnings } = parseOk(vipa(`${DEF}\n  VIPADISTRIBUTE DEFINE TIER1 GROUP1 GRE 10.1.1.10 PORT 80 DESTIP 10.5.5.5\n  VIPABACKUP 10 DVIPA6 2001:db8::10`));
    expect(warnings.map((w) => `${w.line}:${w.col}`)).toEqual(['9:3']);
    expect(profile.vipaDistributes).toEqual([]);
    expect(profile.ignored.map((s) => s.name)).toEqual(['VIPADISTRIBUTE (multi-tier)', 'VIPABACKUP (IPv6)']);
  });
});

describe('statements accepted and kept as ignored', () => {
  test('every standard statement the emulator does not model, with typical operands', () => {
    const text = [
      'ARPAGE 20', 'ATMLIS LIS1 9.67.100.0 255.255.255.0', 'ATMPVC PVC1 LINK1', 'ATMARPSV ARPSV1 LIS1 PVC PVC1',
      'AUTOLOG 5 FTPD JOBNAME FTPD1 ENDAUTOLOG', 'BSDROUTINGPARMS TRUE OSA1 1500 0 255.255.255.0 0 ENDBSDROUTINGPARMS',
      'DEFADDRTABLE ENDDEFADDRTABLE', 'DELETE PORT 20 TCP FTPD1', 'DELETE PORTRANGE 4000 100 TCP OMVS',
      'DELETE DEVICE OLDDEV', 'INTERFACE OSA1 DELETE', 'IPCONFIG6 DATAGRAMFWD', 'IPSEC IPSECRULE * * NOLOG ENDIPSEC',
      'ITRACE ON CONFIG 1', 'NETACCESS 10.0.0.0/8 INTRA ENDNETACCESS', 'NETMONITOR SMFSERVICE', 'PKTTRACE ABBREV=200 IP=*',
      'PORTRANGE 10000 2000 TCP OMVS', 'PRIMARYINTERFACE OSA1', 'SACONFIG ENABLED COMMUNITY public AGENT 161',
      'SMFCONFIG TYPE119 TCPINIT', 'SMFPARMS 119 0 0', 'SOMAXCONN 1024', 'SRCIP JOBNAME X* 10.1.1.10 ENDSRCIP',
      'TRACE RESOLVER', 'TRANSLATE 9.67.43.110 FDDI FF0000006702 OSA1', 'TELNETGLOBALS TIMEMARK 600 ENDTELNETGLOBALS',
      'TELNETPARMS PORT 23 ENDTELNETPARMS', 'BEGINVTAM PORT 23 ALLOWAPPL * ENDVTAM', 'INFORM ENDINFORM',
      'ASSORTEDPARMS ENDASSORTEDPARMS', 'KEEPALIVEOPTIONS INTERVAL 120 ENDKEEPALIVEOPTIONS',
    ].join('\n');
    const { profile, warnings } = parseOk(`${PRE}${text}\nSTOP OSA1\n`);
    expect(warnings).toEqual([]);
    expect(profile.ignored.map((s) => s.name)).toEqual([
      'ARPAGE', 'ATMLIS', 'ATMPVC', 'ATMARPSV', 'AUTOLOG', 'BSDROUTINGPARMS', 'DEFADDRTABLE', 'DELETE', 'DELETE', 'DELETE',
      'INTERFACE DELETE', 'IPCONFIG6', 'IPSEC', 'ITRACE', 'NETACCESS', 'NETMONITOR', 'PKTTRACE', 'PORTRANGE', 'PRIMARYINTERFACE',
      'SACONFIG', 'SMFCONFIG', 'SMFPARMS', 'SOMAXCONN', 'SRCIP', 'TRACE', 'TRANSLATE', 'TELNETGLOBALS', 'TELNETPARMS',
      'BEGINVTAM', 'INFORM', 'ASSORTEDPARMS', 'KEEPALIVEOPTIONS',
    ]);
    expect(profile.ignored.map((s) => s.line)).toEqual([...Array(32).keys()].map((i) => 7 + i)); // one statement a line
    expect(profile.stops.map((s) => s.name)).toEqual(['OSA1']);
    expect(profile.portReservations).toEqual([]);
  });
  test('DELETE of something that cannot be deleted', () => {
    expectError(`${PRE}DELETE ROUTE 10.1.1.0\n`, 7, 8, 'expected what to DELETE');
  });
});

describe('results', () => {
  test('toString gives FILE:LINE:COL: message', () => {
    const r = parseProfile('NOPE', 'SYS9.tcpip');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(String)).toEqual(['SYS9.tcpip:1:1: NOPE is not a PROFILE.TCPIP statement']);
  });
  test('an empty profile is a valid, empty profile', () => {
    const { profile, warnings } = parseOk('; nothing here\n');
    expect(warnings).toEqual([]);
    expect(profile.dynamicXcf).toBeNull();
    expect(profile.ipconfig.datagramFwd).toBe(true);
    expect(profile.globalConfig.sysplexWlmPoll).toBe(60);
  });
});
