// Builds a sysplex from a scenario (a helper in ns-3's sense, so models stay free of file formats): turns a
// Topology into components and kernel links, and a scenario's faults into control events for the right components.
//
// Components: one switch per LAN (`LAN1`), its edge router (`LAN1.router`), one OsaPort per OSA (`OSA1`), one
// LparHost per LPAR (`SYS1`), one CouplingFacility per CF (`CF01`), the sysplex couple data set (`CDS`). Links:
//   OSA `lan`            <-> switch port named after the OSA    LAN segment latency, the OSA's line rate
//   router `lan`         <-> switch port `router`               LAN segment latency, ROUTER.lanBps
//   LPAR port <OSA name> <-> OSA port <LPAR name>               OSA.qdioLatencyPs, no serialisation (QDIO)
//   LPAR `ctc.<peer>.<n>` <-> peer `ctc.<LPAR>.<n>`             per FICON CTC device pair: pathTiming(link)
//   LPAR `cf.<CF>.<n>`   <-> CF `<LPAR>.<n>`                    per coupling link CHPID: pathTiming(link)
//   LPAR `cds`           <-> CDS `<LPAR>`                       CDS.ioPs, no serialisation
//   LPAR `iqd`           <-> `<CPC>.IQD<chpid>` port <LPAR>      IQD.signalPs, no serialisation (the CHPID
//                                                               copies); only for a CPC with `iqd:`
//   router `clients`     <-> the clients component's `router`   the LAN's router latency and client bit rate
// Each LPAR's signalling paths to a peer are its CTC device pairs, then one list structure per CF both reach
// (signallingPaths, the numbering xcf-down `A-B:n` uses).
// The router's `clients` port is left free unless a clients factory is given; attachClients() connects it.
//
// Faults: lpar-down/up, stack-stop/start -> the LPAR; osa-down/up -> the OSA; xcf-down/up on `A-B` -> both
// LPARs, every path between them, or only path n with `A-B:n` (0-based); cf-down/up -> the CF and every LPAR
// linked to it; loss -> the LAN's switch; an operator command -> the LPAR whose stack the command names
// (`D TCPIP,SYS1,...`, `RO SYS1,P TCPIP`), or the fault's target when it has one.

import type { Component, Link, Port, Simulation } from '../kernel/index.js';
import type { FirmwareFactory } from '../firmware/hal.js';
import { ipFromString, parseCidr } from '../net/index.js';
import { InputError } from '../errors.js';
import { profileSourceOf } from '../scenario/datasets.js';
import type { FaultSpec, LanSpec, SourcePos, Topology } from '../scenario/types.js';
import { ROUTER } from '../../hw-models/lan/datasheet.js';
import { EdgeRouter } from '../../hw-models/lan/router.js';
import { LanSwitch } from '../../hw-models/lan/switch.js';
import { macFor } from '../../hw-models/lan/wire.js';
import type { CostTable } from '../../hw-models/lpar/datasheet.js';
import { LparHost } from '../../hw-models/lpar/lpar.js';
import type { ControlMsg } from '../../hw-models/messages.js';
import { OSA } from '../../hw-models/osa/datasheet.js';
import { OsaPort } from '../../hw-models/osa/osa.js';
import { Cpc } from '../../hw-models/cpc/cpc.js';
import { PRSM } from '../../hw-models/cpc/datasheet.js';
import { type PathTiming, pathTiming } from '../../hw-models/xcf/path-timing.js';
import { CouplingFacility } from '../../hw-models/cf/coupling-facility.js';
import { CoupleDataSet } from '../../hw-models/cds/couple-data-set.js';
import { CDS } from '../../hw-models/cds/datasheet.js';
import { signallingPaths } from '../scenario/signalling-paths.js';
import { IQD } from '../../hw-models/hipersockets/datasheet.js';
import { IqdChpid } from '../../hw-models/hipersockets/iqd.js';

/** Picks the firmware image of an LPAR by its name (a function of exactly one parameter). */
export type FirmwareSelector = (lpar: string) => FirmwareFactory;

