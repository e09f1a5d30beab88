// Vdpt: the Dynamic VIPA Destination Port Table (SYSPLEX-DISTRIBUTOR.md §1.3), one VdptPort per distributed
// (DVIPA, port) and, inside it, one column entry per target index:
//
//   ready       listeners on the target (Rdy; SHAREPORT makes it > 1); 0 = no new work
//   totalConn   connections this distributor sent there (TotalConn)
//   activeConn  of those, still open (ActConn)
//   weight      the configured WEIGHTEDACTIVE `DESTIP xcf WEIGHT w` (1 when not coded)
//   serverWeight  SERVERWLM per-server weight the target reports (0-64)
//   tsr         target server responsiveness 0-100 (scales every weight; 0 = unhealthy)
//   rank        HOTSTANDBY: 255 for PREFERRED, 1-254 for BACKUP rank, 0 otherwise
//
// The WLM *system* weight (BASEWLM) and the target's reachability (member of the XCF group, path up,
// QUIESCE,TARGET) are per stack, not per port, so the Vdpt keeps them once and every port reads them.
// Columns are typed arrays sized to the Vdpt's `targets` option: no per-row objects, and distribution scans a
// few dozen bytes. The distribution methods' state (round-robin cursor, smooth-WRR current weights, the hot
// standby's active server) lives in the port too; the algorithms are in distribute.ts.
//
// Caller (the distributing stack):
//   - VIPADISTRIBUTE DEFINE: `define(dvipa, port, config)`, then `addTarget(t, ...)` per DESTIP (for ALL: each
//     stack as it joins); VIPADISTRIBUTE DELETE: `remove(dvipa, port)`.
//   - XCF: `setMember(t, joined)`, `setPathUp(t, up)`, `setSystemWeight(t, w)`, `setQuiesced(t, q)`;
//     a lost target: `targetLost(t)`. Listener reports: `port.listen(t)` / `port.unlisten(t)` / `setReady`.
//   - per connection: `port.connectionStarted(t)` when distributed, `port.connectionEnded(t)` when the target
//     reports the end, `port.connectionRestored(t)` for connections learned at takeover.
//   - displays: `forEachPort`, the columns, `displayWeight(t)` (the VDPT WLM column).
// Every change that can move the hot-standby role re-evaluates it at once, so NOAUTOSWITCHBACK follows the
// order in which targets became ready (the first ready target becomes active, whatever its type).

import { updateHotStandby } from './distribute.js';
import { ServiceTable } from './services.js';
import { type DistMethod, MAX_TARGETS, SdError, checkRange, ipText } from './types.js';

// Per-stack status bits (Vdpt.status).
export const TARGET_IN_GROUP = 0x01;
export const TARGET_PATH_UP = 0x02;
/** `V TCPIP,,SYSPLEX,QUIESCE,TARGET`: keeps connections, takes no new ones. */
export const TARGET_QUIESCED = 0x04;
const REACHABLE = TARGET_IN_GROUP | TARGET_PATH_UP;

// Per-port, per-target flag bits (VdptPort.flags).
/** Named on DESTIP (or covered by DESTIP ALL). */
export const DEST_CONFIGURED = 0x01;
/** `V TCPIP,,SYSPLEX,QUIESCE,PORT=p` on the target. */
export const DEST_QUIESCED = 0x02;

/** The HOTSTANDBY rank that stands for PREFERRED (above every BACKUP rank, like the owner's 255 in dumps). */
export const PREFERRED_RANK = 255;

export interface VdptPortConfig {
  readonly method: DistMethod;
  /** HOTSTANDBY: AUTOSWITCHBACK (default) or NOAUTOSWITCHBACK. */
  readonly autoSwitchBack?: boolean;
  /** HOTSTANDBY: HEALTHSWITCH (default) also leaves a target whose TSR is 0. */
  readonly healthSwitch?: boolean;
  /** OPTLOCAL n (0-16); omitted or -1 = NOOPTLOCAL. */
  readonly optLocal?: number;
  /** TIMEDAFFINITY seconds; 0 = none. */
  readonly timedAffinitySeconds?: number;
  /** Learned from a listener because VIPADISTRIBUTE named no PORT (VDPT flag `Dynamic`). */
  readonly dynamic?: boolean;
}

export interface DestConfig {
  /** WEIGHTEDACTIVE `WEIGHT w`; 1 when not coded. */
  readonly weight?: number;
  /** HOTSTANDBY `PREFERRED`. */
  readonly preferred?: boolean;
  /** HOTSTANDBY `BACKUP rank` (1-254). */
  readonly backupRank?: number;
}

