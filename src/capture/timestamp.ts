// pcapng timestamps: a 64-bit count of units of 10^-r or 2^-p seconds (if_tsresol), split into whole seconds
// and nanoseconds exactly. Decimal resolutions down to nanoseconds (the usual 6 and 9) take an allocation-free
// path in 32-bit pieces; the rest (picoseconds, binary fractions) go through BigInt.

/** How one interface's timestamps turn into seconds + nanoseconds. */
export class TimestampScale {
  /** Units per second when decimal and <= 10^9, else 0 (slow path). */
  private readonly divisor: number;
  /** Nanoseconds per unit on the fast path. */
  private readonly nsPerUnit: number;
  private readonly pow2: number;
  private readonly pow10: number;
  /** Result of the last `convert`. */
  sec = 0;
  nsec = 0;

  /**
   * @param tsresol the if_tsresol byte: bit 7 clear = 10^-n seconds, set = 2^-n seconds (default 6).
   * @param offsetSec if_tsoffset: seconds added to every timestamp.
   */
  constructor(
    readonly tsresol = 6,
    readonly offsetSec = 0,
  ) {
    const n = tsresol & 0x7f;
    if (tsresol & 0x80) {
      this.pow2 = n;
      this.pow10 = -1;
      this.divisor = 0;
      this.nsPerUnit = 0;
    } else {
      this.pow2 = -1;
      this.pow10 = n;
      this.divisor = n <= 9 ? 10 ** n : 0;
      this.nsPerUnit = n <= 9 ? 10 ** (9 - n) : 0;
    }
  }

  /** Converts the 64-bit unit count `hi`:`lo` into `sec` and `nsec` (truncating below a nanosecond). */
  convert(hi: number, lo: number): void {
    const d = this.divisor;
    if (d !== 0) {
      // Long division of hi*2^32 + lo by d < 2^30 in pieces that stay below 2^53.
      const qHi = Math.floor(hi / d);
      const r1 = hi - qHi * d;
      const x = r1 * 65536 + (lo >>> 16);
      const q1 = Math.floor(x / d);
      const r2 = x - q1 * d;
      const y = r2 * 65536 + (lo & 0xffff);
      const q0 = Math.floor(y / d);
      this.sec = qHi * 4294967296 + q1 * 65536 + q0 + this.offsetSec;
      this.nsec = (y - q0 * d) * this.nsPerUnit;
      return;
    }
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    let sec: bigint;
    let nsec: bigint;
    if (this.pow2 >= 0) {
      const p = BigInt(this.pow2);
      sec = units >> p;
      nsec = ((units & ((1n << p) - 1n)) * 1_000_000_000n) >> p;
    } else {
      const div = 10n ** BigInt(this.pow10);
      sec = units / div;
      nsec = (units % div) / 10n ** BigInt(this.pow10 - 9);
    }
    this.sec = Number(sec) + this.offsetSec;
    this.nsec = Number(nsec);
  }
}