export interface SysplexOptions {
  /** Cycle costs overriding the LPAR datasheet (all LPARs). */
  readonly costs?: Partial<CostTable>;
  /** QDIO write queue geometry overriding the OSA datasheet (all OSAs). */
  readonly sbals?: number;
  readonly entriesPerSbal?: number;
  /** Bit rate of each router's LAN interface (default ROUTER.lanBps). */
  readonly routerLanBps?: number;
  /** Makes the client hosts of a LAN (`<LAN>.clients`); its port `router` is connected to the edge router. */
  readonly clients?: (lan: LanSpec) => Component;
}

/** A coupling link CHPID from an LPAR to a CF. */
export interface CfLinkHandle {
  /** `SYS1-CF01.0`. */
  readonly name: string;
  readonly lpar: string;
  readonly cf: string;
  readonly link: Link;
  readonly timing: PathTiming;
}

/** A FICON CTC device pair between two LPARs (a signalling path). */
export interface XcfLinkHandle {
  /** `SYS1-SYS2.0`: the topology's link name and the device pair's index. */
  readonly name: string;
  readonly between: readonly [string, string];
  readonly path: number;
  readonly link: Link;
  readonly timing: PathTiming;
}

export interface Sysplex {
  readonly lpars: readonly LparHost[];
  readonly osas: readonly OsaPort[];
  readonly lans: readonly LanSwitch[];
  readonly routers: readonly EdgeRouter[];
  readonly xcfLinks: readonly XcfLinkHandle[];
  readonly cfs: readonly CouplingFacility[];
  readonly cfLinks: readonly CfLinkHandle[];
  readonly cds: CoupleDataSet;
  /** HiperSockets IQD CHPIDs, one per CPC that has one (`CPC1.IQDF4`). */
  readonly iqds: readonly IqdChpid[];
  /** Client components made by options.clients, by LAN name. */
  readonly clients: ReadonlyMap<string, Component>;
  lpar(name: string): LparHost | undefined;
  osa(name: string): OsaPort | undefined;
  /** The edge router of a LAN. */
  router(lan: string): EdgeRouter | undefined;
  /** Schedules a fault (or operator command) at its time; `index` orders faults of the same instant. Throws
   *  InputError (at the fault's position) for a target the topology does not have. */
  applyFault(fault: FaultSpec, index: number): void;
  /** The same as applyFault. */
  scheduleFault(fault: FaultSpec, index: number): void;
  /** Connects a clients component's port to the edge router of `lan` (the LAN's router latency and rate). */
  attachClients(lan: string, port: Port): Link;
  /** Runs an operator display on the LPAR its command names, now; undefined when there is none or it is down. */
  operatorDisplay(command: string): string | undefined;
}

