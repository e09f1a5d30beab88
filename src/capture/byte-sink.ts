// Where the pcapng writer's bytes go: a file written under a temporary name and renamed into place on close,
// or memory.

import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { ioError } from './errors.js';

export interface ByteSink {
  /** Appends all of `bytes` (the sink may not keep a reference after returning). */
  write(bytes: Uint8Array): void;
  /** Completes the output. */
  close(): void;
  /** Gives up: nothing is left at the final destination. */
  abort(): void;
}

/**
 * Writes `path` atomically: bytes go to `path.partial` and the file is renamed to `path` only on close, so a
 * crashed or aborted run never leaves a half-written capture under the name the user asked for.
 */
export class FileSink implements ByteSink {
  readonly tempPath: string;
  private fd: number;

  constructor(readonly path: string) {
    this.tempPath = `${path}.partial`;
    try {
      this.fd = openSync(this.tempPath, 'w');
    } catch (e) {
      throw ioError(path, 'cannot create', e);
    }
  }

  write(bytes: Uint8Array): void {
    if (this.fd < 0) throw ioError(this.path, 'cannot write', new Error('the file is closed'));
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (e) {
      throw ioError(this.path, 'cannot write', e);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
      renameSync(this.tempPath, this.path);
    } catch (e) {
      removeQuietly(this.tempPath);
      throw ioError(this.path, 'cannot complete', e);
    }
  }

  abort(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch {
      // Already failing; the temporary file is removed below either way.
    }
    removeQuietly(this.tempPath);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Nothing to remove, or nothing more we can do.
  }
}

/** Collects everything in memory; `bytes()` returns one contiguous array. */
export class MemorySink implements ByteSink {
  private chunks: Uint8Array[] = [];
  private length = 0;

  write(bytes: Uint8Array): void {
    // A copy (new Uint8Array copies; Buffer#slice would not): the writer reuses its buffer.
    this.chunks.push(new Uint8Array(bytes));
    this.length += bytes.length;
  }

  close(): void {}

  abort(): void {
    this.chunks = [];
    this.length = 0;
  }

  bytes(): Uint8Array {
    if (this.chunks.length !== 1) {
      const all = new Uint8Array(this.length);
      let o = 0;
      for (const c of this.chunks) {
        all.set(c, o);
        o += c.length;
      }
      this.chunks = [all];
    }
    return this.chunks[0] ?? new Uint8Array(0);
  }
}
