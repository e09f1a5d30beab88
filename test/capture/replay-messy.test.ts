// Closed replay of a capture as messy as real ones: retransmitted SYNs, the same packet captured twice,
// segments out of order, overlapping retransmissions, duplicate ACKs, segmentation-offload frames (with the
// right IPv4 length and with 0), TCP options, and an emulated server whose answers differ in length from the
// recorded ones (HTTP bodies, keep-alive). Checked on the wire (a LAN1 capture): every client byte goes once and
// in order, no segment exceeds the MSS, acknowledgements follow the emulated server, the FIN waits for what it
// depends on, and every flow completes.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCapture, type CaptureFrame } from '../../src/capture/index.js';
import { captureInstruments } from '../../src/capture/capture-points.js';
import { runReplay } from '../../src/capture/replay/index.js';
import { buildIpv4Tcp, ipOf, readU32 } from '../../src/net/index.js';
import type { Report } from '../../src/run/report.js';
import { loadRunFile } from '../../src/scenario/index.js';
import { ethernet, pcapFile, type PcapRecord } from './synth.js';
import { readAll } from './read-all.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-messy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DVIPA = ipOf('10.1.1.10');

const SYN = 2, ACK = 16, PSH = 8, FIN = 1;

interface Flow {
  client: string;
  port: number;
  dport: number;
  cIsn: number;
  sIsn: number;
  request: Uint8Array;
}

