// Topology files: YAML -> schema -> typed Topology, with the checks a schema cannot make (references between
// sections, duplicate names, addresses inside their subnets, files that must exist), each at its node.

import { basename, extname, resolve } from 'node:path';
import { Builder, known } from './builder.js';
import { DEFAULTS } from './defaults.js';
import { type Result, failure, sortErrors, success } from '../errors.js';
import { cidrOf, cidrOverlaps, cidrToString, inSubnet, ipOf, type Cidr } from '../net/ipv4.js';
import { validateTopology } from './schema.js';
import type {
  ApplicationSpec,
  BackplaneSpec,
  CfSpec,
  CompressedValue,
  CpcSpec,
  LanSpec,
  LparSpec,
  OsaSpec,
  Topology,
  WorkloadSpec,
  XcfLinkModel,
  XcfLinkSpec,
} from './types.js';
import { parseBitRate, parseDistance, parseFrequency, parseRate, parseSize, parseTime } from './units.js';
import { type FileRef, fileProblem, type Path, readText, refFrom, YamlFile } from './yaml-source.js';
import { datasetProblem } from './datasets.js';

// The shapes the schema guarantees (optional where the schema has a default).
type Unit = string | number;
export interface RawWorkload {
  dvipa: string; port: number; protocol?: 'http' | 'echo'; clients?: number; connections?: number;
  rate?: Unit; request?: Unit; response?: Unit; hold?: string; start?: string;
}
interface RawLan { name: string; subnet: string; router: string; clients?: string; latency?: string; routerLatency?: string; clientSpeed?: string }
interface RawOsa {
  name: string; lan: string; speed?: '1GbE' | '10GbE' | '25GbE'; inbperf?: OsaSpec['inbperf']; frameLatency?: string;
  readStorage?: OsaSpec['readStorage']; workloadQ?: boolean;
}
interface RawApp { app: 'echo' | 'http'; port: number; response?: Unit; backlog?: number }
interface RawLpar {
  name: string; processors?: number; clock?: string; weight?: number; profile: string; firmware?: string;
  osas?: string[]; applications?: RawApp[]; partition?: number; cpc?: string; cps?: 'dedicated' | 'shared';
  capped?: boolean; load?: number; cycles?: Record<string, number>;
  datasets?: Record<string, string>; symbols?: Record<string, string>;
}
interface RawLink { between: [string, string]; model: XcfLinkModel; distance?: string; paths?: number; signalling?: 'CTC' | 'STRUCTURE' }
interface RawCpc { name: string; processors?: number; iqd?: { chpid?: string; mfs?: number } }
interface RawCf { name: string; processors?: number; cpc?: string }
interface RawXcf { failureDetection?: string; links?: RawLink[]; classLength?: Unit; maxMsg?: Unit }
interface RawBackplane { bind?: string; curveServerKey?: string; curveClientKey?: string; pin?: Record<string, number> }
export interface RawTopology {
  name?: string; lans: RawLan[]; osas: RawOsa[]; lpars: RawLpar[]; cpcs?: RawCpc[]; cfs?: RawCf[];
  xcf?: RawXcf; workload?: RawWorkload[]; backplane?: RawBackplane;
}

/** Loads a topology file: `FILE:LINE:COL: message` errors, or the typed topology. */
export function loadTopology(path: string): Result<Topology> {
  return loadTopologyFile({ abs: resolve(path), display: path });
}

export function loadTopologyFile(file: FileRef): Result<Topology> {
  const src = YamlFile.read(file);
  if (!src.ok) return src;
  return topologyFromYaml(src.value, src.value.value, []);
}

/** Validates and builds the topology at `base` in `src` (the whole file, or a scenario's inline `topology`). */
export function topologyFromYaml(src: YamlFile, raw: unknown, base: Path): Result<Topology> {
  if (raw === null || raw === undefined) {
    return failure([src.error(base, base.length === 0 ? 'the file is empty: expected a topology (lans, osas, lpars)' : 'topology is empty')]);
  }
  const schemaErrors = validateTopology(src, raw, base);
  if (schemaErrors.length > 0) return failure(sortErrors(schemaErrors));
  const b = new Builder(src);
  const topology = buildTopology(b, raw as RawTopology, base);
  return b.errors.length > 0 ? failure(sortErrors(b.errors)) : success(topology);
}

