// The modifiers and filters of `D TCPIP,<proc>,NETSTAT,<report>[,...]`, parsed once for every report:
//   DETAIL                 more lines per record
//   FORMAT=LONG|SHORT      override the stack's format (IPCONFIG FORMAT; SHORT by default on IPv4)
//   MAX=n|*                records to show (default GLOBALCONFIG MAXRECS, 100)
//   IPADDR=ip[/len|/mask]  VDPT/VCRT: the DVIPA; VIPADCFG: the address; CONN: the foreign address
//   PORT=p                 VDPT/VCRT: the DVIPA port; CONN: the local port
//   IPPORT=ip+p            VDPT/VCRT: both
//   DVIPA | VIPAROUTE      VIPADYN: only that part
// Keywords are case-insensitive (the caller upper-cases) and may be shortened to their IBM minimum.

import { parseIpv4 } from '../profile/ipv4.js';
import { DEFAULT_MAX_RECORDS } from './format.js';

export interface NetstatOptions {
  long: boolean;
  detail: boolean;
  max: number;
  /** Address filter: (ip & mask) === net. */
  filter: { net: number; mask: number } | null;
  port: number | null;
  part: 'DVIPA' | 'VIPAROUTE' | null;
}

/** Matches the address filter (when any). */
export function addressMatches(o: NetstatOptions, ip: number): boolean {
  return o.filter === null || ((ip & o.filter.mask) >>> 0) === o.filter.net;
}

function parseFilter(text: string): { net: number; mask: number } | null {
  const [addr = '', suffix] = text.split('/', 2);
  const ip = parseIpv4(addr);
  if (ip === null) return null;
  let mask = 0xffffffff;
  if (suffix !== undefined) {
    if (/^\d{1,2}$/.test(suffix) && Number(suffix) <= 32) mask = Number(suffix) === 0 ? 0 : (0xffffffff << (32 - Number(suffix))) >>> 0;
    else {
      const m = parseIpv4(suffix);
      if (m === null) return null;
      mask = m;
    }
  }
  return { net: (ip & mask) >>> 0, mask };
}

/** Parses the words after the report name; a string is the message for a word it does not accept. */
export function parseOptions(words: readonly string[], defaultLong: boolean): NetstatOptions | string {
  const o: NetstatOptions = { long: defaultLong, detail: false, max: DEFAULT_MAX_RECORDS, filter: null, port: null, part: null };
  for (const w of words) {
    if (w === '') continue;
    const eq = w.indexOf('=');
    const key = eq < 0 ? w : w.slice(0, eq);
    const value = eq < 0 ? '' : w.slice(eq + 1);
    if (eq < 0 && 'DETAIL'.startsWith(key) && key.length >= 3) o.detail = true;
    else if (eq < 0 && key === 'DVIPA') o.part = 'DVIPA';
    else if (eq < 0 && 'VIPAROUTE'.startsWith(key) && key.length >= 5) o.part = 'VIPAROUTE';
    else if (key === 'FORMAT' || key === 'FORM') {
      if (value !== '' && 'LONG'.startsWith(value)) o.long = true;
      else if (value !== '' && 'SHORT'.startsWith(value)) o.long = false;
      else return `FORMAT=${value} IS NOT LONG OR SHORT`;
    } else if (key === 'MAX') {
      if (value === '*') o.max = Infinity;
      else if (/^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535) o.max = Number(value);
      else return `MAX=${value} IS NOT * OR 1-65535`;
    } else if (key === 'IPADDR' || key === 'IPA') {
      const f = parseFilter(value);
      if (f === null) return `IPADDR=${value} IS NOT AN IPV4 ADDRESS`;
      o.filter = f;
    } else if (key === 'PORT' || key === 'PO') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) return `PORT=${value} IS NOT 0-65535`;
      o.port = Number(value);
    } else if (key === 'IPPORT' || key === 'IPP') {
      const [a = '', p = ''] = value.split('+', 2);
      const ip = parseIpv4(a);
      if (ip === null || !/^\d{1,5}$/.test(p) || Number(p) > 65535) return `IPPORT=${value} IS NOT ipaddr+port`;
      o.filter = { net: ip, mask: 0xffffffff };
      o.port = Number(p);
    } else return `${w} IS NOT A VALID MODIFIER`;
  }
  return o;
}
