// ClosedFlow without the sysplex (it is sans-I/O): a recorded client stream chopped, duplicated, reordered,
// overlapped and merged into offload-sized frames in every way fast-check finds, replayed against a small
// fake server that loses and reorders nothing, or drops segments. Whatever the capture looked like, the server
// receives each client byte once and in order, no segment exceeds the MSS, and the flow completes.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ClosedFlow, type FlowHost } from '../../src/capture/replay/closed-flow.js';
import { buildIpv4Tcp, readU32 } from '../../src/net/index.js';

const CLIENT = 0xc6336415; // 198.51.100.21
const SERVER = 0x0a01010a; // 10.1.1.10
const SYN = 2, ACK = 16, FIN = 1, RST = 4, PSH = 8;
const SERVER_MSS = 1000;

interface Recorded {
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}

/** The emulated server, reduced to what the flow talks to: in-order receive, immediate ACKs, FIN after the
 *  client's. `lossEvery` drops every n-th data segment from the client (0 = none). */
class FakeServer {
  readonly iss = 0x7fff0000;
  rcvNxt = 0;
  received: number[] = [];
  maxSegment = 0;
  segmentsIn = 0;
  finSent = false;
  out: Uint8Array[] = [];
  private dataSeen = 0;
  constructor(private readonly lossEvery = 0, private readonly answer = 0) {}

  receive(p: Uint8Array): void {
    const t = 20;
    const seq = readU32(p, t + 4);
    const flags = p[t + 13]!;
    const thl = (p[t + 12]! >> 4) * 4;
    const len = p.length - t - thl;
    this.segmentsIn++;
    if (flags & SYN) {
      expect(p.length).toBeGreaterThan(40); // the recorded options went with the SYN
      this.rcvNxt = (seq + 1) >>> 0;
      this.send(this.iss, SYN | ACK, 0, { mss: SERVER_MSS });
      return;
    }
    if (len > 0) {
      this.maxSegment = Math.max(this.maxSegment, len);
      if (this.lossEvery > 0 && ++this.dataSeen % this.lossEvery === 0) return;
    }
    if (len > 0 && seq === this.rcvNxt) {
      for (let i = 0; i < len; i++) this.received.push(p[t + thl + i]!);
      this.rcvNxt = (this.rcvNxt + len) >>> 0;
      if (this.answer > 0 && this.rcvNxt === ((this.iss0 + 1 + this.expectLen) >>> 0)) this.sendAnswer();
    }
    if (flags & FIN && ((seq + len) >>> 0) === this.rcvNxt) {
      this.rcvNxt = (this.rcvNxt + 1) >>> 0;
      if (!this.finSent) {
        this.finSent = true;
        this.send((this.iss + 1 + this.answered) >>> 0, FIN | ACK, 0);
        return;
      }
    }
    if (len > 0 || flags & FIN) this.send((this.iss + 1 + this.answered + (this.finSent ? 1 : 0)) >>> 0, ACK, 0);
  }

  iss0 = 0;
  expectLen = 0;
  answered = 0;
  private sendAnswer(): void {
    this.send((this.iss + 1) >>> 0, ACK | PSH, this.answer);
    this.answered = this.answer;
  }

  private send(seq: number, flags: number, len: number, options?: { mss: number }): void {
    this.out.push(
      buildIpv4Tcp({ src: SERVER, dst: CLIENT }, { srcPort: 7, dstPort: 40000, seq, ack: this.rcvNxt, flags, window: 65535, ...(options ? { options } : {}) }, new Uint8Array(len)),
    );
  }
}

/** Runs one flow to its end: recorded frames fed in order, packets exchanged at once, timers on a clock. */
function replay(stream: Uint8Array, frames: Recorded[], isn: number, server: FakeServer): ClosedFlow {
  let now = 0;
  const timers: number[] = [];
  const host: FlowHost = {
    send: (p) => server.receive(p),
    wake: (flow, at) => {
      flow.wakeAt = at;
      timers.push(at);
    },
    decided: () => {},
    progress: () => {},
  };
  const synPacket = buildIpv4Tcp(
    { src: CLIENT, dst: SERVER },
    { srcPort: 40000, dstPort: 7, seq: isn, flags: SYN, window: 64240, options: { mss: 1460, sackPermitted: true, timestamp: { value: 7, echo: 0 }, windowScale: 7 } },
  );
  const flow = new ClosedFlow(host, CLIENT, 40000, SERVER, 7, synPacket, 20, synPacket.length - 20, now);
  server.iss0 = isn;
  server.expectLen = stream.length;
  flow.start(now);
  const deliver = () => {
    while (server.out.length > 0) {
      const p = server.out.shift()!;
      flow.fromServer(p, 20, p.length, now);
    }
  };
  deliver();
  for (const f of frames) {
    now += 1000;
    const seg = buildIpv4Tcp({ src: CLIENT, dst: SERVER }, { srcPort: 40000, dstPort: 7, seq: f.seq, ack: f.ack, flags: f.flags, window: 502 }, f.payload);
    flow.recordClient(f.seq, f.ack, f.flags, seg, 40, f.payload.length, now);
    deliver();
  }
  for (let i = 0; i < 10000 && flow.outcome === null; i++) {
    timers.sort((a, b) => a - b);
    const at = timers.shift();
    if (at === undefined) break;
    now = Math.max(now, at);
    if (now >= flow.wakeAt) flow.wakeAt = -1;
    flow.onTimer(now);
    deliver();
  }
  return flow;
}

