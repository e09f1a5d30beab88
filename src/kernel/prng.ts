// One seeded generator per component, derived from the run seed and the component's name, so that a
// component's random stream does not change when other components are added, removed or moved to another
// partition. The generator is sfc32 (small, fast, passes PractRand to 2^40+); the seeding hashes the name
// with FNV-1a and spreads seed and hash through splitmix32.

/** A source of uniform random numbers (the firmware's HAL declares the same shape for what it is given). */
export interface Rng {
  /** Uniform in [0, 2^32). */
  nextU32(): number;
}

export class Prng implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, name: string) {
    const h = fnv1a(name);
    let s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    s = splitmix32(s ^ h);
    this.a = s;
    s = splitmix32(s ^ hi);
    this.b = s;
    s = splitmix32(s + h);
    this.c = s;
    s = splitmix32(s);
    this.d = s | 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n) for n <= 2^21, by multiply-shift (bias below n / 2^32, no division). */
  nextInt(n: number): number {
    return Math.floor((this.nextU32() * n) / 0x1_0000_0000);
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
