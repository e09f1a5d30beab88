// VIPADYNAMIC ... ENDVIPADYNAMIC: dynamic VIPAs this stack owns (VIPADEFINE) or backs up (VIPABACKUP),
// ranges, VIPAROUTEs, and the distribution statements (vipadistribute.ts).

import type { ProfileBuilder } from '../builder.js';
import { type Cursor, ipv4Of, isDecimal, intOf } from '../cursor.js';
import { pos, StatementAbort } from '../errors.js';
import {
  END_VIPADYNAMIC, isKw, kw, matchKw, tooShortMessage, VIPA_STATEMENT_LIST, VIPA_STATEMENTS, type Keyword,
} from '../keywords.js';
import type { Token } from '../lexer.js';
import { formatIpv4, maskToPrefix, parseIpv4 } from '../ipv4.js';
import { isValueWord } from '../options.js';
import type { Moveable } from '../types.js';
import { parseVipaDistribute } from './vipadistribute.js';
import { atVipaBoundary, isForeignStatement, isIpv6Word } from './vipablock.js';

const MOVEABLE = kw('MOVEable');
const IMMEDIATE = kw('IMMEDiate');
const WHENIDLE = kw('WHENIDLE');
const NONDISRUPTIVE = kw('NONDISRUPTive');
const DISRUPTIVE = kw('DISRUPTive');
const SERVICEMGR = kw('SERVICEMGR');
const TIER_OPTIONS: readonly Keyword[] = [kw('TIER1'), kw('TIER2'), kw('CPCSCOPE')];
const DEFINE = kw('DEFINE');
const DELETE = kw('DELEte');
const DEFAULT = kw('DEFAULT');
const SAF = kw('SAF');
const ZCX = kw('ZCX');

interface DvipaOptions {
  moveable: Moveable | null;
  serviceMgr: boolean;
  /** TIER1, TIER2, CPCSCOPE as written: listed as not modelled. */
  tiers: Token[];
}

/** Options before the mask of VIPADEFINE/VIPABACKUP, in any order. */
function readDvipaOptions(c: Cursor): DvipaOptions {
  const o: DvipaOptions = { moveable: null, serviceMgr: false, tiers: [] };
  const tiers = o.tiers;
  for (;;) {
    const tok = c.peek();
    if (isKw(tok, MOVEABLE)) {
      c.take();
      o.moveable = c.needKw([IMMEDIATE, WHENIDLE], 'IMMEDIATE or WHENIDLE after MOVEABLE') === IMMEDIATE ? 'IMMEDIATE' : 'WHENIDLE';
    } else if (isKw(tok, SERVICEMGR)) {
      c.take();
      o.serviceMgr = true;
    } else if (matchKw(tok, TIER_OPTIONS) !== null) {
      tiers.push(c.take()); // multi-tier / CPC scope: accepted, not modelled
    } else {
      const short = tooShortMessage(tok, [MOVEABLE, SERVICEMGR, ...TIER_OPTIONS]);
      if (short !== null) c.fail(tok!, short);
      return o;
    }
  }
}

/** One or more DVIPA addresses; `what` names the statement in errors. */
function readAddresses(c: Cursor, what: string): Token[] {
  const list: Token[] = [];
  do {
    const tok = c.need(`the DVIPA address of ${what}`);
    ipv4Of(c, tok, `the DVIPA address of ${what}`);
    list.push(tok);
  } while (!atVipaBoundary(c.peek()) && isValueWord(c.peek()));
  return list;
}

/** IPv6 form `intfname ipv6addr`: accepted and kept as ignored. Returns true when it was one. */
function skipIpv6Form(c: Cursor, b: ProfileBuilder, stmt: Token, name: string): boolean {
  if (!isIpv6Word(c.peek(1)) && !isIpv6Word(c.peek())) return false;
  if (isIpv6Word(c.peek(1)) && c.peek() !== undefined) b.ipv6DvipaNames.add(c.peek()!.up);
  while (!atVipaBoundary(c.peek())) c.take();
  b.ignore(`${name} (IPv6)`, stmt);
  return true;
}

/** Record that `ip` is defined here; false (with an error) when it already was. */
function claimDvipa(c: Cursor, b: ProfileBuilder, tok: Token, ip: number, statement: 'VIPADEFINE' | 'VIPABACKUP'): boolean {
  const prior = b.dvipaOrigins.get(ip);
  if (prior !== undefined) {
    c.diag.error(tok, `${formatIpv4(ip)} is already defined by ${prior.statement} at ${prior.at.line}:${prior.at.col}; ` +
      'only one VIPADEFINE or VIPABACKUP per DVIPA unless a VIPADELETE comes between');
    return false;
  }
  b.dvipaOrigins.set(ip, { statement, at: pos(tok) });
  return true;
}