/** Builds the recorded frames of one flow; `mess` shapes how the client's bytes were captured. */
function recordFlow(f: Flow, serverBytes: number, keepAlive: boolean, t0: number, offloadZeroLength: boolean): PcapRecord[] {
  const out: PcapRecord[] = [];
  let t = t0;
  const c = ipOf(f.client);
  const add = (packet: Uint8Array, zeroLength = false) => {
    const p = packet.slice();
    if (zeroLength) p[2] = p[3] = 0;
    out.push({ sec: 1_700_000_000 + Math.floor(t / 1e6), frac: t % 1e6, data: ethernet(p) });
    t += 50;
  };
  const cl = (seq: number, ack: number, flags: number, payload?: Uint8Array, opts = true) =>
    buildIpv4Tcp(
      { src: c, dst: DVIPA },
      { srcPort: f.port, dstPort: f.dport, seq: (f.cIsn + seq) >>> 0, ack: (f.sIsn + ack) >>> 0, flags, window: 502, options: opts ? { timestamp: { value: 1000 + t, echo: 5 } } : {} },
      payload,
    );
  const sv = (seq: number, ack: number, flags: number, len = 0) =>
    buildIpv4Tcp({ src: DVIPA, dst: c }, { srcPort: f.dport, dstPort: f.port, seq: (f.sIsn + seq) >>> 0, ack: (f.cIsn + ack) >>> 0, flags, window: 509 }, new Uint8Array(len));
  const syn = buildIpv4Tcp(
    { src: c, dst: DVIPA },
    { srcPort: f.port, dstPort: f.dport, seq: f.cIsn, flags: SYN, window: 64240, options: { mss: 1460, sackPermitted: true, timestamp: { value: 1000, echo: 0 }, windowScale: 7 } },
  );
  const n = f.request.length;
  add(syn);
  add(syn); // the capturing host retransmitted its SYN
  add(sv(0, 1, SYN | ACK));
  add(cl(1, 1, ACK));
  add(cl(1, 1, ACK)); // the same packet captured twice
  const piece = (a: number, b: number) => f.request.subarray(a, b);
  if (n > 3000) {
    // An offload frame of 2800 bytes, then the rest captured out of order with overlaps and duplicates.
    add(cl(1, 1, ACK, piece(0, 2800)), offloadZeroLength);
    const mid = 2800 + Math.floor((n - 2800) / 2);
    add(cl(1 + mid, 1, ACK | PSH, piece(mid, n))); // overtook the segment before it
    add(cl(1 + 2800, 1, ACK, piece(2800, mid)));
    add(cl(1 + 2800, 1, ACK, piece(2800, mid))); // captured twice
    add(cl(1 + 2000, 1, ACK, piece(2000, mid))); // a retransmission overlapping old and new bytes
  } else {
    const half = Math.floor(n / 2);
    add(cl(1, 1, ACK, piece(0, half)));
    add(cl(1 + half, 1, ACK | PSH, piece(half, n)));
    add(cl(1 + half, 1, ACK | PSH, piece(half, n))); // retransmitted
  }
  add(sv(1, 1 + n, ACK));
  add(sv(1, 1 + n, ACK | PSH, serverBytes));
  add(cl(1 + n, 1, ACK)); // duplicate ACKs
  add(cl(1 + n, 1, ACK));
  add(cl(1 + n, 1, ACK));
  if (keepAlive) {
    // The client closes once the whole (recorded) answer is in; the server had not closed.
    add(cl(1 + n, 1 + serverBytes, FIN | ACK));
    add(sv(1 + serverBytes, 2 + n, FIN | ACK));
    add(cl(2 + n, 2 + serverBytes, ACK));
  } else {
    add(sv(1 + serverBytes, 1 + n, FIN | ACK));
    add(cl(1 + n, 2 + serverBytes, FIN | ACK)); // depends on the server's FIN
    add(cl(1 + n, 2 + serverBytes, FIN | ACK)); // and retransmitted
    add(sv(2 + serverBytes, 2 + n, ACK));
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const echoPayload = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 0xff);
const flows: { f: Flow; serverBytes: number; keepAlive: boolean; zero: boolean }[] = [
  // Echo: the emulated server answers exactly what the recording shows.
  { f: { client: '198.51.100.21', port: 40001, dport: 7, cIsn: 0xfffff000, sIsn: 77, request: echoPayload }, serverBytes: 5000, keepAlive: false, zero: true },
  { f: { client: '198.51.100.22', port: 40002, dport: 7, cIsn: 12345, sIsn: 0xffffff00, request: echoPayload }, serverBytes: 5000, keepAlive: false, zero: false },
  // HTTP, the recorded server answered 27 KiB and closed; the emulated one answers GET /1000 and closes.
  { f: { client: '198.51.100.23', port: 40003, dport: 80, cIsn: 999, sIsn: 5, request: text('GET /1000 HTTP/1.1\r\nHost: x\r\n\r\n') }, serverBytes: 27_000, keepAlive: false, zero: false },
  // HTTP keep-alive: the recording waited for 9000 bytes the emulated server never sends, and it never closes first.
  { f: { client: '198.51.100.24', port: 40004, dport: 80, cIsn: 4242, sIsn: 99, request: text('GET /500 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n') }, serverBytes: 9000, keepAlive: true, zero: false },
];

let report: Report;
let wire: CaptureFrame[];

beforeAll(async () => {
  const records: PcapRecord[] = [];
  flows.forEach((x, i) => records.push(...recordFlow(x.f, x.serverBytes, x.keepAlive, i * 10_000, x.zero)));
  const capture = join(dir, 'messy.pcap');
  writeFileSync(capture, pcapFile({ records }));
  const loaded = loadRunFile('fixtures/topologies/demo.yaml');
  if (!loaded.ok) throw new Error('demo topology');
  const lan = join(dir, 'lan1.pcapng');
  report = await runReplay(loaded.value, { capture, instruments: captureInstruments([{ point: 'LAN1', file: lan }]) });
  wire = readAll(openCapture(lan));
}, 60_000);

/** The client's segments of one flow as they crossed LAN1 (router -> OSA), in wire order. */
function clientSegments(f: Flow) {
  const c = ipOf(f.client);
  return wire
    .map((w, index) => ({ w, index, ip: w.ipv4() }))
    .filter(({ w }) => w.isIpv4)
    .map(({ w, index }) => ({ index, p: w.l3() }))
    .filter(({ p }) => p[9] === 6 && readU32(p, 12) === c && readU32(p, 16) === DVIPA && ((p[22]! << 8) | p[23]!) === f.dport)
    .map(({ index, p }) => {
      const t = (p[0]! & 15) * 4;
      const thl = (p[t + 12]! >> 4) * 4;
      return { index, seq: readU32(p, t + 4), ack: readU32(p, t + 8), flags: p[t + 13]!, payload: p.subarray(t + thl), frameLen: p.length + 14 };
    });
}

function serverSegments(f: Flow) {
  const c = ipOf(f.client);
  return wire
    .map((w, index) => ({ index, p: w.l3(), ok: w.isIpv4 }))
    .filter(({ p, ok }) => ok && p[9] === 6 && readU32(p, 12) === DVIPA && readU32(p, 16) === c)
    .map(({ index, p }) => {
      const t = (p[0]! & 15) * 4;
      const thl = (p[t + 12]! >> 4) * 4;
      return { index, seq: readU32(p, t + 4), flags: p[t + 13]!, len: p.length - t - thl };
    });
}

describe('closed replay of a messy capture', () => {
  test('every flow completes with no reset; duplicates and offload frames are counted', () => {
    const r = report.replay!;
    expect(r.flows).toBe(flows.length);
    expect(r.completed).toBe(flows.length);
    expect(r.reset).toBe(0);
    expect(r.incomplete).toBe(0);
    expect((r as unknown as { duplicateBytes: number }).duplicateBytes).toBeGreaterThan(0);
    expect((r as unknown as { resegmented: number }).resegmented).toBeGreaterThanOrEqual(2);
  });

  test.each(flows.map((x, i) => [i, x] as const))('flow %i: each client byte once, in order, cut to the MSS', (_i, x) => {
    const segs = clientSegments(x.f);
    const syn = segs.filter((s) => s.flags & SYN);
    expect(syn).toHaveLength(1); // the recorded SYN retransmission is not replayed
    expect(syn[0]!.seq).toBe(x.f.cIsn); // the recorded client ISN is kept
    const data = segs.filter((s) => s.payload.length > 0);
    let next = (x.f.cIsn + 1) >>> 0;
    const stream: number[] = [];
    for (const s of data) {
      expect(s.seq).toBe(next); // in order, nothing twice (the emulated LAN lost nothing)
      next = (next + s.payload.length) >>> 0;
      stream.push(...s.payload);
      expect(s.frameLen).toBeLessThanOrEqual(1514);
      expect(s.payload.length).toBeLessThanOrEqual(1460 - 12); // MSS less the timestamp option
    }
    expect(Uint8Array.from(stream)).toEqual(x.f.request);
  });

  test.each(flows.map((x, i) => [i, x] as const))('flow %i: ACKs follow the emulated server; the FIN waits for what it depends on', (_i, x) => {
    const segs = clientSegments(x.f);
    const server = serverSegments(x.f);
    const synAck = server.find((s) => (s.flags & (SYN | ACK)) === (SYN | ACK))!;
    const live = synAck.seq;
    expect(live).not.toBe(x.f.sIsn);
    const serverData = server.reduce((n, s) => n + s.len, 0);
    for (const s of segs.filter((s) => s.flags & ACK)) {
      const rel = (s.ack - live) >>> 0;
      expect(rel).toBeGreaterThanOrEqual(1);
      expect(rel).toBeLessThanOrEqual(serverData + 2);
    }
    const fin = segs.find((s) => s.flags & FIN)!;
    const lastServerData = Math.max(...server.filter((s) => s.len > 0).map((s) => s.index));
    expect(fin.index).toBeGreaterThan(lastServerData); // echoed / answered before the client closes
    if (!x.keepAlive && x.f.dport === 80) {
      const serverFin = server.find((s) => s.flags & FIN)!;
      expect(fin.index).toBeGreaterThan(serverFin.index); // recorded: the client closed after the server
    }
  });
});

describe('open replay of the same capture', () => {
  test('injects every client frame once, offload frames cut to the MTU with checksums made right', async () => {
    const loaded = loadRunFile('fixtures/topologies/demo.yaml');
    if (!loaded.ok) throw new Error('demo topology');
    const lan = join(dir, 'open-lan1.pcapng');
    const r = await runReplay(loaded.value, { capture: join(dir, 'messy.pcap'), mode: 'open', instruments: captureInstruments([{ point: 'LAN1', file: lan }]) });
    const replay = r.replay as unknown as { framesInjected: number; clientFrames: number; resegmented: number; flows: number };
    expect(replay.framesInjected).toBe(replay.clientFrames);
    expect(replay.flows).toBe(flows.length);
    // Per echo flow: the 2800-byte offload frame and the 1900-byte overlapping retransmission.
    expect(replay.resegmented).toBe(4);
    const onWire = readAll(openCapture(lan)).filter((w) => w.isIpv4 && readU32(w.l3(), 16) === DVIPA);
    expect(onWire.length).toBe(replay.clientFrames + 4); // each of them went as two pieces
    for (const w of onWire) expect(w.capLen).toBeLessThanOrEqual(1514);
  }, 60_000);
});
