// Opening a capture: the format is told by the first four bytes, whatever the file is called.

import { ByteWindow, DEFAULT_CHUNK_BYTES } from './byte-window.js';
import { FdChunkSource, MemoryChunkSource, type ChunkSource } from './chunk-source.js';
import { CaptureFormatError } from './errors.js';
import type { CaptureFrame, CaptureReader } from './frame.js';
import { BlockType, PcapngReader } from './pcapng-reader.js';
import { isPcapMagic, PcapReader } from './pcap-reader.js';

export interface OpenCaptureOptions {
  /** Bytes read from the file at a time (default 256 KiB). */
  readonly chunkBytes?: number;
}

/**
 * Opens a pcap or pcapng file for streaming reads through its file descriptor.
 * Throws CaptureIoError when the file cannot be opened, CaptureFormatError when its header is damaged.
 */
export function openCapture(path: string, options: OpenCaptureOptions = {}): CaptureReader {
  return openCaptureSource(new FdChunkSource(path), path, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
}

/** The same readers over bytes in memory (tests, fuzzing, captures received from elsewhere). */
export function readCaptureBytes(bytes: Uint8Array, name = '<memory>'): CaptureReader {
  return openCaptureSource(new MemoryChunkSource(bytes), name, DEFAULT_CHUNK_BYTES);
}

/** A reader over any chunk source (a pipe, a socket already drained into chunks ...); `file` names it in errors. */
export function openCaptureSource(source: ChunkSource, file: string, chunkBytes = DEFAULT_CHUNK_BYTES): CaptureReader {
  const win = new ByteWindow(source, chunkBytes);
  try {
    if (!win.ensure(4)) {
      throw new CaptureFormatError(file, 0, `not a capture file: ${win.available} bytes long`);
    }
    const b = win.buf;
    const p = win.pos;
    const magic = win.dv.getUint32(p, true);
    if (isPcapMagic(magic)) return new PcapReader(file, win);
    if (magic === BlockType.SECTION_HEADER) return new PcapngReader(file, win);
    if (b[p] === 0x1f && b[p + 1] === 0x8b) {
      throw new CaptureFormatError(file, 0, 'gzip-compressed file: decompress it first');
    }
    throw new CaptureFormatError(file, 0, `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`);
  } catch (e) {
    win.close();
    throw e;
  }
}

/**
 * Reads a whole capture, calling `onFrame` for each frame; returns the number of frames. A convenience for
 * tools and tests; the simulator pulls with `next()` instead.
 */
export function forEachFrame(reader: CaptureReader, onFrame: (frame: CaptureFrame) => void): number {
  let n = 0;
  try {
    for (let f = reader.next(); f !== null; f = reader.next()) {
      onFrame(f);
      n++;
    }
  } finally {
    reader.close();
  }
  return n;
}
