// `SYS1`: an LPAR hosting one firmware instance (the z/OS TCP/IP stack) through a Hal. Ports: one per OSA it
// defines (named after the OSA), one per FICON CTC device pair (`ctc.<peer>.<n>`), one per coupling link CHPID
// to a CF (`cf.<CF>.<n>`) and one to the sysplex couple data set (`cds`).
//
// CPU model: `processors` logical CPs at `clockHz`. Every input (an inbound datagram, an XCF message, a
// membership change, a firmware timer, an operator command) waits in the run queue until a CP takes it, at
// max(arrival, CP free), and is handed to the firmware then; the work it causes (per the cost table) keeps
// that CP busy, and what the firmware sent leaves when the work is done. So latency through the LPAR grows
// with load, and an overloaded LPAR stops returning inbound buffers, so its OSA drops.
//
// Faults: lpar-down stops the LPAR at once (firmware dropped, its OSA registrations removed, no more XCF status
// updates, inputs lost), as does SFM isolating it; lpar-up re-IPLs a fresh firmware from the same factory and
// profile. stack-stop (and the operator's `P TCPIP`) ends the stack in order: it leaves the XCF group at once,
// its addresses go, the LPAR stays up; stack-start (`S TCPIP`) starts a fresh one. Connection accounting
// (ledger) and CPU time survive a down.

import { type Port } from '../../src/kernel/index.js';
import type { Histogram } from '../../src/kernel/histogram.js';
import { ModelComponent } from '../model-component.js';
import type { Firmware, FirmwareConfig, FirmwareFactory, FirmwareView, XcfMembershipEvent } from '../../src/firmware/hal.js';
import { ipToString } from '../../src/net/index.js';
import type { ControlMsg, IqdReadMsg, IqdWriteMsg, LparToOsaMsg, OsaToLparMsg, PrsmShareMsg, XcfPathMsg } from '../messages.js';
import { APPLICATION, PRSM } from '../cpc/datasheet.js';
import { type Inbperf, OSA } from '../osa/datasheet.js';
import type { CouplingLinkType } from '../xcf/datasheet.js';
import { type XcfConfig, type XcfPathSummary, XcfSignalling, type XcfStats } from '../xcf/signalling.js';
import { Cpu } from './cpu.js';
import { type CostTable, LPAR_COSTS } from './datasheet.js';
import { type HalBackend, HostHal } from './host-hal.js';
import { LanIdleTuner } from './lan-idle.js';
import { ConnectionLedger, type ServiceLedger } from './ledger.js';
import { InputKind, RunQueue } from './run-queue.js';
import { TimerHeap } from './timer-heap.js';

const TAG_DISPATCH = 0;
const TAG_OUTPUT = 1;
const TAG_FW_TIMER = 2;
const TAG_XCF = 3;
const TAG_PRSM = 5;
const TAG_APP = 6;
const TAG_IWQ = 7;
/** How often the stack re-registers its distributed services with IWQ OSAs (assumed). */
const IWQ_REFRESH_PS = 1_000_000_000;
/** callFirmware kind for the IPL (firmware.start). */
const KIND_IPL = -1;

export interface LparConfig {
  readonly processors: number;
  readonly clockHz: number;
  readonly firmware: FirmwareFactory;
  readonly firmwareConfig: FirmwareConfig;
  /** XCF: failure detection interval, SFM weight and the transport class. */
  readonly xcf: XcfConfig;
  readonly costs?: Partial<CostTable>;
  readonly wlmWindowPs?: number;
  /** Application work beside the stack, percent of the logical CPs' capacity (runs below the stack). */
  readonly loadPct?: number;
}

/** Something the firmware sent, released when the CP finishes the work that produced it. */
type Output =
  | { readonly to: 'osa'; readonly port: Port; readonly msg: LparToOsaMsg; readonly bytes: number }
  | { readonly to: 'xcf'; readonly peer: string; readonly data: Uint8Array }
  | { readonly to: 'iqd'; readonly peer: string; readonly data: Uint8Array };

interface OutputBatch {
  readonly gen: number;
  readonly outputs: Output[];
}

/** A service a stack distributes (from its VDPT). */
export interface DistributedService {
  readonly dvipa: string;
  readonly port: number;
  readonly method: string;
}

