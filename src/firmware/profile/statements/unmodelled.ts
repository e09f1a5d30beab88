// Statements z/OS takes and the emulator does not model: each is read to its end by its own grammar (so the
// next statement is found, and a word that belongs to neither is an error), then listed as not modelled.
// Option lists follow the IP Configuration Reference's syntax diagrams; operand values are not range-checked.

import type { ProfileBuilder } from '../builder.js';
import { type Cursor, isDecimal } from '../cursor.js';
import { isKw, kw, statementAt, type StatementDef } from '../keywords.js';
import type { Token } from '../lexer.js';
import { isValueWord, keep, keepPairs, notAnOperand, type OptionSpec, scanOptions, skipOperands } from '../options.js';
import type { OtherOption } from '../types.js';
import { parseDelete } from './ignored.js';

type Reader = (c: Cursor, stmt: Token, b: ProfileBuilder) => void;

/** The operand lists of the unmodelled option statements (exported for the catalogue). */
export const UNMODELLED_OPTIONS: Readonly<Record<string, readonly OptionSpec[]>> = {
  IPCONFIG6: [
    ...keepPairs('DATAGRAMFWD', 'IGNOREROUTERHOPLIMIT', 'MULTIPATH', 'SOURCEVIPA', 'CHECKSUMOFFLOAD',
      'SEGMENTATIONOFFLOAD', 'TEMPADDRS', 'IPSECURITY', 'SMCD', 'SMCR'),
    keep('DYNAMICXCF', 'list'), keep('NODYNAMICXCF'), keep('TCPSTACKSOURCEVIPA', 1), keep('NOTCPSTACKSOURCEVIPA'),
    keep('INTFID', 1), keep('HOPLIMIT', 1), keep('ICMPERRORLIMIT', 1), keep('PERCONNECTION'), keep('PERPACKET'),
    keep('SECCLASS', 1), keep('OSMSECCLASS', 1), keep('PREFLIFETIME', 1), keep('VALIDLIFETIME', 1),
    keep('FORMAT', 1), keep('ECMPRANDOM'), keep('LOGENABLE'), keep('LOGDISABLE'), keep('LOGIMPLICIT'), keep('NOLOGIMPLICIT'),
  ],
  SMFCONFIG: [
    keep('TYPE118'), keep('TYPE119'),
    ...keepPairs('TCPINIT', 'TCPTERM', 'FTPCLIENT', 'TN3270CLIENT', 'TCPIPSTATISTICS', 'IFSTATISTICS', 'PORTSTATISTICS',
      'TCPSTACK', 'UDPTERM', 'DVIPA', 'IPSECURITY', 'PROFILE', 'SMCRGROUPSTATISTICS', 'SMCRLINKEVENT', 'SMCRLINKSTATISTICS',
      'SMCDLINKSTATISTICS', 'SMCDLINKEVENT', 'ZERTDETAIL', 'ZERTSUMMARY', 'CSSMTP', 'CSMAIL', 'DNSCONF'),
  ],
  NETMONITOR: [
    ...keepPairs('NTATRCSERVICE', 'PKTTRCSERVICE', 'SMFSERVICE', 'TCPCONNSERVICE', 'ZERTSERVICE', 'ZERTSUMMARY',
      'IPSECURITY', 'PROFILE', 'CSSMTP', 'CSMAIL', 'DVIPA', 'SMCRSTATISTICS', 'SMCDSTATISTICS'),
    keep('MINLIFETIME', 1),
  ],
  SACONFIG: [
    keep('ENABLED'), keep('DISABLED'), keep('COMMUNITY', 1), keep('AGENT', 1), keep('OSASF', 1),
    keep('SETSENABLED'), keep('SETSDISABLED'), keep('ATMENABLED'), keep('ATMDISABLED'),
  ],
  ITRACE: [
    keep('ON'), keep('OFF'), keep('CONFIG', 'list'), keep('PARSER', 'list'), keep('SUBAGENT', 'list'),
    keep('COMMAND', 'list'), keep('AUTODAEMON', 'list'), keep('SYSPLEX', 'list'),
  ],
  PKTTRACE: [
    keep('ON'), keep('OFF'), keep('ABBREV', 'list'), keep('FULL'), keep('CLEAR'), keep('DESTPORT', 1), keep('SRCPORT', 1),
    keep('IP', 1), keep('LINKNAME', 1), keep('INTFNAME', 1), keep('PROTocol', 1), keep('SUBNET', 1), keep('PORTNUM', 1),
  ],
};

function fixedInts(what: readonly string[]): Reader {
  return (c) => {
    for (const w of what) c.needInt(w, 0, 2147483647);
  };
}

