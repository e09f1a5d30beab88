// Topology files: YAML -> schema -> typed Topology, with the checks a schema cannot make (references between
// sections, duplicate names, addresses inside their subnets, files that must exist), each at its node.

import { basename, extname, resolve } from 'node:path';
import { Builder, known } from './builder.js';
import { DEFAULTS } from './defaults.js';
import { type Result, failure, sortErrors, success } from './errors.js';
import { inSubnet, ipToU32, overlaps, parseSubnet, type Subnet, u32ToIp } from './ipv4.js';
import { validateTopology } from './schema.js';
import type {
  ApplicationSpec,
  BackplaneSpec,
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
interface RawOsa { name: string; lan: string; speed?: '1GbE' | '10GbE' | '25GbE'; inbperf?: OsaSpec['inbperf']; frameLatency?: string }
interface RawApp { app: 'echo' | 'http'; port: number; response?: Unit; backlog?: number }
interface RawLpar {
  name: string; processors?: number; clock?: string; weight?: number; profile: string; firmware?: string;
  osas?: string[]; applications?: RawApp[]; partition?: number;
  datasets?: Record<string, string>; symbols?: Record<string, string>;
}
interface RawLink { between: [string, string]; model: XcfLinkModel; distance?: string; paths?: number; signalling?: 'CTC' | 'STRUCTURE' }
interface RawBackplane { bind?: string; curveServerKey?: string; curveClientKey?: string; pin?: Record<string, number> }
export interface RawTopology {
  name?: string; lans: RawLan[]; osas: RawOsa[]; lpars: RawLpar[];
  xcf?: { failureDetection?: string; links?: RawLink[] }; workload?: RawWorkload[]; backplane?: RawBackplane;
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
  const lpars = raw.lpars.map((l, i) => buildLpar(b, l, [...base, 'lpars', i], claim, osaNames));
  const lparNames = new Set(lpars.map((l) => l.name));
  const links = (raw.xcf?.links ?? []).map((l, i) => buildLink(b, l, [...base, 'xcf', 'links', i], lparNames));
  checkDuplicateLinks(b, links, [...base, 'xcf', 'links']);
  const workload = buildWorkloads(b, raw.workload ?? [], [...base, 'workload']);
  const topology: Topology = {
    file: b.src.file.abs,
    name: raw.name ?? basename(b.src.file.abs, extname(b.src.file.abs)),
    lans,
    osas,
    lpars,
    xcf: {
      failureDetectionPs: b.unit([...base, 'xcf', 'failureDetection'], raw.xcf?.failureDetection, parseTime, DEFAULTS.xcf.failureDetectionPs),
      links,
    },
    workload,
  };
  if (raw.backplane) {
    const components = new Set([...names.keys(), ...links.map(linkName)]);
    return { ...topology, backplane: buildBackplane(b, raw.backplane, [...base, 'backplane'], components, raw.lpars) };
  }
  return topology;
}

type Claim = (name: string, kind: string, path: Path) => void;

function buildLan(b: Builder, raw: RawLan, path: Path, claim: Claim): LanSpec {
  claim(raw.name, 'LAN', path);
  const subnet = parseSubnet(raw.subnet);
  if (subnet.address !== subnet.network) {
    b.fail([...path, 'subnet'], `${raw.subnet} has host bits set: did you mean ${netString(subnet)}?`);
  } else if (!inSubnet(ipToU32(raw.router), subnet)) {
    b.fail([...path, 'router'], `router ${raw.router} is not inside the LAN's subnet ${raw.subnet}`);
  }
  const clients = raw.clients ?? DEFAULTS.lan.clients;
  if (raw.clients !== undefined) {
    const c = parseSubnet(raw.clients);
    if (c.address !== c.network) b.fail([...path, 'clients'], `${raw.clients} has host bits set: did you mean ${netString(c)}?`);
    else if (overlaps(c, subnet)) b.fail([...path, 'clients'], `client subnet ${raw.clients} overlaps the LAN's subnet ${raw.subnet}: clients sit behind the router`);
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
  const seen: { subnet: Subnet; i: number }[] = [];
  lans.forEach((l, i) => {
    const s = parseSubnet(l.subnet);
    const clash = seen.find((p) => overlaps(p.subnet, s));
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
    at: b.at(path),
  };
}

function buildLpar(b: Builder, raw: RawLpar, path: Path, claim: Claim, osas: ReadonlySet<string>): LparSpec {
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
    at: b.at(path),
  };
  return raw.partition !== undefined ? { ...lpar, partition: raw.partition } : lpar;
}

function buildLink(b: Builder, raw: RawLink, path: Path, lpars: ReadonlySet<string>): XcfLinkSpec {
  const [a, z] = raw.between;
  raw.between.forEach((s, j) => {
    if (!lpars.has(s)) b.fail([...path, 'between', j], `unknown LPAR "${s}" (LPARs: ${known(lpars)})`);
  });
  if (a === z) b.fail([...path, 'between'], `a link joins two different LPARs, not ${a} with itself`);
  const model = raw.model;
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
    signalling: raw.signalling ?? DEFAULTS.xcf.signalling,
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
    };
  });
}

function buildBackplane(b: Builder, raw: RawBackplane, path: Path, components: ReadonlySet<string>, lpars: readonly RawLpar[]): BackplaneSpec {
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
      if (!components.has(name)) {
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

function netString(s: Subnet): string {
  return `${u32ToIp(s.network)}/${s.prefix}`;
}
