// The older interface forms: DEVICE, LINK and HOME (ip linkname pairs), and START/STOP of a device.

import type { ProfileBuilder } from '../builder.js';
import { pos } from '../errors.js';
import { type Cursor, isDecimal, ipv4Of } from '../cursor.js';
import { statementAt } from '../keywords.js';
import type { Token } from '../lexer.js';
import type { DeviceCommand } from '../types.js';

function operands(c: Cursor): string[] {
  const words: string[] = [];
  while (!c.atEnd && statementAt(c.peek()) === null) words.push(c.take().up);
  return words;
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
  b.devices.push({ name: name.up, type: type.up, options: operands(c), at: pos(name) });
}

/** LINK name type [adapter number] device [operands]. */
export function parseLink(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  const name = needName(c, 'the link name');
  const type = needName(c, 'the link type');
  if (isDecimal(c.peek())) c.take(); // relative adapter number of LCS/CTC/VIRTUAL links
  const device = needName(c, 'the device name of the link');
  const dup = b.links.find((l) => l.name === name.up) ?? b.interfaces.find((i) => i.name === name.up);
  if (dup !== undefined) c.fail(name, `link ${name.up} is already defined at ${dup.at.line}:${dup.at.col}`);
  b.links.push({ name: name.up, type: type.up, device: device.up, options: operands(c), at: pos(name) });
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