// The selector overload comes first: TypeScript fixes a lambda's parameter types from the first overload it
// tries, so `(lpar) => factories.get(lpar)!` must meet the selector before the factory.
export function buildSysplex(sim: Simulation, topology: Topology, firmware: FirmwareSelector, options?: SysplexOptions): Sysplex;
export function buildSysplex(sim: Simulation, topology: Topology, firmware: FirmwareFactory, options?: SysplexOptions): Sysplex;
export function buildSysplex(sim: Simulation, topology: Topology, firmware: FirmwareFactory | FirmwareSelector, options: SysplexOptions = {}): Sysplex {
  const fail = (at: SourcePos, message: string): never => {
    throw new InputError(at.file, message, { line: at.line, col: at.col });
  };
  const factoryFor: FirmwareSelector =
    firmware.length === 1 ? (firmware as FirmwareSelector) : () => firmware as FirmwareFactory;

  // LANs: a switch and an edge router each.
  const lans = new Map<string, { spec: LanSpec; sw: LanSwitch; router: EdgeRouter }>();
  for (const lan of topology.lans) {
    const subnet = parseCidr(lan.subnet);
    if (!subnet.ok) fail(lan.at, `LAN ${lan.name}: subnet ${lan.subnet}: ${subnet.ok ? '' : subnet.error.message}`);
    const ip = ipFromString(lan.router);
    if (!ip.ok) fail(lan.at, `LAN ${lan.name}: router ${lan.router}: ${ip.ok ? '' : ip.error.message}`);
    const cidr = subnet.ok ? subnet.value : { network: 0, prefix: 0 };
    const sw = sim.add(new LanSwitch(lan.name));
    const routerName = `${lan.name}.router`;
    const router = sim.add(new EdgeRouter(routerName, { ip: ip.ok ? ip.value : 0, mac: macFor(routerName), network: cidr.network, prefix: cidr.prefix }));
    sim.connect(router.lan, sw.attach('router'), lan.latencyPs, options.routerLanBps ?? ROUTER.lanBps, `${routerName}-${lan.name}`);
    lans.set(lan.name, { spec: lan, sw, router });
  }

  // OSA ports on their LANs.
  const osas = new Map<string, OsaPort>();
  for (const o of topology.osas) {
    const lan = lans.get(o.lan) ?? fail(o.at, `OSA ${o.name}: no LAN named ${o.lan}`);
    const osa = sim.add(
      new OsaPort(o.name, {
        mac: macFor(o.name),
        inbperf: o.inbperf,
        frameLatencyPs: o.frameLatencyPs,
        readStorage: o.readStorage,
        workloadQ: o.workloadQ,
        ...(options.sbals !== undefined ? { sbals: options.sbals } : {}),
        ...(options.entriesPerSbal !== undefined ? { entriesPerSbal: options.entriesPerSbal } : {}),
      }),
    );
    sim.connect(osa.lan, lan.sw.attach(o.name), lan.spec.latencyPs, o.bps, `${o.name}-${o.lan}`);
    osas.set(o.name, osa);
  }

  // LPARs, each on the OSAs it defines.
  const lpars = new Map<string, LparHost>();
  for (const l of topology.lpars) {
    const lpar = sim.add(
      new LparHost(l.name, {
        processors: l.processors,
        clockHz: l.clockHz,
        firmware: factoryFor(l.name),
        firmwareConfig: { profile: l.profile, profileFile: l.profileFile, applications: l.applications, profileSource: profileSourceOf(l, topology) },
        xcf: {
          failureDetectionPs: l.failureDetectionPs,
          weight: l.weight,
          classLength: topology.xcf.transportClass.classLength,
          maxMsgBytes: topology.xcf.transportClass.maxMsgBytes,
        },
        ...(options.costs !== undefined || l.cycles !== undefined ? { costs: { ...options.costs, ...l.cycles } } : {}),
        ...(l.loadPct > 0 ? { loadPct: l.loadPct } : {}),
      }),
    );
    for (const name of l.osas) {
      const osa = osas.get(name) ?? fail(l.at, `LPAR ${l.name}: no OSA named ${name}`);
      const spec = topology.osas.find((o) => o.name === name);
      sim.connect(lpar.addOsa(name, spec?.inbperf, spec?.workloadQ === true), osa.attachLpar(l.name), OSA.qdioLatencyPs, 0, `${l.name}-${name}`);
    }
    lpars.set(l.name, lpar);
  }

  // PR/SM: a CPC with shared LPARs divides its shared CPs (its CPs less the dedicated ones) among them.
  const cpcs: Cpc[] = [];
  for (const c of topology.cpcs) {
    const mine = topology.lpars.filter((l) => l.cpc === c.name);
    const shared = mine.filter((l) => l.cps === 'shared');
    if (shared.length === 0) continue;
    const dedicated = mine.filter((l) => l.cps === 'dedicated').reduce((n, l) => n + l.processors, 0);
    const cpc = sim.add(new Cpc(`${c.name}.prsm`, c.processors - dedicated));
    for (const l of shared) {
      const port = cpc.attachLpar(l.name, { weight: l.weight, logicalCps: l.processors, capped: l.capped });
      sim.connect(lpars.get(l.name)!.attachCpc(), port, PRSM.latencyPs, 0, `${l.name}-${cpc.name}`);
    }
    cpcs.push(cpc);
  }

  // HiperSockets: an IQD CHPID per CPC that defines one, shared by its LPARs (dynamic XCF between them).
  const iqds: IqdChpid[] = [];
  for (const c of topology.cpcs) {
    if (c.iqd == null) continue;
    const mine = topology.lpars.filter((l) => l.cpc === c.name).map((l) => l.name);
    const iqd = sim.add(new IqdChpid(`${c.name}.IQD${c.iqd.chpid}`, c.iqd.chpid, c.iqd.mfsKb));
    for (const name of mine) sim.connect(lpars.get(name)!.attachIqd(mine, iqd.mtu), iqd.attachLpar(name), IQD.signalPs, 0, `${name}-${iqd.name}`);
    iqds.push(iqd);
  }


  // The sysplex couple data set, one I/O away from every LPAR.
  const cds = sim.add(new CoupleDataSet('CDS'));
  for (const [name, lpar] of lpars) sim.connect(lpar.coupleDataSetPort(), cds.attachLpar(name), CDS.ioPs, 0, `${name}-CDS`);

  // Coupling facilities, FICON CTC device pairs and coupling links.
  const cfs = new Map<string, CouplingFacility>();
  for (const c of topology.cfs) cfs.set(c.name, sim.add(new CouplingFacility(c.name, c.processors)));
  const xcfLinks: XcfLinkHandle[] = [];
  const cfLinks: CfLinkHandle[] = [];
  for (const x of topology.xcf.links) {
    const [a, b] = x.between;
    const timing = pathTiming(x);
    const cf = cfs.get(a) ?? cfs.get(b);
    if (cf !== undefined) {
      const lparName = cf.name === a ? b : a;
      const lpar = lpars.get(lparName) ?? fail(x.at, `coupling link ${a}-${b}: no LPAR named ${lparName}`);
      for (let p = 0; p < x.paths; p++) {
        const name = `${lparName}-${cf.name}.${p}`;
        const link = sim.connect(lpar.addCfLink(cf.name, x.model), cf.attachLpar(lparName), timing.latencyPs, timing.bps, name);
        cfLinks.push({ name, lpar: lparName, cf: cf.name, link, timing });
      }
      continue;
    }
    const la = lpars.get(a) ?? fail(x.at, `XCF link ${a}-${b}: no LPAR named ${a}`);
    const lb = lpars.get(b) ?? fail(x.at, `XCF link ${a}-${b}: no LPAR named ${b}`);
    if (a === b) fail(x.at, `XCF link ${a}-${b} joins a system to itself`);
    for (let p = 0; p < x.paths; p++) {
      const name = `${a}-${b}.${p}`;
      const link = sim.connect(la.addCtcPath(b, `${a}-${b}`), lb.addCtcPath(a, `${a}-${b}`), timing.latencyPs, timing.bps, name);
      xcfLinks.push({ name, between: [a, b], path: p, link, timing });
    }
  }
  // List-structure paths come after every CTC path, in `cfs` order (signallingPaths numbers them so).
  for (const [a, la] of lpars) {
    for (const b of lpars.keys()) {
      if (a === b) continue;
      for (const sp of signallingPaths(topology, a, b)) if (sp.kind === 'STRUCTURE') la.addStructurePath(b, sp.cf);
    }
  }

  const clients = new Map<string, Component>();
  const attachClients = (lanName: string, port: Port): Link => {
    const lan = lans.get(lanName);
    if (lan === undefined) throw new InputError(topology.file, `no LAN named ${lanName} to attach clients to`);
    return sim.connect(lan.router.clients, port, lan.spec.routerLatencyPs, lan.spec.clientBps, `${lan.router.name}-${port.owner.name}`);
  };
  if (options.clients !== undefined) {
    for (const { spec } of lans.values()) {
      const c = sim.add(options.clients(spec));
      clients.set(spec.name, c);
      attachClients(spec.name, c.port('router'));
    }
  }

  const applyFault = (f: FaultSpec, index: number): void => {
    const post = (target: { scheduleControl(at: number, seq: number, c: ControlMsg): void }, c: ControlMsg): void =>
      target.scheduleControl(f.atPs, index, c);
    const target = f.target ?? '';
    switch (f.action) {
      case 'lpar-down':
      case 'lpar-up':
        post(lpars.get(target) ?? fail(f.at, `${f.action}: no LPAR named ${target}`), { kind: f.action });
        return;
      case 'osa-down':
      case 'osa-up':
        post(osas.get(target) ?? fail(f.at, `${f.action}: no OSA named ${target}`), { kind: f.action });
        return;
      case 'xcf-down':
      case 'xcf-up': {
        const m = /^([^-:\s]+)-([^-:\s]+)(?::(\d+))?$/.exec(target);
        if (m === null) fail(f.at, `${f.action}: target must be SYSA-SYSB or SYSA-SYSB:path, not "${target}"`);
        const [, a, b, path] = m!;
        const la = lpars.get(a!) ?? fail(f.at, `${f.action}: no LPAR named ${a}`);
        const lb = lpars.get(b!) ?? fail(f.at, `${f.action}: no LPAR named ${b}`);
        const paths = la.xcf.pathStates(b!).length;
        if (paths === 0) fail(f.at, `${f.action}: no XCF link between ${a} and ${b}`);
        const p = path === undefined ? undefined : Number(path);
        if (p !== undefined && p >= paths) fail(f.at, `${f.action}: ${a}-${b} has ${paths} path(s), numbered from 0`);
        post(la, p === undefined ? { kind: f.action, peer: b! } : { kind: f.action, peer: b!, path: p });
        post(lb, p === undefined ? { kind: f.action, peer: a! } : { kind: f.action, peer: a!, path: p });
        return;
      }
      case 'cf-down':
      case 'cf-up': {
        const cf = cfs.get(target) ?? fail(f.at, `${f.action}: no CF named ${target}`);
        post(cf, { kind: f.action, cf: target });
        for (const lpar of new Set(cfLinks.filter((h) => h.cf === target).map((h) => h.lpar))) post(lpars.get(lpar)!, { kind: f.action, cf: target });
        return;
      }
      case 'stack-stop':
      case 'stack-start':
        post(lpars.get(target) ?? fail(f.at, `${f.action}: no LPAR named ${target}`), { kind: f.action });
        return;
      case 'loss': {
        const lan = lans.get(target) ?? fail(f.at, `loss: no LAN named ${target}`);
        const pct = f.pct ?? fail(f.at, 'loss: pct (0-100) is missing');
        if (!(pct >= 0 && pct <= 100)) fail(f.at, `loss: pct must be 0-100, not ${pct}`);
        post(lan.sw, { kind: 'loss', pct });
        return;
      }
      case 'operator': {
        const command = f.command ?? fail(f.at, 'operator: the command is missing');
        const stack = f.target ?? stackOf(command) ?? fail(f.at, `operator command names no stack: "${command}"`);
        post(lparNamed(stack) ?? fail(f.at, `operator command: no LPAR named ${stack}`), { kind: 'operator', command });
        return;
      }
    }
  };

  const lparNamed = (stack: string): LparHost | undefined => lpars.get(stack) ?? lpars.get(stack.toUpperCase());
  const lparList = [...lpars.values()];
  return {
    lpars: lparList,
    osas: [...osas.values()],
    lans: [...lans.values()].map((l) => l.sw),
    routers: [...lans.values()].map((l) => l.router),
    xcfLinks,
    cfs: [...cfs.values()],
    cfLinks,
    cds,
    iqds,
    clients,
    lpar: (name) => lpars.get(name),
    osa: (name) => osas.get(name),
    router: (lan) => lans.get(lan)?.router,
    applyFault,
    scheduleFault: applyFault,
    attachClients,
    operatorDisplay: (command) => {
      const stack = stackOf(command);
      return stack === undefined ? undefined : lparNamed(stack)?.operatorNow(command);
    },
  };
}

/** The stack an operator command names: `D TCPIP,SYS1,NETSTAT,VCRT` and `V TCPIP,SYS3,SYSPLEX,...` -> SYS1/SYS3;
 *  a command routed to a system, `RO SYS2,P TCPIP` -> SYS2. */
export function stackOf(command: string): string | undefined {
  const ro = /^\s*RO\s+([^,\s]+)\s*,/i.exec(command);
  if (ro !== null) return ro[1]!;
  const m = /^\s*\S+\s+TCPIP\s*,\s*([^,\s]+)/i.exec(command);
  return m === null ? undefined : m[1]!;
}
