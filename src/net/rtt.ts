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

/** The estimator's state, wherever it is kept (RttEstimator, or the fields of a TCP control block). */
export interface RttState {
  /** Smoothed RTT and its variation (0 until the first sample). */
  srtt: number;
  rttvar: number;
  /** RTO before backoff. */
  baseRto: number;
  /** Consecutive timeouts since the last acknowledgement of new data (RTO doubles each). */
  backoff: number;
  samples: number;
}

/** The RTO to arm now: base doubled per backoff, capped at maxRto. */
export function rtoOf(c: RtoParameters, s: RttState): number {
  const b = Math.min(s.backoff, 30);
  return Math.min(c.maxRto, s.baseRto * 2 ** b);
}

/** Takes a round-trip measurement from a segment that was not retransmitted (Karn). */
export function rttSample(c: RtoParameters, s: RttState, r: number): void {
  const m = Math.max(0, r);
  if (s.samples === 0) {
    s.srtt = m;
    s.rttvar = m / 2;
  } else {
    s.rttvar = (1 - c.varianceGain) * s.rttvar + c.varianceGain * Math.abs(s.srtt - m);
    s.srtt = (1 - c.rttGain) * s.srtt + c.rttGain * m;
  }
  s.samples++;
  const raw = s.srtt + Math.max(c.clockGranularity, c.varianceMultiplier * s.rttvar);
  s.baseRto = Math.round(Math.min(c.maxRto, Math.max(c.minRto, raw)));
}

export class RttEstimator implements RttState {
  srtt = 0;
  rttvar = 0;
  baseRto: number;
  backoff = 0;
  samples = 0;

  constructor(private readonly config: RtoParameters) {
    this.baseRto = config.initialRto;
  }

  get rto(): number {
    return rtoOf(this.config, this);
  }

  sample(r: number): void {
    rttSample(this.config, this, r);
  }
}
