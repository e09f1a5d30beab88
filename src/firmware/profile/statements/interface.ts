// INTERFACE name DEFINE IPAQENET|IPAQIDIO|VIRTUAL|EQENET ...: the IPv4 interfaces the stack owns (OSA ports,
// HiperSockets, static VIPAs, z17 Network Express ports). IPv6 types (IPAQENET6, IPAQIDIO6, VIRTUAL6, EQENET6)
// are read by their own option lists and listed as not modelled, as are DELETE/ADDADDR ... of an OBEYFILE.
// Any other type or option is an error.

import type { ProfileBuilder } from '../builder.js';
import { pos } from '../errors.js';
import { type Cursor, intOf, ipv4Of, splitSlash } from '../cursor.js';
import { isKw, kw, matchKw, tooShortMessage } from '../keywords.js';
import type { Token } from '../lexer.js';
import { classfulPrefix, prefixToMask } from '../ipv4.js';
import { keep, keepPairs, notAnOperand, opt, type OptionSpec, scanOptions, skipOperands } from '../options.js';
import type { InbPerf, Interface, OtherOption } from '../types.js';

const DEFINE = kw('DEFINE');
const TYPES = { IPAQENET: kw('IPAQENET'), IPAQIDIO: kw('IPAQIDIO'), VIRTUAL: kw('VIRTual'), EQENET: kw('EQENET') } as const;
/** IPv6 interface types: parsed and listed, not modelled (the emulator is IPv4). */
export const IPV6_TYPES = ['IPAQENET6', 'IPAQIDIO6', 'VIRTUAL6', 'EQENET6'] as const;
/** INTERFACE verbs other than DEFINE (OBEYFILE changes): accepted, not modelled. */
const VERBS = ['DELETE', 'ADDADDR', 'DELADDR', 'ADDTEMPPREFIX', 'DELTEMPPREFIX'];

/** Options of the IPv6 types (IP Configuration Reference, INTERFACE - IPAQENET6 ... statements). */
export const IPV6_OPTIONS: readonly OptionSpec[] = [
  keep('PORTNAME', 1), keep('CHPID', 1), keep('CHPIDTYPE', 1), keep('PFID', 1), keep('PORTNUM', 1),
  keep('IPADDR', 'list'), keep('INTFID', 1), keep('DUPADDRDET', 1), keep('MTU', 1), keep('VLANID', 1),
  keep('VMAC', 'list'), keep('ROUTEALL'), keep('ROUTELCL'), keep('INBPERF', 1), keep('WORKLOADQ'), keep('NOWORKLOADQ'),
  keep('READSTORAGE', 1), keep('SECCLASS', 1), keep('SOURCEVIPAINTerface', 1), keep('TEMPPREFIX', 'list'),
  ...keepPairs('DYNVLANREG', 'ISOLATE', 'OLM', 'MONSYSPLEX', 'SMCR', 'SMCD', 'OPTLOCAL'),
];
const INBPERF_VALUES: readonly InbPerf[] = ['BALANCED', 'DYNAMIC', 'MINCPU', 'MINLATENCY'];
const INBPERF_KW = INBPERF_VALUES.map((v) => kw(v));
const WORKLOADQ = kw('WORKLOADQ');
const NOWORKLOADQ = kw('NOWORKLOADQ');
const ROUTEALL = kw('ROUTEALL');
const ROUTELCL = kw('ROUTELCL');

/** `ip/len` or `ip` (classful prefix, as the stack does when no length is coded). */
export function parseAddrWithPrefix(c: Cursor, tok: Token, what: string): { ip: number; prefixLen: number } {
  const { left, right } = splitSlash(tok);
  const ip = ipv4Of(c, left, what);
  const prefixLen = right === null ? classfulPrefix(ip) : intOf(c, right, `the prefix length of ${what}`, 0, 32);
  return { ip, prefixLen };
}

const ALL_TYPES = [...Object.values(TYPES).map((k) => k.full), ...IPV6_TYPES];