function buildTopology(b: Builder, raw: RawTopology, base: Path): Topology {
  const names = new Map<string, { kind: string; path: Path }>();
  const claim = (name: string, kind: string, path: Path): void => {
    const prev = names.get(name);
    if (prev) b.fail([...path, 'name'], `duplicate name "${name}": already the ${prev.kind} at line ${b.src.lineOf([...prev.path, 'name'])}`);
    else names.set(name, { kind, path });
  };

  const lans = raw.lans.map((l, i) => buildLan(b, l, [...base, 'lans', i], claim));
  checkLanSubnets(b, raw.lans, base);
  const lanNames = new Set(lans.map((l) => l.name));
  const osas = raw.osas.map((o, i) => buildOsa(b, o, [...base, 'osas', i], claim, lanNames));
  const osaNames = new Set(osas.map((o) => o.name));
  const cpcs = buildCpcs(b, raw.cpcs, base, claim);
  const explicitFdi = raw.xcf?.failureDetection === undefined ? undefined : b.unit([...base, 'xcf', 'failureDetection'], raw.xcf.failureDetection, parseTime, 0);
  const lpars = raw.lpars.map((l, i) => buildLpar(b, l, [...base, 'lpars', i], claim, osaNames, cpcs, explicitFdi));
  const cfs = (raw.cfs ?? []).map((c, i) => buildCf(b, c, [...base, 'cfs', i], claim, cpcs));
  sizeCpcs(b, raw.cpcs, cpcs, lpars, base);
  const ends = new Map<string, { kind: 'lpar' | 'cf'; cpc: string }>();
  for (const l of lpars) ends.set(l.name, { kind: 'lpar', cpc: l.cpc });
  for (const c of cfs) ends.set(c.name, { kind: 'cf', cpc: c.cpc });
  const links = (raw.xcf?.links ?? []).map((l, i) => buildLink(b, l, [...base, 'xcf', 'links', i], ends));
  checkDuplicateLinks(b, links, [...base, 'xcf', 'links']);
  const workload = buildWorkloads(b, raw.workload ?? [], [...base, 'workload']);
  const classLength = b.unit([...base, 'xcf', 'classLength'], raw.xcf?.classLength, parseSize, DEFAULTS.xcf.classLength);
  if (classLength > MAX_CLASSLEN) b.fail([...base, 'xcf', 'classLength'], `CLASSLEN is at most ${MAX_CLASSLEN} bytes (SETXCF), not ${classLength}`);
  const maxMsgBytes = b.unit([...base, 'xcf', 'maxMsg'], raw.xcf?.maxMsg, parseSize, DEFAULTS.xcf.maxMsgBytes);
  if (maxMsgBytes < classLength) b.fail([...base, 'xcf', 'maxMsg'], `MAXMSG must hold at least one signal of CLASSLEN (${classLength} bytes), as XCF requires`);
  const compressed: CompressedValue[] = [];
  if (explicitFdi !== undefined) {
    const real = Math.min(...lpars.map((l) => spinFdiPs(l.cps)));
    if (explicitFdi < real) compressed.push({ key: 'xcf.failureDetection', valuePs: explicitFdi, realPs: real, at: b.at([...base, 'xcf', 'failureDetection']) });
  }
  const topology: Topology = {
    file: b.src.file.abs,
    name: raw.name ?? basename(b.src.file.abs, extname(b.src.file.abs)),
    lans,
    osas,
    lpars,
    cpcs,
    cfs,
    xcf: {
      ...(explicitFdi !== undefined ? { failureDetectionPs: explicitFdi } : {}),
      links,
      transportClass: { classLength, maxMsgBytes },
    },
    compressed,
    workload,
  };
  if (raw.backplane) {
    const components = new Set([...names.keys(), ...links.map(linkName)]);
    return { ...topology, backplane: buildBackplane(b, raw.backplane, [...base, 'backplane'], components, raw.lpars, new Set(lans.map((l) => l.name))) };
  }
  return topology;
}

type Claim = (name: string, kind: string, path: Path) => void;

