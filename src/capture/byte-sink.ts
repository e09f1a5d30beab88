// Where the pcapng writer's bytes go: a file written under a temporary name and renamed into place on close
// (PartialFile), or memory.

import { PartialFile } from '../kernel/partial-file.js';
import { ioError } from './errors.js';

export interface ByteSink {
  /** Appends all of `bytes` (the sink may not keep a reference after returning). */
  write(bytes: Uint8Array): void;
  /** Completes the output. */
  close(): void;
  /** Gives up: nothing is left at the final destination. */
  abort(): void;
}

/** Writes `path` through a PartialFile, with the file system's errors told as the capture's I/O errors. */
export class FileSink implements ByteSink {
  private readonly file: PartialFile;

  constructor(readonly path: string) {
    try {
      this.file = new PartialFile(path);
    } catch (e) {
      throw ioError(path, 'cannot create', e);
    }
  }

  write(bytes: Uint8Array): void {
    try {
      this.file.write(bytes);
    } catch (e) {
      throw ioError(this.path, 'cannot write', e);
    }
  }

  close(): void {
    try {
      this.file.commit();
    } catch (e) {
      throw ioError(this.path, 'cannot complete', e);
    }
  }

  abort(): void {
    this.file.abandon();
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
