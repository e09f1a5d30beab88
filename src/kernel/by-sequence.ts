// A map from increasing sequence numbers (request ids) to what is in flight under them.
//
// Why not a Map: entries come and go in roughly the order they were numbered, and a Map with that churn
// rehashes into a fresh table every few insertions (V8 keeps deleted entries until the table fills): in the
// throughput scenario the XCF requests' Map was 4 % of all allocation and most of onCf's time. Here an entry
// lives in a ring slot picked by its number; the rare one still there when the ring comes round to its slot again
// (a request never answered) moves to a Map on the side, so memory stays bounded by what is in flight.

export class BySequence<V> {
  private ids: Float64Array;
  private values: (V | undefined)[];
  private mask: number;
  private readonly aside = new Map<number, V>();
  private live = 0;

  constructor(slots = 64) {
    const size = 1 << Math.ceil(Math.log2(Math.max(2, slots)));
    this.ids = new Float64Array(size).fill(-1);
    this.values = new Array<V | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  get size(): number {
    return this.live + this.aside.size;
  }

  /** `id` is larger than any set before (a non-negative integer). */
  set(id: number, value: V): void {
    const slot = id % this.ids.length; // (not `& mask`: ids pass 2^31 in a long run)
    if (this.values[slot] !== undefined) {
      // The ring came round while that entry was still in flight: more than the ring in flight, grow it (up to a
      // limit), otherwise set the old one aside.
      if (this.live > this.mask >> 1 && this.mask < 65535) {
        this.grow();
        this.set(id, value);
        return;
      }
      this.aside.set(this.ids[slot]!, this.values[slot]!);
      this.live--;
    }
    this.ids[slot] = id;
    this.values[slot] = value;
    this.live++;
  }

  get(id: number): V | undefined {
    const slot = id % this.ids.length; // (not `& mask`: ids pass 2^31 in a long run)
    if (this.ids[slot] === id) return this.values[slot];
    return this.aside.size === 0 ? undefined : this.aside.get(id);
  }

  delete(id: number): boolean {
    const slot = id % this.ids.length; // (not `& mask`: ids pass 2^31 in a long run)
    if (this.ids[slot] === id && this.values[slot] !== undefined) {
      this.ids[slot] = -1;
      this.values[slot] = undefined;
      this.live--;
      return true;
    }
    return this.aside.delete(id);
  }

  /** Removes every entry `drop` says to (in no particular order). */
  deleteWhere(drop: (value: V) => boolean): void {
    for (let slot = 0; slot <= this.mask; slot++) {
      const v = this.values[slot];
      if (v !== undefined && drop(v)) {
        this.ids[slot] = -1;
        this.values[slot] = undefined;
        this.live--;
      }
    }
    for (const [id, v] of this.aside) if (drop(v)) this.aside.delete(id);
  }

  clear(): void {
    this.ids.fill(-1);
    this.values.fill(undefined);
    this.live = 0;
    this.aside.clear();
  }

  private grow(): void {
    const ids = this.ids;
    const values = this.values;
    const size = 2 * ids.length;
    this.ids = new Float64Array(size).fill(-1);
    this.values = new Array<V | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.live = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      const v = values[slot];
      if (v === undefined) continue;
      const id = ids[slot]!;
      const at = id % size;
      if (this.values[at] !== undefined) this.aside.set(id, v);
      else {
        this.ids[at] = id;
        this.values[at] = v;
        this.live++;
      }
    }
  }
}
