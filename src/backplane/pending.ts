// Events the coordinator holds for one participant until their window comes, in kernel order (time, dst, src,
// seq): a grant hands out exactly the events of its window, already sorted, so a participant in another
// language can take them one by one without a queue of its own.

import type { WireEvent } from './protocol.js';

function before(a: WireEvent, b: WireEvent): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  if (a[2] !== b[2]) return a[2] < b[2];
  return a[3] < b[3];
}

export class PendingEvents {
  private heap: WireEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest event, Infinity when none. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0]![0];
  }

  push(e: WireEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  /** Removes and returns, in order, every event with time <= `last`. */
  takeThrough(last: number): WireEvent[] {
    const out: WireEvent[] = [];
    while (this.heap.length > 0 && this.heap[0]![0] <= last) out.push(this.pop());
    return out;
  }

  private pop(): WireEvent {
    const h = this.heap;
    const top = h[0]!;
    const end = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(h[c + 1]!, h[c]!)) c++;
        if (!before(h[c]!, end)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = end;
    }
    return top;
  }
}
