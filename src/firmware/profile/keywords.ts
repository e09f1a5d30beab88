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

/** How a top-level statement is read: its operands up to the next statement, or a block up to its END word. */
export type StatementKind = 'parsed' | 'ignored' | 'block';

export interface StatementDef {
  readonly keyword: Keyword;
  readonly kind: StatementKind;
  /** True when the statement changes the emulation; false for a z/OS statement the emulator accepts and lists. */
  readonly modelled: boolean;
  /** For blocks (ignored or parsed): the keyword that closes them. */
  readonly end?: Keyword;
  /** Why it is kept although z/OS no longer takes it (older releases), for the catalogue. */
  readonly note?: string;
}

function def(notation: string, kind: StatementKind, modelled: boolean, end?: string, note?: string): StatementDef {
  return {
    keyword: kw(notation), kind, modelled,
    ...(end !== undefined ? { end: kw(end) } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

const OLDER = 'older releases (before z/OS V1R9 or V2R1); still found in long-lived profiles';

/**
 * Every top-level statement of PROFILE.TCPIP, from the statement index of the z/OS Communications Server IP
 * Configuration Reference ("TCP/IP profile (PROFILE.TCPIP) and configuration statements"), plus the statements
 * of older releases that long-lived profiles still carry. Abbreviations: IPCONFig, AUTOLog, DEVice, BEGINRoutes,
 * VIPADynamic are documented (IBM diagrams, IPCS-reconstructed profiles); GLOBALCONFig/TCPCONFig/UDPCONFig follow
 * IPCONFig by analogy (assumed); the rest must be written in full. `modelled` is what the emulator uses.
 */
export const STATEMENTS: readonly StatementDef[] = [
  def('IPCONFig', 'parsed', true),
  def('IPCONFIG6', 'ignored', false),
  def('INTERFACE', 'parsed', true),
  def('DEVice', 'parsed', true),
  def('LINK', 'parsed', true),
  def('HOME', 'parsed', true),
  def('BEGINRoutes', 'parsed', true, 'ENDRoutes'),
  def('GATEWAY', 'parsed', true),
  def('VIPADynamic', 'parsed', true, 'ENDVIPADynamic'),
  def('PORT', 'parsed', true),
  def('PORTRANGE', 'ignored', false),
  def('START', 'parsed', true),
  def('STOP', 'parsed', true),
  def('GLOBALCONFig', 'parsed', true),
  def('TCPCONFig', 'parsed', true),
  def('UDPCONFig', 'parsed', true),
  def('INCLUDE', 'parsed', true),
  def('DELETE', 'ignored', false),
  def('ARPAGE', 'ignored', false),
  def('ATMARPSV', 'ignored', false, undefined, OLDER),
  def('ATMLIS', 'ignored', false, undefined, OLDER),
  def('ATMPVC', 'ignored', false, undefined, OLDER),
  def('ITRACE', 'ignored', false),
  def('TRACE', 'ignored', false, undefined, OLDER),
  def('PKTTRACE', 'ignored', false),
  def('NETMONITOR', 'ignored', false),
  def('PRIMARYINTERFACE', 'ignored', false),
  def('SACONFIG', 'ignored', false),
  def('SMFCONFIG', 'ignored', false),
  def('SMFPARMS', 'ignored', false),
  def('SOMAXCONN', 'ignored', false),
  def('TRANSLATE', 'ignored', false),
  def('AUTOLog', 'block', false, 'ENDAUTOLog'),
  def('IPSEC', 'block', false, 'ENDIPSEC'),
  def('NETACCESS', 'block', false, 'ENDNETACCESS'),
  def('SRCIP', 'block', false, 'ENDSRCIP'),
  def('BSDROUTINGPARMS', 'block', false, 'ENDBSDROUTINGPARMS'),
  def('DEFADDRTABLE', 'block', false, 'ENDDEFADDRTABLE'),
  def('TELNETGLOBALS', 'block', false, 'ENDTELNETGLOBALS', OLDER),
  def('TELNETPARMS', 'block', false, 'ENDTELNETPARMS', OLDER),
  def('BEGINVTAM', 'block', false, 'ENDVTAM', OLDER),
  def('ASSORTEDPARMS', 'block', false, 'ENDASSORTEDPARMS', OLDER),
  def('KEEPALIVEOPTIONS', 'block', false, 'ENDKEEPALIVEOPTIONS', OLDER),
  def('INFORM', 'block', false, 'ENDINFORM', OLDER),
];

/** Statements of other configuration files, named when a profile carries one by mistake. */
export const FOREIGN_STATEMENTS: Readonly<Record<string, string>> = Object.fromEntries([
  ...['DATASETPREFIX', 'TCPIPJOBNAME', 'HOSTNAME', 'DOMAINORIGIN', 'DOMAIN', 'NSINTERADDR', 'NAMESERVER', 'NSPORTADDR',
    'RESOLVEVIA', 'RESOLVERTIMEOUT', 'RESOLVERUDPRETRIES', 'LOOKUP', 'SEARCH', 'MESSAGECASE', 'TCPIPUSERID', 'TRACE RESOLVER',
    'ALWAYSWTO', 'NOCACHE', 'SORTLIST', 'OPTIONS', 'LOADDBCSTABLES'].map((n) => [n, 'a TCPIP.DATA statement']),
  ...['OSPF_INTERFACE', 'RIP_INTERFACE', 'AREA', 'ROUTERID', 'OSPF', 'RIP', 'ORIGINATE_RIP_DEFAULT', 'GLOBAL_OPTIONS',
    'IPV6_OSPF', 'IPV6_RIP', 'IPV6_INTERFACE', 'DEFAULT_ROUTE'].map((n) => [n, 'an OMPROUTE configuration statement']),
  ...['TELNETDEVICE', 'LUGROUP', 'PRTGROUP', 'LUMAP', 'PRTMAP', 'DEFAULTLUS', 'ALLOWAPPL', 'USSTCP', 'INACTIVE']
    .map((n) => [n, 'a TN3270E Telnet statement (inside TELNETPARMS or BEGINVTAM)']),
]);

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
