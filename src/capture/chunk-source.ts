// Where capture bytes come from: a file descriptor read in chunks, or bytes already in memory. The readers see
// only a ByteWindow over a ChunkSource, so the in-memory variant (tests, fuzzing) runs the very same code path.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ioError } from './errors.js';

/** A sequential supplier of bytes. `size` is the total length when known (a regular file), else -1. */
export interface ChunkSource {
  readonly size: number;
  /** Fill `into[offset .. offset+length)` with the next bytes; returns how many were read, 0 at the end. */
  read(into: Uint8Array, offset: number, length: number): number;
  close(): void;
}

/** Reads a regular file through its descriptor with positioned reads; never holds more than the caller asks. */
export class FdChunkSource implements ChunkSource {
  readonly size: number;
  private fd: number;
  private position = 0;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw ioError(path, 'cannot open', e);
    }
    try {
      const st = fstatSync(this.fd);
      if (st.isDirectory()) throw new Error('is a directory');
      this.size = st.isFile() ? st.size : -1;
    } catch (e) {
      closeSync(this.fd);
      throw ioError(path, 'cannot open', e);
    }
  }

  read(into: Uint8Array, offset: number, length: number): number {
    if (this.fd < 0) return 0;
    let n: number;
    try {
      n = readSync(this.fd, into, offset, length, this.position);
    } catch (e) {
      throw ioError(this.path, `cannot read at byte ${this.position}`, e);
    }
    this.position += n;
    return n;
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch {
      // Closing a read-only descriptor cannot lose data; nothing useful to report.
    }
  }
}

/** Bytes already in memory. The window adopts the array itself, so `read` is only asked once it is used up. */
export class MemoryChunkSource implements ChunkSource {
  readonly size: number;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    // A plain view even when given a Buffer, so frames always carry plain Uint8Arrays.
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.length;
  }
  read(): number {
    return 0;
  }
  close(): void {}
}
