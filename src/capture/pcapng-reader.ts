// Streaming reader of pcapng files: any number of sections, each with its own byte order and interfaces;
// Enhanced, Simple and the obsolete Packet Blocks; every other block (NRB, ISB, DSB, custom ...) is skipped
// after its lengths are checked.

import { ByteWindow } from './byte-window.js';
import { CaptureFormatError } from './errors.js';
import { CaptureFrame, type CaptureInterface, type CaptureReader } from './frame.js';
import { decodeNetworkLayer, isSupportedLinkType, NetworkLayer } from './link-layer.js';
import { TimestampScale } from './timestamp.js';

export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  PACKET_OBSOLETE: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  NAME_RESOLUTION: 0x00000004,
  INTERFACE_STATISTICS: 0x00000005,
  ENHANCED_PACKET: 0x00000006,
  DECRYPTION_SECRETS: 0x0000000a,
  CUSTOM: 0x00000bad,
  CUSTOM_NO_COPY: 0x40000bad,
} as const;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

function minimumLength(type: number): number {
  switch (type) {
    case BlockType.SECTION_HEADER:
      return 28;
    case BlockType.INTERFACE_DESCRIPTION:
      return 20;
    case BlockType.ENHANCED_PACKET:
    case BlockType.PACKET_OBSOLETE:
      return 32;
    case BlockType.SIMPLE_PACKET:
      return 16;
    default:
      return 12;
  }
}