/** The LPAR's report, plain data. */
export interface LparSummary {
  readonly name: string;
  readonly up: boolean;
  readonly ipls: number;
  readonly processors: number;
  readonly clockHz: number;
  readonly cpuBusyPct: number;
  readonly runQueue: number;
  readonly maxRunQueue: number;
  /** Mean wait of an input before a CP took it, ps. */
  readonly meanQueueDelayPs: number;
  readonly inputs: number;
  /** Inputs that arrived while the LPAR was down. */
  readonly inputsDropped: number;
  readonly unknownInterface: number;
  readonly wlmWeight: number;
  readonly xcf: XcfStats;
  /** Each signalling path's transfer times and counts. */
  readonly xcfPaths: readonly XcfPathSummary[];
  /** The TCP/IP stack is running (false after stack-stop or P TCPIP). */
  readonly stackUp: boolean;
  readonly connections: readonly {
    readonly localIp: string;
    readonly localPort: number;
    readonly total: number;
    readonly active: number;
    readonly closed: number;
    readonly reset: number;
    readonly lostOnDown: number;
  }[];
}

export class LparHost extends ModelComponent implements HalBackend {
  readonly xcf: XcfSignalling;
  readonly cpu: Cpu;
  readonly connections = new ConnectionLedger();
  private readonly costs: CostTable;
  private readonly osaPorts: Port[] = [];
  private readonly osaIndex = new Map<Port, number>();
  /** The firmware's interface name for each OSA (the OSA's name until the firmware uses another). */
  private readonly ifNames: string[] = [];
  private readonly ifByName = new Map<string, number>();
  private readonly osaUp: boolean[] = [];
  /** Datagrams taken per OSA and read queue (index osa x 2 + queue), to acknowledge. */
  private readonly ackPending: number[] = [];
  /** OSAs with inbound workload queueing, and the services registered with them for the SD queue. */
  private readonly iwqOsas: number[] = [];
  private iwqServices = new Set<string>();
  /** INBPERF DYNAMIC: the stack's tuner per OSA (null for other settings). */
  private readonly lanIdle: (LanIdleTuner | null)[] = [];
  private readonly peerIndex = new Map<string, number>();
  private readonly peerNames: string[] = [];

  private fw: Firmware | null = null;
  private up = false;
  generation = 0;
  ipls = 0;
  /** The stack should run once XCF is ready (false after stack-stop / P TCPIP). */
  private stackWanted = false;

  private readonly rq = new RunQueue();
  private readonly timers = new TimerHeap();
  private fwTimerAt = Infinity;
  private dispatchAt = Infinity;
  private inFirmware = false;
  private curKind = -1;
  private cycles = 0;
  private outputs: Output[] | null = null;
  /** When the latest batch of output leaves (outputs are released in firmware order). */
  private releasedUntil = 0;
  private services: DistributedService[] = [];
  private readonly counts = { inputs: 0, dropped: 0, unknownInterface: 0, waitedPs: 0 };
  /** PR/SM: the port to the CPC when the logical CPs are shared, and the busy time at the last report. */
  private cpcPort: Port | null = null;
  /** The port to this CPC's HiperSockets CHPID and the stacks reachable over it (none: no IQD). */
  private iqdPort: Port | null = null;
  private readonly iqdPeers = new Set<string>();
  private iqdMtu = 0;
  private prsmBusy = 0;
  /** PR/SM reports are parked: the LPAR was idle over a whole interval and said so; the next work wakes them. */
  private prsmParked = false;
  /** Application work waiting for a CP, cycles, and when it was last added. */
  private appCycles = 0;
  private appAddedAt = 0;

