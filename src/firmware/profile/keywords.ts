// Keywords in IBM's syntax-diagram notation: the capitalised prefix is the minimum abbreviation
// (`VIPADEFine` accepts VIPADEF, VIPADEFI ... VIPADEFINE); an all-capitals keyword must be written in full.
// Matching is case-insensitive because tokens carry their upper-cased text.

import type { Token } from './lexer.js';

export interface Keyword {
  /** The whole keyword, upper case. */
  readonly full: string;
  /** Length of the shortest accepted abbreviation. */
  readonly min: number;
}

const cache = new Map<string, Keyword>();

/** The keyword written in diagram notation (`DISTMethod`). Interned, so callers may keep module-level constants. */
export function kw(notation: string): Keyword {
  let k = cache.get(notation);
  if (k === undefined) {
    let min = 0;
    while (min < notation.length && !/[a-z]/.test(notation[min]!)) min++;
    k = { full: notation.toUpperCase(), min };
    cache.set(notation, k);
  }
  return k;
}

/** True when the token is the keyword or an accepted abbreviation of it. */
export function isKw(tok: Token | undefined, k: Keyword): boolean {
  if (tok === undefined || tok.quoted) return false;
  const up = tok.up;
  return up.length >= k.min && up.length <= k.full.length && k.full.startsWith(up);
}

/** The first keyword of the list that the token matches, or null. */
export function matchKw(tok: Token | undefined, list: readonly Keyword[]): Keyword | null {
  for (const k of list) if (isKw(tok, k)) return k;
  return null;
}

/**
 * When the token looks like an attempt at one of the keywords but is shorter than its minimum abbreviation
 * (`DIST` for DISTMethod), the message saying so; otherwise null. Words under three letters are not attempts.
 */
export function tooShortMessage(tok: Token | undefined, list: readonly Keyword[]): string | null {
  if (tok === undefined || tok.quoted || tok.up.length < 3) return null;
  for (const k of list) {
    if (tok.up.length < k.min && k.full.startsWith(tok.up)) {
      return k.min === k.full.length
        ? `${tok.text} is not a keyword: ${k.full} may not be abbreviated`
        : `${tok.text} is shorter than the minimum abbreviation ${k.full.slice(0, k.min)} of ${k.full}`;
    }
  }
  return null;
}

/** How a top-level statement is handled. */
export type StatementKind = 'parsed' | 'ignored' | 'block';

export interface StatementDef {
  readonly keyword: Keyword;
  readonly kind: StatementKind;
  /** For blocks (ignored or parsed): the keyword that closes them. */
  readonly end?: Keyword;
}

function def(notation: string, kind: StatementKind, end?: string): StatementDef {
  return end === undefined ? { keyword: kw(notation), kind } : { keyword: kw(notation), kind, end: kw(end) };
}

/**
 * Every top-level statement of PROFILE.TCPIP we know. Abbreviations: IPCONFig, AUTOLog, DEVice, BEGINRoutes,
 * VIPADynamic are documented (IBM diagrams, IPCS-reconstructed profiles); GLOBALCONFig/TCPCONFig/UDPCONFig follow
 * IPCONFig by analogy (assumed); the rest must be written in full.
 */
export const STATEMENTS: readonly StatementDef[] = [
  def('IPCONFig', 'parsed'),
  def('IPCONFIG6', 'ignored'),
  def('INTERFACE', 'parsed'),
  def('DEVice', 'parsed'),
  def('LINK', 'parsed'),
  def('HOME', 'parsed'),
  def('BEGINRoutes', 'parsed', 'ENDRoutes'),
  def('GATEWAY', 'ignored'),
  def('VIPADynamic', 'parsed', 'ENDVIPADynamic'),
  def('PORT', 'parsed'),
  def('PORTRANGE', 'ignored'),
  def('START', 'parsed'),
  def('STOP', 'parsed'),
  def('GLOBALCONFig', 'parsed'),
  def('TCPCONFig', 'parsed'),
  def('UDPCONFig', 'parsed'),
  def('DELETE', 'ignored'),
  def('INCLUDE', 'ignored'),
  def('ARPAGE', 'ignored'),
  def('ATMARPSV', 'ignored'),
  def('ATMLIS', 'ignored'),
  def('ATMPVC', 'ignored'),
  def('ITRACE', 'ignored'),
  def('TRACE', 'ignored'),
  def('PKTTRACE', 'ignored'),
  def('NETMONITOR', 'ignored'),
  def('PRIMARYINTERFACE', 'ignored'),
  def('SACONFIG', 'ignored'),
  def('SMFCONFIG', 'ignored'),
  def('SMFPARMS', 'ignored'),
  def('SOMAXCONN', 'ignored'),
  def('TRANSLATE', 'ignored'),
  def('AUTOLog', 'block', 'ENDAUTOLog'),
  def('IPSEC', 'block', 'ENDIPSEC'),
  def('NETACCESS', 'block', 'ENDNETACCESS'),
  def('SRCIP', 'block', 'ENDSRCIP'),
  def('BSDROUTINGPARMS', 'block', 'ENDBSDROUTINGPARMS'),
  def('DEFADDRTABLE', 'block', 'ENDDEFADDRTABLE'),
  def('TELNETGLOBALS', 'block', 'ENDTELNETGLOBALS'),
  def('TELNETPARMS', 'block', 'ENDTELNETPARMS'),
  def('BEGINVTAM', 'block', 'ENDVTAM'),
  def('ASSORTEDPARMS', 'block', 'ENDASSORTEDPARMS'),
  def('KEEPALIVEOPTIONS', 'block', 'ENDKEEPALIVEOPTIONS'),
  def('INFORM', 'block', 'ENDINFORM'),
];

const STATEMENT_KEYWORDS = STATEMENTS.map((s) => s.keyword);

/** The statement the token starts, or null. */
export function statementAt(tok: Token | undefined): StatementDef | null {
  if (tok === undefined || tok.quoted) return null;
  for (const s of STATEMENTS) if (isKw(tok, s.keyword)) return s;
  return null;
}

/** Message when the token is a too-short abbreviation of a statement keyword (`VIPA` for VIPADynamic). */
export function statementTooShort(tok: Token | undefined): string | null {
  return tooShortMessage(tok, STATEMENT_KEYWORDS);
}

/** Statements of the VIPADYNAMIC block. */
export const VIPA_STATEMENTS = {
  define: kw('VIPADEFine'),
  backup: kw('VIPABackup'),
  del: kw('VIPADELete'),
  distribute: kw('VIPADISTribute'),
  range: kw('VIPARange'),
  route: kw('VIPAROUTE'),
  smParms: kw('VIPASMparms'),
} as const;

export const VIPA_STATEMENT_LIST: readonly Keyword[] = Object.values(VIPA_STATEMENTS);
export const END_VIPADYNAMIC = kw('ENDVIPADynamic');
