// Typed errors of the capture layer. A damaged file is never an untyped exception: the reader names the file and
// the byte offset where the problem is, so the CLI can print `FILE: byte N: message` and exit 2.

/** Something is wrong with the bytes of a capture file, at byte `offset` of `file`. */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
  constructor(
    readonly file: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** The capture file could not be opened, read or written (missing file, permissions, disk full). */
export class CaptureIoError extends Error {
  override readonly name = 'CaptureIoError';
  constructor(
    readonly file: string,
    message: string,
    /** The Node.js error code (ENOENT, EACCES ...), when there is one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** A caller handed the pcapng writer something it cannot write (negative timestamp, writing after close). */
export class CaptureWriteError extends Error {
  override readonly name = 'CaptureWriteError';
}

export type CaptureError = CaptureFormatError | CaptureIoError | CaptureWriteError;

/** True for every error this layer throws on purpose. */
export function isCaptureError(e: unknown): e is CaptureError {
  return e instanceof CaptureFormatError || e instanceof CaptureIoError || e instanceof CaptureWriteError;
}

/** The one-line user message: `FILE: byte N: message` for damaged files, `FILE: message` otherwise. */
export function formatCaptureError(e: CaptureError): string {
  if (e instanceof CaptureFormatError) return `${e.file}: byte ${e.offset}: ${e.message}`;
  if (e instanceof CaptureIoError) return `${e.file}: ${e.message}`;
  return e.message;
}

/** Turns a Node.js fs exception into a CaptureIoError; anything else is rethrown as a CaptureIoError too. */
export function ioError(file: string, what: string, e: unknown): CaptureIoError {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : null;
  const detail = e instanceof Error ? e.message : String(e);
  return new CaptureIoError(file, `${what}: ${detail}`, code);
}
