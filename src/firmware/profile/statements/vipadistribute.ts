// VIPADISTRIBUTE: which ports of a DVIPA the routing stack distributes, to which targets, by which method.
//   VIPADISTribute [DEFINE|DELEte] [DISTMethod m ...] [NOOPTLOCAL|OPTLOCAL [n]] [SYSPLEXPorts]
//                  [TIMEDAFFinity s] ipv4_addr [PORT n|n-m ...] DESTIP ALL | xcfip [WEIGHT w | PREFERRED |
//                  BACKUP rank] ...
// The address, its PORT list and the DESTIP list come in that order; the options may come before the address,
// between the lists or after DESTIP, in any order (IBM's own examples put PROCTYPE after DESTIP ALL).

import type { ProfileBuilder } from '../builder.js';
import { type Cursor, intOf, ipv4Of, isDecimal } from '../cursor.js';
import { pos } from '../errors.js';
import { isKw, kw, matchKw, tooShortMessage, type Keyword } from '../keywords.js';
import type { Token } from '../lexer.js';
import { formatIpv4, looksLikeIpv4, parseIpv4 } from '../ipv4.js';
import { isValueWord, notAnOperand } from '../options.js';
import type { DistDestination, DistMethod, VipaDistribute } from '../types.js';
import { atVipaBoundary, isIpv6Word } from './vipablock.js';

const K = {
  define: kw('DEFINE'),
  del: kw('DELEte'),
  distMethod: kw('DISTMethod'),
  optLocal: kw('OPTLOCAL'),
  noOptLocal: kw('NOOPTLOCAL'),
  sysplexPorts: kw('SYSPLEXPorts'),
  timedAffinity: kw('TIMEDAFFinity'),
  autoSwitchBack: kw('AUTOSWITCHBACK'),
  noAutoSwitchBack: kw('NOAUTOSWITCHBACK'),
  healthSwitch: kw('HEALTHSWITCH'),
  noHealthSwitch: kw('NOHEALTHSWITCH'),
  port: kw('PORT'),
  destIp: kw('DESTIP'),
  all: kw('ALL'),
  weight: kw('WEIGHT'),
  preferred: kw('PREFERRED'),
  backup: kw('BACKUP'),
  procType: kw('PROCTYPE'),
  procXCost: kw('PROCXCOST'),
  ilWeighting: kw('ILWEIGHTING'),
  cp: kw('CP'),
  zaap: kw('ZAAP'),
  ziip: kw('ZIIP'),
} as const;

const METHODS: ReadonlyMap<Keyword, DistMethod> = new Map([
  [kw('BASEWLM'), 'BASEWLM'],
  [kw('ROUNDROBIN'), 'ROUNDROBIN'],
  [kw('SERVERWLM'), 'SERVERWLM'],
  [kw('WEIGHTEDActive'), 'WEIGHTEDACTIVE'],
  [kw('HOTSTANDBY'), 'HOTSTANDBY'],
]);
const METHOD_KEYWORDS = [...METHODS.keys()];
const TARGCONTROLLED = kw('TARGCONTROLLED');
/** Multi-tier forms (non-z/OS tier-1 targets, DataPower): accepted, not modelled. */
const TIER_FORMS: readonly Keyword[] = [kw('TIER1'), kw('TIER2'), kw('GRE'), kw('ENCAP'), kw('CONTROLPORT')];
const HOTSTANDBY_OPTIONS: readonly Keyword[] = [K.autoSwitchBack, K.noAutoSwitchBack, K.healthSwitch, K.noHealthSwitch];
const OPTIONS: readonly Keyword[] = [
  K.define, K.del, K.distMethod, K.optLocal, K.noOptLocal, K.sysplexPorts, K.timedAffinity, ...HOTSTANDBY_OPTIONS,
  K.procType, K.procXCost, K.ilWeighting,
];

