// One QDIO read (inbound) queue as z/OS sets it up: `sbals` read buffers (QDIOSTG / READSTORAGE) of
// `sbalBytes` each, into which the OSA packs inbound datagrams one after another, each behind a QDIO header,
// until the next one does not fit; then it starts the next free buffer. A buffer is handed to the host when the
// OSA interrupts (even if only partly filled) and is free again once the host has taken every datagram in it.
// When no buffer is free, an arriving datagram is dropped: capacity in frames depends on their size.
//
// Datagrams wait in a growable ring (with the time each is ready for the host); SBALs are a ring of records
// (frames packed, frames the host has taken), the open one last.

export interface ReadQueueStats {
  /** Most SBALs in use at once. */
  peakSbals: number;
  /** Most datagrams one SBAL held. */
  maxFramesPerSbal: number;
  /** Most datagrams held at once (waiting or delivered and not yet taken). */
  peakFrames: number;
}

export class ReadQueue {
  // ---- datagrams not yet delivered to the host
  private items: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(256).fill(undefined);
  private ready = new Float64Array(256);
  private head = 0;
  /** Datagrams waiting for an interrupt. */
  count = 0;
  // ---- SBALs in use: frames packed and frames taken by the host; the tail one may still be open
  private readonly packed: Int32Array;
  private readonly taken: Int32Array;
  private sHead = 0;
  /** SBALs in use (holding datagrams not all taken by the host, or open). */
  inUse = 0;
  private open = false;
  private openBytes = 0;
  /** Delivered to the host and not yet taken. */
  outstanding = 0;
  readonly stats: ReadQueueStats = { peakSbals: 0, maxFramesPerSbal: 0, peakFrames: 0 };

  constructor(
    readonly sbals: number,
    readonly sbalBytes: number,
    /** Bytes the OSA puts in front of each datagram in the buffer. */
    readonly headerBytes: number,
  ) {
    this.packed = new Int32Array(sbals);
    this.taken = new Int32Array(sbals);
  }

  /** Frames held (waiting or delivered and not yet taken). */
  get held(): number {
    return this.count + this.outstanding;
  }

  /** Packs a datagram ready for the host at `readyAt`; false when no buffer has room (the caller drops it). */
  push(packet: Uint8Array, readyAt: number): boolean {
    const need = this.headerBytes + packet.length;
    if (!this.open || this.openBytes + need > this.sbalBytes) {
      if (this.inUse === this.sbals) return false;
      this.closeOpen();
      const i = (this.sHead + this.inUse) % this.sbals;
      this.packed[i] = 0;
      this.taken[i] = 0;
      this.inUse++;
      if (this.inUse > this.stats.peakSbals) this.stats.peakSbals = this.inUse;
      this.open = true;
      this.openBytes = 0;
    }
    this.openBytes += need;
    const tail = (this.sHead + this.inUse - 1) % this.sbals;
    const n = ++this.packed[tail]!;
    if (n > this.stats.maxFramesPerSbal) this.stats.maxFramesPerSbal = n;
    if (this.count === this.items.length) this.grow();
    const k = (this.head + this.count) % this.items.length;
    this.items[k] = packet;
    this.ready[k] = readyAt;
    this.count++;
    if (this.held > this.stats.peakFrames) this.stats.peakFrames = this.held;
    return true;
  }

  /** Ready time of the k-th waiting datagram (k < count). */
  readyAt(k = 0): number {
    return this.ready[(this.head + k) % this.items.length]!;
  }

  /** Takes the oldest waiting datagram for delivery (it stays in its buffer until `take`). */
  shift(): Uint8Array {
    const i = this.head;
    const item = this.items[i]!;
    this.items[i] = undefined;
    this.head = (i + 1) % this.items.length;
    this.count--;
    this.outstanding++;
    return item;
  }

  /** The interrupt hands the buffers over: once nothing waits, the open buffer is closed. */
  presented(): void {
    if (this.count === 0) this.closeOpen();
  }

  /** The host took `n` delivered datagrams (in order): buffers whose datagrams are all taken are free. */
  take(n: number): void {
    let left = Math.min(n, this.outstanding);
    this.outstanding -= left;
    while (left > 0 && this.inUse > 0) {
      const i = this.sHead;
      const k = Math.min(left, this.packed[i]! - this.taken[i]!);
      this.taken[i] = this.taken[i]! + k;
      left -= k;
      if (this.taken[i] === this.packed[i] && !(this.open && this.inUse === 1)) this.release();
      else if (k === 0) break;
    }
  }

  /** Empties the queue; returns how many datagrams were discarded (waiting ones only). */
  clear(): number {
    const n = this.count;
    for (let k = 0; k < this.count; k++) this.items[(this.head + k) % this.items.length] = undefined;
    this.head = 0;
    this.count = 0;
    this.outstanding = 0;
    this.inUse = 0;
    this.sHead = 0;
    this.open = false;
    this.openBytes = 0;
    return n;
  }

  private closeOpen(): void {
    if (!this.open) return;
    this.open = false;
    // A closed buffer whose datagrams were all taken already is free at once.
    const tail = (this.sHead + this.inUse - 1) % this.sbals;
    if (this.inUse === 1 && this.taken[tail] === this.packed[tail]) this.release();
  }

  private release(): void {
    this.sHead = (this.sHead + 1) % this.sbals;
    this.inUse--;
  }

  private grow(): void {
    const cap = this.items.length * 2;
    const items = new Array<Uint8Array | undefined>(cap).fill(undefined);
    const ready = new Float64Array(cap);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % this.items.length;
      items[k] = this.items[i];
      ready[k] = this.ready[i]!;
    }
    this.items = items;
    this.ready = ready;
    this.head = 0;
  }
}
