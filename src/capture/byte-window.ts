// A sliding window over a ChunkSource. Readers ask `ensure(n)` for n contiguous bytes at `pos` and then read
// them straight out of `buf` / `dv`.
//
// Bytes once handed out are never overwritten: when the window needs room it allocates a fresh buffer and
// copies only the unread tail into it. Frame views (`data`) therefore stay valid after later `next()` calls
// without copying each frame, and the old buffer is freed by the GC once no frame refers to it.

import { Buffer } from 'node:buffer';
import type { ChunkSource } from './chunk-source.js';
import { MemoryChunkSource } from './chunk-source.js';

/** Default read size for files: large enough that a refill is rare, small enough to stream huge captures. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

export class ByteWindow {
  buf: Uint8Array;
  dv: DataView;
  /** Index in `buf` of the next unread byte. */
  pos = 0;
  /** Index in `buf` one past the last valid byte. */
  end: number;
  /** File offset of buf[0]. */
  base = 0;
  private eof: boolean;

  constructor(
    private readonly source: ChunkSource,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    if (source instanceof MemoryChunkSource) {
      this.buf = source.bytes;
      this.end = source.bytes.length;
      this.eof = true;
    } else {
      this.buf = new Uint8Array(0);
      this.end = 0;
      this.eof = false;
    }
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Unread bytes already in the window. */
  get available(): number {
    return this.end - this.pos;
  }

  /** Total file length when known, else -1. */
  get size(): number {
    return this.source.size;
  }

  /**
   * Makes `n` bytes from `pos` contiguous in `buf`. Returns false when the source ends first (the caller reports
   * truncation; `available` tells how many there were). Never allocates past what the file can hold.
   */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    const size = this.source.size;
    if (size >= 0 && this.base + this.pos + n > size) {
      // Cannot be satisfied; still pull in what is left so `available` reports it.
      this.fill(size - this.base - this.pos);
      return false;
    }
    return this.fill(n);
  }

  private fill(n: number): boolean {
    if (n > this.buf.length - this.pos) {
      // Not enough room after pos: a new buffer; the old one stays intact for the views already handed out.
      // No bigger than what is left of the file, and not zero-filled: every byte handed out is read first.
      const left = this.source.size >= 0 ? this.source.size - this.base - this.pos : Infinity;
      const cap = Math.max(n, Math.min(this.chunkBytes, left));
      const next = uninitialised(cap);
      next.set(this.buf.subarray(this.pos, this.end), 0);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
      this.buf = next;
      this.dv = new DataView(next.buffer, next.byteOffset, next.byteLength);
    }
    // Read as much as fits (one chunk usually), at least until n bytes are there or the source ends.
    while (this.end - this.pos < n) {
      const got = this.source.read(this.buf, this.end, this.buf.length - this.end);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  close(): void {
    this.eof = true;
    this.source.close();
  }
}

/** A plain Uint8Array over fresh memory that is not zeroed (Buffer.allocUnsafe skips the fill for big sizes). */
function uninitialised(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}