/** TIMEDAFFINITY maximum is not documented; 99999 seconds assumed. */
const MAX_TIMED_AFFINITY = 99999;
/** WEIGHT range is not documented; 1-99999 assumed. */
const MAX_WEIGHT = 99999;

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

class Unmodelled {}

/** Read `KEY n` pairs among `keys` (PROCTYPE CP 30 ZIIP 70), in any order; missing ones stay 0. */
function readWeights(c: Cursor, keys: readonly Keyword[], min: number, max: number): Map<Keyword, number> {
  const got = new Map<Keyword, number>();
  for (;;) {
    const k = matchKw(c.peek(), keys);
    if (k === null) return got;
    const tok = c.take();
    if (got.has(k)) c.fail(tok, `${k.full} is coded twice`);
    got.set(k, c.needInt(k.full, min, max).value);
  }
}

function readMethod(c: Cursor, d: Mutable<VipaDistribute>): void {
  const tok = c.need('the distribution method');
  if (isKw(tok, TARGCONTROLLED)) throw new Unmodelled();
  const k = matchKw(tok, METHOD_KEYWORDS);
  if (k === null) {
    c.fail(tok, tooShortMessage(tok, METHOD_KEYWORDS) ??
      `unknown DISTMETHOD ${tok.text} (BASEWLM, ROUNDROBIN, SERVERWLM, WEIGHTEDACTIVE or HOTSTANDBY)`);
  }
  d.method = METHODS.get(k)!;
}

interface OptionState {
  del: boolean;
  /** HOTSTANDBY-only options as written, checked once the method is known. */
  hotOptions: Token[];
  /** BASEWLM-only (PROCTYPE) and SERVERWLM-only (PROCXCOST, ILWEIGHTING) options as written. */
  baseWlm: Token[];
  serverWlm: Token[];
  /** The address is read: a multi-tier keyword now is misplaced rather than a form we do not model. */
  afterAddress: boolean;
  /** Interface names of the profile's IPv6 DVIPAs. */
  ipv6Names: ReadonlySet<string>;
}

/** One option at the cursor, when there is one: true when it was read. Multi-tier forms throw Unmodelled. */
function readOption(c: Cursor, d: Mutable<VipaDistribute>, st: OptionState): boolean {
  const tok = c.peek();
  if (tok === undefined || atVipaBoundary(tok)) return false;
  if (matchKw(tok, TIER_FORMS) !== null) {
    if (st.afterAddress) c.fail(tok, `${tok.up} must come before the DVIPA address`);
    throw new Unmodelled();
  }
  const k = matchKw(tok, OPTIONS);
  if (k === null) {
    const short = tooShortMessage(tok, [...OPTIONS, ...TIER_FORMS]);
    if (short !== null) c.fail(tok, short);
    // Not an option: the address (or an IPv6 DVIPA's interface name), PORT, DESTIP, or a word that is none.
    if (!st.afterAddress && !isValueWord(tok) && !isIpv6Word(tok) && !st.ipv6Names.has(tok.up)) {
      c.fail(tok, notAnOperand(tok, 'VIPADISTRIBUTE', [...OPTIONS, K.port, K.destIp]));
    }
    return false;
  }
  c.take();
  if (k === K.define) st.del = false;
  else if (k === K.del) st.del = true;
  else if (k === K.distMethod) readMethod(c, d);
  else if (k === K.noOptLocal) d.optLocal = null;
  else if (k === K.optLocal) d.optLocal = isDecimal(c.peek()) ? intOf(c, c.take(), 'OPTLOCAL', 0, 16) : 1;
  else if (k === K.sysplexPorts) d.sysplexPorts = true;
  else if (k === K.timedAffinity) d.timedAffinity = c.needInt('TIMEDAFFINITY seconds', 0, MAX_TIMED_AFFINITY).value;
  else if (k === K.procType) {
    st.baseWlm.push(tok);
    const w = readWeights(c, [K.cp, K.zaap, K.ziip], 0, 100);
    d.procType = { cp: w.get(K.cp) ?? 0, zaap: w.get(K.zaap) ?? 0, ziip: w.get(K.ziip) ?? 0 };
  } else if (k === K.procXCost) {
    st.serverWlm.push(tok);
    const w = readWeights(c, [K.zaap, K.ziip], 1, 100);
    d.procXCost = { zaap: w.get(K.zaap) ?? 1, ziip: w.get(K.ziip) ?? 1 };
  } else if (k === K.ilWeighting) {
    st.serverWlm.push(tok);
    d.ilWeighting = c.needInt('ILWEIGHTING', 0, 3).value;
  } else {
    st.hotOptions.push(tok);
    if (k === K.autoSwitchBack) d.autoSwitchBack = true;
    else if (k === K.noAutoSwitchBack) d.autoSwitchBack = false;
    else if (k === K.healthSwitch) d.healthSwitch = true;
    else d.healthSwitch = false;
  }
  return true;
}