function buildLan(b: Builder, raw: RawLan, path: Path, claim: Claim): LanSpec {
  claim(raw.name, 'LAN', path);
  const subnet = cidrOf(raw.subnet);
  if (subnet.address !== subnet.network) {
    b.fail([...path, 'subnet'], `${raw.subnet} has host bits set: did you mean ${cidrToString(subnet)}?`);
  } else if (!inSubnet(ipOf(raw.router), subnet.network, subnet.prefix)) {
    b.fail([...path, 'router'], `router ${raw.router} is not inside the LAN's subnet ${raw.subnet}`);
  }
  const clients = raw.clients ?? DEFAULTS.lan.clients;
  if (raw.clients !== undefined) {
    const c = cidrOf(raw.clients);
    if (c.address !== c.network) b.fail([...path, 'clients'], `${raw.clients} has host bits set: did you mean ${cidrToString(c)}?`);
    else if (cidrOverlaps(c, subnet)) b.fail([...path, 'clients'], `client subnet ${raw.clients} overlaps the LAN's subnet ${raw.subnet}: clients sit behind the router`);
  }
  return {
    name: raw.name,
    subnet: raw.subnet,
    router: raw.router,
    clients,
    latencyPs: b.unit([...path, 'latency'], raw.latency, parseTime, DEFAULTS.lan.latencyPs),
    routerLatencyPs: b.unit([...path, 'routerLatency'], raw.routerLatency, parseTime, DEFAULTS.lan.routerLatencyPs),
    clientBps: b.unit([...path, 'clientSpeed'], raw.clientSpeed, parseBitRate, DEFAULTS.lan.clientBps),
    at: b.at(path),
  };
}

function checkLanSubnets(b: Builder, lans: readonly RawLan[], base: Path): void {
  const seen: { subnet: Cidr; i: number }[] = [];
  lans.forEach((l, i) => {
    const s = cidrOf(l.subnet);
    const clash = seen.find((p) => cidrOverlaps(p.subnet, s));
    if (clash) b.fail([...base, 'lans', i, 'subnet'], `${l.subnet} overlaps the subnet of LAN ${lans[clash.i]!.name}`);
    seen.push({ subnet: s, i });
  });
}

function buildOsa(b: Builder, raw: RawOsa, path: Path, claim: Claim, lans: ReadonlySet<string>): OsaSpec {
  claim(raw.name, 'OSA port', path);
  if (!lans.has(raw.lan)) b.fail([...path, 'lan'], `unknown LAN "${raw.lan}" (LANs: ${known(lans)})`);
  return {
    name: raw.name,
    lan: raw.lan,
    bps: b.unit([...path, 'speed'], raw.speed, parseBitRate, DEFAULTS.osa.bps),
    inbperf: raw.inbperf ?? DEFAULTS.osa.inbperf,
    frameLatencyPs: b.unit([...path, 'frameLatency'], raw.frameLatency, parseTime, DEFAULTS.osa.frameLatencyPs),
    readStorage: raw.readStorage ?? DEFAULTS.osa.readStorage,
    workloadQ: raw.workloadQ ?? false,
    at: b.at(path),
  };
}

/** CLASSLEN's upper bound (SETXCF START,CLASSDEF). */
const MAX_CLASSLEN = 62_464;

/** z/OS's spin failure detection interval for a system with `cps` CPs: (N + 1) x SPINTIME + 5 s. */
export function spinFdiPs(cps: 'dedicated' | 'shared'): number {
  return (DEFAULTS.xcf.spinActions + 1) * DEFAULTS.xcf.spinTimePs[cps] + DEFAULTS.xcf.spinFdiExtraPs;
}

function buildCpcs(b: Builder, raw: readonly RawCpc[] | undefined, base: Path, claim: Claim): CpcSpec[] {
  if (raw === undefined) return [{ name: DEFAULTS.cpc, implicit: true, processors: 0, iqd: null, at: b.at(base) }];
  return raw.map((c, i) => {
    claim(c.name, 'CPC', [...base, 'cpcs', i]);
    const iqd = c.iqd === undefined ? null : { chpid: (c.iqd.chpid ?? 'F4').toUpperCase(), mfsKb: c.iqd.mfs ?? 16 };
    return { name: c.name, implicit: false, processors: c.processors ?? 0, iqd, at: b.at([...base, 'cpcs', i]) };
  });
}

/** The CPC an LPAR or CF names, or the only one there is. */
/** Each CPC's physical CPs: as given, or as many as its LPARs' logical CPs. Dedicated CPs must exist, and a
 *  shared LPAR cannot have more logical CPs than the CPC has shared ones (PR/SM Planning Guide). */
