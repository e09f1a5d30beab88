// Damaged files: every problem is a CaptureFormatError naming the byte where it is.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  CaptureFormatError,
  CaptureIoError,
  formatCaptureError,
  openCapture,
  readCaptureBytes,
} from '../../src/capture/index.js';
import { formatErrorOf, readAll } from './read-all.js';
import { Bytes, ethernet, ipv4, PcapngBuilder, pcapFile } from './synth.js';

const frame = ethernet(ipv4(46)); // 80 bytes
const pcap = (records = 2, snapLen?: number) =>
  pcapFile({ snapLen, records: Array.from({ length: records }, (_, i) => ({ sec: 1, frac: i, data: frame })) });

function patch(bytes: Uint8Array, at: number, value: number, le = true): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(at, value, le);
  return copy;
}

/** Opens and reads the whole of `bytes`, returning the error. */
const errorOf = (bytes: Uint8Array) => formatErrorOf(() => readAll(readCaptureBytes(bytes, 'bad.cap')));

function expectError(bytes: Uint8Array, offset: number, message: RegExp): CaptureFormatError {
  const e = errorOf(bytes);
  expect({ offset: e.offset, message: e.message }).toEqual({ offset, message: expect.stringMatching(message) });
  expect(e.file).toBe('bad.cap');
  return e;
}

describe('any file', () => {
  test('empty or tiny', () => {
    expectError(new Uint8Array(0), 0, /^not a capture file: 0 bytes long$/);
    expectError(Uint8Array.of(0xd4, 0xc3, 0xb2), 0, /^not a capture file: 3 bytes long$/);
  });
  test('bad magic', () => {
    expectError(new TextEncoder().encode('GET / HTTP/1.1\r\n'), 0, /^not a pcap or pcapng file \(magic 0x20544547\)$/);
  });
  test('gzip', () => {
    expectError(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0), 0, /gzip-compressed/);
  });
});

describe('pcap', () => {
  test('truncated file header', () => {
    expectError(pcap().subarray(0, 10), 0, /^truncated pcap file header: 10 of 24 bytes$/);
  });
  test('unsupported version', () => {
    expectError(patch(pcap(), 4, 3 | (4 << 16)), 4, /^unsupported pcap version 3\.4/);
  });
  test('unknown link type', () => {
    expectError(patch(pcap(), 20, 147), 20, /^unknown link type 147$/);
  });
  test('truncated record header: the frames before it are still read', () => {
    const bytes = pcap(2).subarray(0, 24 + 96 + 7);
    const r = readCaptureBytes(bytes, 'bad.cap');
    expect(r.next()?.capLen).toBe(80);
    const e = formatErrorOf(() => r.next());
    expect([e.offset, e.message]).toEqual([120, 'truncated record header: 7 of 16 bytes']);
    // The error sticks: the reader does not resynchronise on garbage, nor loop.
    expect(formatErrorOf(() => r.next())).toBe(e);
  });
  test('truncated record data', () => {
    expectError(pcap(2).subarray(0, 24 + 96 + 16 + 50), 136, /^truncated record data: 50 of 80 bytes$/);
  });
  test('caplen over snaplen', () => {
    expectError(pcap(1, 64), 24 + 8, /^captured length 80 is over the snapshot length 64$/);
  });
  test('big-endian file, caplen field garbage', () => {
    const be = pcapFile({ bigEndian: true, records: [{ sec: 1, frac: 0, data: frame }] });
    expectError(patch(be, 24 + 8, 0xffffff00, false), 32, /^captured length 4294967040 is over/);
  });
});

// Block sizes: SHB without options 28 bytes, IDB without options 20, EPB of an 80-byte frame 112.
const SHB = 28;
const IDB = 20;
const EPB = 112;
const ng = () => new PcapngBuilder().section().iface(1, { snapLen: 1000 }).epb(0, 1n, frame).epb(0, 2n, frame);

