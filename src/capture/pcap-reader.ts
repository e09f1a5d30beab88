// Streaming reader of classic libpcap files: microsecond and nanosecond magic, either byte order, and the
// "modified" (Kuznetsov) variant whose records carry 8 more bytes.

import { ByteWindow } from './byte-window.js';
import { CaptureFormatError } from './errors.js';
import { CaptureFrame, type CaptureInterface, type CaptureReader } from './frame.js';
import { decodeNetworkLayer, isSupportedLinkType, NetworkLayer } from './link-layer.js';

const FILE_HEADER_BYTES = 24;

/** Magic numbers as read little-endian from the first four bytes. */
const enum Magic {
  MicroLe = 0xa1b2c3d4,
  MicroBe = 0xd4c3b2a1,
  NanoLe = 0xa1b23c4d,
  NanoBe = 0x4d3cb2a1,
  ModifiedLe = 0xa1b2cd34,
  ModifiedBe = 0x34cdb2a1,
}

/** True when the first four bytes (read little-endian) are a pcap magic number. */
export function isPcapMagic(magicLe: number): boolean {
  return (
    magicLe === Magic.MicroLe ||
    magicLe === Magic.MicroBe ||
    magicLe === Magic.NanoLe ||
    magicLe === Magic.NanoBe ||
    magicLe === Magic.ModifiedLe ||
    magicLe === Magic.ModifiedBe
  );
}

export class PcapReader implements CaptureReader {
  readonly format = 'pcap' as const;
  readonly interfaces: readonly CaptureInterface[];
  readonly littleEndian: boolean;
  /** True for nanosecond-resolution files (magic a1b23c4d). */
  readonly nanosecond: boolean;
  readonly linkType: number;
  readonly snapLen: number;
  private readonly recordBytes: number;
  private readonly maxCapLen: number;
  private readonly l3 = new NetworkLayer();
  private index = 0;
  private failure: CaptureFormatError | null = null;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly win: ByteWindow,
  ) {
    if (!win.ensure(FILE_HEADER_BYTES)) {
      win.close();
      throw new CaptureFormatError(file, 0, `truncated pcap file header: ${win.available} of ${FILE_HEADER_BYTES} bytes`);
    }
    const dv = win.dv;
    const p = win.pos;
    const magic = dv.getUint32(p, true);
    if (!isPcapMagic(magic)) {
      win.close();
      throw new CaptureFormatError(file, 0, `not a pcap file (magic 0x${magic.toString(16).padStart(8, '0')})`);
    }
    const le = magic === Magic.MicroLe || magic === Magic.NanoLe || magic === Magic.ModifiedLe;
    this.littleEndian = le;
    this.nanosecond = magic === Magic.NanoLe || magic === Magic.NanoBe;
    this.recordBytes = magic === Magic.ModifiedLe || magic === Magic.ModifiedBe ? 24 : 16;
    const major = dv.getUint16(p + 4, le);
    if (major !== 2) {
      win.close();
      throw new CaptureFormatError(file, 4, `unsupported pcap version ${major}.${dv.getUint16(p + 6, le)} (expected 2.x)`);
    }
    this.snapLen = dv.getUint32(p + 16, le);
    // The high bits of the link-type word carry FCS information (pcap spec, LinkType and additional info).
    this.linkType = dv.getUint32(p + 20, le) & 0xffff;
    if (!isSupportedLinkType(this.linkType)) {
      win.close();
      throw new CaptureFormatError(file, 20, `unknown link type ${this.linkType}`);
    }
    this.maxCapLen = this.snapLen === 0 ? 0x7fffffff : this.snapLen;
    this.interfaces = [{ ifIndex: 0, linkType: this.linkType, snapLen: this.snapLen, name: null, section: 0, localId: 0 }];
    win.pos += FILE_HEADER_BYTES;
  }

  next(): CaptureFrame | null {
    if (this.failure !== null) throw this.failure;
    if (this.closed) return null;
    const win = this.win;
    const hdr = this.recordBytes;
    if (!win.ensure(hdr)) {
      if (win.available === 0) return null;
      return this.fail(win.offset, `truncated record header: ${win.available} of ${hdr} bytes`);
    }
    const le = this.littleEndian;
    const dv = win.dv;
    let p = win.pos;
    let sec = dv.getUint32(p, le);
    let frac = dv.getUint32(p + 4, le);
    const capLen = dv.getUint32(p + 8, le);
    const origLen = dv.getUint32(p + 12, le);
    if (capLen > this.maxCapLen) {
      return this.fail(win.offset + 8, `captured length ${capLen} is over the snapshot length ${this.snapLen}`);
    }
    if (!win.ensure(hdr + capLen)) {
      return this.fail(win.offset + hdr, `truncated record data: ${win.available - hdr} of ${capLen} bytes`);
    }
    // ensure() may have moved the window to a new buffer.
    p = win.pos;
    const start = p + hdr;
    let nsec: number;
    if (this.nanosecond) {
      if (frac >= 1e9) {
        sec += Math.floor(frac / 1e9);
        frac %= 1e9;
      }
      nsec = frac;
    } else {
      if (frac >= 1e6) {
        sec += Math.floor(frac / 1e6);
        frac %= 1e6;
      }
      nsec = frac * 1000;
    }
    const buf = win.buf;
    const l3 = this.l3;
    decodeNetworkLayer(l3, this.linkType, buf, start, capLen);
    const frame = new CaptureFrame(
      this.index++,
      sec,
      nsec,
      this.linkType,
      0,
      origLen,
      buf.subarray(start, start + capLen),
      l3.etherType,
      l3.offset,
      l3.length,
      l3.vlanId,
      l3.vlanTags,
      win.base + p,
      null,
    );
    win.pos = start + capLen;
    return frame;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.win.close();
  }

  private fail(offset: number, message: string): never {
    this.failure = new CaptureFormatError(this.file, offset, message);
    this.close();
    throw this.failure;
  }
}