function sizeCpcs(b: Builder, raw: readonly RawCpc[] | undefined, cpcs: CpcSpec[], lpars: readonly LparSpec[], base: Path): void {
  cpcs.forEach((c, i) => {
    const mine = lpars.filter((l) => l.cpc === c.name);
    const logical = mine.reduce((n, l) => n + l.processors, 0);
    const dedicated = mine.filter((l) => l.cps === 'dedicated').reduce((n, l) => n + l.processors, 0);
    const given = raw?.[i]?.processors;
    (c as { processors: number }).processors = given ?? Math.max(1, logical);
    if (given === undefined) return;
    const at = [...base, 'cpcs', i, 'processors'];
    if (dedicated > given) b.fail(at, `${c.name} has ${given} CPs but its LPARs dedicate ${dedicated}`);
    const shared = given - dedicated;
    for (const l of mine) {
      if (l.cps === 'shared' && l.processors > shared) b.fail(at, `${l.name} has ${l.processors} shared logical CPs but ${c.name} shares only ${shared}`);
    }
  });
}

function cpcOf(b: Builder, named: string | undefined, path: Path, cpcs: readonly CpcSpec[]): string {
  if (named !== undefined) {
    if (!cpcs.some((c) => c.name === named && !c.implicit)) {
      b.fail([...path, 'cpc'], `unknown CPC "${named}" (${cpcs[0]?.implicit ? 'the file has no cpcs: list' : `CPCs: ${known(cpcs.map((c) => c.name))}`})`);
    }
    return named;
  }
  if (cpcs.length > 1) b.fail(path, `cpc is missing: the topology has ${cpcs.length} CPCs (${known(cpcs.map((c) => c.name))}), say which one it runs on`);
  return cpcs[0]!.name;
}

function buildCf(b: Builder, raw: RawCf, path: Path, claim: Claim, cpcs: readonly CpcSpec[]): CfSpec {
  claim(raw.name, 'CF', path);
  return { name: raw.name, processors: raw.processors ?? DEFAULTS.cf.processors, cpc: cpcOf(b, raw.cpc, path, cpcs), at: b.at(path) };
}

function buildLpar(b: Builder, raw: RawLpar, path: Path, claim: Claim, osas: ReadonlySet<string>, cpcs: readonly CpcSpec[], explicitFdi: number | undefined): LparSpec {
  claim(raw.name, 'LPAR', path);
  const profileRef = refFrom(b.src.file.display, b.src.file.abs, raw.profile);
  const profileText = readText(profileRef);
  if (!profileText.ok) b.fail([...path, 'profile'], `profile ${profileRef.display}: ${profileText.errors[0]!.message}`);

  let firmware: string = DEFAULTS.lpar.firmware;
  if (raw.firmware !== undefined && raw.firmware !== 'builtin') {
    const ref = refFrom(b.src.file.display, b.src.file.abs, raw.firmware);
    const problem = fileProblem(ref.abs);
    if (problem) b.fail([...path, 'firmware'], `firmware module ${ref.display}: ${problem}`);
    firmware = ref.abs;
  }

  const lparOsas = raw.osas ?? [];
  lparOsas.forEach((o, j) => {
    if (!osas.has(o)) b.fail([...path, 'osas', j], `unknown OSA port "${o}" (OSA ports: ${known(osas)})`);
    else if (lparOsas.indexOf(o) !== j) b.fail([...path, 'osas', j], `OSA port "${o}" is listed twice`);
  });

  const ports = new Map<number, number>();
  const applications = (raw.applications ?? []).map((a, j): ApplicationSpec => {
    const at = [...path, 'applications', j];
    const prev = ports.get(a.port);
    if (prev !== undefined) b.fail([...at, 'port'], `port ${a.port} is already used by applications[${prev}] of ${raw.name}`);
    else ports.set(a.port, j);
    const app: { -readonly [K in keyof ApplicationSpec]: ApplicationSpec[K] } = { app: a.app, port: a.port };
    if (a.response !== undefined) app.response = b.unit([...at, 'response'], a.response, parseSize, 0);
    if (a.backlog !== undefined) app.backlog = a.backlog;
    return app;
  });

  const datasets: Record<string, string> = {};
  for (const [dsn, file] of Object.entries(raw.datasets ?? {})) {
    const ref = refFrom(b.src.file.display, b.src.file.abs, file);
    const problem = datasetProblem(ref.abs);
    if (problem) b.fail([...path, 'datasets', dsn], `data set ${dsn}: ${ref.display}: ${problem}`);
    datasets[dsn.startsWith('/') ? dsn : dsn.toUpperCase()] = ref.abs;
  }
  const symbols: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.symbols ?? {})) {
    if (name.toUpperCase() === 'SYSNAME') b.fail([...path, 'symbols', name], 'SYSNAME is the LPAR\'s name; it cannot be set');
    symbols[name.toUpperCase()] = value;
  }

  const cps = raw.cps ?? DEFAULTS.lpar.cps;
  const lpar: LparSpec = {
    name: raw.name,
    processors: raw.processors ?? DEFAULTS.lpar.processors,
    clockHz: b.unit([...path, 'clock'], raw.clock, parseFrequency, DEFAULTS.lpar.clockHz),
    weight: raw.weight ?? DEFAULTS.lpar.weight,
    profileFile: profileRef.abs,
    profile: profileText.ok ? profileText.value : '',
    ...(raw.datasets !== undefined ? { datasets } : {}),
    ...(raw.symbols !== undefined ? { symbols } : {}),
    firmware,
    osas: lparOsas,
    applications,
    cpc: cpcOf(b, raw.cpc, path, cpcs),
    cps,
    capped: raw.capped ?? false,
    loadPct: raw.load ?? 0,
    ...(raw.cycles !== undefined ? { cycles: raw.cycles } : {}),
    failureDetectionPs: explicitFdi ?? spinFdiPs(cps),
    at: b.at(path),
  };
  return raw.partition !== undefined ? { ...lpar, partition: raw.partition } : lpar;
}

