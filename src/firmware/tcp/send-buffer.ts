// Bytes written by the application and not yet acknowledged: a ring that starts small and grows (up to the
// configured send buffer) only when a connection actually has that much in flight, so thousands of idle
// connections stay cheap. Offsets are relative to the oldest unacknowledged byte (SND.UNA).

const INITIAL_SIZE = 2048;
const EMPTY = new Uint8Array(0);

// Rings are recycled: allocating a typed array costs an external allocation and, in bulk, garbage-collection
// work, and a busy server opens and drains thousands of connections. A ring goes back to the pool of its size
// as soon as everything in it is acknowledged. Contents never leak into behaviour: only written bytes are read.
const POOL_LIMIT = 4096;
const pools = new Map<number, Uint8Array[]>();

function acquire(size: number): Uint8Array {
  const pool = pools.get(size);
  return pool !== undefined && pool.length > 0 ? pool.pop()! : new Uint8Array(size);
}

function recycle(buf: Uint8Array): void {
  if (buf === EMPTY) return;
  let pool = pools.get(buf.length);
  if (pool === undefined) pools.set(buf.length, (pool = []));
  if (pool.length < POOL_LIMIT) pool.push(buf);
}

export class SendBuffer {
  private buf: Uint8Array;
  private head = 0;
  /** Bytes held (from SND.UNA). */
  length = 0;

  constructor(readonly capacity: number) {
    this.buf = EMPTY; // allocated on the first write: a connection that only receives costs nothing here
  }

  get free(): number {
    return this.capacity - this.length;
  }

  /** Appends as much of src[offset, offset + len) as fits; returns how much was taken. */
  push(src: Uint8Array, offset = 0, len = src.length - offset): number {
    const n = Math.min(len, this.free);
    if (n <= 0) return 0;
    this.reserve(this.length + n);
    const size = this.buf.length;
    const tail = (this.head + this.length) % size;
    const first = Math.min(n, size - tail);
    this.buf.set(src.subarray(offset, offset + first), tail);
    if (first < n) this.buf.set(src.subarray(offset + first, offset + n), 0);
    this.length += n;
    return n;
  }

  /** Copies `len` bytes starting `offset` bytes after SND.UNA into dst at dstOffset. */
  copyOut(offset: number, len: number, dst: Uint8Array, dstOffset: number): void {
    if (len <= 0) return;
    const size = this.buf.length;
    const start = (this.head + offset) % size;
    const first = Math.min(len, size - start);
    dst.set(this.buf.subarray(start, start + first), dstOffset);
    if (first < len) dst.set(this.buf.subarray(0, len - first), dstOffset + first);
  }

  /** Drops `n` acknowledged bytes from the front. */
  consume(n: number): void {
    const k = Math.min(n, this.length);
    this.length -= k;
    if (this.length === 0) {
      this.head = 0;
      recycle(this.buf);
      this.buf = EMPTY;
    } else {
      this.head = (this.head + k) % this.buf.length;
    }
  }

  private reserve(needed: number): void {
    if (needed <= this.buf.length) return;
    let size = Math.max(this.buf.length, Math.min(INITIAL_SIZE, this.capacity));
    while (size < needed) size *= 2;
    size = Math.min(size, Math.max(this.capacity, needed));
    const next = acquire(size);
    this.copyOut(0, this.length, next, 0);
    recycle(this.buf);
    this.buf = next;
    this.head = 0;
  }
}
