// One capture point's output: frames from several taps merged into time order and streamed to a pcapng file.
//
// A tap sees a message when it is offered to its link, stamped with the time its first bit leaves, which may be
// later than `now` when the transmitter is still busy with earlier frames. Each tap's stamps are monotonic and
// never earlier than the moment of the tap, so a frame stamped at or before the current time can be written
// once every earlier tap was heard: frames wait in a small heap only while their transmitter is busy, which
// bounds memory by what the models have in flight, and the file comes out sorted by (time, arrival order).

import { PcapngWriter } from './pcapng-writer.js';
import type { ByteSink } from './byte-sink.js';

const PS_PER_NS = 1000;

export class PointWriter {
  /** Pending frames as a binary heap ordered by (time, seq). */
  private times: number[] = [];
  private seqs: number[] = [];
  private frames: Uint8Array[] = [];
  private seq = 0;
  /** Frames handed to the pcapng writer. */
  written = 0;

  constructor(
    readonly point: string,
    readonly file: string,
    private readonly writer: PcapngWriter<ByteSink>,
  ) {}

  /** Adds a frame first transmitted at `timePs`, observed at `nowPs` (<= timePs). The frame is kept by
   *  reference: messages are immutable once sent. */
  add(frame: Uint8Array, timePs: number, nowPs: number): void {
    if (this.times.length > 0) this.drain(nowPs);
    // After the drain everything pending is stamped after now, so a frame stamped by now goes first.
    if (timePs <= nowPs) {
      this.write(timePs, frame);
      return;
    }
    this.push(timePs, frame);
  }

  /** Writes every pending frame stamped at or before `nowPs`. */
  drain(nowPs: number): void {
    while (this.times.length > 0 && this.times[0]! <= nowPs) {
      const t = this.times[0]!;
      const f = this.pop();
      this.write(t, f);
    }
  }

  /** Writes what is pending and completes the file. */
  close(): void {
    this.drain(Infinity);
    this.writer.close();
  }

  /** Removes the partial file. */
  abort(): void {
    this.times = [];
    this.seqs = [];
    this.frames = [];
    this.writer.abort();
  }

  private write(timePs: number, frame: Uint8Array): void {
    this.writer.writeFrame(Math.floor(timePs / PS_PER_NS), frame);
    this.written++;
  }

  private less(i: number, j: number): boolean {
    const ti = this.times[i]!;
    const tj = this.times[j]!;
    return ti < tj || (ti === tj && this.seqs[i]! < this.seqs[j]!);
  }

  private swap(i: number, j: number): void {
    const t = this.times[i]!;
    this.times[i] = this.times[j]!;
    this.times[j] = t;
    const s = this.seqs[i]!;
    this.seqs[i] = this.seqs[j]!;
    this.seqs[j] = s;
    const f = this.frames[i]!;
    this.frames[i] = this.frames[j]!;
    this.frames[j] = f;
  }

  private push(timePs: number, frame: Uint8Array): void {
    let i = this.times.length;
    this.times.push(timePs);
    this.seqs.push(this.seq++);
    this.frames.push(frame);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): Uint8Array {
    const top = this.frames[0]!;
    const last = this.times.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.seqs.pop();
    this.frames.pop();
    let i = 0;
    const n = this.times.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
