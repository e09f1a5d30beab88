// Builds the client segments a replay sends: one allocation per datagram (the message the router receives),
// headers written in place, both checksums filled in.

import { onesComplementSum, finishChecksum, pseudoHeaderSum } from '../../net/checksum.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** The options of a SYN, as the recorded client sent them (MSS clamped to what the emulated LAN carries). */
export interface SynOptions {
  mss: number;
  /** -1 when not offered. */
  windowScale: number;
  sackPermitted: boolean;
  timestamps: boolean;
}

export interface SegmentFields {
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** TSval/TSecr when timestamps are on (tsOn), else ignored. */
  tsOn: boolean;
  tsVal: number;
  tsEcr: number;
  /** Only on a SYN. */
  syn: SynOptions | null;
  /** IPv4 identification. */
  id: number;
  ttl: number;
}

function optionsLength(f: SegmentFields): number {
  if (f.syn !== null) {
    const s = f.syn;
    return 4 + (s.timestamps ? 12 : s.sackPermitted ? 4 : 0) + (s.windowScale >= 0 ? 4 : 0);
  }
  return f.tsOn ? 12 : 0;
}

function u16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

function u32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** An IPv4 datagram carrying one TCP segment with `payload[start, end)`. */
export function buildSegment(f: SegmentFields, payload: Uint8Array | null, start: number, end: number): Uint8Array {
  const len = payload === null ? 0 : end - start;
  const thl = 20 + optionsLength(f);
  const total = 20 + thl + len;
  const p = new Uint8Array(total);
  p[0] = 0x45;
  u16(p, 2, total);
  u16(p, 4, f.id & 0xffff);
  p[6] = 0x40; // DF
  p[8] = f.ttl;
  p[9] = 6;
  u32(p, 12, f.src);
  u32(p, 16, f.dst);
  u16(p, 10, finishChecksum(onesComplementSum(p, 0, 20)));
  const t = 20;
  u16(p, t, f.srcPort);
  u16(p, t + 2, f.dstPort);
  u32(p, t + 4, f.seq >>> 0);
  u32(p, t + 8, (f.flags & ACK) !== 0 ? f.ack >>> 0 : 0);
  p[t + 12] = (thl >>> 2) << 4;
  p[t + 13] = f.flags;
  u16(p, t + 14, f.window);
  let o = t + 20;
  if (f.syn !== null) {
    const s = f.syn;
    p[o] = 2;
    p[o + 1] = 4;
    u16(p, o + 2, s.mss);
    o += 4;
    if (s.timestamps) {
      if (s.sackPermitted) {
        p[o] = 4;
        p[o + 1] = 2;
      } else {
        p[o] = 1;
        p[o + 1] = 1;
      }
      o = timestamp(p, o + 2, f.tsVal, 0);
    } else if (s.sackPermitted) {
      p[o] = 1;
      p[o + 1] = 1;
      p[o + 2] = 4;
      p[o + 3] = 2;
      o += 4;
    }
    if (s.windowScale >= 0) {
      p[o] = 1;
      p[o + 1] = 3;
      p[o + 2] = 3;
      p[o + 3] = s.windowScale;
      o += 4;
    }
  } else if (f.tsOn) {
    p[o] = 1;
    p[o + 1] = 1;
    o = timestamp(p, o + 2, f.tsVal, f.tsEcr);
  }
  if (len > 0) p.set(payload!.subarray(start, end), o);
  const sum = onesComplementSum(p, t, thl + len, pseudoHeaderSum(f.src, f.dst, 6, thl + len));
  u16(p, t + 16, finishChecksum(sum));
  return p;
}

function timestamp(p: Uint8Array, o: number, val: number, ecr: number): number {
  p[o] = 8;
  p[o + 1] = 10;
  u32(p, o + 2, val >>> 0);
  u32(p, o + 6, ecr >>> 0);
  return o + 10;
}
