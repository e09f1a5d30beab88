// The capture as the replay reads it: one frame at a time, streamed, each with its offset from the first frame
// in picoseconds. Offsets never go backwards (a capture whose clock stepped back is replayed in file order),
// and a damaged record is kept as the error to report rather than thrown into the simulation.

import { openCapture } from '../open-capture.js';
import { CaptureFormatError, CaptureIoError } from '../errors.js';
import type { CaptureFrame, CaptureReader } from '../frame.js';

export class CaptureFeed {
  private reader: CaptureReader | null = null;
  private firstSec = 0;
  private firstNsec = 0;
  private lastOffset = 0;
  /** Offset of the latest frame read (the recorded span once the end is reached). */
  get offsetPs(): number {
    return this.lastOffset;
  }
  /** The next frame, read but not yet taken. */
  private held: CaptureFrame | null = null;
  framesRead = 0;
  eof = false;
  /** A damaged record met while reading (the run ends and the replay reports it, exit 2). */
  failure: CaptureFormatError | CaptureIoError | null = null;

  constructor(readonly path: string) {}

  open(): void {
    this.reader = openCapture(this.path);
  }

  /** Offset (ps from the first frame) of the next frame, or -1 at the end. */
  peekOffset(): number {
    const f = this.peek();
    return f === null ? -1 : this.lastOffset;
  }

  /** The next frame (its offset is peekOffset()), without taking it. */
  peek(): CaptureFrame | null {
    if (this.held !== null) return this.held;
    if (this.eof || this.reader === null) return null;
    let f: CaptureFrame | null;
    try {
      f = this.reader.next();
    } catch (e) {
      if (e instanceof CaptureFormatError || e instanceof CaptureIoError) {
        this.failure = e;
        this.close();
        return null;
      }
      throw e;
    }
    if (f === null) {
      this.close();
      return null;
    }
    this.framesRead++;
    if (this.framesRead === 1) {
      this.firstSec = f.tsSec;
      this.firstNsec = f.tsNsec;
    }
    const off = (f.tsSec - this.firstSec) * 1e12 + (f.tsNsec - this.firstNsec) * 1e3;
    if (off > this.lastOffset) this.lastOffset = Math.min(off, Number.MAX_SAFE_INTEGER);
    this.held = f;
    return f;
  }

  /** Takes the frame peek() returned. */
  take(): CaptureFrame | null {
    const f = this.peek();
    this.held = null;
    return f;
  }

  close(): void {
    this.eof = true;
    this.held = null;
    this.reader?.close();
    this.reader = null;
  }
}

/** What a first streaming pass over the capture tells before the run: frames, and the recorded span (ps).
 *  Throws the typed capture errors for a damaged file, so nothing runs on bad input. */
export function surveyCapture(path: string): { frames: number; spanPs: number } {
  const feed = new CaptureFeed(path);
  feed.open();
  while (feed.take() !== null);
  if (feed.failure !== null) throw feed.failure;
  return { frames: feed.framesRead, spanPs: feed.offsetPs };
}
