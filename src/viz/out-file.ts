// A file written as the run goes, through a 256 KiB byte buffer written out when full, into a PartialFile
// (renamed into place on close, so that a failed run leaves nothing half-written).
// The hot writers (Perfetto's CPU slices and counters) put pre-encoded ASCII pieces and numbers straight into
// the buffer: no string per event, so nothing for the garbage collector (strings per event cost several times
// more in a run than in isolation, the collections they cause landing in the middle of the simulation).

import { PartialFile } from '../kernel/partial-file.js';
import { InputError } from '../errors.js';

const SIZE = 1 << 18;
/** Room always left for one number or one short piece before a flush is needed. */
const SLACK = 64;

/** ASCII text encoded once, for `OutFile.ascii`. */
export function ascii(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

export class OutFile {
  private readonly file: PartialFile;
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private used = 0;

  /** Opens `path`.partial; a path that cannot be written is bad input (exit 2) naming `what` (`--vcd`). */
  constructor(
    readonly path: string,
    what: string,
  ) {
    try {
      this.file = new PartialFile(path);
    } catch (err) {
      throw new InputError(path, `${what}: cannot write this file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  /** Any text, UTF-8. */
  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 > SIZE - SLACK) {
      this.flush();
      if (text.length * 3 > SIZE - SLACK) {
        this.file.write(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** A piece encoded with `ascii()`. */
  bytes(piece: Uint8Array): void {
    if (this.used + piece.length > SIZE - SLACK) {
      this.flush();
      if (piece.length > SIZE - SLACK) {
        this.file.write(piece);
        return;
      }
    }
    this.buf.set(piece, this.used);
    this.used += piece.length;
  }

  /** A non-negative integer below 2^53, in decimal. */
  int(n: number): void {
    if (this.used > SIZE - SLACK) this.flush();
    const buf = this.buf;
    if (n < 10) {
      buf[this.used++] = 48 + n;
      return;
    }
    let digits = 0;
    for (let x = n; x >= 1; x = Math.floor(x / 10)) digits++;
    let at = this.used + digits;
    this.used = at;
    for (let x = n; x >= 1; x = Math.floor(x / 10)) buf[--at] = 48 + (x % 10);
  }

  /** Picoseconds as microseconds with up to six decimals, exactly: 1234500000 -> 1234.5. */
  us(ps: number): void {
    const whole = Math.floor(ps / 1_000_000);
    let frac = ps - whole * 1_000_000;
    this.int(whole);
    if (frac === 0) return;
    let digits = 6;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    const buf = this.buf;
    buf[this.used] = 46; // '.'
    let at = this.used + 1 + digits;
    this.used = at;
    for (let k = 0; k < digits; k++) {
      buf[--at] = 48 + (frac % 10);
      frac = Math.floor(frac / 10);
    }
  }

  private flush(): void {
    if (this.used === 0 || !this.file.isOpen) return;
    this.file.write(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Writes what is buffered and moves the file into place. */
  close(): void {
    if (!this.file.isOpen) return;
    this.flush();
    this.file.commit();
  }

  /** Removes the partial file (the run failed). */
  abandon(): void {
    this.used = 0;
    this.file.abandon();
  }
}