function readOptions(c: Cursor, d: Mutable<VipaDistribute>, st: OptionState): void {
  while (readOption(c, d, st));
}

/** PORT n|n-m ...: ranges expanded; duplicates are errors. */
function readPorts(c: Cursor, portTok: Token): number[] {
  const ports: number[] = [];
  const seen = new Set<number>();
  while (!atVipaBoundary(c.peek()) && !isKw(c.peek(), K.destIp) && matchKw(c.peek(), OPTIONS) === null) {
    const tok = c.take();
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(tok.text);
    if (m === null) c.fail(tok, `expected a port number or range (n or n-m), found ${tok.text}`);
    const lo = intOf(c, { ...tok, text: m[1]! }, 'port', 1, 65535);
    const hi = m[2] === undefined ? lo : intOf(c, { ...tok, text: m[2], col: tok.col + m[1]!.length + 1 }, 'port', 1, 65535);
    if (hi < lo) c.fail(tok, `port range ${tok.text} runs backwards`);
    for (let p = lo; p <= hi; p++) {
      if (seen.has(p)) c.fail(tok, `port ${p} is listed twice`);
      seen.add(p);
      ports.push(p);
    }
  }
  if (ports.length === 0) c.fail(portTok, 'PORT needs at least one port number');
  return ports;
}

interface RoleTokens {
  weight: Token[];
  roles: Token[];
}

/** DESTIP ALL | xcfip [WEIGHT w | PREFERRED | BACKUP [rank]] ... */
function readDestinations(c: Cursor, d: Mutable<VipaDistribute>, seen: RoleTokens): void {
  if (c.accept(K.all) !== null) {
    d.destinations = 'ALL';
    return;
  }
  const list: DistDestination[] = [];
  do {
    const tok = c.need('a target dynamic XCF address or ALL after DESTIP');
    const xcfIp = ipv4Of(c, tok, 'a target dynamic XCF address or ALL after DESTIP');
    const prior = list.find((x) => x.xcfIp === xcfIp);
    if (prior !== undefined) c.fail(tok, `target ${tok.text} is listed twice (first at ${prior.at.line}:${prior.at.col})`);
    const dest: Mutable<DistDestination> = { xcfIp, at: pos(tok) };
    const roleTok = c.peek();
    if (c.accept(K.weight) !== null) {
      seen.weight.push(roleTok!);
      dest.weight = c.needInt('WEIGHT', 1, MAX_WEIGHT).value;
    } else if (c.accept(K.preferred) !== null) {
      seen.roles.push(roleTok!);
      dest.role = 'PREFERRED';
    } else if (c.accept(K.backup) !== null) {
      seen.roles.push(roleTok!);
      dest.role = 'BACKUP';
      if (isDecimal(c.peek())) {
        dest.rank = intOf(c, c.take(), 'the BACKUP rank', 1, 254);
      } else {
        dest.rank = 1;
        c.diag.warn(roleTok!, `BACKUP of target ${tok.text} has no rank: rank 1 assumed`);
      }
    }
    list.push(dest);
  } while (c.peek() !== undefined && (parseIpv4(c.peek()!.text) !== null || looksLikeIpv4(c.peek()!.text)));
  d.destinations = list;
}