/** Chops `stream` into recorded segments, then messes them up as real captures do. */
const messyCapture = fc
  .record({
    stream: fc.uint8Array({ minLength: 0, maxLength: 9000 }),
    isn: fc.integer({ min: 0, max: 0xffffffff }),
    cuts: fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 20 }),
    mess: fc.array(fc.record({ kind: fc.constantFrom('dup', 'swap', 'overlap', 'dupack'), at: fc.nat(), span: fc.integer({ min: 1, max: 3000 }) }), { maxLength: 12 }),
  })
  .map(({ stream, isn, cuts, mess }) => {
    const sIsn = 0x7fff0000;
    const frames: Recorded[] = [{ seq: (isn + 1) >>> 0, ack: (sIsn + 1) >>> 0, flags: ACK, payload: new Uint8Array(0) }];
    let off = 0;
    let i = 0;
    while (off < stream.length) {
      const len = Math.min(cuts[i++ % cuts.length]!, stream.length - off);
      frames.push({ seq: (isn + 1 + off) >>> 0, ack: (sIsn + 1) >>> 0, flags: ACK | PSH, payload: stream.subarray(off, off + len) });
      off += len;
    }
    for (const m of mess) {
      const k = 1 + (m.at % Math.max(1, frames.length - 1));
      const f = frames[k];
      if (f === undefined) continue;
      if (m.kind === 'dup') frames.splice(k, 0, { ...f });
      else if (m.kind === 'swap' && k + 1 < frames.length) [frames[k], frames[k + 1]] = [frames[k + 1]!, f];
      else if (m.kind === 'dupack') frames.splice(k, 0, { seq: f.seq, ack: f.ack, flags: ACK, payload: new Uint8Array(0) });
      else if (m.kind === 'overlap' && frames[k - 1]!.payload.length > 0) {
        // A retransmission of the previous segment that also carries bytes not captured yet.
        const from = (frames[k - 1]!.seq - isn - 1) >>> 0;
        const to = Math.min(stream.length, from + frames[k - 1]!.payload.length + m.span);
        frames.splice(k, 0, { seq: (isn + 1 + from) >>> 0, ack: (sIsn + 1) >>> 0, flags: ACK, payload: stream.subarray(from, to) });
      }
    }
    frames.push({ seq: (isn + 1 + stream.length) >>> 0, ack: (sIsn + 1) >>> 0, flags: FIN | ACK, payload: new Uint8Array(0) });
    return { stream, isn, frames };
  });

describe('ClosedFlow against a fake server', () => {
  test('each client byte once, in order, within the MSS, whatever the capture shows', () => {
    fc.assert(
      fc.property(messyCapture, ({ stream, isn, frames }) => {
        const server = new FakeServer();
        const flow = replay(stream, frames, isn, server);
        expect(Uint8Array.from(server.received)).toEqual(stream);
        expect(server.maxSegment).toBeLessThanOrEqual(SERVER_MSS - 12);
        expect(flow.outcome).toBe('completed');
      }),
      { numRuns: 150 },
    );
  });

  test('lost segments are retransmitted until the server has every byte', () => {
    fc.assert(
      fc.property(messyCapture, fc.integer({ min: 2, max: 5 }), ({ stream, isn, frames }, lossEvery) => {
        const server = new FakeServer(lossEvery);
        const flow = replay(stream, frames, isn, server);
        expect(Uint8Array.from(server.received)).toEqual(stream);
        expect(flow.outcome).toBe('completed');
      }),
      { numRuns: 60 },
    );
  });

  test('a FIN that depends on the answer waits for it; a server RST resets the flow', () => {
    const stream = new TextEncoder().encode('ping\n');
    const isn = 1000;
    const sIsn = 0x7fff0000;
    const frames: Recorded[] = [
      { seq: isn + 1, ack: sIsn + 1, flags: ACK | PSH, payload: stream },
      // The recorded client closed after the 300-byte answer.
      { seq: isn + 1 + stream.length, ack: sIsn + 1 + 300, flags: FIN | ACK, payload: new Uint8Array(0) },
    ];
    const server = new FakeServer(0, 300);
    const flow = replay(stream, frames, isn, server);
    expect(flow.outcome).toBe('completed');
    expect(flow.serverBytes).toBe(300);

    // The answer never comes: the FIN stays back and the flow is not completed.
    const silent = new FakeServer();
    const stuck = replay(stream, frames, isn, silent);
    expect(silent.finSent).toBe(false);
    expect(stuck.outcome).not.toBe('completed');

    const rstServer = new FakeServer();
    const host: FlowHost = { send: (p) => rstServer.receive(p), wake: () => {}, decided: () => {}, progress: () => {} };
    const syn = buildIpv4Tcp({ src: CLIENT, dst: SERVER }, { srcPort: 40000, dstPort: 7, seq: isn, flags: SYN, window: 1000, options: { mss: 1460 } });
    const f = new ClosedFlow(host, CLIENT, 40000, SERVER, 7, syn, 20, syn.length - 20, 0);
    f.start(0);
    const rst = buildIpv4Tcp({ src: SERVER, dst: CLIENT }, { srcPort: 7, dstPort: 40000, seq: 0, ack: isn + 1, flags: RST | ACK, window: 0 });
    f.fromServer(rst, 20, rst.length, 10);
    expect(f.outcome).toBe('reset');
  });
});