export function parseInterface(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  const nameTok = c.need('the interface name');
  const name = nameTok.up;
  if (!isKw(c.peek(), DEFINE)) {
    // INTERFACE name DELETE | ADDADDR | DELADDR ...: changes of an OBEYFILE, not an initial definition.
    // The verb is taken first: DELETE is also a statement keyword and would end the operands at once.
    const verb = c.need('DEFINE, DELETE, ADDADDR or DELADDR');
    if (!VERBS.includes(verb.up)) c.fail(verb, `expected DEFINE, ${VERBS.join(', ')} after INTERFACE ${name}, found ${verb.text}`);
    skipOperands(c);
    b.ignore(`INTERFACE ${verb.up}`, stmt);
    return;
  }
  c.take();
  const typeTok = c.need('the interface type (IPAQENET, IPAQIDIO, VIRTUAL ...)');
  const typeKw = matchKw(typeTok, Object.values(TYPES));
  if (typeKw === null) {
    const short = tooShortMessage(typeTok, Object.values(TYPES));
    if (short !== null) c.fail(typeTok, short);
    if (!(IPV6_TYPES as readonly string[]).includes(typeTok.up)) {
      c.fail(typeTok, notAnOperand(typeTok, 'INTERFACE DEFINE', ALL_TYPES.map((t) => kw(t))).replace('is not an operand of INTERFACE DEFINE', `is not an INTERFACE type (${ALL_TYPES.join(', ')})`));
    }
    // IPv6: read by its option list, listed as not modelled; routes over it are not reported unknown.
    scanOptions(c, IPV6_OPTIONS, { statement: `INTERFACE ${name} DEFINE ${typeTok.up}`, other: [] });
    b.unmodelledInterfaces.add(name);
    b.ignore(`INTERFACE ${typeTok.up}`, stmt);
    return;
  }
  const type = typeKw.full as Interface['type'];
  const other: OtherOption[] = [];
  // Filled by the option handlers (closures), hence an object rather than narrowed locals.
  const v = {
    portName: null as string | null,
    chpid: null as string | null,
    addr: null as { ip: number; prefixLen: number } | null,
    mtu: null as number | null,
    inbperf: null as InbPerf | null,
    workloadQ: false,
    vlanId: null as number | null,
    vmac: null as string | null,
    router: null as Interface['router'],
    monSysplex: false,
  };

  const errorsBefore = c.diag.reported;
  scanOptions(
    c,
    [
      opt('PORTNAME', () => (v.portName = c.need('the OSA port name').up)),
      opt('CHPID', () => (v.chpid = c.need('the CHPID').up)),
      opt('IPADDR', () => (v.addr = parseAddrWithPrefix(c, c.need('the interface address'), 'the interface address'))),
      opt('MTU', () => (v.mtu = c.needInt('MTU', 1, 65535).value)),
      opt('INBPERF', () => {
        const k = c.needKw(INBPERF_KW, 'BALANCED, DYNAMIC, MINCPU or MINLATENCY');
        v.inbperf = k.full as InbPerf;
        if (c.accept(WORKLOADQ) !== null) v.workloadQ = true;
        else c.accept(NOWORKLOADQ);
      }),
      opt('VLANID', () => (v.vlanId = c.needInt('VLANID', 1, 4094).value)),
      opt('VMAC', () => {
        const next = c.peek();
        v.vmac = next !== undefined && /^[0-9A-Fa-f]{12}$/.test(next.text) ? c.take().up : '';
        if (c.accept(ROUTEALL) === null) c.accept(ROUTELCL);
      }),
      opt('PRIROUTER', () => (v.router = 'PRIROUTER')),
      opt('SECROUTER', () => (v.router = 'SECROUTER')),
      opt('NONROUTER', () => (v.router = 'NONROUTER')),
      keep('SOURCEVIPAINTerface', 1),
      keep('READSTORAGE', 1),
      keep('CHPIDTYPE', 1),
      keep('SECCLASS', 1),
      keep('PFID', 1),
      keep('PORTNUM', 1),
      opt('MONSYSPLEX', () => (v.monSysplex = true)),
      opt('NOMONSYSPLEX', () => (v.monSysplex = false)),
      keep('DYNVLANREG'),
      keep('NODYNVLANREG'),
      keep('OLM'),
      keep('NOOLM'),
      keep('ISOLATE'),
      keep('NOISOLATE'),
      keep('IPBCAST'),
      keep('TEMPIP'),
      keep('SMCR'),
      keep('NOSMCR'),
      keep('SMCD'),
      keep('NOSMCD'),
      keep('OPTLOCAL'),
      keep('NOOPTLOCAL'),
      keep('NOTEMPIP'),
    ],
    { statement: `INTERFACE ${name} DEFINE ${type}`, other, notModelled: b.operandsOf(`INTERFACE ${type}`) },
  );

  // An option already in error (a bad IPADDR) is not also reported as missing.
  if (c.diag.reported > errorsBefore) return;
  if (v.addr === null) c.fail(stmt, `INTERFACE ${name}: IPADDR is required`);
  if (type === 'IPAQENET' && v.portName === null) c.fail(stmt, `INTERFACE ${name}: PORTNAME is required for IPAQENET`);
  if (type === 'IPAQIDIO' && v.chpid === null) c.fail(stmt, `INTERFACE ${name}: CHPID is required for IPAQIDIO`);
  const dup = b.interfaces.find((i) => i.name === name) ?? b.links.find((l) => l.name === name);
  if (dup !== undefined) {
    c.fail(nameTok, `interface ${name} is already defined at ${dup.at.line}:${dup.at.col}`);
  }
  const { ip, prefixLen } = v.addr;
  // INBPERF not coded on an OSA or Network Express port: BALANCED, the default of the syntax diagram.
  if (v.inbperf === null && (type === 'IPAQENET' || type === 'EQENET')) v.inbperf = 'BALANCED';
  b.interfaces.push({
    name, type, portName: v.portName, chpid: v.chpid, ip, prefixLen, mask: prefixToMask(prefixLen), mtu: v.mtu,
    inbperf: v.inbperf, workloadQ: v.workloadQ, vlanId: v.vlanId, vmac: v.vmac, router: v.router,
    monSysplex: v.monSysplex, otherOptions: other, at: pos(nameTok),
  });
}
