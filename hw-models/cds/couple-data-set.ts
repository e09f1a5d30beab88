// `CDS`: the sysplex couple data set, with SFM acting on what it records. Ports: one per LPAR (named after it).
//
// Each system writes its status record every interval / CDS.updatesPerInterval; the first one of an IPL is
// answered with the group's member records and `cds-ready` (XCF initialisation: the stack starts after it). The
// TCP/IP stack's member record is written when it joins or leaves the group, and every system is told. The monitoring the systems do by reading each other's
// records is done here, on the records (same result, one timer instead of N x N reads):
// - a record not updated for the system's failure detection interval is a status update missing: SFM isolates
//   the system (fences it: it stops), then partitions it out; only then are the others told its member failed;
// - a system reporting that it lost every signalling path to a live peer (CONNFAIL): SFM removes exactly one of
//   the two, the one with the lower SFM weight (on a tie the later name), the same way;
// - a voluntary leave is told to the others at once (one CDS I/O);
// - a system that re-IPLed before its old instance was noticed is partitioned out first, then active again.

import type { Port } from '../../src/kernel/index.js';
import type { CdsToLparMsg, LparToCdsMsg } from '../messages.js';
import { ModelComponent } from '../model-component.js';
import { CDS } from './datasheet.js';

const TAG_CHECK = 0;
const TAG_PARTITION = 1;

class SystemRecord {
  incarnation = -1;
  lastUpdate = -Infinity;
  fdiPs = Infinity;
  weight = 1;
  active = false;
  member = false;
  /** Being isolated: no longer counted, not yet partitioned out. */
  removing = false;
  constructor(readonly name: string, readonly port: Port) {}
}

export interface CdsSummary {
  readonly statusUpdates: number;
  /** Systems SFM partitioned out, and why. */
  readonly partitions: readonly { readonly sys: string; readonly reason: string; readonly atPs: number }[];
}

export class CoupleDataSet extends ModelComponent {
  private readonly systems: SystemRecord[] = [];
  private readonly byName = new Map<string, SystemRecord>();
  private checkAt = Infinity;
  private statusUpdates = 0;
  private readonly partitions: { sys: string; reason: string; atPs: number }[] = [];

  constructor(name = 'CDS') {
    super(name);
  }

  /** The port to connect to `lpar`'s. */
  attachLpar(lpar: string): Port {
    const port = this.port(lpar);
    const r = new SystemRecord(lpar, port);
    this.systems.push(r);
    this.byName.set(lpar, r);
    return port;
  }

  summary(): CdsSummary {
    return { statusUpdates: this.statusUpdates, partitions: this.partitions.map((p) => ({ ...p })) };
  }

  override onMessage(port: Port, message: unknown): void {
    const m = message as LparToCdsMsg;
    const r = this.byName.get(port.name);
    if (r === undefined) return;
    switch (m.kind) {
      case 'cds-status':
        this.statusUpdates++;
        if (r.active && r.incarnation !== m.incarnation && !r.removing) this.partition(r, 'reipl'); // re-IPLed in between
        if (r.removing) return; // the old instance is still being removed: the new one waits its next update
        if (!r.active || r.incarnation !== m.incarnation) this.welcome(r);
        r.active = true;
        r.incarnation = m.incarnation;
        r.lastUpdate = this.now;
        r.fdiPs = m.fdiPs;
        r.weight = m.weight;
        this.armCheck(this.now + r.fdiPs);
        this.memberRecord(r, m.member); // the update carries the member record too
        return;
      case 'cds-group':
        if (r.active && !r.removing && m.incarnation === r.incarnation) this.memberRecord(r, m.joined);
        return;
      case 'cds-connfail': {
        const peer = this.byName.get(m.peer);
        if (peer === undefined || !r.active || r.removing || !peer.active || peer.removing) return;
        // SFM CONNFAIL: keep the heavier system; on a tie the later name goes (deterministic, either report).
        const victim = peer.weight < r.weight ? peer : r.weight < peer.weight ? r : peer.name > r.name ? peer : r;
        if (this.tracing) this.trace('sfm.connfail', { between: [r.name, peer.name], removes: victim.name });
        this.isolate(victim, 'connfail');
        return;
      }
    }
  }

  override onTimer(tag: number, data: unknown): void {
    if (tag === TAG_CHECK) {
      if (this.now !== this.checkAt) return;
      this.checkAt = Infinity;
      let next = Infinity;
      for (const r of this.systems) {
        if (!r.active || r.removing) continue;
        const due = r.lastUpdate + r.fdiPs;
        if (due <= this.now) this.isolate(r, 'status-missing');
        else if (due < next) next = due;
      }
      if (next !== Infinity) this.armCheck(next);
    } else if (tag === TAG_PARTITION) {
      const { sys, reason } = data as { sys: string; reason: string };
      const r = this.byName.get(sys)!;
      if (r.removing) this.partition(r, reason);
    }
  }

  /** A system entering the sysplex reads the group's member records, then completes its initialisation. */
  private welcome(r: SystemRecord): void {
    for (const o of this.systems) {
      if (o !== r && o.member && o.active && !o.removing) r.port.send({ kind: 'cds-notice', stack: o.name, joined: true, failed: false } satisfies CdsToLparMsg, 0);
    }
    r.port.send({ kind: 'cds-ready' } satisfies CdsToLparMsg, 0);
  }

  /** The stack of `r` joined or left the group: the others are told; a joiner learns who is there. */
  private memberRecord(r: SystemRecord, joined: boolean): void {
    if (r.member === joined) return;
    r.member = joined;
    this.tell(r, { kind: 'cds-notice', stack: r.name, joined, failed: false });
  }

  /** SFM isolates `r` (it stops), then partitions it out after CDS.isolationPs. */
  private isolate(r: SystemRecord, reason: 'status-missing' | 'connfail'): void {
    r.removing = true;
    if (this.tracing) this.trace('sfm.isolate', { sys: r.name, reason });
    r.port.send({ kind: 'cds-isolate', reason } satisfies CdsToLparMsg, 0);
    this.at(this.now + CDS.isolationPs, TAG_PARTITION, { sys: r.name, reason });
  }

  /** `r` leaves the sysplex; the others learn its member failed. */
  private partition(r: SystemRecord, reason: string): void {
    r.removing = false;
    r.active = false;
    this.partitions.push({ sys: r.name, reason, atPs: this.now });
    if (this.tracing) this.trace('sfm.partition', { sys: r.name, reason });
    if (r.member) {
      r.member = false;
      this.tell(r, { kind: 'cds-notice', stack: r.name, joined: false, failed: true });
    }
  }

  /** Tells every other active system (their next read of the record). */
  private tell(about: SystemRecord, msg: CdsToLparMsg): void {
    for (const o of this.systems) if (o !== about && o.active && !o.removing) o.port.send(msg, 0);
  }

  private armCheck(at: number): void {
    if (at >= this.checkAt) return;
    this.checkAt = at;
    this.at(at, TAG_CHECK);
  }
}
