// Retransmission timeout estimation (RFC 6298) with exponential backoff: pure arithmetic, shared by the TCP
// engine and the replay's closed flows. Times in whatever integer unit the caller uses (picoseconds here).

/** The RFC 6298 parameters (TcpConfig carries them for the engine). */
export interface RtoParameters {
  /** RTO before any RTT sample (RFC 6298: 1 s). */
  readonly initialRto: number;
  readonly minRto: number;
  readonly maxRto: number;
  /** Clock granularity G (RTO >= SRTT + max(G, K * RTTVAR)). */
  readonly clockGranularity: number;
  /** Alpha (SRTT gain), beta (RTTVAR gain) and K (variance multiplier). */
  readonly rttGain: number;
  readonly varianceGain: number;
  readonly varianceMultiplier: number;
}

export class RttEstimator {
  /** Smoothed RTT and its variation (0 until the first sample). */
  srtt = 0;
  rttvar = 0;
  /** RTO before backoff. */
  baseRto: number;
  /** Consecutive timeouts since the last acknowledgement of new data (RTO doubles each). */
  backoff = 0;
  samples = 0;

  constructor(private readonly config: RtoParameters) {
    this.baseRto = config.initialRto;
  }

  /** The RTO to arm now: base doubled per backoff, capped at maxRto. */
  get rto(): number {
    const c = this.config;
    const b = Math.min(this.backoff, 30);
    return Math.min(c.maxRto, this.baseRto * 2 ** b);
  }

  /** A round-trip measurement from a segment that was not retransmitted (Karn). */
  sample(r: number): void {
    const c = this.config;
    const m = Math.max(0, r);
    if (this.samples === 0) {
      this.srtt = m;
      this.rttvar = m / 2;
    } else {
      this.rttvar = (1 - c.varianceGain) * this.rttvar + c.varianceGain * Math.abs(this.srtt - m);
      this.srtt = (1 - c.rttGain) * this.srtt + c.rttGain * m;
    }
    this.samples++;
    const raw = this.srtt + Math.max(c.clockGranularity, c.varianceMultiplier * this.rttvar);
    this.baseRto = Math.round(Math.min(c.maxRto, Math.max(c.minRto, raw)));
  }
}