  constructor(name: string, private readonly cfg: LparConfig) {
    super(name);
    this.costs = { ...LPAR_COSTS, ...cfg.costs };
    this.cpu = new Cpu(cfg.processors, cfg.clockHz, cfg.wlmWindowPs);
    this.xcf = new XcfSignalling(
      this,
      { membership: (e) => this.onMembership(e), data: (f, b) => this.onXcfData(f, b), isolate: (reason) => this.isolated(reason), ready: () => this.xcfReady() },
      cfg.xcf,
      TAG_XCF,
    );
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  /** The port to an OSA this LPAR defines (with DYNAMIC the stack tunes its interrupts). */
  addOsa(osa: string, inbperf?: Inbperf, workloadQ = false): Port {
    const port = this.port(osa);
    if (!this.osaIndex.has(port)) {
      this.osaIndex.set(port, this.osaPorts.length);
      this.ifByName.set(osa, this.osaPorts.length);
      this.osaPorts.push(port);
      this.ifNames.push(osa);
      this.osaUp.push(true);
      if (workloadQ) this.iwqOsas.push(this.osaPorts.length - 1);
      this.ackPending.push(0, 0);
      this.lanIdle.push(inbperf === 'DYNAMIC' ? new LanIdleTuner() : null);
    }
    return port;
  }

  /** The port to the CPC when this LPAR's logical CPs are shared (PR/SM then sets how fast they run). */
  attachCpc(): Port {
    this.cpcPort = this.port('cpc');
    return this.cpcPort;
  }

  /** The port to the CPC's HiperSockets IQD CHPID (MTU `mtu`) shared with `peers`: dynamic XCF messages to
   *  them go over it (IUTIQDIO) instead of XCF signalling. */
  attachIqd(peers: readonly string[], mtu: number): Port {
    this.iqdPort = this.port('iqd');
    this.iqdMtu = mtu;
    for (const peer of peers) {
      if (peer === this.name) continue;
      this.iqdPeers.add(peer);
      if (!this.peerIndex.has(peer)) {
        this.peerIndex.set(peer, this.peerNames.length);
        this.peerNames.push(peer);
      }
    }
    return this.iqdPort;
  }

  /** A new FICON CTC device pair to `peer` (a signalling path): the port to connect (`ctc.<peer>.<n>`). */
  addCtcPath(peer: string, via: string): Port {
    const n = this.xcf.pathStates(peer).length;
    const port = this.port(`ctc.${peer}.${n}`);
    this.xcf.addCtcPath(peer, port, via);
    this.knowPeer(peer);
    return port;
  }

  /** A new coupling link CHPID to `cf`: the port to connect (`cf.<cf>.<n>`). */
  addCfLink(cf: string, model: CouplingLinkType): Port {
    let n = 0;
    while (this.ports.some((p) => p.name === `cf.${cf}.${n}`)) n++;
    const port = this.port(`cf.${cf}.${n}`);
    this.xcf.addCfLink(cf, port, model);
    return port;
  }

  /** The list structure in `cf` becomes the next signalling path to `peer`. */
  addStructurePath(peer: string, cf: string): number {
    this.knowPeer(peer);
    return this.xcf.addStructurePath(peer, cf);
  }

  /** The port to the sysplex couple data set (`cds`). */
  coupleDataSetPort(): Port {
    const port = this.port('cds');
    this.xcf.setCoupleDataSet(port);
    return port;
  }

  private knowPeer(peer: string): void {
    if (!this.peerIndex.has(peer)) {
      this.peerIndex.set(peer, this.peerNames.length);
      this.peerNames.push(peer);
    }
  }

  // ---- what the run report and the debugger read --------------------------------------------------------

  get isUp(): boolean {
    return this.up;
  }

  cpuBusyPct(now: number = this.now): number {
    return this.cpu.busyPct(now);
  }

  firmwareView(): FirmwareView | null {
    return this.fw === null ? null : this.fw.inspect();
  }

  /** The services this stack's VDPT distributes (the last known ones while it is down). */
  distributedServices(): DistributedService[] {
    if (this.fw !== null) this.services = servicesOf(this.fw.inspect());
    return this.services;
  }

  /** Connections accepted on local `ip`:`port` over the run (survives a down). */
  ledger(ip: number, port: number): Readonly<ServiceLedger> {
    return this.connections.lookup(ip, port);
  }

  /** Listeners this stack has for `ip`:`port`, as its own VDPT shows them (0 when it has no such row). */
  listenerCount(ip: number, port: number): number {
    const view = this.firmwareView();
    if (view === null) return 0;
    const dvipa = ipToString(ip);
    let n = 0;
    for (const r of view.vdpt) if (r.dvipa === dvipa && r.port === port && r.target === this.name && r.ready > n) n = r.ready;
    return n;
  }

  /** Runs an operator command now, outside virtual time (a display for the report); undefined when down. */
  operatorNow(command: string): string | undefined {
    if (this.fw === null || this.inFirmware) return undefined;
    return this.callFirmware(InputKind.Operator, command, 0, 0, -1) as string;
  }

  /** CPU queue wait of every input the stack ran: arrival on the run queue until a CP took it, ps. */
  get cpuWait(): Histogram {
    return this.rq.wait;
  }

  summary(): LparSummary {
    const now = this.now;
    return {
      name: this.name,
      up: this.up,
      ipls: this.ipls,
      processors: this.cfg.processors,
      clockHz: this.cfg.clockHz,
      cpuBusyPct: this.cpu.busyPct(now),
      runQueue: this.rq.count,
      maxRunQueue: this.rq.max,
      meanQueueDelayPs: this.counts.inputs === 0 ? 0 : this.counts.waitedPs / this.counts.inputs,
      inputs: this.counts.inputs,
      inputsDropped: this.counts.dropped,
      unknownInterface: this.counts.unknownInterface,
      wlmWeight: this.cpu.wlmWeight(now),
      xcf: { ...this.xcf.stats },
      xcfPaths: this.xcf.pathSummaries(),
      stackUp: this.fw !== null,
      connections: this.connections.entries().map((e) => ({
        localIp: ipToString(e.localIp),
        localPort: e.localPort,
        total: e.ledger.total,
        active: e.ledger.active,
        closed: e.ledger.closed,
        reset: e.ledger.reset,
        lostOnDown: e.ledger.lostOnDown,
      })),
    };
  }

  // ---- kernel events ------------------------------------------------------------------------------------

  override start(): void {
    super.start();
    this.ipl();
    if (this.cpcPort !== null) this.at(0, TAG_PRSM);
    if ((this.cfg.loadPct ?? 0) > 0) this.at(APPLICATION.tickPs, TAG_APP);
    if (this.iwqOsas.length > 0) this.at(IWQ_REFRESH_PS, TAG_IWQ);
  }

  override onMessage(port: Port, message: unknown): void {
    if (port === this.cpcPort) {
      const m = message as PrsmShareMsg;
      this.cpu.speed = Math.max(1e-3, m.speed);
      this.cpu.capacityCps = m.entitlement;
      return;
    }
    if (port === this.iqdPort) {
      const m = message as IqdReadMsg;
      if (!this.up) {
        this.counts.dropped++;
        return;
      }
      // b = 1: it came over HiperSockets, a frame the stack reads like a received packet.
      this.rq.push(InputKind.Xcf, m.bytes, this.peerIndex.get(m.from) ?? 0, 1, this.now);
      this.dispatch();
      return;
    }
    const osa = this.osaIndex.get(port);
    if (osa === undefined) {
      this.xcf.onMessage(port, message as XcfPathMsg);
      return;
    }
    const m = message as OsaToLparMsg;
    if (m.kind === 'port-state') {
      this.osaUp[osa] = m.up;
      if (this.tracing) this.trace('lpar.osa', { osa: port.name, up: m.up });
      if (this.up && this.fw !== null) {
        // The stack hears of it as z/OS does from the device driver: its next piece of work.
        this.rq.push(InputKind.Interface, m.up, osa, 0, this.now);
        this.dispatch();
      }
      return;
    }
    if (!this.up || this.fw === null) {
      this.counts.dropped += m.packets.length;
      return;
    }
    const packets = m.packets;
    const tuner = this.lanIdle[osa];
    if (tuner != null) {
      const hold = tuner.interrupt(this.now, packets.length);
      if (hold >= 0) port.send({ kind: 'inbperf', holdPs: hold } satisfies LparToOsaMsg, 0);
    }
    // The firmware may look at the whole interrupt first; that costs no virtual time and changes nothing.
    if (packets.length > 1) this.fw!.inboundBurst?.(this.ifNames[osa]!, packets);
    const sd = m.queue === 1 ? 2 : 0;
    for (let k = 0; k < packets.length; k++) this.rq.push(InputKind.Packet, packets[k], osa, (k === 0 ? 1 : 0) | sd, this.now);
    this.dispatch();
  }

  override onTimer(tag: number, data: unknown): void {
    switch (tag) {
      case TAG_DISPATCH:
        if (this.now !== this.dispatchAt) return;
        this.dispatchAt = Infinity;
        this.dispatch();
        return;
      case TAG_OUTPUT: {
        const batch = data as OutputBatch;
        if (batch.gen === this.generation) this.emit(batch.outputs);
        return;
      }
      case TAG_FW_TIMER: {
        if (this.now !== this.fwTimerAt) return;
        this.fwTimerAt = Infinity;
        for (let d = this.timers.popDue(this.now); d !== null; d = this.timers.popDue(this.now)) {
          this.rq.push(InputKind.Timer, null, d.id, d.at, this.now);
        }
        this.armFwTimer();
        this.dispatch();
        return;
      }
      case TAG_PRSM:
        this.reportDemand();
        return;
      case TAG_IWQ:
        this.refreshIwq();
        this.at(this.now + IWQ_REFRESH_PS, TAG_IWQ);
        return;
      case TAG_APP:
        if (this.up) {
          this.addApplicationWork();
          this.dispatch();
        }
        this.at(this.now + APPLICATION.tickPs, TAG_APP);
        return;
      default:
        if (this.xcf.ownsTimer(tag)) this.xcf.onTimer(tag, data);
    }
  }

  override onControl(control: unknown): void {
    const c = control as ControlMsg;
    switch (c.kind) {
      case 'lpar-down':
        if (this.up) this.down();
        break;
      case 'lpar-up':
        if (!this.up) this.ipl();
        break;
      case 'xcf-down':
      case 'xcf-up':
        this.xcf.setPaths(c.peer, c.kind === 'xcf-up', c.path);
        break;
      case 'cf-down':
      case 'cf-up':
        this.xcf.setCf(c.cf, c.kind === 'cf-up');
        break;
      case 'stack-stop':
        if (this.up && this.fw !== null) this.stopStack('stack-stop');
        break;
      case 'stack-start':
        if (this.up && this.fw === null) this.startStack(true);
        break;
      case 'operator': {
        if (!this.up) {
          if (this.tracing) this.trace('operator', { command: c.command, error: `${this.name} is down` });
          break;
        }
        // START and STOP of the TCP/IP address space are MVS's commands, not the stack's.
        const mvs = mvsCommand(c.command);
        if (mvs === 'stop') {
          if (this.tracing) this.trace('operator', { command: c.command, text: this.fw === null ? 'IEE341I TCPIP NOT ACTIVE' : 'EZZ4201I TCP/IP TERMINATION COMPLETE' });
          if (this.fw !== null) this.stopStack('operator');
          break;
        }
        if (mvs === 'start') {
          if (this.tracing) this.trace('operator', { command: c.command, text: this.fw !== null ? 'IEF453I TCPIP ALREADY ACTIVE' : 'EZZ4202I Z/OS UNIX - TCP/IP CONNECTION ESTABLISHED' });
          if (this.fw === null) this.startStack(true);
          break;
        }
        if (this.fw === null) {
          if (this.tracing) this.trace('operator', { command: c.command, error: `TCPIP is not active on ${this.name}` });
          break;
        }
        this.rq.push(InputKind.Operator, c.command, 0, 0, this.now);
        this.dispatch();
        break;
      }
      default:
        break;
    }
  }

  // ---- IPL and stop -------------------------------------------------------------------------------------

  private ipl(): void {
    this.up = true;
    this.ipls++;
    this.generation++;
    if (this.tracing) this.trace('lpar.up', { ipl: this.ipls });
    // XCF initialisation first: the system enters the sysplex through the couple data set, and the stack starts
    // when it is in (knowing the group), one CDS round trip later. A real IPL takes minutes; not charged.
    this.stackWanted = true;
    this.xcf.restart();
  }

  private xcfReady(): void {
    if (this.up && this.fw === null && this.stackWanted) this.startStack();
  }

  /** Starts a fresh TCP/IP stack (at IPL, or S TCPIP after a stop). */
  private startStack(afterStop = false): void {
    this.stackWanted = true;
    this.generation++;
    if (afterStop && this.tracing) this.trace('stack.start', {});
    const hal = new HostHal(this, this.generation);
    this.fw = this.cfg.firmware(hal, this.cfg.firmwareConfig);
    // IPL itself is not charged: a real one takes minutes; here the stack is up at once (assumed).
    this.callFirmware(KIND_IPL, null, 0, 0, -1);
  }

  /** The stack ends in order: XCF performs its leave at once (the others take its DVIPAs now), its addresses
   *  leave the OSAs, what it had queued is dropped; the LPAR and its XCF status updates carry on. */
  private stopStack(why: 'stack-stop' | 'operator'): void {
    if (this.tracing) this.trace('stack.stop', { by: why });
    this.stackWanted = false;
    this.xcf.join(false);
    this.discardFirmware();
    this.connections.down();
    this.ackPending.fill(0);
    const msg: LparToOsaMsg = { kind: 'deregister-all' };
    for (const p of this.osaPorts) p.send(msg, 0);
  }

  /** The firmware instance goes (a stack stop or the LPAR going down): what it distributed is remembered for the
   *  report, its queued work and timers are dropped, and stale events of this generation are ignored. */
  private discardFirmware(): void {
    if (this.fw !== null) this.services = servicesOf(this.fw.inspect());
    this.generation++;
    this.fw = null;
    this.rq.clear();
    this.timers.clear();
    this.fwTimerAt = Infinity;
    this.dispatchAt = Infinity;
    this.releasedUntil = 0;
  }

  /** SFM isolated this system (its status was missing, or it lost the signalling connectivity SFM kept for
   *  another): it stops as in a wait state. */
  private isolated(reason: string): void {
    if (this.up) this.down(reason);
  }

  private down(reason?: string): void {
    this.up = false;
    this.discardFirmware();
    this.cpu.halt(this.now);
    this.appCycles = 0;
    this.iwqServices = new Set();
    this.xcf.stop();
    this.connections.down();
    this.ackPending.fill(0);
    const msg: LparToOsaMsg = { kind: 'deregister-all' };
    for (const p of this.osaPorts) p.send(msg, 0);
    if (this.tracing) this.trace('lpar.down', reason === undefined ? {} : { isolated: reason });
  }

  // ---- the run queue ------------------------------------------------------------------------------------

  /** Hands queued inputs to free CPs; arms a wake-up for when the next CP frees. */
  private dispatch(): void {
    if (this.inFirmware) {
      this.armDispatch(this.now);
      return;
    }
    const rq = this.rq;
    const now = this.now;
    if (this.prsmParked && (rq.count > 0 || this.appCycles > 0) && this.up) this.wakePrsm();
    while (rq.count > 0 && this.up) {
      const cp = this.cpu.earliest();
      const free = this.cpu.freeTime(cp);
      if (free > now) {
        this.armDispatch(free);
        break;
      }
      this.execute(cp);
    }
    // Application work runs below the stack: only on CPs the stack's inputs leave free, a slice at a time.
    while (this.appCycles > 0 && rq.count === 0 && this.up) {
      const cp = this.cpu.earliest();
      const free = this.cpu.freeTime(cp);
      if (free > now) {
        this.armDispatch(free);
        break;
      }
      const slice = Math.min(this.appCycles, this.cpu.cyclesIn(APPLICATION.slicePs));
      this.appCycles -= slice;
      this.cpu.run(cp, now, slice);
      if (this.appCycles > 0) this.armDispatch(this.cpu.freeTime(cp));
    }
    this.flushAcks();
  }

  /** IWQ: registers with each WORKLOADQ OSA the (DVIPA, port) services this stack distributes now (the DVIPAs
   *  it owns that its VDPT distributes), so the OSA puts their inbound datagrams on the SD read queue. */
  private refreshIwq(): void {
    const now = new Set<string>();
    if (this.fw !== null) {
      const view = this.fw.inspect();
      for (const r of view.vdpt) if (view.dvipas.some((d) => d.ip === r.dvipa && d.owner === this.name)) now.add(`${r.dvipa}:${r.port}`);
    }
    const change = (key: string, on: boolean): void => {
      const [ip, port] = key.split(':');
      const octets = ip!.split('.').map(Number);
      const addr = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
      for (const i of this.iwqOsas) this.osaPorts[i]!.send({ kind: 'iwq-sd', ip: addr, port: Number(port), on } satisfies LparToOsaMsg, 0);
    };
    for (const k of now) if (!this.iwqServices.has(k)) change(k, true);
    for (const k of this.iwqServices) if (!now.has(k)) change(k, false);
    this.iwqServices = now;
  }

  /** Application work since the last tick: `loadPct` of the logical CPs' capacity at full speed. */
  private addApplicationWork(): void {
    const dt = this.now - this.appAddedAt;
    this.appAddedAt = this.now;
    this.appCycles += ((this.cfg.loadPct ?? 0) / 100) * this.cfg.processors * this.cfg.clockHz * (dt / 1e12);
  }

  /** Tells PR/SM the physical CPs this LPAR would use now: all its logical CPs while work waits, else what it
   *  used over the last interval. An LPAR that used nothing and has nothing waiting says so once and stops
   *  reporting (PR/SM keeps its demand at 0) until work arrives (wakePrsm), so an idle sysplex with shared CPs
   *  costs no events: PR/SM's answer can only matter to work this LPAR runs. */
  private reportDemand(): void {
    const now = this.now;
    const used = this.cpu.physicalUntil(now);
    const waiting = this.rq.count > 0 || this.appCycles > 0;
    const demand = waiting || !this.up ? (this.up ? this.cfg.processors : 0) : (used - this.prsmBusy) / PRSM.intervalPs;
    this.prsmBusy = used;
    this.cpcPort!.send({ kind: 'prsm-demand', demand: Math.min(this.cfg.processors, demand) }, 0);
    if (demand === 0 && !waiting && this.cpusFree(now)) {
      this.prsmParked = true;
      return;
    }
    this.at(now + PRSM.intervalPs, TAG_PRSM);
  }

  private cpusFree(now: number): boolean {
    for (let cp = 0; cp < this.cfg.processors; cp++) if (this.cpu.freeTime(cp) > now) return false;
    return true;
  }

  /** Work arrived at a parked LPAR: it reports its demand at once and every interval again. */
  private wakePrsm(): void {
    if (!this.prsmParked) return;
    this.prsmParked = false;
    this.reportDemand();
  }

  private armDispatch(at: number): void {
    if (at >= this.dispatchAt) return;
    this.dispatchAt = at;
    this.at(at, TAG_DISPATCH);
  }

  private execute(cp: number): void {
    const rq = this.rq;
    const i = rq.headSlot;
    const kind = rq.kind[i]!;
    const obj = rq.obj[i];
    const a = rq.a[i]!;
    const b = rq.b[i]!;
    const arrival = rq.arrival[i]!;
    rq.shift();
    let cost: number;
    switch (kind) {
      case InputKind.Packet:
        this.ackPending[a * 2 + (b >> 1)]!++;
        cost = this.costs.packetReceived + this.costs.perByte * (obj as Uint8Array).length + ((b & 1) === 1 ? this.costs.interrupt : 0);
        break;
      case InputKind.Xcf:
        cost = b === 1 ? this.costs.packetReceived + this.costs.perByte * (obj as Uint8Array).length : this.costs.xcfMessage;
        break;
      case InputKind.Membership:
        if (!this.xcf.isMember) return; // the stack left the group meanwhile: no longer told
        cost = this.costs.membership;
        break;
      case InputKind.Interface:
        cost = this.costs.interfaceState;
        break;
      case InputKind.Timer:
        if (!this.timers.fire(a, b)) return; // cancelled or re-armed while it waited
        cost = this.costs.timer;
        break;
      default:
        cost = this.costs.operator;
    }
    this.counts.inputs++;
    this.counts.waitedPs += this.now - arrival;
    rq.wait.record(this.now - arrival);
    this.callFirmware(kind, obj, a, cost, cp);
  }

  /** Calls into the firmware with the Hal's side effects collected, charges `cycles` (plus what the call adds)
   *  on CP `cp` (-1: not charged, the IPL or a report display) and releases what the firmware sent when the
   *  work is done. */
  private callFirmware(kind: number, obj: unknown, a: number, cycles: number, cp: number): unknown {
    const fw = this.fw!;
    const now = this.now;
    this.curKind = kind;
    this.cycles = cycles;
    this.outputs = null;
    this.inFirmware = true;
    let result: unknown;
    try {
      switch (kind) {
        case InputKind.Packet:
          fw.receive(now, this.ifNames[a]!, obj as Uint8Array);
          break;
        case InputKind.Xcf:
          fw.xcfReceive(now, this.peerNames[a]!, obj as Uint8Array);
          break;
        case InputKind.Membership:
          fw.xcfMembership(now, obj as XcfMembershipEvent);
          break;
        case InputKind.Interface:
          fw.interfaceState?.(now, this.ifNames[a]!, obj as boolean);
          break;
        case InputKind.Timer:
          fw.timer(now, a);
          break;
        case InputKind.Operator:
          result = fw.operator(now, obj as string);
          if (cp >= 0 && this.tracing) this.trace('operator', { command: obj as string, text: result });
          break;
        default: // KIND_IPL
          fw.start(now);
      }
    } finally {
      this.inFirmware = false;
      this.curKind = -1;
    }
    const outputs = this.outputs;
    this.outputs = null;
    const finish = cp >= 0 ? this.cpu.run(cp, now, this.cycles) : now;
    if (outputs !== null) {
      // Outputs leave in the order the firmware produced them, as the stack's device queues keep them: work on
      // another CP that finishes sooner waits behind earlier output, so a connection's segments never
      // overtake each other on the way out.
      const end = finish > this.releasedUntil ? finish : this.releasedUntil;
      this.releasedUntil = end;
      if (end <= now) this.emit(outputs);
      else this.at(end, TAG_OUTPUT, { gen: this.generation, outputs } satisfies OutputBatch);
    }
    return result;
  }

  private emit(outputs: Output[]): void {
    for (const o of outputs) {
      if (o.to === 'osa') o.port.send(o.msg, o.bytes);
      else if (o.to === 'iqd') this.iqdPort!.send({ kind: 'iqd-write', to: o.peer, bytes: o.data } satisfies IqdWriteMsg, o.data.length);
      else this.xcf.send(o.peer, o.data);
    }
  }

  private output(o: Output): void {
    if (!this.inFirmware) {
      this.emit([o]);
      return;
    }
    if (this.outputs === null) this.outputs = [];
    this.outputs.push(o);
  }

  private flushAcks(): void {
    const acks = this.ackPending;
    for (let i = 0; i < acks.length; i++) {
      if (acks[i] === 0) continue;
      const msg: LparToOsaMsg = (i & 1) === 0 ? { kind: 'ack', count: acks[i]! } : { kind: 'ack', count: acks[i]!, queue: 1 };
      this.osaPorts[i >> 1]!.send(msg, 0);
      acks[i] = 0;
    }
  }

  private armFwTimer(): void {
    const t = this.timers.peekTime();
    if (t === Infinity) return;
    const at = t > this.now ? t : this.now;
    if (at >= this.fwTimerAt) return;
    this.fwTimerAt = at;
    this.at(at, TAG_FW_TIMER);
  }

  // ---- XCF callbacks ------------------------------------------------------------------------------------

  private onMembership(e: XcfMembershipEvent): void {
    if (!this.up || this.fw === null) return;
    this.rq.push(InputKind.Membership, e, 0, 0, this.now);
    this.dispatch();
  }

  private onXcfData(from: string, bytes: Uint8Array): void {
    if (!this.up || this.fw === null) return;
    this.rq.push(InputKind.Xcf, bytes, this.peerIndex.get(from) ?? 0, 0, this.now);
    this.dispatch();
  }

  // ---- the Hal's backend --------------------------------------------------------------------------------

  private resolveIf(ifName: string): number {
    const i = this.ifByName.get(ifName);
    if (i !== undefined) return i;
    // A profile may name its interface differently from the topology's OSA: with one OSA there is no doubt.
    if (this.osaPorts.length === 1) {
      this.ifByName.set(ifName, 0);
      this.ifNames[0] = ifName;
      return 0;
    }
    this.counts.unknownInterface++;
    if (this.tracing) this.trace('lpar.drop', { reason: 'unknown-interface', ifName });
    return -1;
  }

  halTransmit(ifName: string, packet: Uint8Array, nextHop: number): void {
    const i = this.resolveIf(ifName);
    if (i < 0) return;
    this.cycles += this.costs.packetSent + this.costs.perByte * packet.length;
    const queue = OSA.queueByPrecedence[(packet.length > 1 ? packet[1]! : 0) >>> 5]!;
    this.output({ to: 'osa', port: this.osaPorts[i]!, msg: { kind: 'transmit', packet, nextHop: nextHop >>> 0, queue }, bytes: packet.length });
  }

  halRegister(ifName: string, ip: number, register: boolean): void {
    const i = this.resolveIf(ifName);
    if (i < 0) return;
    const msg: LparToOsaMsg = register ? { kind: 'register', ip: ip >>> 0 } : { kind: 'deregister', ip: ip >>> 0 };
    this.output({ to: 'osa', port: this.osaPorts[i]!, msg, bytes: 0 });
  }

  halXcfSend(toStack: string, message: Uint8Array): void {
    this.cycles += this.curKind === InputKind.Packet ? this.costs.packetForwarded : this.costs.xcfMessage;
    this.output({ to: 'xcf', peer: toStack, data: message });
  }

  halIqdSend(toStack: string, message: Uint8Array): boolean {
    if (this.iqdPort === null || !this.iqdPeers.has(toStack) || message.length > this.iqdMtu) return false;
    // The sending CP does the copy: the stack's per-packet and per-byte cost, as for an OSA write.
    this.cycles += (this.curKind === InputKind.Packet ? this.costs.packetForwarded : this.costs.packetSent) + this.costs.perByte * message.length;
    this.output({ to: 'iqd', peer: toStack, data: message });
    return true;
  }

  halXcfJoin(join: boolean): void {
    const members = this.xcf.join(join);
    for (const stack of members) this.rq.push(InputKind.Membership, { stack, joined: true, failed: false }, 0, 0, this.now);
    if (members.length > 0) this.dispatch();
  }

  halSetTimer(id: number, at: number): void {
    this.timers.set(id, at);
    this.armFwTimer();
  }

  halCancelTimer(id: number): void {
    this.timers.cancel(id);
  }

  halTcpConnection(event: 'open' | 'close' | 'reset', localIp: number, localPort: number, remoteIp: number, remotePort: number): void {
    this.connections.record(event, localIp, localPort, remoteIp, remotePort);
    if (event === 'open') this.cycles += this.costs.connectionOpen;
  }

  halWlmWeight(): number {
    return this.cpu.wlmWeight(this.now);
  }

  halWlmCapacity(): { readonly unused: number; readonly total: number } {
    return this.cpu.wlmCapacity(this.now);
  }
}

/** `P TCPIP` / `S TCPIP` (optionally routed: `RO SYS1,P TCPIP`): MVS's stop and start of the stack. */
export function mvsCommand(command: string): 'stop' | 'start' | null {
  const m = /^\s*(?:RO\s+[^,\s]+\s*,\s*)?(P|STOP|S|START)\s+TCPIP\s*$/i.exec(command);
  if (m === null) return null;
  return m[1]!.toUpperCase().startsWith('P') || m[1]!.toUpperCase() === 'STOP' ? 'stop' : 'start';
}

function servicesOf(view: FirmwareView): DistributedService[] {
  const seen = new Map<string, DistributedService>();
  for (const r of view.vdpt) {
    const key = `${r.dvipa}:${r.port}`;
    if (!seen.has(key)) seen.set(key, { dvipa: r.dvipa, port: r.port, method: r.method });
  }
  return [...seen.values()];
}
