// An output file written under `path.partial` and renamed to `path` only once complete, so that a failed or
// interrupted run never leaves a half-written trace, capture or timeline under the name the user asked for.
// The writers (trace, merged trace, pcapng, timelines) do their own buffering and write through this.

import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

export class PartialFile {
  readonly tempPath: string;
  private fd: number;

  /** Creates `path.partial` (throws the file system's error when it cannot). */
  constructor(readonly path: string) {
    this.tempPath = `${path}.partial`;
    this.fd = openSync(this.tempPath, 'w');
  }

  /** Neither committed nor abandoned yet. */
  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Appends all of `data` (text as UTF-8). */
  write(data: Uint8Array | string): void {
    if (this.fd < 0) throw new Error(`${this.path}: the file is closed`);
    if (typeof data === 'string') {
      writeSync(this.fd, data);
      return;
    }
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
  }

  /** Moves the file into place; when that fails, nothing is left behind and the error is thrown. */
  commit(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
      renameSync(this.tempPath, this.path);
    } catch (err) {
      removeQuietly(this.tempPath);
      throw err;
    }
  }

  /** Gives up: the partial file is removed. */
  abandon(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch {
      // Already failing; the file is removed below either way.
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
