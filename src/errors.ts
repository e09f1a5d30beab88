// The errors every layer may raise, kept below all of them so that no layer imports upward for them. The CLI maps
// them to the exit statuses of the contract (src/cli/errors.ts): InputError and RequestError are bad input (2),
// RunError is a run that failed after it started (3).
//
// InputError is bad input in a file, worded the way the CLI prints it: `FILE:LINE:COL: what is wrong`. Binary
// readers give a byte offset instead of a line (`FILE: byte N: ...`).

export interface InputErrorPos {
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column; meaningful only with a line. */
  readonly col?: number;
  /** Byte offset in a binary file (pcap, pcapng). */
  readonly offset?: number;
}

/** A user's input is wrong. Thrown or returned; either way `toString()` is the one line to print. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  readonly offset?: number;

  constructor(file: string, message: string, pos: InputErrorPos = {}) {
    super(message);
    this.file = file;
    if (pos.line !== undefined) this.line = pos.line;
    if (pos.col !== undefined) this.col = pos.col;
    if (pos.offset !== undefined) this.offset = pos.offset;
  }

  override toString(): string {
    if (this.line !== undefined) {
      const col = this.col !== undefined ? `:${this.col}` : '';
      return `${this.file}:${this.line}${col}: ${this.message}`;
    }
    if (this.offset !== undefined) return `${this.file}: byte ${this.offset}: ${this.message}`;
    return `${this.file}: ${this.message}`;
  }
}

/** What a loader returns: the typed value, or every error found (in file order), never a throw. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly InputError[] };

export function success<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure<T>(errors: readonly InputError[]): Result<T> {
  return { ok: false, errors };
}

/** Orders errors by file, then line and column, so a user fixes them top to bottom. */
export function sortErrors(errors: InputError[]): InputError[] {
  return errors.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
}

/** The caller asked for something this run cannot do (an unknown component to pin, more partitions than units):
 *  bad input, worded in the domain's terms; the CLI adds its own flags and a pointer to --help. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

/** A run failed after it started (a partition died, a socket broke): exit 3, with what failed and the virtual time. */
export class RunError extends Error {
  override readonly name = 'RunError';
}

/** What a failed read of a file says, from its error code (the file's name goes before it). */
export function describeIoError(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read (${typeof code === 'string' ? code : 'I/O error'})`;
}
