// Virtual picoseconds as decimal text in other units, exactly (no floating-point rounding of the integer).

/** `ps` as microseconds with up to six decimals: 1234567 -> "1.234567", 5000000 -> "5". */
export function psToUs(ps: number): string {
  const whole = Math.floor(ps / 1_000_000);
  const frac = ps - whole * 1_000_000;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}
