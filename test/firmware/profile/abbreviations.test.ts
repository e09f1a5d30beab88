// Keywords are accepted at their documented minimum abbreviation (in any case) and rejected one letter shorter,
// with the error at the short word.

import { describe, expect, test } from 'vitest';
import { parseProfile } from '../../../src/firmware/profile/index.js';
import { demoPreamble, withoutPositions } from './helpers.js';

const vipa = (body: string): string => `${demoPreamble()}VIPADYNAMIC\n${body}\nENDVIPADYNAMIC\n`;
const dvipa = '  VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 10.1.1.10\n';
const dist = (options: string, tail = 'PORT 80 DESTIP ALL'): string =>
  vipa(`${dvipa}  VIPADISTRIBUTE DEFINE ${options} 10.1.1.10 ${tail}`);

/** [keyword in diagram notation, minimum abbreviation, one letter shorter, profile using the word W]. */
const CASES: ReadonlyArray<readonly [string, string, string, (w: string) => string]> = [
  ['VIPADynamic', 'VIPAD', 'VIPA', (w) => `${demoPreamble()}${w}\n${dvipa}ENDVIPADYNAMIC\n`],
  ['ENDVIPADynamic', 'ENDVIPAD', 'ENDVIPA', (w) => `${demoPreamble()}VIPADYNAMIC\n${dvipa}${w}\nSTART OSA1\n`],
  ['VIPADEFine', 'VIPADEF', 'VIPADE', (w) => vipa(`  ${w} MOVEABLE IMMEDIATE 255.255.255.0 10.1.1.10`)],
  ['VIPABackup', 'VIPAB', 'VIPA', (w) => vipa(`  ${w} 100 10.1.1.10`)],
  ['VIPADELete', 'VIPADEL', 'VIPADE', (w) => vipa(`${dvipa}  ${w} 10.1.1.10`)],
  ['VIPADISTribute', 'VIPADIST', 'VIPADIS', (w) => vipa(`${dvipa}  ${w} DEFINE 10.1.1.10 PORT 80 DESTIP ALL`)],
  ['VIPARange', 'VIPAR', 'VIPA', (w) => vipa(`  ${w} DEFINE 255.255.255.192 10.1.2.0`)],
  ['VIPAROUTE', 'VIPAROUTE', 'VIPAROUT', (w) => vipa(`  ${w} DEFINE 10.9.9.2 10.1.1.2`)],
  ['VIPASMparms', 'VIPASM', 'VIPAS', (w) => vipa(`  ${w} SMMULTICAST 239.1.1.1`)],
  ['DISTMethod', 'DISTM', 'DIST', (w) => dist(`${w} ROUNDROBIN`)],
  ['TIMEDAFFinity', 'TIMEDAFF', 'TIMEDAF', (w) => dist(`${w} 30`)],
  ['WEIGHTEDActive', 'WEIGHTEDA', 'WEIGHTED', (w) => dist(`DISTMETHOD ${w}`, 'PORT 80 DESTIP 10.9.9.1 WEIGHT 10')],
  ['SYSPLEXPorts', 'SYSPLEXP', 'SYSPLEX', (w) => dist(w)],
  ['MOVEable', 'MOVE', 'MOV', (w) => vipa(`  VIPADEFINE ${w} IMMEDIATE 255.255.255.0 10.1.1.10`)],
  ['IMMEDiate', 'IMMED', 'IMME', (w) => vipa(`  VIPADEFINE MOVEABLE ${w} 255.255.255.0 10.1.1.10`)],
  ['NONDISRUPTive', 'NONDISRUPT', 'NONDISRUP', (w) => vipa(`  VIPARANGE DEFINE MOVEABLE ${w} 255.255.255.192 10.1.2.0`)],
  ['DISRUPTive', 'DISRUPT', 'DISRUP', (w) => vipa(`  VIPARANGE DEFINE MOVEABLE ${w} 255.255.255.192 10.1.2.0`)],
  ['IPCONFig', 'IPCONF', 'IPCON', (w) => demoPreamble().replace('IPCONFIG', w)],
  ['SYSPLEXRouting', 'SYSPLEXR', 'SYSPLEX', (w) => demoPreamble().replace('SYSPLEXROUTING', w)],
  ['DATAGRamfwd', 'DATAGR', 'DATAG', (w) => demoPreamble().replace('DATAGRAMFWD', w)],
  ['BEGINRoutes', 'BEGINR', 'BEGIN', (w) => demoPreamble().replace('BEGINROUTES', w)],
  ['ENDRoutes', 'ENDR', 'END', (w) => demoPreamble().replace('ENDROUTES', w)],
  ['REPLaceable', 'REPL', 'REP', (w) => demoPreamble().replace('MTU 1500\nENDROUTES', `MTU 1500 ${w}\nENDROUTES`)],
  ['AUTOLog', 'AUTOL', 'AUTO', (w) => `${demoPreamble()}${w} 5\n  FTPD JOBNAME FTPD1\nENDAUTOLOG\n`],
  ['ENDAUTOLog', 'ENDAUTOL', 'ENDAUTO', (w) => `${demoPreamble()}AUTOLOG 5\n  FTPD JOBNAME FTPD1\n${w}\n`],
  ['VIRTual', 'VIRT', 'VIR', (w) => `${demoPreamble()}INTERFACE VIPA1 DEFINE ${w} IPADDR 10.1.5.1/32\n`],
  ['DEVice', 'DEV', 'DE', (w) => `${demoPreamble()}${w} VDEV1 VIRTUAL 0\n`],
];

