// A bounded FIFO of frames (or datagrams), each with the virtual time it becomes ready: the model of one QDIO
// queue. Capacity is fixed at construction (SBALs x entries); a full ring refuses, and the caller counts the
// drop. Two parallel arrays and a head index: no allocation per frame.

export class FrameRing {
  private readonly items: (Uint8Array | undefined)[];
  private readonly ready: Float64Array;
  private head = 0;
  count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<Uint8Array | undefined>(capacity).fill(undefined);
    this.ready = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends; false when full. */
  push(item: Uint8Array, readyAt: number): boolean {
    if (this.count === this.capacity) return false;
    const i = (this.head + this.count) % this.capacity;
    this.items[i] = item;
    this.ready[i] = readyAt;
    this.count++;
    return true;
  }

  /** Ready time of the k-th entry from the head (k < count). */
  readyAt(k = 0): number {
    return this.ready[(this.head + k) % this.capacity]!;
  }

  shift(): Uint8Array {
    const i = this.head;
    const item = this.items[i]!;
    this.items[i] = undefined;
    this.head = (i + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** Empties the ring; returns how many entries were discarded. */
  clear(): number {
    const n = this.count;
    while (this.count > 0) this.shift();
    this.head = 0;
    return n;
  }
}