/** VIPADEFINE [options] mask ip [ip ...] */
function parseVipaDefine(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  const o = readDvipaOptions(c);
  for (const t of o.tiers) b.ignoreOperand('VIPADEFINE', t.up, t);
  if (skipIpv6Form(c, b, stmt, 'VIPADEFINE')) return;
  const { mask, prefixLen } = c.needMask('the VIPADEFINE address mask');
  for (const tok of readAddresses(c, 'VIPADEFINE')) {
    const ip = parseIpv4(tok.text)!;
    if (!claimDvipa(c, b, tok, ip, 'VIPADEFINE')) continue;
    // Not coded: MOVEABLE IMMEDIATE, the default of the syntax diagram (Netstat VIPADCFG shows Immediate).
    b.vipaDefines.push({ ip, mask, prefixLen, moveable: o.moveable ?? 'IMMEDIATE', serviceMgr: o.serviceMgr, at: pos(tok) });
  }
}

/** VIPABACKUP [rank] [options] [mask] ip [ip ...]; the mask comes with MOVEABLE. */
function parseVipaBackup(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  let rank = 1;
  if (isDecimal(c.peek())) rank = intOf(c, c.take(), 'the VIPABACKUP rank', 1, 254);
  const o = readDvipaOptions(c);
  for (const t of o.tiers) b.ignoreOperand('VIPABACKUP', t.up, t);
  if (skipIpv6Form(c, b, stmt, 'VIPABACKUP')) return;
  let mask: number | null = null;
  let prefixLen: number | null = null;
  const first = c.peek();
  const firstIp = first === undefined ? null : parseIpv4(first.text);
  // Without MOVEABLE a mask is not part of the syntax, but a leading 255.x mask followed by an address is one.
  const looksLikeMask = firstIp !== null && firstIp >>> 24 === 255 && maskToPrefix(firstIp) >= 0 &&
    c.peek(1) !== undefined && parseIpv4(c.peek(1)!.text) !== null;
  if (o.moveable !== null && !looksLikeMask && firstIp !== null && maskToPrefix(firstIp) < 0 &&
      (c.peek(1) === undefined || parseIpv4(c.peek(1)!.text) === null)) {
    c.fail(first!, 'VIPABACKUP with MOVEABLE needs the address mask before the address');
  }
  if (o.moveable !== null || looksLikeMask) {
    const m = c.needMask('the VIPABACKUP address mask (required with MOVEABLE)');
    mask = m.mask;
    prefixLen = m.prefixLen;
  }
  for (const tok of readAddresses(c, 'VIPABACKUP')) {
    const ip = parseIpv4(tok.text)!;
    if (!claimDvipa(c, b, tok, ip, 'VIPABACKUP')) continue;
    b.vipaBackups.push({ ip, rank, moveable: o.moveable, mask, prefixLen, serviceMgr: o.serviceMgr, at: pos(tok) });
  }
}

/** VIPADELETE ip [ip ...]: removes earlier VIPADEFINE/VIPABACKUP of those addresses. */
function parseVipaDelete(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  if (!atVipaBoundary(c.peek()) && !isValueWord(c.peek())) {
    c.take(); // VIPADELETE ipv6_intfname
    b.ignore('VIPADELETE (IPv6)', stmt);
    return;
  }
  for (const tok of readAddresses(c, 'VIPADELETE')) {
    const ip = parseIpv4(tok.text)!;
    if (!b.dvipaOrigins.delete(ip)) {
      c.diag.warn(tok, `VIPADELETE ${tok.text}: no VIPADEFINE or VIPABACKUP of it comes earlier in this profile`);
    }
    b.vipaDefines = b.vipaDefines.filter((d) => d.ip !== ip);
    b.vipaBackups = b.vipaBackups.filter((d) => d.ip !== ip);
  }
}