/** Line and column of the first whole-word occurrence of `word` in `text`. */
function positionOf(text: string, word: string): { line: number; col: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = new RegExp(`(^|\\s)${word}(\\s|$)`).exec(lines[i]!);
    if (m !== null) return { line: i + 1, col: m.index + m[1]!.length + 1 };
  }
  throw new Error(`${word} not in text`);
}

describe('minimum abbreviations', () => {
  test.each(CASES)('%s: accepts %s, in any case, and the whole word', (notation, min, _short, make) => {
    for (const w of [min, min.toLowerCase(), notation, notation.toUpperCase()]) {
      const r = parseProfile(make(w), 'abbrev.tcpip');
      expect(r.ok, `${w}: ${r.ok ? '' : r.errors.map(String).join('; ')}`).toBe(true);
    }
  });

  test.each(CASES)('%s: rejects %s (one letter shorter than %s) at its position', (_notation, min, short, make) => {
    const text = make(short);
    const r = parseProfile(text, 'abbrev.tcpip');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = positionOf(text, short);
    const hit = r.errors.find((e) => e.line === at.line && e.col === at.col);
    expect(hit, `no error at ${at.line}:${at.col} for ${short} (min ${min}); got ${r.errors.map(String).join('; ')}`).toBeDefined();
  });

  test('the message names the minimum abbreviation', () => {
    const r = parseProfile(dist('DIST ROUNDROBIN'), 'x.tcpip');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toBe('DIST is shorter than the minimum abbreviation DISTM of DISTMETHOD');
  });

  test('abbreviations change nothing in the result', () => {
    const long = parseProfile(dist('DISTMETHOD WEIGHTEDACTIVE SYSPLEXPORTS TIMEDAFFINITY 30', 'PORT 80 DESTIP 10.9.9.1 WEIGHT 10'), 'a');
    const short = parseProfile(dist('distm weighteda sysplexp timedaff 30', 'port 80 destip 10.9.9.1 weight 10'), 'a');
    expect(long.ok && short.ok).toBe(true);
    if (long.ok && short.ok) expect(withoutPositions(short.profile)).toEqual(withoutPositions(long.profile));
  });

  test('a word longer than the keyword is not the keyword', () => {
    const r = parseProfile(dist('DISTMETHODS ROUNDROBIN'), 'x.tcpip');
    expect(r.ok).toBe(false);
  });
});
