// Initial sequence numbers as RFC 6528 asks: ISN = M + F(4-tuple, secret), M a 4-microsecond clock. A new
// incarnation of a 4-tuple therefore starts above the old one's sequence space, which is what lets a SYN reuse
// a tuple still in TIME_WAIT. Timestamp offsets are per address pair (as Linux does), so TSvals of one host
// pair keep increasing across connections. The secrets come from the host's seeded generator.

const PS_PER_TICK = 4_000_000; // 4 us

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash(secret: number, a: number, b: number, c: number): number {
  let h = fmix(secret ^ a);
  h = fmix(h ^ Math.imul(b, 0xcc9e2d51));
  h = fmix(h ^ Math.imul(c, 0x1b873593));
  return h;
}

export class IsnGenerator {
  private isnSecret = 0;
  private tsSecret = 0;
  private seeded = false;

  constructor(private readonly rng: { nextU32(): number }) {}

  private seed(): void {
    if (this.seeded) return;
    this.isnSecret = this.rng.nextU32() >>> 0;
    this.tsSecret = this.rng.nextU32() >>> 0;
    this.seeded = true;
  }

  isn(now: number, localIp: number, localPort: number, remoteIp: number, remotePort: number): number {
    this.seed();
    const m = Math.floor(now / PS_PER_TICK) % 0x1_0000_0000;
    return (m + hash(this.isnSecret, localIp, remoteIp, ((localPort << 16) | remotePort) >>> 0)) >>> 0;
  }

  tsOffset(localIp: number, remoteIp: number): number {
    this.seed();
    return hash(this.tsSecret, localIp, remoteIp, 0);
  }
}
