// BEGINROUTES ... ENDROUTES: static routes.
//   ROUTE {dest/len | dest [mask|HOST] | DEFAULT} {gateway | =} ifname [MTU {n|DEFAULTSIZE}] [options]

import type { ProfileBuilder } from '../builder.js';
import { type Cursor, intOf, ipv4Of, splitSlash } from '../cursor.js';
import { pos, StatementAbort } from '../errors.js';
import { isKw, kw, matchKw, statementAt, tooShortMessage, type Keyword } from '../keywords.js';
import type { Token } from '../lexer.js';
import { formatIpv4, parseIpv4, prefixToMask } from '../ipv4.js';

const ROUTE = kw('ROUTE');
const END_ROUTES = kw('ENDRoutes');
const DEFAULT = kw('DEFAULT');
const DEFAULTNET = kw('DEFAULTNET');
const HOST = kw('HOST');
const MTU = kw('MTU');
const DEFAULTSIZE = kw('DEFAULTSIZE');
const REPLACEABLE = kw('REPLaceable');
const NOREPLACEABLE = kw('NOREPLaceable');
const DELAYACKS = kw('DELAYAcks');
const NODELAYACKS = kw('NODELAYAcks');
/** Route options with one numeric value (retransmission tuning): accepted, not modelled. */
const VALUED: readonly Keyword[] = [
  kw('MAXImumretransmittime'),
  kw('MINImumretransmittime'),
  kw('ROUNDTRIPGain'),
  kw('VARIANCEGain'),
  kw('VARIANCEMultiplier'),
];
const FLAGS: readonly Keyword[] = [REPLACEABLE, NOREPLACEABLE, DELAYACKS, NODELAYACKS];
const OPTION_KEYWORDS: readonly Keyword[] = [MTU, ...VALUED, ...FLAGS];

function atRouteBoundary(tok: Token | undefined): boolean {
  return tok === undefined || isKw(tok, ROUTE) || isKw(tok, END_ROUTES) || statementAt(tok) !== null;
}

function parseRoute(c: Cursor, b: ProfileBuilder, routeTok: Token): void {
  const destTok = c.need('the route destination');
  let dest = 0;
  let prefixLen = 0;
  const isDefault = isKw(destTok, DEFAULT) || isKw(destTok, DEFAULTNET);
  if (!isDefault) {
    if (destTok.text.includes(':') || destTok.up === 'DEFAULT6') {
      // An IPv6 route in the same block: accepted, not modelled.
      while (!atRouteBoundary(c.peek())) c.take();
      b.ignore('ROUTE (IPv6)', routeTok);
      return;
    }
    const { left, right } = splitSlash(destTok);
    dest = ipv4Of(c, left, 'the route destination');
    if (right !== null) {
      prefixLen = intOf(c, right, 'the destination prefix length', 0, 32);
    } else if (isKw(c.peek(), HOST)) {
      c.take();
      prefixLen = 32;
    } else {
      // `dest mask gateway` when two more addresses follow, else a host route.
      const next = c.peek();
      const after = c.peek(1);
      if (next !== undefined && parseIpv4(next.text) !== null && after !== undefined &&
          (after.text === '=' || parseIpv4(after.text) !== null)) {
        prefixLen = c.needMask('the route subnet mask').prefixLen;
      } else {
        prefixLen = 32;
      }
    }
    if ((dest & ~prefixToMask(prefixLen)) >>> 0 !== 0) {
      c.diag.warn(destTok, `route destination ${formatIpv4(dest)} has bits set outside its /${prefixLen} prefix`);
    }
  }
  const gwTok = c.need('the first hop (an address or =)');
  const gateway = gwTok.text === '=' ? null : ipv4Of(c, gwTok, 'the first hop (an address or =)');
  const ifTok = c.need('the interface or link name of the route');
  if (statementAt(ifTok) !== null || isKw(ifTok, ROUTE) || isKw(ifTok, END_ROUTES)) {
    c.fail(ifTok, `expected the interface or link name of the route, found ${ifTok.text}`);
  }
  let mtu: number | null = null;
  let replaceable = false;
  while (!atRouteBoundary(c.peek())) {
    const tok = c.take();
    if (isKw(tok, MTU)) {
      mtu = isKw(c.peek(), DEFAULTSIZE) ? (c.take(), null) : c.needInt('MTU', 1, 65535).value;
    } else if (isKw(tok, REPLACEABLE)) {
      replaceable = true;
    } else if (isKw(tok, NOREPLACEABLE)) {
      replaceable = false;
    } else if (matchKw(tok, FLAGS) !== null) {
      b.ignoreOperand('ROUTE', matchKw(tok, FLAGS)!.full, tok); // DELAYACKS / NODELAYACKS
    } else if (matchKw(tok, VALUED) !== null) {
      b.ignoreOperand('ROUTE', matchKw(tok, VALUED)!.full, tok);
      c.needInt(tok.up, 0, 999999);
    } else {
      c.fail(tok, tooShortMessage(tok, OPTION_KEYWORDS) ?? `unknown ROUTE option ${tok.text} (expected MTU, REPLACEABLE ... or the next ROUTE)`);
    }
  }
  b.routes.push({
    dest, prefixLen: isDefault ? 0 : prefixLen, isDefault, gateway, ifName: ifTok.up, mtu, replaceable,
    at: pos(routeTok),
  });
}

/** The block after BEGINROUTES. A statement keyword before ENDROUTES means ENDROUTES was forgotten. */
export function parseRoutes(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  for (;;) {
    const tok = c.peek();
    if (tok === undefined) {
      c.diag.error(stmt, 'BEGINROUTES is not closed: ENDROUTES is missing');
      return;
    }
    if (isKw(tok, END_ROUTES)) {
      c.take();
      return;
    }
    if (statementAt(tok) !== null) {
      c.diag.error(tok, `ENDROUTES expected before ${tok.text} (BEGINROUTES at ${stmt.line}:${stmt.col})`);
      return;
    }
    c.take();
    try {
      if (!isKw(tok, ROUTE)) {
        c.fail(tok, tooShortMessage(tok, [ROUTE, END_ROUTES]) ?? `expected ROUTE or ENDROUTES, found ${tok.text}`);
      }
      parseRoute(c, b, tok);
    } catch (e) {
      if (!(e instanceof StatementAbort)) throw e;
      while (!atRouteBoundary(c.peek())) c.take();
    }
  }
}