/** VIPARANGE [DEFINE|DELETE] [MOVEABLE NONDISRUPTIVE|DISRUPTIVE] mask ip [SAF name] [ZCX] */
function parseVipaRange(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  let del = false;
  if (c.accept(DELETE) !== null) del = true;
  else c.accept(DEFINE);
  let moveable: 'NONDISRUPTIVE' | 'DISRUPTIVE' = 'NONDISRUPTIVE';
  if (c.accept(MOVEABLE) !== null) {
    moveable = c.needKw([NONDISRUPTIVE, DISRUPTIVE], 'NONDISRUPTIVE or DISRUPTIVE after MOVEABLE') === DISRUPTIVE
      ? 'DISRUPTIVE' : 'NONDISRUPTIVE';
  }
  if (skipIpv6Form(c, b, stmt, 'VIPARANGE')) return;
  const { mask, prefixLen } = c.needMask('the VIPARANGE address mask');
  const { ip, tok } = c.needIpv4('the VIPARANGE address');
  let saf: string | null = null;
  for (;;) {
    if (c.accept(SAF) !== null) saf = c.need('the SAF resource name').up;
    else if (c.accept(ZCX) === null) break;
  }
  const network = (ip & mask) >>> 0;
  if (del) {
    b.vipaRanges = b.vipaRanges.filter((r) => !(r.ip === network && r.prefixLen === prefixLen));
    return;
  }
  b.vipaRanges.push({ ip: network, mask, prefixLen, moveable, saf, at: pos(tok) });
}

/** VIPAROUTE [DEFINE|DELETE] xcfip|DEFAULT targetip */
function parseVipaRoute(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  let del = false;
  if (c.accept(DELETE) !== null) del = true;
  else c.accept(DEFINE);
  if (skipIpv6Form(c, b, stmt, 'VIPAROUTE')) return;
  const xcfTok = c.need('the target dynamic XCF address or DEFAULT');
  const xcfIp = isKw(xcfTok, DEFAULT) ? null : ipv4Of(c, xcfTok, 'the target dynamic XCF address or DEFAULT');
  const targetIp = c.needIpv4('the VIPAROUTE target address').ip;
  b.vipaRoutes = b.vipaRoutes.filter((r) => r.xcfIp !== xcfIp);
  if (!del) b.vipaRoutes.push({ xcfIp, targetIp, at: pos(xcfTok) });
}

/** VIPASMPARMS options (multicast group of the sysplex-wide security associations): kept as written. */
function parseVipaSmParms(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  b.ignore('VIPASMPARMS', stmt);
  while (!atVipaBoundary(c.peek())) {
    const tok = c.take();
    const values: string[] = [];
    while (!atVipaBoundary(c.peek()) && isValueWord(c.peek())) values.push(c.take().text);
    b.vipaSmParms.push({ name: tok.up, values, at: pos(tok) });
  }
}

type VipaStatement = (c: Cursor, stmt: Token, b: ProfileBuilder) => void;

const HANDLERS = new Map<Keyword, VipaStatement>([
  [VIPA_STATEMENTS.define, parseVipaDefine],
  [VIPA_STATEMENTS.backup, parseVipaBackup],
  [VIPA_STATEMENTS.del, parseVipaDelete],
  [VIPA_STATEMENTS.distribute, parseVipaDistribute],
  [VIPA_STATEMENTS.range, parseVipaRange],
  [VIPA_STATEMENTS.route, parseVipaRoute],
  [VIPA_STATEMENTS.smParms, parseVipaSmParms],
]);

function skipToBoundary(c: Cursor): void {
  while (!atVipaBoundary(c.peek())) c.take();
}

/** The block after VIPADYNAMIC. An error abandons only the statement it is in. */
export function parseVipaDynamic(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  for (;;) {
    const tok = c.peek();
    if (tok === undefined) {
      c.diag.error(stmt, 'VIPADYNAMIC is not closed: ENDVIPADYNAMIC is missing');
      return;
    }
    if (isKw(tok, END_VIPADYNAMIC)) {
      c.take();
      return;
    }
    if (isForeignStatement(tok)) {
      c.diag.error(tok, `ENDVIPADYNAMIC expected before ${tok.text} (VIPADYNAMIC at ${stmt.line}:${stmt.col})`);
      return;
    }
    c.take();
    try {
      const k = matchKw(tok, VIPA_STATEMENT_LIST);
      if (k === null) {
        c.fail(tok, tooShortMessage(tok, [...VIPA_STATEMENT_LIST, END_VIPADYNAMIC]) ??
          `${tok.text} is not a VIPADYNAMIC statement (VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE, VIPARANGE, ` +
          'VIPAROUTE, VIPADELETE, VIPASMPARMS or ENDVIPADYNAMIC)');
      }
      HANDLERS.get(k)!(c, tok, b);
      const next = c.peek();
      if (!atVipaBoundary(next)) c.fail(next!, `unexpected ${next!.text} after ${k.full} (at ${tok.line}:${tok.col})`);
    } catch (e) {
      if (!(e instanceof StatementAbort)) throw e;
      skipToBoundary(c);
    }
  }
}
