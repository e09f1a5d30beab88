// Sampled series for the HTML report, in bounded memory: at most `maxPoints` buckets per series. When they
// are full, neighbouring buckets merge pairwise and each later bucket takes twice as many ticks, so a run of
// any length ends with between maxPoints/2 and maxPoints points on a uniform time grid. Means merge exactly
// (equal-width buckets); maxima keep the peaks a queue reached.

export class SeriesStore {
  /** Bucket start times, ps. */
  readonly times: Float64Array;
  private readonly sums: Float64Array[];
  private readonly counts: Float64Array;
  private n = 0;
  /** Ticks per bucket, and ticks in the current (last) bucket. */
  private per = 1;
  private fill = 0;

  constructor(
    private readonly merge: readonly ('max' | 'mean')[],
    readonly maxPoints = 2048,
  ) {
    if (maxPoints < 2 || maxPoints % 2 !== 0) throw new RangeError('maxPoints must be an even number >= 2');
    this.times = new Float64Array(maxPoints);
    this.sums = merge.map(() => new Float64Array(maxPoints));
    this.counts = new Float64Array(maxPoints);
  }

  get length(): number {
    return this.n;
  }

  /** Ticks each bucket stands for now. */
  get ticksPerPoint(): number {
    return this.per;
  }

  push(t: number, values: ArrayLike<number>): void {
    if (this.n === 0 || this.fill === this.per) {
      if (this.n === this.maxPoints) this.halve();
      this.times[this.n] = t;
      this.counts[this.n] = 0;
      for (let s = 0; s < this.sums.length; s++) this.sums[s]![this.n] = this.merge[s] === 'max' ? -Infinity : 0;
      this.n++;
      this.fill = 0;
    }
    const b = this.n - 1;
    for (let s = 0; s < this.sums.length; s++) {
      const v = values[s]!;
      const a = this.sums[s]!;
      if (this.merge[s] === 'max') {
        if (v > a[b]!) a[b] = v;
      } else a[b]! += v;
    }
    this.counts[b]!++;
    this.fill++;
  }

  private halve(): void {
    const half = this.n / 2;
    for (let k = 0; k < half; k++) {
      this.times[k] = this.times[2 * k]!;
      this.counts[k] = this.counts[2 * k]! + this.counts[2 * k + 1]!;
      for (let s = 0; s < this.sums.length; s++) {
        const a = this.sums[s]!;
        a[k] = this.merge[s] === 'max' ? Math.max(a[2 * k]!, a[2 * k + 1]!) : a[2 * k]! + a[2 * k + 1]!;
      }
    }
    this.n = half;
    this.per *= 2;
  }

  /** Series `s` as plotted values (means divided out). */
  values(s: number): number[] {
    const out: number[] = [];
    const a = this.sums[s]!;
    for (let b = 0; b < this.n; b++) out.push(this.merge[s] === 'max' ? a[b]! : a[b]! / this.counts[b]!);
    return out;
  }
}
