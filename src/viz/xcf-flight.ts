// Bytes in flight on one direction of a link, as a mean over each sample interval: every message counts from
// the moment the model hands it to the port (queued behind the transmitter included) until it arrives. A mean
// rather than a reading at the tick, because a reading at the tick aliases with periodic traffic (XCF status
// updates every failure-detection-interval / 4 land exactly on tick times). Arrivals in one direction come
// in send order (the transmitter serialises), so a FIFO of (arrival time, bytes) suffices; it holds only what
// is in flight.

export class FlightCounter {
  private arrival = new Float64Array(16);
  private size = new Float64Array(16);
  private head = 0;
  private count = 0;
  /** Bytes in flight now, and their integral over time (byte-ps) since `since`. */
  private bytes = 0;
  private area = 0;
  private last = 0;
  private since = 0;

  constructor(
    private readonly psPerByte: number,
    private readonly latencyPs: number,
  ) {}

  /** A message of `bytes` handed to the port at `now`, starting to serialise at `start` (>= now). */
  sent(bytes: number, now: number, start: number): void {
    this.advance(now);
    if (this.count === this.arrival.length) this.grow();
    const i = (this.head + this.count) & (this.arrival.length - 1);
    this.arrival[i] = start + bytes * this.psPerByte + this.latencyPs;
    this.size[i] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Mean bytes in flight since the last call (or the start), up to `t`; starts a new interval. */
  meanSince(t: number): number {
    this.advance(t);
    const span = t - this.since;
    const mean = span > 0 ? this.area / span : this.bytes;
    this.area = 0;
    this.since = t;
    return mean;
  }

  /** Integrates up to `t`, letting go of what arrived by then. */
  private advance(t: number): void {
    const mask = this.arrival.length - 1;
    while (this.count > 0 && this.arrival[this.head]! <= t) {
      const a = this.arrival[this.head]!;
      if (a > this.last) {
        this.area += this.bytes * (a - this.last);
        this.last = a;
      }
      this.bytes -= this.size[this.head]!;
      this.head = (this.head + 1) & mask;
      this.count--;
    }
    if (t > this.last) {
      this.area += this.bytes * (t - this.last);
      this.last = t;
    }
  }

  private grow(): void {
    const cap = this.arrival.length * 2;
    const arrival = new Float64Array(cap);
    const size = new Float64Array(cap);
    const mask = this.arrival.length - 1;
    for (let k = 0; k < this.count; k++) {
      arrival[k] = this.arrival[(this.head + k) & mask]!;
      size[k] = this.size[(this.head + k) & mask]!;
    }
    this.arrival = arrival;
    this.size = size;
    this.head = 0;
  }
}