/** The one line naming the right form, for every link that cannot exist. */
const RIGHT_FORM =
  'coupling links join an LPAR to a CF ({ between: [SYS1, CF01], model: ICA-SR }: list-structure signalling); ' +
  'two LPARs signal over FICON ({ between: [SYS1, SYS2], model: FICON, signalling: CTC }); tools/migrate-xcf.mjs rewrites older files';

function buildLink(b: Builder, raw: RawLink, path: Path, ends: ReadonlyMap<string, { kind: 'lpar' | 'cf'; cpc: string }>): XcfLinkSpec {
  const [a, z] = raw.between;
  let known_ = true;
  raw.between.forEach((s, j) => {
    if (!ends.has(s)) {
      known_ = false;
      b.fail([...path, 'between', j], `unknown LPAR or CF "${s}" (${known([...ends.keys()])})`);
    }
  });
  if (a === z) b.fail([...path, 'between'], `a link joins two different ends, not ${a} with itself`);
  const model = raw.model;
  const signalling = raw.signalling ?? DEFAULTS.xcf.signalling[model];
  if (known_ && a !== z) {
    const ea = ends.get(a)!;
    const ez = ends.get(z)!;
    const cfs = (ea.kind === 'cf' ? 1 : 0) + (ez.kind === 'cf' ? 1 : 0);
    if (model === 'FICON') {
      if (cfs > 0) b.fail([...path, 'between'], `FICON does not reach a CF: ${RIGHT_FORM}`);
      else if (signalling !== 'CTC') b.fail([...path, 'signalling'], `a FICON link carries CTC signalling, not a structure: ${RIGHT_FORM}`);
    } else {
      if (cfs === 0) b.fail([...path, 'between'], `${model} between two LPARs (${a}, ${z}) cannot exist: ${RIGHT_FORM}`);
      else if (cfs === 2) b.fail([...path, 'between'], `${a} and ${z} are both CFs: XCF signals between LPARs: ${RIGHT_FORM}`);
      else if (signalling !== 'STRUCTURE') b.fail([...path, 'signalling'], `CTC signalling does not run over a coupling link: ${RIGHT_FORM}`);
      else if (model === 'IC' && ea.cpc !== ez.cpc) b.fail([...path, 'model'], `IC is internal to one CPC, but ${a} runs on ${ea.cpc} and ${z} on ${ez.cpc}: use ICA-SR or CE-LR`);
    }
  }
  const distanceM = b.unit([...path, 'distance'], raw.distance, parseDistance, DEFAULTS.xcf.distanceM[model]);
  const max = DEFAULTS.xcf.maxDistanceM[model];
  if (distanceM > max) {
    b.fail(
      [...path, 'distance'],
      model === 'IC' ? 'an IC link is internal to one machine: it has no fibre length' : `${model} reaches at most ${max >= 1000 ? `${max / 1000} km` : `${max} m`}, not ${raw.distance}`,
    );
  }
  return {
    between: [a, z],
    model,
    distanceM,
    paths: raw.paths ?? DEFAULTS.xcf.paths,
    signalling,
    at: b.at(path),
  };
}

