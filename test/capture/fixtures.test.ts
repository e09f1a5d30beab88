// The real captures in fixtures/captures, checked frame by frame against tshark's own reading of them.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { needs } from '../support/tools.js';
import {
  EtherType,
  FdChunkSource,
  openCapture,
  openCaptureSource,
  readCaptureBytes,
  type CaptureFrame,
} from '../../src/capture/index.js';
import { hex, readAll } from './read-all.js';
import { tsharkFields } from './tshark.js';

const DIR = 'fixtures/captures';
const FIXTURES = [
  { file: 'http-echo-8-clients.pcap', frames: 512, format: 'pcap' },
  { file: 'http-echo-no-offload.pcap', frames: 287, format: 'pcap' },
  { file: 'http-echo-no-offload.pcapng', frames: 287, format: 'pcapng' },
] as const;

/** Seconds.nanoseconds as tshark prints frame.time_epoch. */
const epoch = (f: CaptureFrame): string => `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`;

describe.each(FIXTURES)('$file', ({ file, frames: expected, format }) => {
  const path = `${DIR}/${file}`;
  const frames = readAll(openCapture(path));
  // One tshark run per file (it takes a second or two to start).
  let rows: string[][] | null = null;
  const tsharkRows = (): string[][] =>
    (rows ??= tsharkFields(path, [
      'frame.time_epoch',
      'frame.len',
      'frame.cap_len',
      'frame.interface_id',
      'eth.type',
      'ip.src',
      'ip.dst',
      'ip.len',
    ]));

  test('frame count matches tshark (one line per frame) and the README', needs('tshark'), () => {
    expect(frames.length).toBe(expected);
    expect(tsharkRows().length).toBe(expected);
  });

  test('timestamps, lengths and interfaces match tshark frame by frame', needs('tshark'), () => {
    frames.forEach((f, i) => {
      const [time, len, capLen, ifId] = tsharkRows()[i]!;
      expect(f.index).toBe(i);
      expect(epoch(f)).toBe(time);
      expect(f.origLen).toBe(Number(len));
      expect(f.capLen).toBe(Number(capLen));
      if (format === 'pcapng') expect(f.ifIndex).toBe(Number(ifId));
    });
  });

  test('the network layer agrees with tshark: IPv4 addresses, lengths, ARP', needs('tshark'), () => {
    frames.forEach((f, i) => {
      const [, , , , ethType, src, dst, ipLen] = tsharkRows()[i]!;
      expect(f.etherType).toBe(Number(ethType));
      if (src === '' || src === undefined) {
        expect(f.ipv4()).toBeNull();
        return;
      }
      const pkt = f.ipv4()!;
      expect(pkt).not.toBeNull();
      expect(f.l3Offset).toBe(14);
      expect(Array.from(pkt.subarray(12, 16)).join('.')).toBe(src);
      expect(Array.from(pkt.subarray(16, 20)).join('.')).toBe(dst);
      expect(pkt.length).toBe(Number(ipLen));
    });
  });

  test('the in-memory reader and a file read in tiny chunks give the same frames', () => {
    const bytes = readFileSync(path);
    const mem = readAll(readCaptureBytes(bytes, file));
    // 1000-byte chunks force frames and blocks to straddle chunk boundaries all through the file.
    const small = readAll(openCapture(path, { chunkBytes: 1000 }));
    for (const other of [mem, small]) {
      expect(other.length).toBe(frames.length);
      other.forEach((f, i) => {
        const g = frames[i]!;
        expect([f.tsSec, f.tsNsec, f.origLen, f.fileOffset, f.l3Offset, f.l3Length]).toEqual([
          g.tsSec,
          g.tsNsec,
          g.origLen,
          g.fileOffset,
          g.l3Offset,
          g.l3Length,
        ]);
        expect(hex(f.data)).toBe(hex(g.data));
      });
    }
  });

  test('streams: never asks the file for more than a chunk at a time beyond the largest frame', () => {
    const source = new FdChunkSource(path);
    let largestRead = 0;
    let reads = 0;
    const spy = {
      size: source.size,
      read(into: Uint8Array, offset: number, length: number): number {
        reads++;
        const n = source.read(into, offset, length);
        largestRead = Math.max(largestRead, n);
        return n;
      },
      close: () => source.close(),
    };
    const chunk = 16 * 1024;
    const n = readAll(openCaptureSource(spy, path, chunk)).length;
    expect(n).toBe(expected);
    const biggestFrame = Math.max(...frames.map((f) => f.capLen));
    expect(largestRead).toBeLessThanOrEqual(Math.max(chunk, biggestFrame + 64));
    expect(reads).toBeGreaterThan(source.size / (chunk + biggestFrame));
  });
});

describe('the two no-offload captures', () => {
  const pcap = readAll(openCapture(`${DIR}/http-echo-no-offload.pcap`));
  const pcapng = readAll(openCapture(`${DIR}/http-echo-no-offload.pcapng`));

  test('hold the same frames; pcapng has nanoseconds where pcap has microseconds', () => {
    expect(pcapng.length).toBe(pcap.length);
    pcap.forEach((a, i) => {
      const b = pcapng[i]!;
      expect(hex(b.data)).toBe(hex(a.data));
      expect(b.origLen).toBe(a.origLen);
      expect(b.tsSec).toBe(a.tsSec);
      expect(a.tsNsec % 1000).toBe(0);
      expect(Math.floor(b.tsNsec / 1000) * 1000).toBe(a.tsNsec);
      expect(b.etherType).toBe(a.etherType);
    });
  });

  test('first frame at 1795586328.766925997 as dumpcap stamped it; timestampNs rounds within 256 ns', () => {
    const f = pcapng[0]!;
    expect(f.timestampBigNs()).toBe(1795586328766925997n);
    expect(Math.abs(f.timestampNs - 1795586328766925997)).toBeLessThanOrEqual(256);
  });

  test('every frame is at most 1514 bytes', () => {
    expect(Math.max(...pcap.map((f) => f.capLen))).toBeLessThanOrEqual(1514);
  });
});

describe('http-echo-8-clients.pcap', () => {
  const frames = readAll(openCapture(`${DIR}/http-echo-8-clients.pcap`));

  test('has segmentation-offload frames up to 12,605 bytes and ARP', () => {
    expect(Math.max(...frames.map((f) => f.capLen))).toBe(12605);
    expect(frames.some((f) => f.etherType === EtherType.ARP)).toBe(true);
  });

  test('35 client flows (SYNs, retransmissions counted once) go to the DVIPA 10.1.1.10 on ports 80 and 7', () => {
    const syns = frames
      .map((f) => f.ipv4())
      .filter((p): p is Uint8Array => p !== null && p[9] === 6 && (p[20 + 13]! & 0x12) === 0x02);
    expect(syns.every((p) => Array.from(p.subarray(16, 20)).join('.') === '10.1.1.10')).toBe(true);
    const flows = new Set(syns.map((p) => `${hex(p.subarray(12, 16))}:${(p[20]! << 8) | p[21]!}>${(p[22]! << 8) | p[23]!}`));
    const toPort = (port: number) => [...flows].filter((f) => f.endsWith(`>${port}`)).length;
    expect(toPort(80)).toBe(32);
    expect(toPort(7)).toBe(3);
  });
});
