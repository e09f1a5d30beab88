// Streaming pcapng writer for capture points: one section, one Ethernet interface with nanosecond timestamps
// (if_tsresol 9), Enhanced Packet Blocks with optional comments. Memory stays bounded: blocks collect in one
// buffer that is handed to the sink whenever it passes `flushBytes`, and on close.
// Output is little-endian and byte-identical for the same calls, so captures of deterministic runs diff cleanly.

import { FileSink, MemorySink, type ByteSink } from './byte-sink.js';
import { CaptureWriteError } from './errors.js';
import { LinkType } from './link-layer.js';
import { BlockType } from './pcapng-reader.js';

export interface PcapngWriterOptions {
  /** The capture point's name, written as the interface's if_name (OSA1, LAN1 ...). */
  readonly pointName: string;
  /** Frames longer than this are cut to it (default 262144, as dumpcap). */
  readonly snapLen?: number;
  /** LINKTYPE_* of the frames (default Ethernet). */
  readonly linkType?: number;
  /** An opt_comment for the section header (what run produced the capture). */
  readonly sectionComment?: string;
  /** Buffered bytes that trigger a write to the sink (default 64 KiB). */
  readonly flushBytes?: number;
}

const DEFAULT_SNAPLEN = 262144;
const DEFAULT_FLUSH_BYTES = 64 * 1024;
const TWO_POW_32 = 4294967296;
const MAX_TIMESTAMP_BIG = (1n << 64n) - 1n;
const encoder = new TextEncoder();

const pad4 = (n: number): number => (n + 3) & ~3;

export class PcapngWriter<S extends ByteSink = ByteSink> {
  /** Writes `path` (via `path.partial`, renamed on close). */
  static toFile(path: string, options: PcapngWriterOptions): PcapngWriter<FileSink> {
    return new PcapngWriter(new FileSink(path), options);
  }

  /** Writes to memory; `writer.sink.bytes()` after close gives the file. */
  static toMemory(options: PcapngWriterOptions): PcapngWriter<MemorySink> {
    return new PcapngWriter(new MemorySink(), options);
  }

  readonly snapLen: number;
  private buf: Uint8Array;
  private dv: DataView;
  private used = 0;
  private readonly flushBytes: number;
  private state: 'open' | 'closed' | 'failed' = 'open';
  /** Frames written so far. */
  frames = 0;

