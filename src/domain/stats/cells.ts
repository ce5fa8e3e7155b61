import { keySumAll } from './kernels.js'
import type { CellRef, ExactCountCell, ExactRow, ExactValueCell, Relation } from './types.js'

// Small builders shared by the tables: cells, the relations protection needs, and duration
// summaries from histograms.

export const count = (column: string, n: number, denominator: number | null = null): ExactCountCell =>
  ({ kind: 'count', column, count: n, denominator })

/**
 * A count with the key sums of its records and its denominator's (cell key method), when they were
 * computed: `keys` absent leaves the cell exactly as `count` makes it.
 */
export function keyedCount (column: string, n: number, denominator: number | null, keys?: { sum: number, denominator?: number } | null): ExactCountCell {
  const cell = count(column, n, denominator)
  if (keys === undefined || keys === null) return cell
  cell.keySum = keys.sum
  if (denominator !== null && keys.denominator !== undefined) cell.denominatorKeySum = keys.denominator
  return cell
}

/** Key sums add modulo 2^32, as the kernels keep them. */
export const addKeys = (a: number, b: number): number => (a + b) >>> 0

/** The table's `populationKeySum` field for the selected records, or nothing when keys were not asked for. */
export function populationKeys (selection: Uint32Array, keys: Uint32Array | null): { populationKeySum?: number } {
  return keys ? { populationKeySum: keySumAll(selection, keys) } : {}
}

export function sumKeys (sums: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < sums.length; i++) total = (total + sums[i]) >>> 0
  return total
}

export const value = (column: string, v: number | null, n: number): ExactValueCell =>
  ({ kind: 'value', column, value: n === 0 ? null : v, n })

export const ref = (row: string, column: string): CellRef => ({ row, column })

/** The cells of one row add up to `whole` (usually the row's total). */
export function rowRelation (row: string, columns: readonly string[], whole: CellRef | 'population'): Relation {
  return { parts: columns.map((c) => ref(row, c)), whole }
}

/** One column over several rows adds up to `whole` (usually the `all` row's cell). */
export function columnRelation (rows: readonly string[], column: string, whole: CellRef | 'population'): Relation {
  return { parts: rows.map((r) => ref(r, column)), whole }
}

export interface DurationSummary {
  n: number
  mean: number | null
  median: number | null
  min: number | null
  max: number | null
}

/** The k-th smallest (0-based) value of a histogram segment of whole days. */
function nth (counts: Uint32Array, base: number, width: number, minDuration: number, k: number): number {
  let seen = 0
  for (let i = 0; i < width; i++) {
    seen += counts[base + i]
    if (seen > k) return i + minDuration
  }
  return width - 1 + minDuration
}

/**
 * n, mean, median, min and max of one group of a duration histogram (kernels.durationHistogram).
 * Durations are whole days within the store's bounds, so counting gives exact medians without a
 * sort (sorting a million durations would not fit in the 25 ms).
 */
export function summarise (
  h: { counts: Uint32Array, sum: Float64Array, n: Uint32Array }, group: number, width: number, minDuration: number
): DurationSummary {
  const n = h.n[group]
  if (n === 0) return { n, mean: null, median: null, min: null, max: null }
  const base = group * width
  const at = (k: number): number => nth(h.counts, base, width, minDuration, k)
  // An even count's median is the mean of the two middle values (SPEC §3).
  const lower = at(Math.floor((n - 1) / 2))
  const upper = n % 2 === 1 ? lower : at(n / 2)
  return { n, mean: h.sum[group] / n, median: (lower + upper) / 2, min: at(0), max: at(n - 1) }
}

/**
 * Rows of a cross-tabulation whose shares are of the row: `counts[r * columns.length + k]`, with
 * the row's number of records as its total.
 */
export function shareRows (
  rows: readonly string[], columns: readonly string[], counts: ArrayLike<number>, totals: ArrayLike<number>,
  keys?: { counts: ArrayLike<number>, totals: ArrayLike<number> }
): ExactRow[] {
  return rows.map((key, r) => {
    const i = (k: number): number => r * columns.length + k
    const row: ExactRow = {
      key,
      cells: columns.map((col, k) => keyedCount(col, counts[i(k)], totals[r], keys && { sum: keys.counts[i(k)], denominator: keys.totals[r] })),
      total: totals[r]
    }
    if (keys) row.totalKeySum = keys.totals[r]
    return row
  })
}

/** Each row's cells add up to its total: true where one row holds one category per record. */
export function rowTotalRelations (rows: readonly string[], columns: readonly string[]): Relation[] {
  return rows.map((r) => rowRelation(r, columns, ref(r, 'total')))
}
