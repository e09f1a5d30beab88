// A fast-check property over the whole distributor: random interleavings of client connects, requests on open
// connections, closes, servers stopping and starting (P/S jobs: listeners closing and opening), and one
// takeover (the distributing LPAR fails) with the owner's later re-IPL (takeback). Throughout, the routing
// audit checks every datagram that reaches the distributor: no new connection goes to a target without a
// listener, and every packet of an existing connection reaches the target that holds it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DVIPA, HttpGet, MS, STACKS, clientAddress, ip, sysplex } from './harness.js';
import { RoutingAudit } from './routing-audit.js';
import type { Stack } from '../../src/firmware/stack.js';

type Op =
  | { k: 'connect' }
  | { k: 'request'; i: number }
  | { k: 'close'; i: number }
  | { k: 'stop'; s: number }
  | { k: 'start'; s: number }
  | { k: 'fail' }
  | { k: 'reipl' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ k: 'connect' as const }) },
  { weight: 4, arbitrary: fc.nat(64).map((i) => ({ k: 'request' as const, i })) },
  { weight: 3, arbitrary: fc.nat(64).map((i) => ({ k: 'close' as const, i })) },
  { weight: 2, arbitrary: fc.nat(2).map((s) => ({ k: 'stop' as const, s })) },
  { weight: 2, arbitrary: fc.nat(2).map((s) => ({ k: 'start' as const, s })) },
  { weight: 1, arbitrary: fc.constant({ k: 'fail' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'reipl' as const }) },
);

const totals = { existing: 0, distributed: 0, awaitingDrops: 0, local: 0, takeovers: 0 };

function play(ops: Op[]): string[] {
  const h = sysplex();
  const audit = new RoutingAudit(h);
  const conns: HttpGet[] = [];
  let failed: string | null = null;
  let reipled = false;
  const open = () => conns.filter((g) => g.outcome === null);
  for (const o of ops) {
    switch (o.k) {
      case 'connect':
        conns.push(HttpGet.open(h, clientAddress(conns.length), DVIPA, 80, true));
        break;
      case 'request':
      case 'close': {
        const live = open();
        if (live.length === 0) break;
        const g = live[o.i % live.length]!;
        if (o.k === 'close') g.close(h.now);
        else g.request(h.now);
        break;
      }
      case 'stop':
      case 'start': {
        const stack = STACKS[o.s]!;
        if (h.nodes.get(stack)!.up) h.operator(stack, `${o.k === 'stop' ? 'P' : 'S'} HTTPSRV`);
        break;
      }
      case 'fail': {
        const owner = h.oat.get(ip(DVIPA));
        if (failed !== null || owner === undefined) break;
        failed = owner;
        h.fail(owner);
        totals.takeovers++;
        break;
      }
      case 'reipl':
        if (failed !== null && !reipled) {
          h.reIpl(failed);
          reipled = true;
        }
        break;
    }
    // Operations sit on a 1 ms grid: listener reports (5 us) reach the distributor before the next SYN.
    h.run(h.now + 1 * MS);
  }
  h.run(h.now + 20 * MS);
  for (const g of open()) g.close(h.now);
  h.run(h.now + 3000 * MS);
  for (const k of ['existing', 'distributed', 'awaitingDrops', 'local'] as const) totals[k] += audit.counts[k];
  return audit.violations;
}

describe('Sysplex Distributor property', () => {
  it('no new connection goes to a target without a listener; every packet of a connection reaches its holder', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 40 }), (ops) => {
        expect(play(ops)).toEqual([]);
      }),
      { numRuns: 100, seed: 20250101 },
    );
    // The property was not vacuous: connections were distributed, routed to their holders (locally and over
    // XCF), and takeovers happened.
    expect(totals.distributed).toBeGreaterThan(250);
    expect(totals.existing).toBeGreaterThan(800);
    expect(totals.local).toBeGreaterThan(200);
    expect(totals.takeovers).toBeGreaterThan(20);
  });

  it('the audit catches a distributor that forwards to the wrong target', () => {
    // Sanity of the instrument: swap two stacks' XCF forwards behind the firmware's back.
    const h = sysplex();
    const audit = new RoutingAudit(h);
    const inner = audit.xcfSend.bind(audit);
    audit.xcfSend = (from, to, message) => inner(from, to === 'SYS2' ? 'SYS3' : to === 'SYS3' ? 'SYS2' : to, message);
    const gets = [0, 1, 2, 3].map((i) => HttpGet.open(h, clientAddress(i), DVIPA, 80, true));
    h.run(h.now + 20 * MS);
    for (const g of gets) g.request(h.now);
    h.run(h.now + 20 * MS);
    expect(audit.violations.length).toBeGreaterThan(0);
    expect(audit.violations.some((v) => /held by SYS2, went to SYS3|held by SYS3, went to SYS2|distributed to SYS\d, went to SYS\d/.test(v))).toBe(true);
  });

  it('the audit catches a distributor whose VDPT still counts a listener that is gone', () => {
    const h = sysplex();
    const audit = new RoutingAudit(h);
    h.operator('SYS3', 'P HTTPSRV');
    h.run(h.now + 1 * MS);
    // Corrupt the distributor's table behind its back: SYS3 (target index 2) "ready" again.
    const port = (h.nodes.get('SYS1')!.fw as Stack).sysplex.vdpt.get(ip(DVIPA), 80)!;
    port.setReady(2, 1);
    [0, 1, 2].forEach((i) => HttpGet.open(h, clientAddress(i), DVIPA, 80, true));
    h.run(h.now + 20 * MS);
    expect(audit.violations).toEqual([expect.stringMatching(/SYS1 distributed 198\.51\.100\.\d:\d+ to SYS3, which has no listener on port 80$/)]);
  });
});