export interface VdptOptions {
  /** Target indices the tables hold (0..targets-1); default 32, at most 256. */
  readonly targets?: number;
}

export class VdptPort {
  readonly method: DistMethod;
  readonly autoSwitchBack: boolean;
  readonly healthSwitch: boolean;
  readonly optLocal: number;
  /** TIMEDAFFINITY in picoseconds (0 = none). */
  readonly affinityPs: number;
  readonly dynamic: boolean;

  readonly flags: Uint8Array;
  readonly ready: Uint16Array;
  readonly totalConn: Float64Array;
  readonly activeConn: Uint32Array;
  readonly weight: Uint16Array;
  readonly serverWeight: Uint8Array;
  readonly tsr: Uint8Array;
  readonly rank: Uint8Array;
  /** Configured targets in DESTIP order (ties and rotation follow it). */
  readonly order: Uint8Array;
  orderLength = 0;

  /** ROUNDROBIN: position in `order` where the next turn starts. */
  rrNext = 0;
  /** BASEWLM/SERVERWLM: smooth weighted round robin current weights. */
  readonly swrrCurrent: Float64Array;
  /** HOTSTANDBY: the active server, or -1. */
  standby = -1;

  constructor(
    readonly service: number,
    readonly dvipa: number,
    readonly port: number,
    config: VdptPortConfig,
    /** Shared per-stack status bits (Vdpt). */
    readonly status: Uint8Array,
    /** Shared per-stack WLM system weights (Vdpt). */
    readonly systemWeight: Uint8Array,
  ) {
    const n = status.length;
    this.method = config.method;
    this.autoSwitchBack = config.autoSwitchBack ?? true;
    this.healthSwitch = config.healthSwitch ?? true;
    const opt = config.optLocal ?? -1;
    checkRange('OPTLOCAL', opt, -1, 16);
    this.optLocal = opt;
    const secs = config.timedAffinitySeconds ?? 0;
    checkRange('TIMEDAFFINITY seconds', secs, 0, 0x7fffffff);
    this.affinityPs = secs * 1e12;
    this.dynamic = config.dynamic ?? false;
    this.flags = new Uint8Array(n);
    this.ready = new Uint16Array(n);
    this.totalConn = new Float64Array(n);
    this.activeConn = new Uint32Array(n);
    this.weight = new Uint16Array(n);
    this.serverWeight = new Uint8Array(n);
    this.tsr = new Uint8Array(n).fill(100);
    this.rank = new Uint8Array(n);
    this.order = new Uint8Array(n);
    this.swrrCurrent = new Float64Array(n);
  }

  /** Target indices this port can hold. */
  get targets(): number {
    return this.flags.length;
  }

  /** The PREFERRED target of a HOTSTANDBY port, or -1. */
  get preferred(): number {
    for (let k = 0; k < this.orderLength; k++) {
      const t = this.order[k]!;
      if (this.rank[t] === PREFERRED_RANK) return t;
    }
    return -1;
  }

  /** Add a configured target (DESTIP entry, or a stack covered by ALL). Re-adding updates its settings. */
  addTarget(t: number, config: DestConfig = {}): void {
    this.checkIndex(t);
    const weight = config.weight ?? 1;
    checkRange('WEIGHT', weight, 0, 0xffff);
    let rank = 0;
    if (config.preferred === true) {
      if (config.backupRank !== undefined) throw new SdError('BAD_CONFIG', 'a target is PREFERRED or BACKUP, not both', t);
      const p = this.preferred;
      if (p >= 0 && p !== t) {
        throw new SdError('BAD_CONFIG', `HOTSTANDBY has one PREFERRED target (already ${p})`, t);
      }
      rank = PREFERRED_RANK;
    } else if (config.backupRank !== undefined) {
      checkRange('BACKUP rank', config.backupRank, 1, 254);
      rank = config.backupRank;
    }
    if (this.method === 'HOTSTANDBY' && rank === 0) {
      throw new SdError('BAD_CONFIG', 'HOTSTANDBY targets need PREFERRED or BACKUP rank (EZZ0826I)', t);
    }
    if ((this.flags[t]! & DEST_CONFIGURED) === 0) {
      this.order[this.orderLength++] = t;
      this.flags[t] = this.flags[t]! | DEST_CONFIGURED;
    }
    this.weight[t] = weight;
    this.rank[t] = rank;
    this.changed();
  }