/** A name operand (an interface, a link), which must not be the next statement's keyword. */
function needName(c: Cursor, what: string): Token {
  const tok = c.need(what);
  if (statementAt(tok) !== null) c.fail(tok, `expected ${what}, found the statement ${tok.up}`);
  return tok;
}

function optionsOf(name: string): Reader {
  return (c) => scanOptions(c, UNMODELLED_OPTIONS[name]!, { statement: name, other: [] });
}

/** TRANSLATE ip type hwaddr linkname ...: entries of the older ARP/NSAP translation table. */
const TRANSLATE_TYPES = ['ETHERNET', '802.3', 'ETHEROR802.3', 'IBMTR', 'FDDI', 'HCH', 'NSAP'];
function parseTranslate(c: Cursor, stmt: Token): void {
  if (!isValueWord(c.peek())) c.fail(c.peek() ?? c.endPos(), `TRANSLATE at ${stmt.line}:${stmt.col}: expected an IP address`);
  while (isValueWord(c.peek()) && statementAt(c.peek()) === null) {
    c.take();
    const type = c.need('the TRANSLATE network type');
    if (!TRANSLATE_TYPES.includes(type.up)) c.fail(type, `${type.text} is not a TRANSLATE network type (${TRANSLATE_TYPES.join(', ')})`);
    c.need('the hardware address');
    needName(c, 'the link name');
  }
}

/** PORTRANGE first count TCP|UDP jobname [options] ...: reserved port ranges. */
const PORTRANGE_OPTIONS: readonly OptionSpec[] = [
  keep('NOAUTOLOG'), keep('SAF', 1), keep('DELAYACKS'), keep('NODELAYACKS'), keep('NOSMC'), keep('NOSMCR'), keep('NOSMCD'),
  keep('SHAREPORT'), keep('SHAREPORTWLM'), keep('BIND', 1), keep('OPTLOCAL'),
];
function parsePortRange(c: Cursor, stmt: Token): void {
  if (!isDecimal(c.peek())) c.fail(c.peek() ?? c.endPos(), `PORTRANGE at ${stmt.line}:${stmt.col}: expected the first port number`);
  while (isDecimal(c.peek())) {
    c.needInt('the first port', 1, 65535);
    c.needInt('the number of ports', 1, 65535);
    c.needKw([kw('TCP'), kw('UDP')], 'TCP or UDP');
    needName(c, 'the job name');
    scanOptions(c, PORTRANGE_OPTIONS, { statement: 'PORTRANGE', other: [] as OtherOption[], stop: (t) => isDecimal(t) });
  }
}

/** PKTTRACE writes its operands as KEY=value (ABBREV=200 IP=*) or as flags (ON, FULL, CLEAR). */
function parsePktTrace(c: Cursor): void {
  const specs = UNMODELLED_OPTIONS['PKTTRACE']!;
  const names = specs.map((s) => s.keyword);
  while (!c.atEnd && statementAt(c.peek()) === null) {
    const tok = c.take();
    const eq = tok.text.indexOf('=');
    const key: Token = eq < 0 ? tok : { ...tok, text: tok.text.slice(0, eq), up: tok.up.slice(0, eq) };
    const spec = specs.find((s) => isKw(key, s.keyword));
    if (spec === undefined) c.fail(tok, notAnOperand(key, 'PKTTRACE', names));
    if (eq < 0 && spec.values === 1) c.need(`the value of ${spec.keyword.full}`);
  }
}

/** ATM statements of older releases: a name and operands whose grammar we do not carry (kept as written). */
function parseAtm(c: Cursor): void {
  needName(c, 'the ATM name');
  skipOperands(c);
}

const READERS: Readonly<Record<string, Reader>> = {
  ARPAGE: fixedInts(['ARPAGE minutes']),
  SOMAXCONN: fixedInts(['the SOMAXCONN backlog']),
  SMFPARMS: fixedInts(['the initial-record subtype', 'the termination-record subtype', 'the client subtype']),
  PRIMARYINTERFACE: (c) => void needName(c, 'the interface or link name'),
  DELETE: (c) => parseDelete(c),
  TRANSLATE: parseTranslate,
  PORTRANGE: parsePortRange,
  ATMARPSV: parseAtm,
  ATMLIS: parseAtm,
  ATMPVC: parseAtm,
  TRACE: (c) => skipOperands(c),
  ...Object.fromEntries(Object.keys(UNMODELLED_OPTIONS).map((n) => [n, optionsOf(n)])),
  PKTTRACE: parsePktTrace,
};

/** A not-modelled statement: read by its grammar, then listed. */
export function parseUnmodelled(c: Cursor, stmt: Token, b: ProfileBuilder, def: StatementDef): void {
  const name = def.keyword.full;
  const read = READERS[name];
  if (read === undefined) skipOperands(c);
  else read(c, stmt, b);
  b.ignore(name, stmt);
}
