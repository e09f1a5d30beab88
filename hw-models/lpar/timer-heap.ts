// The firmware's timers: id -> deadline in a Map (the truth), and a binary min-heap of (deadline, id) entries
// that only orders them. Re-arming or cancelling leaves the old heap entry behind; it is recognised as stale
// when it surfaces (its deadline no longer matches the Map) and skipped. The heap is rebuilt from the Map when
// stale entries outnumber live ones, so a firmware that re-arms one retransmission timer per segment stays
// O(log n) per operation with bounded memory.

export class TimerHeap {
  private readonly deadlines = new Map<number, number>();
  private times: number[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.deadlines.size;
  }

  /** Arms (or re-arms) `id` for `at`. */
  set(id: number, at: number): void {
    this.deadlines.set(id, at);
    this.push(at, id);
    if (this.times.length > 64 + 4 * this.deadlines.size) this.rebuild();
  }

  cancel(id: number): void {
    this.deadlines.delete(id);
  }

  /** The deadline `id` is armed for, or undefined. */
  deadline(id: number): number | undefined {
    return this.deadlines.get(id);
  }

  /** The earliest live deadline (Infinity when none); drops stale entries on the way. */
  peekTime(): number {
    this.dropStale();
    return this.times.length === 0 ? Infinity : this.times[0]!;
  }

  /** Removes and returns the id of the earliest live entry if it is due at `now` (its deadline stays armed in
   *  the Map until `fire` consumes it); -1 when none is due. */
  popDue(now: number): { id: number; at: number } | null {
    this.dropStale();
    if (this.times.length === 0 || this.times[0]! > now) return null;
    const at = this.times[0]!;
    const id = this.ids[0]!;
    this.popTop();
    return { id, at };
  }

  /** Consumes `id` if it is still armed for `at`: true means fire it now. */
  fire(id: number, at: number): boolean {
    if (this.deadlines.get(id) !== at) return false;
    this.deadlines.delete(id);
    return true;
  }

  clear(): void {
    this.deadlines.clear();
    this.times = [];
    this.ids = [];
  }

  private dropStale(): void {
    while (this.times.length > 0 && this.deadlines.get(this.ids[0]!) !== this.times[0]) this.popTop();
  }

  private rebuild(): void {
    this.times = [];
    this.ids = [];
    for (const [id, at] of this.deadlines) this.push(at, id);
  }

  private push(at: number, id: number): void {
    const t = this.times;
    const ids = this.ids;
    let i = t.length;
    t.push(at);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (t[parent]! <= at) break;
      t[i] = t[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    t[i] = at;
    ids[i] = id;
  }

  private popTop(): void {
    const t = this.times;
    const ids = this.ids;
    const lastT = t.pop()!;
    const lastId = ids.pop()!;
    const n = t.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && t[c + 1]! < t[c]!) c++;
      if (lastT <= t[c]!) break;
      t[i] = t[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    t[i] = lastT;
    ids[i] = lastId;
  }
}
