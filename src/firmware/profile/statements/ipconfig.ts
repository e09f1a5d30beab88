// IPCONFIG: IP-layer settings; DYNAMICXCF gives the stack its dynamic XCF address (how targets are named).

import type { ProfileBuilder } from '../builder.js';
import { pos } from '../errors.js';
import { type Cursor, intOf, ipv4Of, splitSlash } from '../cursor.js';
import { kw } from '../keywords.js';
import type { Token } from '../lexer.js';
import { prefixToMask } from '../ipv4.js';
import { keep, keepPairs, opt, type OptionSpec, scanOptions } from '../options.js';

const PERCONNECTION = kw('PERConnection');
const PERPACKET = kw('PERPacket');
const LONG = kw('LONG');
const SHORT = kw('SHORT');

/** `DYNAMICXCF ip mask cost` or `DYNAMICXCF ip/len cost`. Cost range is not documented: 0-65535 assumed. */
function parseDynamicXcf(c: Cursor, b: ProfileBuilder, at: Token): void {
  const addr = c.need('the dynamic XCF address');
  let ip: number;
  let prefixLen: number;
  const { left, right } = splitSlash(addr);
  if (right !== null) {
    ip = ipv4Of(c, left, 'the dynamic XCF address');
    prefixLen = intOf(c, right, 'the dynamic XCF prefix length', 1, 32);
  } else {
    ip = ipv4Of(c, addr, 'the dynamic XCF address');
    prefixLen = c.needMask('the dynamic XCF subnet mask').prefixLen;
  }
  const cost = c.needInt('the dynamic XCF cost metric', 0, 65535).value;
  b.dynamicXcf = { ip, mask: prefixToMask(prefixLen), prefixLen, cost, at: pos(at) };
}

export function ipconfigOptions(c: Cursor, b: ProfileBuilder): OptionSpec[] {
  const ipc = b.ipconfig;
  return [
      opt('DATAGRamfwd', () => (ipc.datagramFwd = true)),
      opt('NODATAGRamfwd', () => (ipc.datagramFwd = false)),
      opt('SYSPLEXRouting', () => (ipc.sysplexRouting = true)),
      opt('NOSYSPLEXRouting', () => (ipc.sysplexRouting = false)),
      opt('SOURCEVIPA', () => (ipc.sourceVipa = true)),
      opt('NOSOURCEVIPA', () => (ipc.sourceVipa = false)),
      opt('TCPSTACKSOURCEVipa', () => (ipc.tcpStackSourceVipa = c.needIpv4('the TCPSTACKSOURCEVIPA address').ip)),
      opt('NOTCPSTACKSOURCEVipa', () => (ipc.tcpStackSourceVipa = null)),
      opt('DYNAMICXCF', (tok) => parseDynamicXcf(c, b, tok)),
      opt('NODYNAMICXCF', () => (b.dynamicXcf = null)),
      opt('MULTIPATH', () => {
        ipc.multipath = c.accept(PERPACKET) !== null ? 'PERPACKET' : 'PERCONNECTION';
        c.accept(PERCONNECTION);
      }),
      opt('NOMULTIPATH', () => (ipc.multipath = null)),
      opt('PATHMTUDISCovery', () => (ipc.pathMtuDiscovery = true)),
      opt('NOPATHMTUDISCovery', () => (ipc.pathMtuDiscovery = false)),
      opt('TTL', () => (ipc.ttl = c.needInt('TTL', 1, 255).value)),
      opt('ARPTO', () => (ipc.arpTimeout = c.needInt('ARPTO', 60, 86400).value)),
      opt('REASSEMBLytimeout', () => (ipc.reassemblyTimeout = c.needInt('REASSEMBLYTIMEOUT', 1, 240).value)),
      opt('FORMat', () => (ipc.format = c.needKw([LONG, SHORT], 'LONG or SHORT') === LONG ? 'LONG' : 'SHORT')),
      keep('CHECKSUMOFFLoad'),
      keep('NOCHECKSUMOFFLoad'),
      keep('FWDMULTipath'),
      keep('NOFWDMULTipath'),
      keep('PERPacket'),
      keep('PERConnection'),
      keep('DEVRETRYDURation', 1),
      keep('SECCLASS', 1),
      keep('SMCD'),
      keep('NOSMCD'),
      keep('SOURCEVIPAINTerface', 1),
      keep('IGNORERedirect'),
      keep('ACCEPTREDIRECT'),
      keep('IPSECURITY'),
      keep('IQDIORouting'),
      keep('NOIQDIORouting'),
      keep('QDIOACCELerator'),
      keep('NOQDIOACCELerator'),
      keep('QDIOPriority', 1),
      keep('SEGMENTATIONOFFLoad'),
      keep('NOSEGMENTATIONOFFLoad'),
      keep('VARSUBNETTING'),
      keep('NOVARSUBNETTING'),
      keep('CLAWUSEDOUBLENOP'),
      keep('STOPONCLAWERROR'),
      keep('NOIGNORERedirect'),
      keep('NOSTOPONCLAWERROR'),
      keep('NOCLAWUSEDOUBLENOP'),
      ...keepPairs('SMCR'),
      keep('LOGENABLE'), keep('LOGDISABLE'), keep('LOGIMPLICIT'), keep('NOLOGIMPLICIT'),
  ];
}

export function parseIpconfig(c: Cursor, _stmt: Token, b: ProfileBuilder): void {
  scanOptions(c, ipconfigOptions(c, b), { statement: 'IPCONFIG', other: b.ipconfig.otherOptions, notModelled: b.operandsOf('IPCONFIG') });
}
