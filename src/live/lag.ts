// How far a real-time run's virtual clock trailed the wall clock: a histogram of lag samples (1 µs buckets up
// to 1 ms, then 64 buckets per doubling), so percentiles cost no memory per sample and stay within 1 µs where
// it matters (the run keeps real time when p99 is under 1 ms) and within 1.1 % above.

const LINEAR_US = 1000;
const PER_OCTAVE = 64;
const OCTAVES = 40;

export interface LagSummary {
  /** Samples taken (one each time the driver caught up with due events). */
  samples: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** Wall time during which the lag was over `behindUs`. */
  behindMs: number;
  behindUs: number;
}

export class LagHistogram {
  private readonly counts = new Float64Array(LINEAR_US + PER_OCTAVE * OCTAVES);
  private n = 0;
  private max = 0;
  private behindWallMs = 0;

  constructor(readonly behindUs = 1000) {}

  /** One sample: the lag in µs, over `wallMs` of wall time since the previous sample. */
  add(lagUs: number, wallMs: number): void {
    const v = lagUs > 0 ? lagUs : 0;
    this.counts[bucketOf(v)]!++;
    this.n++;
    if (v > this.max) this.max = v;
    if (v > this.behindUs) this.behindWallMs += wallMs;
  }

  /** The smallest bucket bound below which a fraction `q` of the samples lie (µs). */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const want = Math.ceil(q * this.n);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= want) return Math.min(upperOf(i), this.max);
    }
    return this.max;
  }

  summary(): LagSummary {
    const r = (x: number) => Math.round(x * 10) / 10;
    return { samples: this.n, p50Us: r(this.quantile(0.5)), p99Us: r(this.quantile(0.99)), maxUs: r(this.max), behindMs: r(this.behindWallMs), behindUs: this.behindUs };
  }
}

function bucketOf(us: number): number {
  if (us < LINEAR_US) return Math.floor(us);
  const octave = Math.log2(us / LINEAR_US);
  return Math.min(LINEAR_US + Math.floor(octave * PER_OCTAVE), LINEAR_US + PER_OCTAVE * OCTAVES - 1);
}

function upperOf(bucket: number): number {
  if (bucket < LINEAR_US) return bucket + 1;
  return LINEAR_US * 2 ** ((bucket - LINEAR_US + 1) / PER_OCTAVE);
}
