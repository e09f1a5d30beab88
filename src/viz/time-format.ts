// Virtual picoseconds as decimal text in other units, exactly (no floating-point rounding of the integer).

const PAD = ['', '00000', '0000', '000', '00', '0', ''];

/** `ps` as microseconds with up to six decimals: 1234567 -> "1.234567", 5000000 -> "5", 1500000 -> "1.5". */
export function psToUs(ps: number): string {
  const whole = Math.floor(ps / 1_000_000);
  let frac = ps - whole * 1_000_000;
  if (frac === 0) return String(whole);
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  const f = String(frac);
  return `${whole}.${PAD[6 - digits + f.length]}${f}`;
}
