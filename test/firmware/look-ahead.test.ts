// The distributor's look-ahead over a QDIO burst (Firmware.inboundBurst -> ForwardBatch) must never change
// what the stack does: twin distributors, one told of each burst first and one not, get the same datagrams
// and the same XCF messages between them, and must send exactly the same things.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Firmware } from '../../src/firmware/hal.js';
import type { Stack } from '../../src/firmware/stack.js';
import { encodeControl } from '../../src/firmware/xcf-messages.js';
import { loneDistributor, recordingHal } from './harness.js';
import { ACK, FIN, SYN, writeTcpPacket } from './sd/packets.js';

const DVIPA = 0x0a01010a;
const MS = 1_000_000_000;
const CLIENT = 0x64400000;

/** A distributor (SYS1, round robin over SYS2 and SYS3 for 10.1.1.10:80) whose HAL records what it sends. */
function distributor(): { fw: Firmware; sent: string[] } {
  const sent: string[] = [];
  const { hal, timers } = recordingHal('SYS1', sent);
  const fw = loneDistributor(hal, timers);
  sent.length = 0;
  return { fw, sent };
}

/** Client c's datagram: an established connection's segment, its SYN, its FIN, a truncated TCP header, or
 *  bytes the stack drops before the distributor sees them. */
type Kind = 'ack' | 'syn' | 'fin' | 'short' | 'junk';
function datagram(c: number, kind: Kind): Uint8Array {
  const p = new Uint8Array(60);
  const flags = kind === 'syn' ? SYN : kind === 'fin' ? FIN | ACK : ACK;
  writeTcpPacket({ src: CLIENT + c, dst: DVIPA, sport: 1024 + c, dport: 80, flags, payload: 20 }, p);
  return kind === 'short' ? p.subarray(0, 30) : kind === 'junk' ? p.subarray(0, 12) : p;
}

interface Step {
  burst: { c: number; kind: Kind }[];
  /** After which datagram of the burst a target reports a connection's end (-1: none). */
  endAfter: number;
  endClient: number;
}

function play(steps: Step[], lookAhead: boolean): string[] {
  const { fw, sent } = distributor();
  let now = 2 * MS;
  for (let c = 0; c < 12; c++) fw.receive(now, 'OSA1', datagram(c, 'syn')); // 12 connections open
  for (const s of steps) {
    now += MS;
    const packets = s.burst.map((d) => datagram(d.c, d.kind));
    if (lookAhead) fw.inboundBurst?.('OSA1', packets);
    packets.forEach((p, j) => {
      fw.receive(now, 'OSA1', p);
      if (j === s.endAfter) {
        const owner = (fw as Stack).sysplex.vcrt.lookup(CLIENT + s.endClient, 1024 + s.endClient, DVIPA, 80);
        const from = owner === 0 ? 'SYS2' : 'SYS3';
        fw.xcfReceive(now, from, encodeControl({ m: 'conn-end', ip: DVIPA, port: 80, client: CLIENT + s.endClient, clientPort: 1024 + s.endClient }));
      }
    });
  }
  return sent;
}

const step = fc.record({
  burst: fc.array(fc.record({ c: fc.integer({ min: 0, max: 15 }), kind: fc.constantFrom<Kind>('ack', 'ack', 'ack', 'syn', 'fin', 'short', 'junk') }), { minLength: 2, maxLength: 40 }),
  endAfter: fc.integer({ min: -1, max: 39 }),
  endClient: fc.integer({ min: 0, max: 15 }),
});

describe('distributor look-ahead over an inbound burst', () => {
  it('forwards exactly as one datagram at a time, with connections ending in the middle of bursts', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        expect(play(steps, true)).toEqual(play(steps, false));
      }),
      { numRuns: 150, seed: 0x5d },
    );
  });

  it('uses its decisions: established segments of a burst are forwarded on them', () => {
    const { fw, sent } = distributor();
    for (let c = 0; c < 4; c++) fw.receive(2 * MS, 'OSA1', datagram(c, 'syn'));
    const counters = (fw as Stack).sysplex.counters;
    const burst = [0, 1, 2, 3].map((c) => datagram(c, 'ack'));
    sent.length = 0;
    fw.inboundBurst?.('OSA1', burst);
    expect(sent).toEqual([]); // looking ahead sends nothing
    for (const p of burst) fw.receive(3 * MS, 'OSA1', p);
    expect(counters.decidedAhead).toBe(4);
    expect(sent.filter((s) => s.startsWith('xcf '))).toHaveLength(4);
    // Without the look-ahead, or once a connection ended in between, each datagram is decided on its own.
    for (const p of burst) fw.receive(3 * MS, 'OSA1', p);
    fw.inboundBurst?.('OSA1', burst);
    fw.receive(3 * MS, 'OSA1', burst[0]!);
    const from = (fw as Stack).sysplex.vcrt.lookup(CLIENT + 3, 1027, DVIPA, 80) === 0 ? 'SYS2' : 'SYS3';
    fw.xcfReceive(3 * MS, from, encodeControl({ m: 'conn-end', ip: DVIPA, port: 80, client: CLIENT + 3, clientPort: 1027 }));
    expect((fw as Stack).sysplex.vcrt.size).toBe(3);
    fw.receive(3 * MS, 'OSA1', burst[1]!);
    expect(counters.decidedAhead).toBe(5);
  });
});
