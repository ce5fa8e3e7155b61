import type { ExactRow, ExactTable, KeyKind, Relation } from '../../../src/domain/stats/types.js'

// Hand-built exact tables for the protection tests: the shapes the real tables have, with counts
// chosen by the test.

export const label = (kind: KeyKind, key: string): string => `${kind}:${key}`

const ref = (row: string, column: string) => ({ row, column })

/**
 * A cross-tabulation with row totals and an `all` row: every row adds up to its total, every
 * column (and the totals) to the `all` row, and the grand total is the population. Shares are of
 * the row, as in closure-by-intervention.
 */
export function crossTable (counts: number[][]): ExactTable {
  const columns = counts[0].map((_, k) => `c${k}`)
  const keys = counts.map((_, r) => `r${r}`)
  const sums = columns.map((_, k) => counts.reduce((a, row) => a + row[k], 0))
  const row = (key: string, values: number[]): ExactRow => {
    const total = values.reduce((a, b) => a + b, 0)
    return { key, cells: values.map((v, k) => ({ kind: 'count', column: columns[k], count: v, denominator: total })), total }
  }
  const rows = [...counts.map((values, r) => row(keys[r], values)), row('all', sums)]
  const population = sums.reduce((a, b) => a + b, 0)
  const relations: Relation[] = [
    ...[...keys, 'all'].map((r) => ({ parts: columns.map((c) => ref(r, c)), whole: ref(r, 'total') })),
    ...[...columns, 'total'].map((c) => ({ parts: keys.map((r) => ref(r, c)), whole: ref('all', c) })),
    { parts: [ref('all', 'total')], whole: 'population' }
  ]
  return { table: 'closure-by-intervention', population, rowKind: 'mixed', columnKind: 'mixed', columns, rows, relations }
}

/** One column of categories that add up to the population, shares of all, as closure-reasons. */
export function oneWay (counts: number[]): ExactTable {
  const population = counts.reduce((a, b) => a + b, 0)
  const keys = counts.map((_, r) => `k${r}`)
  return {
    table: 'closure-reasons',
    population,
    rowKind: 'closure_reason',
    columnKind: 'measure',
    columns: ['cases'],
    rows: counts.map((n, r) => ({ key: keys[r], cells: [{ kind: 'count', column: 'cases', count: n, denominator: population }], total: null })),
    relations: [{ parts: keys.map((r) => ref(r, 'cases')), whole: 'population' }]
  }
}

/** A small deterministic generator (mulberry32), so that the random tables are the same every run. */
export { rng as prng } from '../../../scripts/reference-anneal.js'