export function linkName(l: Pick<XcfLinkSpec, 'between'>): string {
  return `${l.between[0]}-${l.between[1]}`;
}

function checkDuplicateLinks(b: Builder, links: readonly XcfLinkSpec[], path: Path): void {
  const seen = new Map<string, number>();
  links.forEach((l, i) => {
    const key = [...l.between].sort().join('-');
    const prev = seen.get(key);
    if (prev !== undefined) {
      b.fail([...path, i, 'between'], `a link between ${l.between[0]} and ${l.between[1]} is already defined at line ${links[prev]!.at.line} (give it more paths instead)`);
    } else seen.set(key, i);
  });
}

/** Builds a workload list (a topology's default one or a scenario's). */
export function buildWorkloads(b: Builder, raw: readonly RawWorkload[], path: Path): WorkloadSpec[] {
  return raw.map((w, i) => {
    const at = [...path, i];
    const protocol = w.protocol ?? DEFAULTS.workload.protocol;
    const request = b.unit([...at, 'request'], w.request, parseSize, DEFAULTS.workload.request);
    return {
      dvipa: w.dvipa,
      port: w.port,
      protocol,
      clients: w.clients ?? DEFAULTS.workload.clients,
      connections: w.connections ?? DEFAULTS.workload.connections,
      rate: b.unit([...at, 'rate'], w.rate, parseRate, DEFAULTS.workload.rate),
      request,
      response: b.unit([...at, 'response'], w.response, parseSize, protocol === 'echo' ? request : DEFAULTS.workload.httpResponse),
      holdPs: b.unit([...at, 'hold'], w.hold, parseTime, DEFAULTS.workload.holdPs),
      startPs: b.unit([...at, 'start'], w.start, parseTime, DEFAULTS.workload.startPs),
      at: b.at(at),
      connectionsAt: b.at(w.connections !== undefined ? [...at, 'connections'] : at),
    };
  });
}

function buildBackplane(b: Builder, raw: RawBackplane, path: Path, components: ReadonlySet<string>, lpars: readonly RawLpar[], lans: ReadonlySet<string>): BackplaneSpec {
  const out: { -readonly [K in keyof BackplaneSpec]: BackplaneSpec[K] } = {};
  if (raw.bind !== undefined) {
    out.bind = raw.bind;
    if (!isLoopback(raw.bind) && (raw.curveServerKey === undefined || raw.curveClientKey === undefined)) {
      b.fail([...path, 'bind'], `${raw.bind} is not a loopback endpoint: give curveServerKey and curveClientKey (CURVE encryption)`);
    }
  }
  for (const key of ['curveServerKey', 'curveClientKey'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    const ref = refFrom(b.src.file.display, b.src.file.abs, v);
    const problem = fileProblem(ref.abs);
    if (problem) b.fail([...path, key], `key file ${ref.display}: ${problem}`);
    out[key] = ref.abs;
  }
  if (raw.pin) {
    for (const [name, partition] of Object.entries(raw.pin)) {
      // A LAN's router and client hosts may be pinned too (the cut between them is a LAN's longest link).
      const lanPart = /^(.+)\.(router|clients)$/.exec(name);
      if (!components.has(name) && !(lanPart !== null && lans.has(lanPart[1]!))) {
        b.errors.push(b.src.keyError([...path, 'pin'], name, `backplane.pin: unknown component "${name}" (${known(components)})`));
      }
      const lpar = lpars.find((l) => l.name === name);
      if (lpar?.partition !== undefined && lpar.partition !== partition) {
        b.fail([...path, 'pin', name], `${name} is pinned to partition ${partition} here but to ${lpar.partition} by its partition key`);
      }
    }
    out.pin = { ...raw.pin };
  }
  return out;
}

function isLoopback(endpoint: string): boolean {
  if (endpoint.startsWith('ipc://') || endpoint.startsWith('inproc://')) return true;
  const host = /^tcp:\/\/(\[[^\]]*\]|[^:/]+)/.exec(endpoint)?.[1] ?? '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

