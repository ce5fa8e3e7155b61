// The 95 % Wilson score interval for a share (SPEC §3): unlike the normal approximation it stays
// inside [0, 1] and behaves for small counts and for shares of 0 or 1, which small municipalities
// produce all the time.

const Z = 1.959963984540054

/** The 95 % Wilson interval of count/n; [0, 1] when n is 0 (nothing is known). */
export function wilson (count: number, n: number): [number, number] {
  if (n <= 0) return [0, 1]
  const p = count / n
  const z2 = Z * Z
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (Z / denom) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
  // At a share of 0 or 1 the end is exactly 0 or 1; floating point would leave it a hair off.
  const lo = count <= 0 ? 0 : Math.max(0, centre - half)
  const hi = count >= n ? 1 : Math.min(1, centre + half)
  return [lo, hi]
}
