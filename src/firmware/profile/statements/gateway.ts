// GATEWAY: the older form of static routes, one entry a line, up to the next statement:
//   network|DEFAULTNET  first_hop|=  link_name  packet_size|DEFAULTSIZE  subnet_mask|HOST|0  [subnet_value]  [options]
// `network` may be written with only its network part (9, 130.50, 193.5.2: the class gives the length);
// subnet_mask 0 means not subnetted (the classful mask), HOST a host route; a subnet mask gives the subnet bits
// inside the host part (0.255.255.0) and subnet_value the subnet (0.67.43.0). Each entry becomes the Route a
// BEGINROUTES ROUTE with the same destination, first hop, interface and MTU would give.

import type { ProfileBuilder } from '../builder.js';
import { type Cursor, ipv4Of } from '../cursor.js';
import { pos, StatementAbort } from '../errors.js';
import { isKw, kw, matchKw, statementAt, type Keyword } from '../keywords.js';
import type { Token } from '../lexer.js';
import { classfulPrefix, formatIpv4, prefixToMask } from '../ipv4.js';
import { isValueWord, notAnOperand } from '../options.js';

const DEFAULTNET = kw('DEFAULTNET');
const DEFAULTSIZE = kw('DEFAULTSIZE');
const HOST = kw('HOST');
const REPLACEABLE = kw('REPLaceable');
const FLAGS: readonly Keyword[] = [REPLACEABLE, kw('NOREPLaceable'), kw('DELAYAcks'), kw('NODELAYAcks')];
const VALUED: readonly Keyword[] = [
  kw('MAXImumretransmittime'), kw('MINImumretransmittime'), kw('ROUNDTRIPGain'), kw('VARIANCEGain'), kw('VARIANCEMultiplier'),
];

/** `9` -> 9.0.0.0, `130.50` -> 130.50.0.0: the network part padded with zero octets. */
function networkOf(c: Cursor, tok: Token): number {
  const parts = tok.text.split('.');
  if (parts.length < 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p))) {
    return ipv4Of(c, { ...tok, text: [...parts, '0', '0', '0'].slice(0, 4).join('.') }, 'the GATEWAY network');
  }
  return ipv4Of(c, tok, 'the GATEWAY network');
}

function atEntryEnd(tok: Token | undefined): boolean {
  return tok === undefined || statementAt(tok) !== null;
}

function parseEntry(c: Cursor, b: ProfileBuilder, netTok: Token): void {
  const isDefault = isKw(netTok, DEFAULTNET);
  const network = isDefault ? 0 : networkOf(c, netTok);
  const hopTok = c.need('the first hop (an address or =)');
  const gateway = hopTok.text === '=' ? null : ipv4Of(c, hopTok, 'the first hop (an address or =)');
  const link = c.need('the link name');
  if (statementAt(link) !== null) c.fail(link, `expected the link name, found the statement ${link.up}`);
  const sizeTok = c.need('the packet size (or DEFAULTSIZE)');
  const mtu = isKw(sizeTok, DEFAULTSIZE) ? null : c.needIntOf(sizeTok, 'the packet size', 1, 65535);
  const maskTok = c.need('the subnet mask (0, HOST or a mask)');
  let prefixLen = isDefault ? 0 : classfulPrefix(network);
  let dest = network;
  if (isKw(maskTok, HOST)) {
    if (isDefault) c.fail(maskTok, 'DEFAULTNET takes subnet mask 0, not HOST');
    prefixLen = 32;
  } else if (maskTok.text !== '0') {
    if (isDefault) c.fail(maskTok, 'DEFAULTNET takes subnet mask 0');
    const subnetMask = ipv4Of(c, maskTok, 'the subnet mask');
    const mask = (prefixToMask(prefixLen) | subnetMask) >>> 0;
    const len = Math.clz32(~mask);
    if (((mask << len) >>> 0) !== 0 || len === 0) c.fail(maskTok, `subnet mask ${maskTok.text} with network ${netTok.text} is not contiguous`);
    const valueTok = c.need('the subnet value');
    const value = ipv4Of(c, valueTok, 'the subnet value');
    if ((value & ~subnetMask) >>> 0 !== 0) c.fail(valueTok, `subnet value ${valueTok.text} has bits outside subnet mask ${maskTok.text}`);
    prefixLen = len === 32 ? 32 : len;
    dest = (network | value) >>> 0;
  }
  if (!isDefault && (dest & ~prefixToMask(prefixLen)) >>> 0 !== 0) {
    c.diag.warn(netTok, `GATEWAY network ${formatIpv4(dest)} has bits set outside its /${prefixLen} prefix`);
  }
  let replaceable = false;
  while (!atEntryEnd(c.peek()) && !isValueWord(c.peek()) && !isKw(c.peek(), DEFAULTNET)) {
    const tok = c.take();
    if (isKw(tok, REPLACEABLE)) replaceable = true;
    else if (matchKw(tok, FLAGS) !== null) b.ignoreOperand('GATEWAY', matchKw(tok, FLAGS)!.full, tok);
    else if (matchKw(tok, VALUED) !== null) {
      b.ignoreOperand('GATEWAY', matchKw(tok, VALUED)!.full, tok);
      c.needInt(tok.up, 0, 999999);
    }
    else c.fail(tok, notAnOperand(tok, 'a GATEWAY entry', [...FLAGS, ...VALUED]));
  }
  b.routes.push({
    dest: isDefault ? 0 : dest, prefixLen, isDefault, gateway, ifName: link.up, mtu, replaceable, at: pos(netTok),
  });
}

/** GATEWAY entries up to the next statement; an error abandons its entry only. */
export function parseGateway(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  if (atEntryEnd(c.peek())) c.fail(c.peek() ?? c.endPos(), `GATEWAY at ${stmt.line}:${stmt.col} has no entries`);
  while (!atEntryEnd(c.peek())) {
    const tok = c.take();
    try {
      if (!isValueWord(tok) && !isKw(tok, DEFAULTNET)) c.fail(tok, notAnOperand(tok, 'GATEWAY', [DEFAULTNET]) + ' (an entry starts with a network or DEFAULTNET)');
      parseEntry(c, b, tok);
    } catch (e) {
      if (!(e instanceof StatementAbort)) throw e;
      // Entries are one a line: resume at the next line.
      while (!atEntryEnd(c.peek()) && c.peek()!.line === tok.line && c.peek()!.file === tok.file) c.take();
    }
  }
}
