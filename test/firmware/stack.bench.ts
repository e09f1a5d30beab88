// The firmware end to end on the distributor's data path: Stack.receive() of an inbound datagram for a
// distributed DVIPA, as the LPAR hands it over from its OSA: IPv4/TCP parse, VCRT lookup, the forward
// decision, the XCF forward message built and handed to a fake HAL. No kernel, no models: what the
// firmware itself costs per packet, one datagram at a time and in the bursts a QDIO interrupt delivers (where
// the stack decides the burst ahead in one pass). Also the new-connection path (SYN: distribution method,
// VCRT insert, VDPT counters, forward). The VCRT holds 1 M connections, as in the figure.
//
// Figures print when the file loads (`npx vitest bench --run test/firmware/stack.bench.ts`): best of 30 timed
// passes, since the machine is shared; vitest's table gives mean and spread.
import { bench, describe } from 'vitest';
import type { Firmware, Hal } from '../../src/firmware/hal.js';
import type { Stack } from '../../src/firmware/stack.js';
import { ACK, SYN, writeTcpPacket } from './sd/packets.js';
import { loneDistributor } from './harness.js';
import { ipv4Src, tcpSrcPort } from '../../src/net/index.js';

const FLOWS = 1_000_000;
const PACKETS = 32_768;
const DVIPA = 0x0a01010a;
const MS = 1_000_000_000;

let forwarded = 0;
let forwardedBytes = 0;
const timers = new Map<number, number>();
let seed = 7;
const hal: Hal = {
  stackName: 'SYS1',
  rng: { nextU32: () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) },
  tracing: false,
  transmit: () => {},
  registerAddress: () => {},
  deregisterAddress: () => {},
  xcfSend: (_to, message) => {
    forwarded++;
    forwardedBytes += message.length;
  },
  xcfJoin: () => {},
  setTimer: (id, at) => void timers.set(id, at),
  cancelTimer: (id) => void timers.delete(id),
  tcpConnection: () => {},
  wlmWeight: () => 32,
  trace: () => {},
};

/** SYS1 distributing 10.1.1.10:80 round robin over SYS2 and SYS3 (told over XCF that they listen). */
const distributor = (): Firmware => loneDistributor(hal, timers);

const clientIp = (i: number) => (0x64400000 + (i >>> 2)) >>> 0;
const clientPort = (i: number) => 1024 + ((i * 7919) % 60000);

function pool(count: number, flags: number, flow: (k: number) => number, sportBase = -1): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => {
    const i = flow(k);
    const p = new Uint8Array(40 + 20);
    writeTcpPacket({ src: clientIp(i), dst: DVIPA, sport: sportBase >= 0 ? sportBase + (k % 4000) : clientPort(i), dport: 80, flags, payload: 20 }, p);
    return p;
  });
}

const fw = distributor();
const stack = fw as Stack;
// FLOWS established connections: their SYNs go through distribution once.
for (const p of pool(FLOWS, SYN, (k) => k)) fw.receive(2 * MS, 'OSA1', p);
if (stack.sysplex.vcrt.size !== FLOWS) throw new Error(`VCRT holds ${stack.sysplex.vcrt.size} rows, expected ${FLOWS}`);

let x = 0x9e3779b9;
const rand = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) % FLOWS;
};
const established = pool(PACKETS, ACK, rand);
// New connections: SYNs from fresh client ports (removed again after each pass).
const fresh = pool(PACKETS, SYN, rand, 20000);

function receiveAll(list: Uint8Array[]): void {
  for (let k = 0; k < list.length; k++) fw.receive(3 * MS, 'OSA1', list[k]!);
}

// The same datagrams as QDIO interrupts of BURST deliver them: the LPAR shows the stack each burst first
// (inboundBurst: the distributor decides it in one pass, ForwardBatch), then hands over its datagrams.
const BURST = 64;
const bursts: Uint8Array[][] = [];
for (let k = 0; k < PACKETS; k += BURST) bursts.push(established.slice(k, k + BURST));
function receiveBursts(): void {
  for (const b of bursts) {
    fw.inboundBurst!('OSA1', b);
    for (let k = 0; k < b.length; k++) fw.receive(3 * MS, 'OSA1', b[k]!);
  }
}

function newConnections(): void {
  receiveAll(fresh);
  // Forget them, as the targets' end-of-connection reports would.
  const v = stack.sysplex.vcrt;
  for (const p of fresh) v.delete(ipv4Src(p), tcpSrcPort(p, 20), DVIPA, 80);
}

function best(work: () => void, rounds: number): number {
  work();
  let b = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    work();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

const before = forwarded;
const msEstablished = best(() => receiveAll(established), 30);
const msBursts = best(receiveBursts, 30);
const msNew = best(newConnections, 30);
if (forwarded - before < PACKETS * 62) throw new Error('packets were not forwarded');
console.log(
  [
    `stack.bench: Stack.receive of a distributed data segment (parse, VCRT of ${FLOWS} rows, forward to the fake HAL): ` +
      `${(PACKETS / msEstablished / 1000).toFixed(2)} M packets/s (${((msEstablished * 1e6) / PACKETS).toFixed(0)} ns each)`,
    `stack.bench: the same in QDIO bursts of ${BURST} (inboundBurst, then receive each): ` +
      `${(PACKETS / msBursts / 1000).toFixed(2)} M packets/s (${((msBursts * 1e6) / PACKETS).toFixed(0)} ns each)`,
    `stack.bench: Stack.receive of a SYN (round robin, VCRT insert, VDPT counters, forward): ${(PACKETS / msNew / 1000).toFixed(2)} M connections/s ` +
      `(insert and delete included)`,
    `stack.bench: ${forwarded} datagrams forwarded, ${(forwardedBytes / forwarded).toFixed(0)} bytes per XCF message`,
  ].join('\n'),
);

describe(`Stack.receive on the distributor: ${PACKETS} datagrams per iteration, ${FLOWS} connections in the VCRT`, () => {
  bench('data segments of established connections, forwarded over XCF', () => {
    receiveAll(established);
  });
  bench(`the same datagrams in QDIO bursts of ${BURST}: inboundBurst, then receive each`, () => {
    receiveBursts();
  });
  bench('SYNs of new connections: distributed, inserted (then deleted)', () => {
    newConnections();
  });
});
