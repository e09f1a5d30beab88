// The pending-event set: a binary min-heap of slot numbers over a struct of typed arrays.
//
// The order is total and independent of insertion order: (time, destination, source, per-source sequence).
// Every field of the key lives in a Float64Array, so a comparison is a few array reads and no event ever
// becomes a JS object: slots are recycled through a free list, and the only per-event reference kept is the
// message payload itself.

/** What a slot carries besides its key (simulation.ts keeps local copies of these for its hot loop). */
export const KIND_MESSAGE = 0;
export const KIND_TIMER = 1;
export const KIND_CONTROL = 2;

/** Source id of events posted by the run itself (faults, operator commands): sorts before every component. */
export const SOURCE_CONTROL = -1;

const INITIAL_CAPACITY = 1024;

export class EventQueue {
  /** Key part 1: virtual time, ps. */
  time = new Float64Array(INITIAL_CAPACITY);
  /** Key part 2: destination * 2^21 + (source + 1); component ids stay below 2^21. */
  route = new Float64Array(INITIAL_CAPACITY);
  /** Key part 3: the source's sequence number. */
  seq = new Float64Array(INITIAL_CAPACITY);
  /** KIND_MESSAGE (port = destination port index), KIND_TIMER (port = tag) or KIND_CONTROL. */
  kind = new Uint8Array(INITIAL_CAPACITY);
  port = new Int32Array(INITIAL_CAPACITY);
  payload: unknown[] = new Array(INITIAL_CAPACITY).fill(undefined);

  /** Destination component id of each slot (also inside `route`; kept apart to avoid a division). */
  dst = new Int32Array(INITIAL_CAPACITY);
  /** The heap: slot numbers, with each entry's time beside it so sifting compares without indirection. */
  private heap = new Int32Array(INITIAL_CAPACITY);
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private free = new Int32Array(INITIAL_CAPACITY);
  private freeCount = INITIAL_CAPACITY;
  private count = 0;

  constructor() {
    for (let i = 0; i < INITIAL_CAPACITY; i++) this.free[i] = INITIAL_CAPACITY - 1 - i;
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.heapTime[0]!;
  }

  /** Slot of the earliest event (valid until the next push or release), or -1. */
  peekSlot(): number {
    return this.count === 0 ? -1 : this.heap[0]!;
  }

  push(time: number, dst: number, src: number, seq: number, kind: number, port: number, payload: unknown): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount]!;
    this.time[slot] = time;
    this.route[slot] = dst * 2097152 + (src + 1);
    this.dst[slot] = dst;
    this.seq[slot] = seq;
    this.kind[slot] = kind;
    this.port[slot] = port;
    this.payload[slot] = payload;
    this.siftUp(this.count++, slot, time);
  }

  /** Removes the earliest event and returns its slot; call release(slot) when done reading it. */
  pop(): number {
    const top = this.heap[0]!;
    const n = --this.count;
    if (n > 0) this.siftDown(this.heap[n]!, this.heapTime[n]!);
    return top;
  }

  release(slot: number): void {
    this.payload[slot] = undefined;
    this.free[this.freeCount++] = slot;
  }

  destination(slot: number): number {
    return this.dst[slot]!;
  }

  source(slot: number): number {
    return (this.route[slot]! % 2097152) - 1;
  }

  /** Slots of every pending event in no particular order (for inspection, not for the hot path). */
  *pendingSlots(): IterableIterator<number> {
    for (let i = 0; i < this.count; i++) yield this.heap[i]!;
  }

  /** Tie-break of two slots with equal times: destination/source, then sequence. */
  private before(a: number, b: number): boolean {
    const ra = this.route[a]!;
    const rb = this.route[b]!;
    return ra !== rb ? ra < rb : this.seq[a]! < this.seq[b]!;
  }

  private siftUp(pos: number, slot: number, time: number): void {
    const heap = this.heap;
    const ht = this.heapTime;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < time || (pt === time && !this.before(slot, heap[parent]!))) break;
      heap[pos] = heap[parent]!;
      ht[pos] = pt;
      pos = parent;
    }
    heap[pos] = slot;
    ht[pos] = time;
  }

  private siftDown(slot: number, time: number): void {
    const heap = this.heap;
    const ht = this.heapTime;
    const n = this.count;
    let pos = 0;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      let ct = ht[child]!;
      const right = child + 1;
      if (right < n) {
        const rt = ht[right]!;
        if (rt < ct || (rt === ct && this.before(heap[right]!, heap[child]!))) {
          child = right;
          ct = rt;
        }
      }
      if (time < ct || (time === ct && this.before(slot, heap[child]!))) break;
      heap[pos] = heap[child]!;
      ht[pos] = ct;
      pos = child;
    }
    heap[pos] = slot;
    ht[pos] = time;
  }

  private grow(): void {
    const old = this.time.length;
    const cap = old * 2;
    this.time = growF64(this.time, cap);
    this.route = growF64(this.route, cap);
    this.seq = growF64(this.seq, cap);
    const kind = new Uint8Array(cap);
    kind.set(this.kind);
    this.kind = kind;
    const port = new Int32Array(cap);
    port.set(this.port);
    this.port = port;
    for (let i = old; i < cap; i++) this.payload.push(undefined);
    const heap = new Int32Array(cap);
    heap.set(this.heap);
    this.heap = heap;
    this.heapTime = growF64(this.heapTime, cap);
    const dst = new Int32Array(cap);
    dst.set(this.dst);
    this.dst = dst;
    const free = new Int32Array(cap);
    for (let i = 0; i < old; i++) free[i] = cap - 1 - i;
    this.free = free;
    this.freeCount = old;
  }
}

function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
