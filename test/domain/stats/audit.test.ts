import t from 'tap'
import { audit, isPinned } from '../../../src/domain/stats/audit.js'
import { grid } from '../../../src/domain/stats/grid.js'
import { present } from '../../../src/domain/stats/present.js'
import { protect } from '../../../src/domain/stats/protect.js'
import { closeSingletons, primaryMarks } from '../../../src/domain/stats/suppress.js'
import type { ExactTable, PublishedTable } from '../../../src/domain/stats/types.js'
import { crossTable, label, oneWay } from './protect-helpers.js'

const OPTS = { filters: {}, label }

/** The table as the lone-member rule alone would publish it, without the LP loop. */
function singletonsOnly (table: ExactTable): PublishedTable {
  const g = grid(table)
  const marks = primaryMarks(g, 5)
  closeSingletons(g, marks)
  return present(table, { threshold: 5, withheld: null, grid: g, marks }, OPTS)
}

const where = (bounds: Array<{ row: string, column: string }>) => bounds.map((b) => `${b.row}/${b.column}`)

t.test('a small count published without a partner is pinned to its exact value', async (t) => {
  const table = oneWay([3, 40, 12, 25])
  const g = grid(table)
  const marks = primaryMarks(g, 5)
  const p = present(table, { threshold: 5, withheld: null, grid: g, marks }, OPTS)
  t.same(await audit(table, p), [{ row: 'k0', column: 'cases', min: 3, max: 3 }])
})

t.test('a small count and its partner are bounded by the markers and the relation, not pinned', async (t) => {
  const table = oneWay([3, 40, 12, 25])
  const bounds = await audit(table, await protect(table, { ...OPTS, exact: false, threshold: 5 }))
  t.same(bounds, [{ row: 'k0', column: 'cases', min: 1, max: 4 }, { row: 'k2', column: 'cases', min: 11, max: 14 }])
  t.notOk(bounds.some(isPinned))
})

t.test('an exact or withheld table has nothing to attack', async (t) => {
  const table = oneWay([3, 40, 12, 25])
  t.same(await audit(table, await protect(table, { ...OPTS, exact: true, threshold: 5 })), [])
  const small = oneWay([1, 2])
  t.same(await audit(small, await protect(small, { ...OPTS, exact: false, threshold: 5 })), [])
})

t.test('the lone-member rule alone leaves a bridge cell of a 2-D table pinned; protect withholds more until none is', async (t) => {
  // Two blocks of small cells, each line holding two or more of them, joined by r1/c2. No row or
  // column has a lone withheld cell, yet rows r0, r1 and columns c0, c1 together give r1/c2 away:
  // r1c2 = (r1 total − 25) − (c0 + c1 totals − 40 − 35 − 22 − 28 − r0c0 − r0c1) = 2.
  const table = crossTable([
    [2, 3, 20, 30],
    [4, 1, 2, 25],
    [40, 35, 3, 4],
    [22, 28, 1, 2]
  ])
  const naive = await audit(table, singletonsOnly(table))
  // The second block falls too, to the markers rather than to subtraction: r2 gives r2c2 + r2c3 = 7
  // with both at most 4, and the column and row r3 then leave one value for each.
  t.same(where(naive.filter(isPinned)), ['r1/c2', 'r2/c2', 'r2/c3', 'r3/c2', 'r3/c3'])
  t.same(naive.find((b) => b.row === 'r1' && b.column === 'c2'), { row: 'r1', column: 'c2', min: 2, max: 2 })

  const p = await protect(table, { ...OPTS, exact: false, threshold: 5 })
  t.notOk(p.withheld)
  const bounds = await audit(table, p)
  t.same(bounds.filter(isPinned), [])
  t.ok(bounds.length > naive.length, 'more cells are withheld than the lone-member rule chose')
})

t.test('a withheld total is bounded like a cell', async (t) => {
  const table = crossTable([[1, 2, 0], [8, 30, 40], [9, 50, 60]])
  const p = await protect(table, { ...OPTS, exact: false, threshold: 5 })
  const bounds = await audit(table, p)
  t.ok(bounds.some((b) => b.row === 'r0' && b.column === 'total'))
  t.same(bounds.filter(isPinned), [])
})

t.test('pinned means at most one whole number fits', async (t) => {
  t.ok(isPinned({ min: 3, max: 3 }))
  t.ok(isPinned({ min: 2.5, max: 3.4 }))
  t.ok(isPinned({ min: 3, max: 3 + 1e-12 }))
  t.notOk(isPinned({ min: 2, max: 3 }))
  t.notOk(isPinned({ min: 5, max: Infinity }))
})