  /** Remove a target from DESTIP (its counters stay for the display until the port is removed). */
  removeTarget(t: number): void {
    this.checkIndex(t);
    if ((this.flags[t]! & DEST_CONFIGURED) === 0) return;
    this.flags[t] = 0;
    this.ready[t] = 0;
    this.rank[t] = 0;
    this.swrrCurrent[t] = 0;
    let k = 0;
    while (this.order[k] !== t) k++;
    this.order.copyWithin(k, k + 1, this.orderLength);
    this.orderLength--;
    if (this.rrNext > k) this.rrNext--;
    if (this.rrNext >= this.orderLength) this.rrNext = 0;
    this.changed();
  }

  isConfigured(t: number): boolean {
    return ((this.flags[t] ?? 0) & DEST_CONFIGURED) !== 0;
  }

  /** Eligible for a new connection: configured, in the group, path up, not quiesced, ready > 0. */
  eligible(t: number): boolean {
    return (
      (this.flags[t]! & (DEST_CONFIGURED | DEST_QUIESCED)) === DEST_CONFIGURED &&
      (this.status[t]! & (REACHABLE | TARGET_QUIESCED)) === REACHABLE &&
      this.ready[t]! > 0
    );
  }

  /** An application on target t listens on the port (Rdy + 1). */
  listen(t: number): void {
    this.checkIndex(t);
    if (this.ready[t]! < 0xffff) this.ready[t] = this.ready[t]! + 1;
    this.changed();
  }

  /** A listener on target t closed (Rdy - 1, never below 0). */
  unlisten(t: number): void {
    this.checkIndex(t);
    if (this.ready[t]! > 0) this.ready[t] = this.ready[t]! - 1;
    this.changed();
  }

  /** Set Rdy outright (a target's report after takeover). */
  setReady(t: number, listeners: number): void {
    this.checkIndex(t);
    checkRange('listener count', listeners, 0, 0xffff);
    this.ready[t] = listeners;
    this.changed();
  }

  /** `V TCPIP,,SYSPLEX,QUIESCE|RESUME,PORT=p` on target t. */
  setPortQuiesced(t: number, quiesced: boolean): void {
    this.checkIndex(t);
    this.flags[t] = quiesced ? this.flags[t]! | DEST_QUIESCED : this.flags[t]! & ~DEST_QUIESCED;
    this.changed();
  }

  /** TSR 0-100 reported for target t (scales its weight; 0 triggers HEALTHSWITCH). */
  setTsr(t: number, tsr: number): void {
    this.checkIndex(t);
    checkRange('TSR', tsr, 0, 100);
    this.tsr[t] = tsr;
    this.changed();
  }

  /** SERVERWLM weight (0-64) reported for the server on target t. */
  setServerWeight(t: number, w: number): void {
    this.checkIndex(t);
    checkRange('server weight', w, 0, 64);
    this.serverWeight[t] = w;
  }

  /** A connection was distributed to t (TotalConn + 1, ActConn + 1). */
  connectionStarted(t: number): void {
    this.totalConn[t] = this.totalConn[t]! + 1;
    this.activeConn[t] = this.activeConn[t]! + 1;
  }

  /** A connection learned at takeover (ActConn + 1 only: this distributor did not send it). */
  connectionRestored(t: number): void {
    this.activeConn[t] = this.activeConn[t]! + 1;
  }

  /** The target reported a connection's end (ActConn - 1, never below 0). */
  connectionEnded(t: number): void {
    if (this.activeConn[t]! > 0) this.activeConn[t] = this.activeConn[t]! - 1;
  }

  /**
   * The weight distribution uses for t, scaled by TSR (so 100x the VDPT figure, kept integral for exact
   * ratios): BASEWLM the stack's WLM system weight, SERVERWLM the server's, WEIGHTEDACTIVE the configured
   * WEIGHT; ROUNDROBIN and HOTSTANDBY use no weights (100 x TSR, i.e. healthy or not).
   */
  effectiveWeight(t: number): number {
    const tsr = this.tsr[t]!;
    switch (this.method) {
      case 'BASEWLM':
        return this.systemWeight[t]! * tsr;
      case 'SERVERWLM':
        return this.serverWeight[t]! * tsr;
      case 'WEIGHTEDACTIVE':
        return this.weight[t]! * tsr;
      default:
        return 100 * tsr;
    }
  }

  /** The VDPT `WLM` column: the normalised weight after TSR. */
  displayWeight(t: number): number {
    return Math.round(this.effectiveWeight(t) / 100);
  }

  /** `addr..port`, the display form of the port's destination. */
  toString(): string {
    return `${ipText(this.dvipa)}..${this.port}`;
  }

