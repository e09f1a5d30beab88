// Out-of-order segments waiting for the hole before them to fill. Pieces are copies (the packet they came in
// belongs to the host), kept sorted by sequence number; a FIN seen out of order is remembered by position.

import { seqAdd, seqDiff } from '../../net/tcp-seq.js';

interface Piece {
  seq: number;
  data: Uint8Array;
}

export class Reassembly {
  private readonly pieces: Piece[] = [];
  /** Bytes held (overlaps trimmed on insertion). */
  bytes = 0;
  /** Sequence number of an out-of-order FIN, or -1. */
  finSeq = -1;

  get empty(): boolean {
    return this.pieces.length === 0 && this.finSeq < 0;
  }

  /** Stores data[seq, seq + len) that lies after `rcvNxt`; parts already held are not stored twice. */
  insert(seq: number, data: Uint8Array, rcvNxt: number): void {
    // Common case: the newest segment lands after everything held (loss of one earlier segment).
    const last = this.pieces[this.pieces.length - 1];
    if (last === undefined || seqDiff(seq, last.seq) >= last.data.length) {
      if (data.length > 0) {
        this.pieces.push({ seq, data: data.slice() });
        this.bytes += data.length;
      }
      return;
    }
    let start = seq;
    let view = data;
    const base = (s: number) => seqDiff(s, rcvNxt);
    let i = 0;
    while (i < this.pieces.length && view.length > 0) {
      const p = this.pieces[i]!;
      const pStart = base(p.seq);
      const pEnd = pStart + p.data.length;
      const nStart = base(start);
      const nEnd = nStart + view.length;
      if (pEnd <= nStart) {
        i++;
        continue;
      }
      if (nEnd <= pStart) break; // goes before p
      if (nStart < pStart) {
        // keep the part before p, then continue with the rest after p
        const head = view.subarray(0, pStart - nStart);
        this.pieces.splice(i, 0, { seq: start, data: head.slice() });
        this.bytes += head.length;
        i += 2;
        const skip = Math.min(view.length, pEnd - nStart);
        start = seqAdd(start, skip);
        view = view.subarray(skip);
        continue;
      }
      // starts inside p: drop the overlap
      const skip = Math.min(view.length, pEnd - nStart);
      start = seqAdd(start, skip);
      view = view.subarray(skip);
      i++;
    }
    if (view.length > 0) {
      this.pieces.splice(i, 0, { seq: start, data: view.slice() });
      this.bytes += view.length;
    }
  }

  /** Removes and returns the bytes that start at `rcvNxt` (trimmed), or null when the hole is still open.
   *  Pieces wholly before `rcvNxt` are discarded on the way. */
  take(rcvNxt: number): Uint8Array | null {
    while (this.pieces.length > 0) {
      const p = this.pieces[0]!;
      const d = seqDiff(rcvNxt, p.seq);
      if (d < 0) return null;
      this.pieces.shift();
      this.bytes -= p.data.length;
      if (d < p.data.length) return p.data.subarray(d);
    }
    return null;
  }

  /** True when the stored FIN sits exactly at `rcvNxt`. */
  finAt(rcvNxt: number): boolean {
    return this.finSeq === rcvNxt;
  }
}
