// The older interface forms: DEVICE, LINK and HOME (ip linkname pairs), and START/STOP of a device.
// Device and link types and their operands are those of the IP Configuration Reference's DEVICE and LINK
// statements (all releases); a word that is none of them, nor a value, is an error.

import type { ProfileBuilder } from '../builder.js';
import { pos } from '../errors.js';
import { type Cursor, isDecimal, ipv4Of } from '../cursor.js';
import { kw, statementAt } from '../keywords.js';
import { isValueWord, notAnOperand, startsLine } from '../options.js';
import { nearest } from '../suggest.js';
import type { Token } from '../lexer.js';
import type { DeviceCommand } from '../types.js';

/** Device types with the number of positional operands after the type (device number, host names ...). */
const DEVICE_TYPES: Readonly<Record<string, number>> = {
  MPCIPA: 0, MPCPTP: 0, MPCOSA: 0, ATM: 0, LCS: 1, CTC: 1, VIRTUAL: 1, HCH: 1, CDLC: 1, X25NPSI: 1, CLAW: 3,
  SNAIUCV: 2, SNALINK: 2,
};
/** Link types (after the type: an optional adapter number, then the device name). */
const LINK_TYPES = [
  'IPAQENET', 'IPAQTR', 'IPAQIDIO', 'MPCPTP', 'SAMEHOST', 'ETHERNET', '802.3', 'ETHEROR802.3', 'IBMTR', 'FDDI', 'CTC',
  'VIRTUAL', 'IP', 'HCH', 'ATM', 'CDLC', 'X25NPSI', 'SNAIUCV', 'SNALINK', 'OSAFDDI', 'OSAENET',
];
/** Keyword operands of DEVICE and LINK across their types; those in TAKES_WORD are followed by a word value. */
const OPERANDS = [
  'AUTORESTART', 'NOAUTORESTART', 'NONROUTER', 'PRIROUTER', 'SECROUTER', 'IOBUFFERSIZE', 'NONE', 'PACKED', 'IFSPEED',
  'IFHSPEED', 'CHECKSUM', 'NOCHECKSUM', 'SECCLASS', 'MONSYSPLEX', 'NOMONSYSPLEX', 'READSTORAGE', 'VLANID', 'VMAC',
  'ROUTEALL', 'ROUTELCL', 'INBPERF', 'BALANCED', 'DYNAMIC', 'MINCPU', 'MINLATENCY', 'WORKLOADQ', 'NOWORKLOADQ', 'IPBCAST',
  'ISOLATE', 'NOISOLATE', 'OLM', 'NOOLM', 'DYNVLANREG', 'NODYNVLANREG', 'ALLRINGSBCAST', 'LOCALBCAST', 'PORTNAME', 'LIS',
  'ENVIRONMENT', 'NOACK', 'ACK',
];
const TAKES_WORD = new Set(['PORTNAME', 'LIS', 'READSTORAGE', 'ENVIRONMENT']);
const OPERAND_KW = OPERANDS.map((o) => kw(o));

/** The operands after the positional ones: values and known keywords, up to the next statement. Keywords are
 *  kept and listed as not modelled (the emulator models the OSA from the topology). */
function operands(c: Cursor, statement: string, b: ProfileBuilder): string[] {
  const words: string[] = [];
  while (!c.atEnd && statementAt(c.peek()) === null) {
    const next = c.peek()!;
    const unknown = !isValueWord(next) && !OPERANDS.includes(next.up);
    // An unknown word starting a line is left to the statement loop (most likely an unknown statement).
    if (unknown && startsLine(next, c.peek(-1)) && nearest(next.up, OPERANDS) === null) break;
    const tok = c.take();
    if (unknown) c.fail(tok, notAnOperand(tok, statement, OPERAND_KW));
    if (!isValueWord(tok)) b.ignoreOperand(statement, tok.up, tok);
    words.push(tok.up);
    if (TAKES_WORD.has(tok.up) && !c.atEnd && statementAt(c.peek()) === null) words.push(c.take().up);
  }
  return words;
}

function checkType(c: Cursor, tok: Token, types: readonly string[], statement: string): void {
  if (types.includes(tok.up)) return;
  const near = nearest(tok.up, types);
  c.fail(tok, `${tok.text} is not a ${statement} type (${types.join(', ')})${near === null ? '' : ` (did you mean ${near}?)`}`);
}

/** A name operand, which must not be the next statement's keyword. */
function needName(c: Cursor, what: string): Token {
  const tok = c.need(what);
  if (statementAt(tok) !== null) c.fail(tok, `expected ${what}, found the statement ${tok.up}`);
  return tok;
}

/** DEVICE name type [operands]: kept for LINK and START; the emulator models OSAs from INTERFACE or LINK. */
export function parseDevice(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  const name = needName(c, 'the device name');
  const type = needName(c, 'the device type');
  checkType(c, type, Object.keys(DEVICE_TYPES), 'DEVICE');
  const positional: string[] = [];
  for (let i = 0; i < DEVICE_TYPES[type.up]!; i++) positional.push(needName(c, `operand ${i + 1} of DEVICE ${type.up}`).up);
  b.devices.push({ name: name.up, type: type.up, options: [...positional, ...operands(c, `DEVICE ${type.up}`, b)], at: pos(name) });
}

/** LINK name type [adapter number] device [operands]. */
export function parseLink(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  const name = needName(c, 'the link name');
  const type = needName(c, 'the link type');
  checkType(c, type, LINK_TYPES, 'LINK');
  if (isDecimal(c.peek())) c.take(); // relative adapter number of LCS/CTC/VIRTUAL links
  const device = needName(c, 'the device name of the link');
  const dup = b.links.find((l) => l.name === name.up) ?? b.interfaces.find((i) => i.name === name.up);
  if (dup !== undefined) c.fail(name, `link ${name.up} is already defined at ${dup.at.line}:${dup.at.col}`);
  b.links.push({ name: name.up, type: type.up, device: device.up, options: operands(c, `LINK ${type.up}`, b), at: pos(name) });
}

/** HOME ip linkname [ip linkname ...]. As on the stack, an error ends the list. */
export function parseHome(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  while (!c.atEnd && statementAt(c.peek()) === null) {
    const tok = c.take();
    const ip = ipv4Of(c, tok, 'a HOME address');
    const link = needName(c, `the link name of HOME address ${tok.text}`);
    b.homes.push({ ip, linkName: link.up, at: pos(tok) });
  }
}

export function parseStartStop(list: DeviceCommand[]) {
  return (c: Cursor, stmt: Token): void => {
    const name = needName(c, `the device or interface name to ${stmt.up}`);
    list.push({ name: name.up, at: pos(name) });
  };
}
