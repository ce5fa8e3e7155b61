// The perturbation table of the cell key method, the protection Statistics Sweden adopted in 2025
// for population statistics (after the Australian Bureau of Statistics). Every record carries a
// random key in [0, 2^31) drawn by the database when it is stored; a published count's cell key is
// the sum of its records' keys modulo 2^31, divided by 2^31, so the same set of records gets the
// same key, and therefore the same noise, in whatever table or question it appears. The table
// below turns (count, cell key) into that noise: the cell key is a uniform number in [0, 1) and
// picks a noise value by cumulative probability.
//
// The parameters are published (README "Cell key method"); the protection rests on the keys being
// unknown, not on the table being secret.

/** D: no published count differs from the true count by more than this. */
export const MAX_NOISE = 2
/** V: the variance of the noise, met exactly by every row. */
export const NOISE_VARIANCE = 1
/** Probabilities are whole sixteenths: exact in binary floating point, so their properties are checked exactly. */
export const PTABLE_DENOMINATOR = 16
/** Counts from this one upwards share its row. */
export const PTABLE_CAP = 2
/** Keys are in [0, KEY_RANGE); cell keys are key sums modulo KEY_RANGE, over KEY_RANGE. */
export const KEY_RANGE = 2 ** 31

export interface PTableRow {
  /** The true count this row is for; the cap's row serves every larger count. */
  count: number
  /** The possible noise values, ascending, and their probabilities in sixteenths. */
  noise: readonly number[]
  weights: readonly number[]
}

/**
 * Why these rows:
 * - From 2 upwards the noise is Binomial(4, ½) − 2: values −2..2 with probabilities 1, 4, 6, 4, 1
 *   sixteenths, mean 0 and variance 4 · ¼ = 1. Of the distributions on −2..2 with mean 0 and
 *   variance 1 it comes within 1 % of the one least likely to give two independent noises the same
 *   value (70/256 against 19/70), which is what subtracting two overlapping answers needs to hit
 *   the true difference, and its probabilities are exact in floating point.
 * - A count of 1 cannot lose 2. Mean 0 and variance 1 on −1..2 leave one free parameter t, the
 *   probability of +2: (½ − t, 3t, ½ − 3t, t). t = 1/16 keeps +2 as likely as for larger counts;
 *   a 1 is then published unchanged with probability 3/16.
 * - 0 stays 0: an empty cell holds no one to protect, and an invented count would show cases that
 *   do not exist. Every other count may become 0, so a published 0 does not prove an empty cell.
 */
export const PTABLE: readonly PTableRow[] = [
  { count: 1, noise: [-1, 0, 1, 2], weights: [7, 3, 5, 1] },
  { count: 2, noise: [-2, -1, 0, 1, 2], weights: [1, 4, 6, 4, 1] }
]

/** The row that perturbs `count` (≥ 1). */
export function ptableRow (count: number): PTableRow {
  return PTABLE[Math.min(count, PTABLE_CAP) - 1]
}

/** A cell key in [0, 1) from the sum of its records' keys (any non-negative integer below 2^53). */
export function cellKey (keySum: number): number {
  return (keySum % KEY_RANGE) / KEY_RANGE
}

/** The noise the table gives a count of `count` ≥ 1 with this cell key. */
export function noiseFor (count: number, key: number): number {
  const row = ptableRow(count)
  // key · 16 < cumulative weight, compared in whole numbers of sixteenths: exact.
  const u = key * PTABLE_DENOMINATOR
  let cumulative = 0
  for (let i = 0; i < row.noise.length; i++) {
    cumulative += row.weights[i]
    if (u < cumulative) return row.noise[i]
  }
  return row.noise[row.noise.length - 1]
}

/** The published count of `count` records whose keys sum to `keySum`. */
export function perturbCount (count: number, keySum: number): number {
  return count === 0 ? 0 : count + noiseFor(count, cellKey(keySum))
}
