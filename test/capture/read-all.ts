// Test helpers: read a whole capture into an array (frames stay valid: readers never overwrite handed-out bytes).

import { CaptureFormatError, type CaptureFrame, type CaptureReader } from '../../src/capture/index.js';

export function readAll(reader: CaptureReader): CaptureFrame[] {
  const frames: CaptureFrame[] = [];
  try {
    for (let f = reader.next(); f !== null; f = reader.next()) frames.push(f);
  } finally {
    reader.close();
  }
  return frames;
}

/** Calls `fn` and returns the CaptureFormatError it throws; fails when it throws nothing or something else. */
export function formatErrorOf(fn: () => unknown): CaptureFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CaptureFormatError) return e;
    throw new Error(`expected a CaptureFormatError, got ${String(e)}`);
  }
  throw new Error('expected a CaptureFormatError, nothing was thrown');
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