/** HOTSTANDBY rules (EZZ0826I/EZZ0827I on z/OS: the statement is rejected). */
function checkHotStandby(c: Cursor, d: VipaDistribute, stmt: Token, destTok: Token): void {
  const ip = formatIpv4(d.ip);
  if (d.destinations === 'ALL') {
    c.fail(destTok, `EZZ0826I VIPADISTRIBUTE ${ip} DISTMETHOD HOTSTANDBY needs DESTIP with one PREFERRED and at least one BACKUP target, not DESTIP ALL`);
  }
  for (const x of d.destinations) {
    if (x.role === undefined) c.fail(x.at, `HOTSTANDBY target ${formatIpv4(x.xcfIp)} needs PREFERRED or BACKUP rank`);
  }
  const preferred = d.destinations.filter((x) => x.role === 'PREFERRED');
  if (preferred.length !== 1) {
    c.fail(preferred[1]?.at ?? stmt, `EZZ0826I VIPADISTRIBUTE ${ip} DISTMETHOD HOTSTANDBY needs exactly one PREFERRED target; found ${preferred.length}`);
  }
  if (!d.destinations.some((x) => x.role === 'BACKUP')) {
    c.fail(stmt, `EZZ0827I VIPADISTRIBUTE ${ip} DISTMETHOD HOTSTANDBY needs at least one BACKUP target`);
  }
}

/** Options that only some methods take, checked once the method is known (options come in any order). */
function checkMethodOptions(c: Cursor, d: VipaDistribute, seen: RoleTokens, st: OptionState): void {
  const hotOptions = st.hotOptions;
  if (d.method !== 'BASEWLM' && st.baseWlm.length > 0) {
    c.fail(st.baseWlm[0]!, `${st.baseWlm[0]!.up} is valid only with DISTMETHOD BASEWLM (this one is ${d.method})`);
  }
  if (d.method !== 'SERVERWLM' && st.serverWlm.length > 0) {
    c.fail(st.serverWlm[0]!, `${st.serverWlm[0]!.up} is valid only with DISTMETHOD SERVERWLM (this one is ${d.method})`);
  }
  if (d.method !== 'WEIGHTEDACTIVE' && seen.weight.length > 0) {
    c.fail(seen.weight[0]!, `WEIGHT is valid only with DISTMETHOD WEIGHTEDACTIVE (this one is ${d.method})`);
  }
  if (d.method !== 'HOTSTANDBY' && seen.roles.length > 0) {
    c.fail(seen.roles[0]!, `${seen.roles[0]!.up} is valid only with DISTMETHOD HOTSTANDBY (this one is ${d.method})`);
  }
  if (d.method !== 'HOTSTANDBY' && hotOptions.length > 0) {
    c.fail(hotOptions[0]!, `${hotOptions[0]!.up} is valid only with DISTMETHOD HOTSTANDBY (this one is ${d.method})`);
  }
}

/** Apply VIPADISTRIBUTE DELETE: drop the listed ports (all when none) of earlier distributions of the DVIPA. */
function applyDelete(c: Cursor, b: ProfileBuilder, d: VipaDistribute, stmt: Token): void {
  let matched = false;
  const kept: VipaDistribute[] = [];
  for (const e of b.vipaDistributes) {
    if (e.ip !== d.ip) {
      kept.push(e);
      continue;
    }
    matched = true;
    if (d.ports.length === 0) continue;
    const deleted = new Set(d.ports);
    const ports = e.ports.filter((p) => !deleted.has(p));
    if (ports.length > 0) kept.push({ ...e, ports });
  }
  if (!matched) c.diag.warn(stmt, `VIPADISTRIBUTE DELETE ${formatIpv4(d.ip)}: no earlier VIPADISTRIBUTE of it to delete`);
  b.vipaDistributes = kept;
}

