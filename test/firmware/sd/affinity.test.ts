import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_EXPIRY, selectTarget, ServiceTable, TimedAffinity, Vdpt, type VdptPort } from '../../../src/firmware/sd/index.js';
import { ip } from './packets.js';

const S = 1_000_000_000_000; // picoseconds per second
const DVIPA = ip('10.1.1.10');

function rrPort(seconds: number): { vdpt: Vdpt; port: VdptPort } {
  const vdpt = new Vdpt(new ServiceTable(), { targets: 4 });
  const port = vdpt.define(DVIPA, 23, { method: 'ROUNDROBIN', timedAffinitySeconds: seconds });
  for (let t = 0; t < 3; t++) {
    vdpt.setMember(t, true);
    vdpt.setPathUp(t, true);
    port.addTarget(t);
    port.listen(t);
  }
  return { vdpt, port };
}

/** The stack's sequence for a new connection: select, count, record the affinity. */
function connect(port: VdptPort, aff: TimedAffinity, client: number, now: number): number {
  const t = selectTarget(port, client, now, aff);
  port.connectionStarted(t);
  aff.opened(client, port.service, t);
  return t;
}

describe('TIMEDAFFINITY', () => {
  it('keeps a client on its first target while connections are open and within the time after', () => {
    const { port } = rrPort(30);
    const aff = new TimedAffinity();
    const c1 = ip('192.0.2.1');
    const c2 = ip('192.0.2.2');
    const first = connect(port, aff, c1, 0);
    expect(first).toBe(0);
    expect(connect(port, aff, c2, 1)).toBe(1); // other clients still rotate
    expect(connect(port, aff, c1, 2)).toBe(0);
    expect(connect(port, aff, c1, 3)).toBe(0);
    expect(aff.useCount(c1, port.service)).toBe(3);
    for (let i = 0; i < 3; i++) aff.closed(c1, port.service, 10 * S, port.affinityPs);
    expect(aff.useCount(c1, port.service)).toBe(0);
    expect(aff.nextExpiry()).toBe(40 * S);
    // 29 s after the last close: the affinity still holds.
    expect(connect(port, aff, c1, 39 * S)).toBe(0);
    aff.closed(c1, port.service, 39 * S, port.affinityPs);
    expect(aff.nextExpiry()).toBe(69 * S); // the reopen cancelled the 40 s expiry
    expect(aff.expire(40 * S)).toBe(0);
    expect(aff.size).toBe(2);
  });

  it('lets go after the timer: the next connection is distributed normally', () => {
    const { port } = rrPort(30);
    const aff = new TimedAffinity();
    const c = ip('198.51.100.9');
    expect(connect(port, aff, c, 0)).toBe(0);
    aff.closed(c, port.service, 5 * S, port.affinityPs);
    const expired: number[] = [];
    expect(aff.expire(35 * S - 1, (cip) => expired.push(cip))).toBe(0);
    expect(aff.expire(35 * S, (cip, svc, target) => expired.push(cip, svc, target))).toBe(1);
    expect(expired).toEqual([c, port.service, 0]);
    expect(aff.size).toBe(0);
    expect(aff.nextExpiry()).toBe(NO_EXPIRY);
    expect(connect(port, aff, c, 36 * S)).toBe(1);
  });

  it('treats a record past its time as gone even before the timer fires', () => {
    const { port } = rrPort(1);
    const aff = new TimedAffinity();
    const c = ip('203.0.113.5');
    expect(connect(port, aff, c, 0)).toBe(0);
    aff.closed(c, port.service, 0, port.affinityPs);
    expect(aff.lookup(c, port.service, S - 1)).toBe(0);
    expect(aff.lookup(c, port.service, S)).toBe(-1);
    expect(connect(port, aff, c, 2 * S)).toBe(1);
    expect(aff.useCount(c, port.service)).toBe(1);
    expect(aff.expire(10 * S)).toBe(0); // the stale heap entry no longer describes the record
    expect(aff.size).toBe(1);
  });

  it('distributes normally when the affinity target is no longer ready, and re-binds the client', () => {
    const { port } = rrPort(30);
    const aff = new TimedAffinity();
    const c = ip('192.0.2.77');
    expect(connect(port, aff, c, 0)).toBe(0);
    port.unlisten(0);
    expect(connect(port, aff, c, 1)).toBe(1);
    expect(aff.lookup(c, port.service, 2)).toBe(1);
    expect(aff.deleteTarget(1)).toBe(1);
    expect(aff.size).toBe(0);
  });

  it('without TIMEDAFFINITY on the port, selectTarget ignores the table', () => {
    const { port } = rrPort(0);
    const aff = new TimedAffinity();
    const c = ip('192.0.2.1');
    aff.opened(c, port.service, 2);
    expect(selectTarget(port, c, 0, aff)).toBe(0);
  });

  it('property: expire removes exactly the idle records whose time has come, in time order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ client: fc.integer({ min: 1, max: 40 }), open: fc.boolean(), dt: fc.integer({ min: 0, max: 5 * S }) }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 10 }),
        (events, holdSeconds) => {
          const aff = new TimedAffinity(7);
          const hold = holdSeconds * S;
          const model = new Map<number, { count: number; expires: number }>();
          let now = 0;
          for (const e of events) {
            now += e.dt;
            // Fire the timer the way the stack would: at each nextExpiry() not later than now.
            for (let at = aff.nextExpiry(); at !== NO_EXPIRY && at <= now; at = aff.nextExpiry()) {
              const gone: number[] = [];
              aff.expire(at, (cip) => gone.push(cip));
              const due = [...model].filter(([, r]) => r.count === 0 && r.expires <= at).map(([k]) => k);
              expect(gone.sort()).toEqual(due.sort());
              for (const k of due) model.delete(k);
            }
            const rec = model.get(e.client);
            if (e.open) {
              aff.opened(e.client, 1, e.client % 3);
              model.set(e.client, { count: (rec?.count ?? 0) + 1, expires: 0 });
            } else if (rec !== undefined && rec.count > 0) {
              expect(aff.closed(e.client, 1, now, hold)).toBe(true);
              rec.count--;
              if (rec.count === 0) rec.expires = now + hold;
            } else {
              expect(aff.closed(e.client, 1, now, hold)).toBe(false);
            }
            expect(aff.size).toBe(model.size);
            const idle = [...model.values()].filter((r) => r.count === 0).map((r) => r.expires);
            expect(aff.nextExpiry()).toBe(idle.length === 0 ? NO_EXPIRY : Math.min(...idle));
          }
        },
      ),
    );
  });

  it('grows past its initial size', () => {
    const aff = new TimedAffinity();
    for (let i = 1; i <= 5000; i++) aff.opened(i, 3, i % 7);
    expect(aff.size).toBe(5000);
    for (let i = 1; i <= 5000; i++) expect(aff.lookup(i, 3, 0)).toBe(i % 7);
    for (let i = 1; i <= 5000; i += 2) aff.closed(i, 3, 0, 0); // hold 0: gone at once
    expect(aff.size).toBe(2500);
    expect(aff.deleteService(3)).toBe(2500);
  });
});