describe('pcapng', () => {
  test('bad byte-order magic', () => {
    expectError(patch(ng().build(), 8, 0x11223344), 8, /^bad byte-order magic 0x11223344/);
  });
  test('unsupported version', () => {
    expectError(patch(ng().build(), 12, 2), 12, /^unsupported pcapng version 2\.0/);
  });
  test('total length not a multiple of 4', () => {
    expectError(patch(ng().build(), SHB + IDB + 4, EPB + 2), SHB + IDB + 4, /^enhanced packet block total length 114 is not a multiple of 4$/);
  });
  test('total length below the minimum', () => {
    expectError(patch(ng().build(), SHB + IDB + 4, 24), SHB + IDB + 4, /^enhanced packet block total length 24 is smaller than the minimum 32$/);
    expectError(patch(ng().build(), 4, 8), 4, /^section header block total length 8 is smaller than the minimum 28$/);
  });
  test('leading and trailing lengths differ', () => {
    const at = SHB + IDB + EPB - 4;
    expectError(patch(ng().build(), at, EPB + 4), at, /^enhanced packet block trailing length 116 does not match its leading length 112$/);
  });
  test('a leading length past the end of the file', () => {
    expectError(patch(ng().build(), SHB + IDB + EPB + 4, 0x7ffffff0), SHB + IDB + EPB, /^truncated enhanced packet block: 112 of 2147483632 bytes$/);
  });
  test('truncated block and truncated block header', () => {
    const full = ng().build();
    expectError(full.subarray(0, SHB + IDB + 50), SHB + IDB, /^truncated enhanced packet block: 50 of 112 bytes$/);
    expectError(full.subarray(0, SHB + IDB + 5), SHB + IDB, /^truncated block header: 5 of 8 bytes$/);
  });
  test('a packet of an interface that was never described', () => {
    expectError(new PcapngBuilder().section().iface(1).epb(3, 1n, frame).build(), SHB + IDB + 8, /^packet refers to interface 3, but the section defines 1$/);
    // Interfaces belong to their section: a new section forgets them.
    const bytes = new PcapngBuilder().section().iface(1).section({ bigEndian: true }).epb(0, 1n, frame).build();
    expectError(bytes, 2 * SHB + IDB + 8, /^packet refers to interface 0, but the section defines 0$/);
  });
  test('a simple packet block before any interface', () => {
    expectError(new PcapngBuilder().section().spb(frame).build(), SHB, /^simple packet block before any interface description block$/);
  });
  test('unknown link type in an interface description', () => {
    expectError(new PcapngBuilder().section().iface(147).build(), SHB + 8, /^unknown link type 147$/);
  });
  test('captured length that does not fit in its block, or over the snaplen', () => {
    expectError(patch(ng().build(), SHB + IDB + 20, 81), SHB + IDB + 20, /^captured length 81 does not fit in the 112-byte enhanced packet block$/);
    const small = new PcapngBuilder().section().iface(1, { snapLen: 64 }).epb(0, 1n, frame).build();
    expectError(small, SHB + IDB + 20, /^captured length 80 is over the snapshot length 64 of interface 0$/);
  });
  test('an option that runs past its block', () => {
    const bytes = new PcapngBuilder().section().iface(1, { name: 'eth0' }).build();
    // The if_name option starts right after the 16 fixed bytes of the IDB; claim 200 bytes of value.
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint16(SHB + 16 + 2, 200, true);
    expectError(copy, SHB + 16, /^option 2 of length 200 overruns the interface description block$/);
  });
  test('a damaged block in a big-endian second section', () => {
    const first = new PcapngBuilder().section().iface(1).epb(0, 1n, frame).build();
    const second = new PcapngBuilder().section({ bigEndian: true }).iface(1).epb(0, 1n, frame).build();
    const bytes = new Bytes().bytes(first).bytes(patch(second, SHB + IDB + EPB - 4, 5, false)).done();
    expectError(bytes, first.length + SHB + IDB + EPB - 4, /^enhanced packet block trailing length 5 does not match/);
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capture-errors-'));

  test('the CLI line is FILE: byte N: message', () => {
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, pcap(2).subarray(0, 24 + 96 + 7));
    const r = openCapture(path);
    r.next();
    const e = formatErrorOf(() => r.next());
    expect(formatCaptureError(e)).toBe(`${path}: byte 120: truncated record header: 7 of 16 bytes`);
  });

  test('a damaged header is reported at open', () => {
    const path = join(dir, 'bad-magic.pcapng');
    writeFileSync(path, patch(ng().build(), 8, 0));
    const e = formatErrorOf(() => openCapture(path));
    expect(formatCaptureError(e)).toBe(`${path}: byte 8: bad byte-order magic 0x00000000 in section header block`);
  });

  test('a missing file or a directory is a CaptureIoError', () => {
    for (const path of [join(dir, 'missing.pcap'), dir]) {
      let err: unknown = null;
      try {
        openCapture(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CaptureIoError);
      expect(formatCaptureError(err as CaptureIoError)).toMatch(new RegExp(`^${path}: cannot open: `));
    }
  });
});
