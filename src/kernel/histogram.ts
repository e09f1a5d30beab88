// A latency histogram of integer picoseconds in the manner of HdrHistogram: log-linear buckets with 11
// significant bits (every value below 2048 ps has its own bucket; above, a bucket is at most 1/1024 of its
// value wide, so any quantile is within 0.1 % of the exact one). Counts, the exact sum, min and max add up, so
// histograms recorded in different partitions merge into exactly the one a single process records, in any order:
// a report's latency figures stay byte-identical whatever the number of partitions.
//
// Recording is an increment in a typed array: counts live in chunks of 64 buckets, allocated the first time a
// value falls in one (a distribution spans a few dozen chunks, 512 bytes each), so the hot paths that record a
// value per frame, per signal or per CPU dispatch allocate nothing once warm.

/** Significant bits kept: buckets are exact below 2^SIG and 2^-(SIG-1) wide relative to their value above. */
const SIG = 11;
const SUB = 1 << SIG;
const HALF = SUB >> 1;
const TWO32 = 0x1_0000_0000;
/** Buckets per chunk of counts (a power of two). */
const CHUNK_BITS = 6;
const CHUNK = 1 << CHUNK_BITS;

/** What a report shows of one distribution: times in ps. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** The serialised form (msgpack or JSON) that crosses processes and merges exactly. */
export interface HistogramData {
  /** [bucket index, count] pairs in ascending index order. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  /** The exact sum as sumHi * 2^32 + sumLo. */
  readonly sumHi: number;
  readonly sumLo: number;
}

export class Histogram {
  /** Chunk k holds the counts of buckets k * CHUNK ... (k + 1) * CHUNK - 1 (undefined: all zero). */
  private chunks: (Float64Array | undefined)[] = [];
  private n = 0;
  private lo = Number.MAX_SAFE_INTEGER;
  private hi = 0;
  private sumHi = 0;
  private sumLo = 0;

  get count(): number {
    return this.n;
  }

  /** Records one value in ps (a non-negative safe integer; negatives count as 0). */
  record(valuePs: number): void {
    const v = valuePs > 0 ? Math.floor(valuePs) : 0;
    let b: number;
    if (v < SUB) b = v;
    else if (v < TWO32) {
      // bucketOf with 32-bit shifts: most latencies are below 4.3 ms.
      const shift = 31 - Math.clz32(v) - (SIG - 1);
      b = SUB + (shift - 1) * HALF + ((v >>> shift) - HALF);
    } else b = bucketOf(v);
    const k = b >>> CHUNK_BITS;
    const chunk = this.chunks[k] ?? this.chunk(k);
    chunk[b & (CHUNK - 1)]!++;
    this.n++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    if (v < TWO32) {
      this.sumLo += v;
      if (this.sumLo >= TWO32) {
        this.sumLo -= TWO32;
        this.sumHi++;
      }
    } else this.addSum(v % TWO32, Math.floor(v / TWO32));
  }

  /** Adds every value of `other` (the result is the histogram of both sets of values). */
  merge(other: Histogram | HistogramData): this {
    const data = other instanceof Histogram ? other.toData() : other;
    if (data.count === 0) return this;
    for (const [b, c] of data.buckets) {
      const k = b >>> CHUNK_BITS;
      const chunk = this.chunks[k] ?? this.chunk(k);
      chunk[b & (CHUNK - 1)]! += c;
    }
    this.n += data.count;
    if (data.min < this.lo) this.lo = data.min;
    if (data.max > this.hi) this.hi = data.max;
    this.addSum(data.sumLo, data.sumHi);
    return this;
  }

  /** The value at quantile q (0 < q <= 1) by nearest rank, as the middle of its bucket clamped to [min, max]
   *  (the top rank: the maximum, exactly). */
  quantile(q: number): number {
    return this.quantiles([q])[0]!;
  }

  /** quantile() of each of `qs` (ascending) in one pass over the buckets (a percentile curve). */
  quantiles(qs: readonly number[]): number[] {
    const out: number[] = [];
    if (this.n === 0) return qs.map(() => 0);
    let j = 0;
    let rank = Math.max(1, Math.ceil(qs[0]! * this.n));
    let seen = 0;
    for (let k = 0; k < this.chunks.length && j < qs.length; k++) {
      const chunk = this.chunks[k];
      if (chunk === undefined) continue;
      for (let i = 0; i < CHUNK && j < qs.length; i++) {
        seen += chunk[i]!;
        while (j < qs.length && seen >= rank) {
          // The last rank is the maximum itself, known exactly.
          out.push(rank >= this.n ? this.hi : Math.min(this.hi, Math.max(this.lo, middleOf(k * CHUNK + i))));
          if (++j < qs.length) rank = Math.max(1, Math.ceil(qs[j]! * this.n));
        }
      }
    }
    while (out.length < qs.length) out.push(this.hi);
    return out;
  }

  summary(): LatencySummary {
    if (this.n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const mean = Math.round((this.sumHi * TWO32 + this.sumLo) / this.n);
    return {
      count: this.n,
      mean,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.hi,
    };
  }

  toData(): HistogramData {
    const buckets: [number, number][] = [];
    for (let k = 0; k < this.chunks.length; k++) {
      const chunk = this.chunks[k];
      if (chunk === undefined) continue;
      for (let i = 0; i < CHUNK; i++) if (chunk[i]! > 0) buckets.push([k * CHUNK + i, chunk[i]!]);
    }
    return { buckets, count: this.n, min: this.n === 0 ? 0 : this.lo, max: this.hi, sumHi: this.sumHi, sumLo: this.sumLo };
  }

  static fromData(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }

  private chunk(k: number): Float64Array {
    while (this.chunks.length <= k) this.chunks.push(undefined);
    const c = new Float64Array(CHUNK);
    this.chunks[k] = c;
    return c;
  }

  private addSum(lo: number, hi: number): void {
    this.sumLo += lo;
    this.sumHi += hi;
    if (this.sumLo >= TWO32) {
      const carry = Math.floor(this.sumLo / TWO32);
      this.sumHi += carry;
      this.sumLo -= carry * TWO32;
    }
  }
}

/** floor(log2(v)) for a safe integer v >= 1, without floating-point logarithms. */
function log2Floor(v: number): number {
  const high = Math.floor(v / TWO32);
  return high > 0 ? 63 - Math.clz32(high) : 31 - Math.clz32(v);
}

/** The bucket of a value: the value itself below 2^SIG, else (magnitude, top SIG bits). */
export function bucketOf(v: number): number {
  if (v < SUB) return v;
  const shift = log2Floor(v) - (SIG - 1);
  const top = Math.floor(v / 2 ** shift); // in [HALF, SUB)
  return SUB + (shift - 1) * HALF + (top - HALF);
}

/** The smallest value of a bucket and its width. */
export function bucketRange(b: number): { low: number; width: number } {
  if (b < SUB) return { low: b, width: 1 };
  const shift = Math.floor((b - SUB) / HALF) + 1;
  const top = HALF + ((b - SUB) % HALF);
  return { low: top * 2 ** shift, width: 2 ** shift };
}

function middleOf(b: number): number {
  const { low, width } = bucketRange(b);
  return low + Math.floor((width - 1) / 2);
}