function blockName(type: number): string {
  switch (type) {
    case BlockType.SECTION_HEADER:
      return 'section header block';
    case BlockType.INTERFACE_DESCRIPTION:
      return 'interface description block';
    case BlockType.ENHANCED_PACKET:
      return 'enhanced packet block';
    case BlockType.SIMPLE_PACKET:
      return 'simple packet block';
    case BlockType.PACKET_OBSOLETE:
      return 'packet block';
    default:
      return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}

/** One interface of the current section. */
interface Interface {
  readonly info: CaptureInterface;
  readonly linkType: number;
  /** Largest captured length allowed (the IDB's snaplen, or no limit when it is 0). */
  readonly maxCapLen: number;
  readonly scale: TimestampScale;
}

const utf8 = new TextDecoder('utf-8');

export class PcapngReader implements CaptureReader {
  readonly format = 'pcapng' as const;
  private readonly allInterfaces: CaptureInterface[] = [];
  /** Interfaces of the current section, by their local id. */
  private section: Interface[] = [];
  private sectionIndex = -1;
  private le = true;
  private readonly l3 = new NetworkLayer();
  private index = 0;
  /** Timestamp of the previous packet; a Simple Packet Block carries none and reuses it. */
  private lastSec = 0;
  private lastNsec = 0;
  private failure: CaptureFormatError | null = null;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly win: ByteWindow,
  ) {
    if (!win.ensure(4) || win.dv.getUint32(win.pos, true) !== BlockType.SECTION_HEADER) {
      const magic = win.available >= 4 ? win.dv.getUint32(win.pos, true) : 0;
      win.close();
      throw new CaptureFormatError(file, 0, `not a pcapng file (first block type 0x${magic.toString(16).padStart(8, '0')})`);
    }
    // Read the first section header now so that a damaged start is reported at open time.
    try {
      this.readBlocksUntilPacket(true);
    } catch (e) {
      win.close();
      throw e;
    }
  }

  get interfaces(): readonly CaptureInterface[] {
    return this.allInterfaces;
  }

  next(): CaptureFrame | null {
    if (this.failure !== null) throw this.failure;
    if (this.closed) return null;
    try {
      return this.readBlocksUntilPacket(false);
    } catch (e) {
      if (e instanceof CaptureFormatError) {
        this.failure = e;
        this.close();
      }
      throw e;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.win.close();
  }

  private error(offset: number, message: string): CaptureFormatError {
    return new CaptureFormatError(this.file, offset, message);
  }

  /**
   * Reads blocks until one carries a packet and returns its frame, or null at the end of the file. With
   * `onlyFirst`, reads just the first block (the section header) and returns null.
   */
  private readBlocksUntilPacket(onlyFirst: boolean): CaptureFrame | null {
    const win = this.win;
    for (;;) {
      if (!win.ensure(8)) {
        if (win.available === 0) return null;
        throw this.error(win.offset, `truncated block header: ${win.available} of 8 bytes`);
      }
      let p = win.pos;
      const type = win.dv.getUint32(p, this.le);
      if (type === BlockType.SECTION_HEADER) {
        // The byte order of the new section is whatever its byte-order magic says.
        if (!win.ensure(12)) throw this.error(win.offset, `truncated section header block: ${win.available} of 28 bytes`);
        p = win.pos;
        const bom = win.dv.getUint32(p + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else throw this.error(win.offset + 8, `bad byte-order magic 0x${bom.toString(16).padStart(8, '0')} in section header block`);
      }
      const blockOffset = win.offset;
      const le = this.le;
      const total = win.dv.getUint32(p + 4, le);
      const min = minimumLength(type);
      if (total < min) {
        throw this.error(blockOffset + 4, `${blockName(type)} total length ${total} is smaller than the minimum ${min}`);
      }
      if (total % 4 !== 0) {
        throw this.error(blockOffset + 4, `${blockName(type)} total length ${total} is not a multiple of 4`);
      }
      if (!win.ensure(total)) {
        throw this.error(blockOffset, `truncated ${blockName(type)}: ${win.available} of ${total} bytes`);
      }
      p = win.pos;
      const dv = win.dv;
      const trailer = dv.getUint32(p + total - 4, le);
      if (trailer !== total) {
        throw this.error(blockOffset + total - 4, `${blockName(type)} trailing length ${trailer} does not match its leading length ${total}`);
      }
      let frame: CaptureFrame | null = null;
      switch (type) {
        case BlockType.SECTION_HEADER:
          this.sectionHeader(p, blockOffset);
          break;
        case BlockType.INTERFACE_DESCRIPTION:
          this.interfaceDescription(p, total, blockOffset);
          break;
        case BlockType.ENHANCED_PACKET:
          frame = this.packet(p, total, blockOffset, dv.getUint32(p + 8, le), type);
          break;
        case BlockType.PACKET_OBSOLETE:
          frame = this.packet(p, total, blockOffset, dv.getUint16(p + 8, le), type);
          break;
        case BlockType.SIMPLE_PACKET:
          frame = this.simplePacket(p, total, blockOffset);
          break;
        default:
          // NRB, ISB, DSB, custom and unknown blocks: nothing a replay needs.
          break;
      }
      win.pos = p + total;
      if (frame !== null) return frame;
      if (onlyFirst) return null;
    }
  }

  private sectionHeader(p: number, blockOffset: number): void {
    const major = this.win.dv.getUint16(p + 12, this.le);
    if (major !== 1) {
      const minor = this.win.dv.getUint16(p + 14, this.le);
      throw this.error(blockOffset + 12, `unsupported pcapng version ${major}.${minor} (expected 1.x)`);
    }
    this.sectionIndex++;
    this.section = [];
  }

  private interfaceDescription(p: number, total: number, blockOffset: number): void {
    const dv = this.win.dv;
    const le = this.le;
    const linkType = dv.getUint16(p + 8, le);
    if (!isSupportedLinkType(linkType)) throw this.error(blockOffset + 8, `unknown link type ${linkType}`);
    const snapLen = dv.getUint32(p + 12, le);
    let tsresol = 6;
    let tsoffset = 0;
    let name: string | null = null;
    const end = p + total - 4;
    let o = p + 16;
    while (o + 4 <= end) {
      const code = dv.getUint16(o, le);
      const len = dv.getUint16(o + 2, le);
      if (code === OPT_END) break;
      const v = o + 4;
      if (v + len > end) throw this.error(this.win.base + o, `option ${code} of length ${len} overruns the interface description block`);
      // Options of an unexpected length are ignored, as Wireshark does.
      if (code === IF_TSRESOL && len === 1) tsresol = this.win.buf[v]!;
      else if (code === IF_TSOFFSET && len === 8) tsoffset = Number(dv.getBigInt64(v, le));
      else if (code === IF_NAME) name = utf8.decode(trimNul(this.win.buf.subarray(v, v + len)));
      o = v + ((len + 3) & ~3);
    }
    const info: CaptureInterface = {
      ifIndex: this.allInterfaces.length,
      linkType,
      snapLen,
      name,
      section: this.sectionIndex,
      localId: this.section.length,
    };
    this.allInterfaces.push(info);
    this.section.push({ info, linkType, maxCapLen: snapLen === 0 ? 0x7fffffff : snapLen, scale: new TimestampScale(tsresol, tsoffset) });
  }

  /** An Enhanced Packet Block or an obsolete Packet Block: same layout after the interface id. */
  private packet(p: number, total: number, blockOffset: number, ifId: number, type: number): CaptureFrame {
    // Both layouts put the timestamp at +12, lengths at +20 and +24 and the data at +28.
    const tsAt = 12;
    const iface = this.section[ifId];
    if (iface === undefined) {
      throw this.error(blockOffset + 8, `packet refers to interface ${ifId}, but the section defines ${this.section.length}`);
    }
    const dv = this.win.dv;
    const le = this.le;
    const capLen = dv.getUint32(p + tsAt + 8, le);
    const origLen = dv.getUint32(p + tsAt + 12, le);
    const dataAt = p + tsAt + 16;
    if (capLen > total - 32) {
      throw this.error(blockOffset + tsAt + 8, `captured length ${capLen} does not fit in the ${total}-byte ${blockName(type)}`);
    }
    if (capLen > iface.maxCapLen) {
      throw this.error(blockOffset + tsAt + 8, `captured length ${capLen} is over the snapshot length ${iface.maxCapLen} of interface ${ifId}`);
    }
    const scale = iface.scale;
    scale.convert(dv.getUint32(p + tsAt, le), dv.getUint32(p + tsAt + 4, le));
    this.lastSec = scale.sec;
    this.lastNsec = scale.nsec;
    const optAt = dataAt + ((capLen + 3) & ~3);
    const comment = optAt + 4 <= p + total - 4 ? this.findComment(optAt, p + total - 4) : null;
    return this.frame(iface, dataAt, capLen, origLen, blockOffset, comment);
  }

  private simplePacket(p: number, total: number, blockOffset: number): CaptureFrame {
    const iface = this.section[0];
    if (iface === undefined) throw this.error(blockOffset, 'simple packet block before any interface description block');
    const origLen = this.win.dv.getUint32(p + 8, this.le);
    const capLen = Math.min(origLen, total - 16, iface.maxCapLen);
    return this.frame(iface, p + 12, capLen, origLen, blockOffset, null);
  }

  private frame(iface: Interface, dataAt: number, capLen: number, origLen: number, blockOffset: number, comment: string | null): CaptureFrame {
    const buf = this.win.buf;
    const l3 = this.l3;
    decodeNetworkLayer(l3, iface.linkType, buf, dataAt, capLen);
    return new CaptureFrame(
      this.index++,
      this.lastSec,
      this.lastNsec,
      iface.linkType,
      iface.info.ifIndex,
      origLen,
      buf.subarray(dataAt, dataAt + capLen),
      l3.etherType,
      l3.offset,
      l3.length,
      l3.vlanId,
      l3.vlanTags,
      blockOffset,
      comment,
    );
  }

  /** The first opt_comment among the options in buf[o .. end), or null. */
  private findComment(o: number, end: number): string | null {
    const dv = this.win.dv;
    const le = this.le;
    while (o + 4 <= end) {
      const code = dv.getUint16(o, le);
      const len = dv.getUint16(o + 2, le);
      if (code === OPT_END) return null;
      const v = o + 4;
      if (v + len > end) throw this.error(this.win.base + o, `option ${code} of length ${len} overruns the packet block`);
      if (code === OPT_COMMENT) return utf8.decode(this.win.buf.subarray(v, v + len));
      o = v + ((len + 3) & ~3);
    }
    return null;
  }
}

function trimNul(b: Uint8Array): Uint8Array {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  return b.subarray(0, n);
}
