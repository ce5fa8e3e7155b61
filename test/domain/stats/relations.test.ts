import t from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import type { StatsFilter } from '../../../src/domain/stats/filter.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TABLE_NAMES, type CellRef, type ExactTable } from '../../../src/domain/stats/types.js'
import { TEN } from './fixtures.js'

// Protection trusts the relations to find every suppressed count that subtraction would reveal,
// so each relation must hold, and each table that adds up must say so.

const snapshot = createSnapshot(TEN)
const params = { problem: 'violence_abuse' }

function resolve (table: ExactTable, ref: CellRef | 'population'): number {
  if (ref === 'population') return table.population
  const row = table.rows.find((r) => r.key === ref.row)
  if (row === undefined) throw new Error(`${table.table}: no row ${ref.row}`)
  if (ref.column === 'total') {
    if (row.total === null) throw new Error(`${table.table}: row ${ref.row} has no total`)
    return row.total
  }
  const cell = row.cells.find((c) => c.column === ref.column)
  if (cell?.kind !== 'count') throw new Error(`${table.table}: ${ref.row}/${ref.column} is not a count`)
  return cell.count
}

const FILTERS: StatsFilter[] = [{}, { year: 2020 }, { year: 2021 }, { municipality: ['2184'] }, { gender: ['boy'] }, { year: 1999 }]

t.test('every relation of every table holds', async (t) => {
  for (const filter of FILTERS) {
    for (const name of TABLE_NAMES) {
      const table = computeTable(name, snapshot, filter, params)
      for (const r of table.relations) {
        const sum = r.parts.reduce((a, p) => a + resolve(table, p), 0)
        t.equal(sum, resolve(table, r.whole), `${name} ${JSON.stringify(filter)}: ${JSON.stringify(r.parts.map((p) => `${p.row}/${p.column}`))}`)
      }
    }
  }
})

t.test('tables with one category per record tie their counts to the population', async (t) => {
  for (const name of ['overview', 'intervention-groups', 'closure-reasons', 'closure-by-intervention', 'previously-known', 'trends', 'outcomes'] as const) {
    const table = computeTable(name, snapshot, {}, params)
    t.ok(table.relations.some((r) => r.whole === 'population'), name)
  }
})

t.test('multi-response tables claim no relations across rows', async (t) => {
  for (const name of ['problems', 'problems-by-gender', 'problem-pairs', 'manual-methods', 'durations-by-problem', 'durations-by-intervention'] as const) {
    t.same(computeTable(name, snapshot, {}, params).relations, [], name)
  }
})

t.test('every share-of-row table relates each row\'s cells to its total', async (t) => {
  for (const name of ['intervention-groups', 'interventions-by-problem', 'closure-by-intervention', 'closure-by-problem', 'closure-by-background'] as const) {
    const table = computeTable(name, snapshot)
    for (const row of table.rows) {
      t.ok(table.relations.some((r) => typeof r.whole !== 'string' && r.whole.row === row.key && r.whole.column === 'total' &&
        r.parts.length === table.columns.length && r.parts.every((p) => p.row === row.key)), `${name} ${row.key}`)
    }
  }
})

t.test('overview relates genders to cases per row and municipalities to the all row per column', async (t) => {
  const o = computeTable('overview', snapshot)
  for (const row of ['2121', '2182', '2184', 'all']) {
    t.ok(o.relations.some((r) => typeof r.whole !== 'string' && r.whole.row === row && r.whole.column === 'cases' && r.parts.length === 3))
  }
  for (const col of ['cases', 'girl', 'boy', 'other']) {
    t.ok(o.relations.some((r) => typeof r.whole !== 'string' && r.whole.row === 'all' && r.whole.column === col && r.parts.length === 3))
  }
})

t.test('every table names the columns of its cells, in order', async (t) => {
  for (const name of TABLE_NAMES) {
    const table = computeTable(name, snapshot, {}, params)
    t.equal(table.table, name)
    for (const row of table.rows) t.same(row.cells.map((c) => c.column), table.columns, `${name} ${row.key}`)
  }
})