  constructor(
    readonly sink: S,
    options: PcapngWriterOptions,
  ) {
    this.snapLen = options.snapLen ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(this.snapLen) || this.snapLen < 1 || this.snapLen > 0x7fffffff) {
      throw new CaptureWriteError(`snapLen ${this.snapLen} is not an integer from 1 to 2^31-1`);
    }
    const linkType = options.linkType ?? LinkType.ETHERNET;
    if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff) {
      throw new CaptureWriteError(`linkType ${linkType} is not a 16-bit number`);
    }
    this.flushBytes = options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    this.buf = new Uint8Array(Math.max(this.flushBytes, 4096));
    this.dv = new DataView(this.buf.buffer);
    this.sectionHeader(options.sectionComment);
    this.interfaceDescription(linkType, options.pointName);
  }

  /**
   * Appends one frame captured at virtual time `timestampNs` (non-negative integer nanoseconds).
   * `origLen` is the length on the wire when `data` is already cut; `comment` becomes the packet's opt_comment.
   */
  writeFrame(timestampNs: number | bigint, data: Uint8Array, origLen = data.length, comment: string | null = null): void {
    if (this.state !== 'open') throw new CaptureWriteError(`writeFrame on a ${this.state} pcapng writer`);
    let hi: number;
    let lo: number;
    if (typeof timestampNs === 'number') {
      if (!Number.isSafeInteger(timestampNs) || timestampNs < 0) {
        throw new CaptureWriteError(`timestamp ${timestampNs} ns is not a non-negative safe integer`);
      }
      hi = Math.floor(timestampNs / TWO_POW_32);
      lo = timestampNs - hi * TWO_POW_32;
    } else {
      if (timestampNs < 0n || timestampNs > MAX_TIMESTAMP_BIG) {
        throw new CaptureWriteError(`timestamp ${timestampNs} ns does not fit in 64 unsigned bits`);
      }
      hi = Number(timestampNs >> 32n);
      lo = Number(timestampNs & 0xffffffffn);
    }
    if (!Number.isInteger(origLen) || origLen < data.length || origLen > 0xffffffff) {
      throw new CaptureWriteError(`original length ${origLen} is less than the ${data.length} bytes given`);
    }
    const capLen = Math.min(data.length, this.snapLen);
    const commentBytes = comment === null ? null : encoder.encode(comment);
    if (commentBytes !== null && commentBytes.length > 0xffff) {
      throw new CaptureWriteError(`comment of ${commentBytes.length} bytes is over the 65535 an option holds`);
    }
    const options = commentBytes === null ? 0 : 4 + pad4(commentBytes.length) + 4;
    const total = 32 + pad4(capLen) + options;
    const at = this.reserve(total);
    const dv = this.dv;
    dv.setUint32(at, BlockType.ENHANCED_PACKET, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint32(at + 8, 0, true);
    dv.setUint32(at + 12, hi, true);
    dv.setUint32(at + 16, lo, true);
    dv.setUint32(at + 20, capLen, true);
    dv.setUint32(at + 24, origLen, true);
    this.buf.set(capLen === data.length ? data : data.subarray(0, capLen), at + 28);
    let o = at + 28 + capLen;
    o = this.zero(o, pad4(capLen) - capLen);
    if (commentBytes !== null) o = this.option(o, 1, commentBytes, true);
    dv.setUint32(o, total, true);
    this.used = at + total;
    this.frames++;
    if (this.used >= this.flushBytes) this.flush();
  }

  /** Hands buffered blocks to the sink now. */
  flush(): void {
    if (this.used === 0 || this.state === 'failed') return;
    const n = this.used;
    this.used = 0;
    try {
      this.sink.write(this.buf.subarray(0, n));
    } catch (e) {
      this.state = 'failed';
      this.sink.abort();
      throw e;
    }
  }

  /** Writes what is buffered and completes the file (renamed into place for files). Idempotent. */
  close(): void {
    if (this.state !== 'open') return;
    this.flush();
    this.state = 'closed';
    try {
      this.sink.close();
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  /** Drops the capture: nothing is left under the destination name. */
  abort(): void {
    if (this.state === 'open') this.sink.abort();
    this.state = 'failed';
    this.used = 0;
  }

  /** Room for `n` bytes at the end of the buffer; returns where they start. */
  private reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        // A block larger than the buffer (a jumbo frame with a big snaplen): grow once to fit it.
        this.buf = new Uint8Array(n);
        this.dv = new DataView(this.buf.buffer);
      }
    }
    return this.used;
  }

  private zero(at: number, n: number): number {
    for (let i = 0; i < n; i++) this.buf[at + i] = 0;
    return at + n;
  }

  /** Writes one option (code, length, value, padding) and, with `last`, opt_endofopt; returns the end. */
  private option(at: number, code: number, value: Uint8Array, last: boolean): number {
    this.dv.setUint16(at, code, true);
    this.dv.setUint16(at + 2, value.length, true);
    this.buf.set(value, at + 4);
    let o = this.zero(at + 4 + value.length, pad4(value.length) - value.length);
    if (last) {
      this.dv.setUint32(o, 0, true);
      o += 4;
    }
    return o;
  }

  private sectionHeader(comment: string | undefined): void {
    const appl = encoder.encode('sysplex-emu');
    const note = comment === undefined ? null : encoder.encode(comment);
    const options = 4 + pad4(appl.length) + (note === null ? 0 : 4 + pad4(note.length)) + 4;
    const total = 28 + options;
    const at = this.reserve(total);
    const dv = this.dv;
    dv.setUint32(at, BlockType.SECTION_HEADER, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint32(at + 8, 0x1a2b3c4d, true);
    dv.setUint16(at + 12, 1, true);
    dv.setUint16(at + 14, 0, true);
    // Section length unknown while streaming: -1.
    dv.setUint32(at + 16, 0xffffffff, true);
    dv.setUint32(at + 20, 0xffffffff, true);
    let o = this.option(at + 24, 4, appl, note === null);
    if (note !== null) o = this.option(o, 1, note, true);
    dv.setUint32(o, total, true);
    this.used = at + total;
  }

  private interfaceDescription(linkType: number, pointName: string): void {
    const name = encoder.encode(pointName);
    if (name.length > 0xffff) throw new CaptureWriteError(`capture point name of ${name.length} bytes is too long`);
    const options = 4 + pad4(name.length) + 8 + 4;
    const total = 20 + options;
    const at = this.reserve(total);
    const dv = this.dv;
    dv.setUint32(at, BlockType.INTERFACE_DESCRIPTION, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint16(at + 8, linkType, true);
    dv.setUint16(at + 10, 0, true);
    dv.setUint32(at + 12, this.snapLen, true);
    let o = this.option(at + 16, 2, name, false);
    // if_tsresol = 9: timestamps count nanoseconds.
    o = this.option(o, 9, TSRESOL_NS, true);
    dv.setUint32(o, total, true);
    this.used = at + total;
  }
}

const TSRESOL_NS = Uint8Array.of(9);
