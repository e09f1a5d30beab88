// A text file written as the run goes: encoded straight into a 256 KiB buffer that is written out when full
// (no string joining, no garbage per line), into `FILE.partial`, renamed into place on close so that a failed
// run leaves nothing half-written (as the trace writer does).

import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { InputError } from '../scenario/errors.js';

const SIZE = 1 << 18;

export class OutFile {
  private fd: number;
  private readonly tmp: string;
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private used = 0;
  /** Bytes written so far. */
  written = 0;

  /** Opens `path`.partial; a path that cannot be written is bad input (exit 2) naming `what` (`--vcd`). */
  constructor(
    readonly path: string,
    what: string,
  ) {
    this.tmp = `${path}.partial`;
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw new InputError(path, `${what}: cannot write this file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 > SIZE) {
      this.flush();
      if (text.length * 3 > SIZE) {
        this.put(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  private put(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    this.written += bytes.length;
  }

  private flush(): void {
    if (this.used === 0 || this.fd < 0) return;
    this.put(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Writes what is buffered and moves the file into place. */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }

  /** Removes the partial file (the run failed). */
  abandon(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    this.used = 0;
    try {
      unlinkSync(this.tmp);
    } catch {
      /* already gone */
    }
  }
}
