// The hash the SD tables share: two 32-bit words in, 32 well-mixed bits out, with integer multiplies only
// (Math.imul stays in V8's int32 fast path; no allocation, no BigInt). The finaliser is the murmur3 one, whose
// avalanche is good enough that linear probing over power-of-two tables does not cluster on sequential client
// addresses or ports. `seed` comes from the HAL's seeded Rng so that a hostile client cannot aim at a bucket,
// while a run stays reproducible.

export function mix2(a: number, b: number, seed: number): number {
  let h = Math.imul(a ^ seed, 0x9e3779b1) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Smallest power of two >= n (n >= 1), at least `min`. */
export function pow2AtLeast(n: number, min: number): number {
  let c = min;
  while (c < n) c *= 2;
  return c;
}
