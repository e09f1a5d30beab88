// A text file written as the run goes: appended to one string (V8 ropes make that cheap) that is written out
// every 64 Ki characters, into `FILE.partial`, renamed into place on close so that a failed run leaves nothing
// half-written (as the trace writer does). Measured here: faster than encoding each piece into a Buffer or
// joining an array of pieces.

import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { InputError } from '../scenario/errors.js';

const FLUSH_AT = 1 << 16;

export class OutFile {
  private fd: number;
  private readonly tmp: string;
  private pending = '';

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
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0 || this.fd < 0) return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }

  /** Writes what is pending and moves the file into place. */
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
    this.pending = '';
    try {
      unlinkSync(this.tmp);
    } catch {
      /* already gone */
    }
  }
}