  /** Re-evaluate state that depends on eligibility (the hot standby's active server). */
  changed(): void {
    if (this.method === 'HOTSTANDBY') updateHotStandby(this);
  }

  private checkIndex(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.flags.length) {
      throw new SdError('TARGET_RANGE', `target index ${t} is not an integer in 0..${this.flags.length - 1}`, t);
    }
  }
}

export class Vdpt {
  /** Per-stack status bits: TARGET_IN_GROUP | TARGET_PATH_UP | TARGET_QUIESCED. */
  readonly status: Uint8Array;
  /** Per-stack WLM system weights (0-64), for BASEWLM. */
  readonly systemWeight: Uint8Array;
  private readonly ports: (VdptPort | undefined)[] = [];
  private count = 0;

  constructor(
    readonly services: ServiceTable,
    options: VdptOptions = {},
  ) {
    const n = options.targets ?? 32;
    checkRange('Vdpt targets', n, 1, MAX_TARGETS);
    this.status = new Uint8Array(n);
    this.systemWeight = new Uint8Array(n);
  }

  /** Ports defined. */
  get size(): number {
    return this.count;
  }

  /** Define distribution for (dvipa, port). Throws SdError BAD_CONFIG when it is already defined. */
  define(dvipa: number, port: number, config: VdptPortConfig): VdptPort {
    const svc = this.services.intern(dvipa, port);
    if (this.ports[svc] !== undefined) {
      throw new SdError('BAD_CONFIG', `${ipText(dvipa)}..${port} is already distributed`, svc);
    }
    const p = new VdptPort(svc, dvipa, port, config, this.status, this.systemWeight);
    this.ports[svc] = p;
    this.count++;
    return p;
  }

  /** The port of (dvipa, port), or undefined when not distributed. */
  get(dvipa: number, port: number): VdptPort | undefined {
    const svc = this.services.find(dvipa >>> 0, port);
    return svc < 0 ? undefined : this.ports[svc];
  }

  /** The port of a service index, or undefined. */
  byService(svc: number): VdptPort | undefined {
    return this.ports[svc];
  }

  /** Stop distributing (dvipa, port). The caller then deletes its VCRT rows and releases the service. */
  remove(dvipa: number, port: number): boolean {
    const svc = this.services.find(dvipa >>> 0, port);
    if (svc < 0 || this.ports[svc] === undefined) return false;
    this.ports[svc] = undefined;
    this.count--;
    return true;
  }

  /** Ports in service-index order. */
  forEachPort(visit: (port: VdptPort) => void): void {
    for (const p of this.ports) if (p !== undefined) visit(p);
  }

  /** Target t joined (true) or left (false) the XCF group. */
  setMember(t: number, inGroup: boolean): void {
    this.setStatus(t, TARGET_IN_GROUP, inGroup);
  }

  /** The route to target t (dynamic XCF or VIPAROUTE) is up or down. */
  setPathUp(t: number, up: boolean): void {
    this.setStatus(t, TARGET_PATH_UP, up);
  }

  /** `V TCPIP,,SYSPLEX,QUIESCE|RESUME,TARGET` on target t. */
  setQuiesced(t: number, quiesced: boolean): void {
    this.setStatus(t, TARGET_QUIESCED, quiesced);
  }

  /** The WLM system weight (0-64) target t reported (Hal.wlmWeight on that stack). */
  setSystemWeight(t: number, w: number): void {
    this.checkIndex(t);
    checkRange('WLM system weight', w, 0, 64);
    this.systemWeight[t] = w;
  }

  /**
   * Target t is gone (left the group or failed): not a member, no listeners, and its open connections are
   * gone with it (ActConn 0; read `activeConn` first to count them as lost).
   */
  targetLost(t: number): void {
    this.checkIndex(t);
    this.status[t] = 0;
    this.systemWeight[t] = 0;
    for (const p of this.ports) {
      if (p === undefined) continue;
      p.ready[t] = 0;
      p.activeConn[t] = 0;
      p.swrrCurrent[t] = 0;
      p.changed();
    }
  }

  private setStatus(t: number, bit: number, on: boolean): void {
    this.checkIndex(t);
    this.status[t] = on ? this.status[t]! | bit : this.status[t]! & ~bit;
    for (const p of this.ports) if (p !== undefined) p.changed();
  }

  private checkIndex(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.status.length) {
      throw new SdError('TARGET_RANGE', `target index ${t} is not an integer in 0..${this.status.length - 1}`, t);
    }
  }
}