/** A DEFINE must not distribute a DVIPA port that an earlier statement already distributes. */
function checkOverlap(c: Cursor, b: ProfileBuilder, d: VipaDistribute, ipTok: Token): void {
  for (const e of b.vipaDistributes) {
    if (e.ip !== d.ip) continue;
    const where = `${e.at.line}:${e.at.col}`;
    if (e.ports.length === 0 || d.ports.length === 0) {
      c.fail(ipTok, `DVIPA ${formatIpv4(d.ip)} is already distributed by VIPADISTRIBUTE at ${where}`);
    }
    const existing = new Set(e.ports); // ranges expand to thousands of ports: no quadratic scan
    const clash = d.ports.find((p) => existing.has(p));
    if (clash !== undefined) {
      c.fail(ipTok, `port ${clash} of DVIPA ${formatIpv4(d.ip)} is already distributed by VIPADISTRIBUTE at ${where}`);
    }
  }
}

export function parseVipaDistribute(c: Cursor, stmt: Token, b: ProfileBuilder): void {
  const d: Mutable<VipaDistribute> = {
    ip: 0, ports: [], method: 'BASEWLM', procType: null, procXCost: null, ilWeighting: null,
    autoSwitchBack: true, healthSwitch: true, optLocal: null, timedAffinity: 0, sysplexPorts: false,
    destinations: 'ALL', at: pos(stmt),
  };
  const st: OptionState = { del: false, hotOptions: [], baseWlm: [], serverWlm: [], afterAddress: false, ipv6Names: b.ipv6DvipaNames };
  try {
    readOptions(c, d, st);
  } catch (e) {
    if (!(e instanceof Unmodelled)) throw e;
    c.diag.warn(stmt, 'multi-tier VIPADISTRIBUTE (TIER1/TIER2/GRE/ENCAP/TARGCONTROLLED) is not modelled; statement ignored');
    while (!atVipaBoundary(c.peek())) c.take();
    b.ignore('VIPADISTRIBUTE (multi-tier)', stmt);
    return;
  }

  // IPv6: `intfname PORT ...` (the DVIPA named by its interface) or an address with colons.
  const first = c.peek();
  if (isIpv6Word(c.peek(1)) || isIpv6Word(first) || (first !== undefined && b.ipv6DvipaNames.has(first.up))) {
    while (!atVipaBoundary(c.peek())) c.take();
    b.ignore('VIPADISTRIBUTE (IPv6)', stmt);
    return;
  }
  const { ip, tok: ipTok } = c.needIpv4('the DVIPA address of VIPADISTRIBUTE');
  d.ip = ip;
  d.at = pos(ipTok);
  st.afterAddress = true;
  readOptions(c, d, st);
  const portTok = c.accept(K.port);
  if (portTok !== null) d.ports = readPorts(c, portTok);
  readOptions(c, d, st);
  const destTok = c.peek();
  if (!isKw(destTok, K.destIp)) {
    if (st.del && atVipaBoundary(destTok)) {
      applyDelete(c, b, d, stmt);
      return;
    }
    c.fail(destTok ?? c.endPos(), tooShortMessage(destTok, [K.destIp, K.port]) ??
      `expected ${portTok === null ? 'PORT or ' : ''}DESTIP after the DVIPA address, found ${destTok?.text ?? 'the end of the profile'}`);
  }
  c.take();
  const seen: RoleTokens = { weight: [], roles: [] };
  readDestinations(c, d, seen);
  readOptions(c, d, st);
  if (isKw(c.peek(), K.port)) c.fail(c.peek()!, 'PORT must come before DESTIP');
  if (st.del) {
    applyDelete(c, b, d, stmt);
    return;
  }
  checkMethodOptions(c, d, seen, st);
  if (d.method === 'HOTSTANDBY') checkHotStandby(c, d, stmt, destTok!);
  checkOverlap(c, b, d, ipTok);
  b.vipaDistributes.push(d);
}
