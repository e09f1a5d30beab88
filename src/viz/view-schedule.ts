// When a sampler reads an LPAR's firmware view (VCRT size, VDPT ready targets), and what it shows between reads.
// A view costs a hundred microseconds or more in a run, so it is read only when the firmware ran since the last
// read (every firmware call but the IPL costs cycles), and then: at every tick for a while (HOT_PS) after a
// distributor event in the trace (DVIPA moves, membership, listeners, LPAR up or down), when target reports
// rebuild a VCRT without trace records of their own; and otherwise once per SAFETY_READS intervals on a stack that
// owns a DVIPA or has a VCRT. Between reads the VCRT size follows the trace's vcrt.insert and vcrt.delete records.
// The one-process sampler (sampler.ts) reads the views from the models, a partitioned run's merged sampler
// (src/backplane/timeline-merge.ts) from the partitions' readings: both keep this one schedule, so both read the
// same owners' views at the same ticks.

import type { Catalogue, LparProbe } from './catalogue.js';
import { DvipaOwners } from './dvipa-owners.js';
import type { TraceFedState } from './trace-events.js';

/** How long an LPAR's view is read at every tick after a distributor event: 10 ms of virtual time (assumed:
 *  target reports after a takeover come within a few XCF round trips). */
const HOT_PS = 10_000_000_000;
/** A distributor's view is read at least once per this many sample intervals. */
const SAFETY_READS = 100;

/** What a host did by a tick: the view is read again only if it changed. */
export interface HostWork {
  busyPs: number;
  ipls: number;
  up: boolean;
}

/** The schedule of view reads for every LPAR of a catalogue; V is the view as the sampler holds it. */
export class ViewSchedule<V> implements TraceFedState {
  /** DVIPA index -> owner stack name, and whether it moved since the last tick (kept by the trace sink). */
  readonly owners: string[];
  readonly ownerMoved: boolean[];
  /** LPAR index -> 1 when the trace showed a distributor event there since its view was last read. */
  readonly tablesTouched: Uint8Array;
  /** LPAR index -> VCRT inserts minus deletes the trace showed there since its view was last read. */
  readonly vcrtDelta: Int32Array;
  private readonly dvipaOwners: DvipaOwners;
  /** LPAR index -> the view last read (null: the LPAR was down). */
  private readonly views: (V | null)[];
  private readonly viewAt: Float64Array;
  private readonly charged: Float64Array;
  private readonly ipls: Float64Array;
  /** LPAR index -> 1 when its view was read at this tick. */
  private readonly viewRead: Uint8Array;
  /** LPAR index -> until when its view is read at every tick (after a distributor event). */
  private readonly hotUntil: Float64Array;
  /** LPAR index -> VCRT size at the last view read. */
  private readonly vcrtBase: Int32Array;

  constructor(cat: Catalogue, private readonly intervalPs: number) {
    const n = cat.lpars.length;
    this.views = cat.lpars.map(() => null);
    this.viewAt = new Float64Array(n).fill(-Infinity);
    this.charged = new Float64Array(n).fill(-1);
    this.ipls = new Float64Array(n);
    this.viewRead = new Uint8Array(n);
    this.tablesTouched = new Uint8Array(n);
    this.vcrtDelta = new Int32Array(n);
    this.vcrtBase = new Int32Array(n);
    this.hotUntil = new Float64Array(n).fill(-1);
    this.dvipaOwners = new DvipaOwners(cat);
    this.owners = this.dvipaOwners.names;
    this.ownerMoved = this.dvipaOwners.moved;
  }

  /** At every tick, for every LPAR, before anything else about it. */
  beginTick(i: number): void {
    this.viewRead[i] = 0;
  }

  /** Whether LPAR i's view is to be read at tick t (the first tick reads every view). */
  due(i: number, t: number, first: boolean, w: HostWork): boolean {
    if (this.tablesTouched[i] === 1) {
      this.tablesTouched[i] = 0;
      this.hotUntil[i] = t + Math.max(HOT_PS, 10 * this.intervalPs);
    }
    if (first) return true;
    const ran = w.busyPs !== this.charged[i] || w.ipls !== this.ipls[i] || w.up !== (this.views[i] !== null);
    if (!ran) return false;
    const distributes = this.dvipaOwners.isOwner[i] === 1 || this.vcrtBase[i]! + this.vcrtDelta[i]! > 0;
    return t <= this.hotUntil[i]! || (distributes && t - this.viewAt[i]! >= SAFETY_READS * this.intervalPs);
  }

  /** LPAR i's view as read at tick t (null: the LPAR is down), with its VCRT size. */
  read(i: number, t: number, w: HostWork, view: V | null, vcrtSize: number): void {
    this.charged[i] = w.busyPs;
    this.ipls[i] = w.ipls;
    this.viewAt[i] = t;
    this.views[i] = view;
    this.viewRead[i] = 1;
    this.vcrtBase[i] = view === null ? 0 : vcrtSize;
    this.vcrtDelta[i] = 0;
  }

  /** LPAR i's VCRT size: the last read's, moved by the trace's inserts and deletes since. */
  vcrtSize(i: number): number {
    return Math.max(0, this.vcrtBase[i]! + this.vcrtDelta[i]!);
  }

  /** DVIPA d's owner and the owner's view when d's ready counts change at this tick (d moved, or its owner's view
   *  was read at it); undefined when they stand. Call once per DVIPA per tick: it settles d's move. */
  readyView(d: number): { owner: LparProbe | undefined; view: V | null } | undefined {
    const moved = this.dvipaOwners.settle(d);
    const owner = this.dvipaOwners.ownerOf(d);
    if (!moved && (owner === undefined || this.viewRead[owner.index] !== 1)) return undefined;
    return { owner, view: owner === undefined ? null : this.views[owner.index]! };
  }
}
