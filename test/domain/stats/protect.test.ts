import t from 'tap'
import { audit, isPinned, protect } from '../../../src/domain/stats/protect.js'
import type { ExactTable, PublishedCell, PublishedTable } from '../../../src/domain/stats/types.js'
import { wilson } from '../../../src/domain/stats/wilson.js'
import { crossTable, label, oneWay } from './protect-helpers.js'

const PROTECTED = { exact: false, threshold: 5, filters: { year: 2020 }, label }
const cell = (p: PublishedTable, row: string, column: string): PublishedCell | undefined =>
  p.rows.find((r) => r.key === row)?.cells.find((c) => c.column === column)

/** A table of counts with values beside them, shaped as overview or problems-alone. */
function withValues (rows: Array<{ key: string, cases: number, girls: number, mean: number, ratioOf?: number }>): ExactTable {
  const all = rows.reduce((a, r) => a + r.cases, 0)
  return {
    table: 'overview',
    population: all,
    rowKind: 'municipality',
    columnKind: 'mixed',
    columns: ['cases', 'girl', 'meanAge', 'ratio'],
    rows: rows.map((r) => ({
      key: r.key,
      cells: [
        { kind: 'count', column: 'cases', count: r.cases, denominator: null },
        { kind: 'count', column: 'girl', count: r.girls, denominator: r.cases },
        { kind: 'value', column: 'meanAge', value: r.cases === 0 ? null : r.mean, n: r.cases },
        { kind: 'value', column: 'ratio', value: r.cases === 0 ? null : r.girls / r.cases, n: r.cases }
      ],
      total: null
    })),
    relations: [{ parts: rows.map((r) => ({ row: r.key, column: 'cases' })), whole: 'population' }]
  }
}

t.test('exact mode publishes every count, share, interval, value and total as is', async (t) => {
  const table = crossTable([[2, 10, 0], [8, 30, 40]])
  const p = await protect(table, { ...PROTECTED, exact: true })
  t.equal(p.protection, 'none')
  t.equal(p.population, 90)
  t.same(p.filters, { year: 2020 })
  t.same(cell(p, 'r0', 'c0'), { column: 'c0', count: 2, share: 2 / 12, ci95: wilson(2, 12) })
  t.same(cell(p, 'r0', 'c2'), { column: 'c2', count: 0, share: 0, ci95: wilson(0, 12) })
  t.equal(p.rows[0].total, 12)
  t.equal(p.rows[0].label, 'mixed:r0')
  t.same(p.columns[0], { key: 'c0', label: 'mixed:c0' })
  t.notOk(p.rows.some((r) => r.cells.some((c) => c.suppressed !== undefined)))
  const v = await protect(withValues([{ key: 'a', cases: 2, girls: 1, mean: 9.5 }]), { ...PROTECTED, exact: true })
  t.same(cell(v, 'a', 'meanAge'), { column: 'meanAge', value: 9.5 })
  t.equal(v.withheld, undefined, 'an exact table is never withheld, however small')
})

t.test('a 1-D table with one small cell withholds it as ≤4 and the smallest non-zero other cell as ..', async (t) => {
  const p = await protect(oneWay([3, 40, 0, 12, 25]), PROTECTED)
  t.equal(p.protection, 'suppressed')
  t.same(cell(p, 'k0', 'cases'), { column: 'cases', count: null, share: null, ci95: null, display: '≤4', suppressed: 'primary' })
  t.same(cell(p, 'k3', 'cases'), { column: 'cases', count: null, share: null, ci95: null, display: '..', suppressed: 'secondary' })
  t.same(cell(p, 'k2', 'cases'), { column: 'cases', count: 0, share: 0, ci95: wilson(0, 80) }, '0 is published')
  t.equal(cell(p, 'k1', 'cases')?.count, 40)
  t.equal(p.population, 80)
})

t.test('zeros are never chosen as partners: the smallest non-zero count is', async (t) => {
  const p = await protect(oneWay([2, 0, 0, 7, 30]), PROTECTED)
  t.equal(cell(p, 'k1', 'cases')?.count, 0)
  t.equal(cell(p, 'k2', 'cases')?.count, 0)
  t.equal(cell(p, 'k3', 'cases')?.suppressed, 'secondary')
  t.equal(cell(p, 'k4', 'cases')?.count, 30)
})

t.test('a population below the threshold withholds the whole table, its population included', async (t) => {
  const sv = await protect(oneWay([1, 2, 0, 1]), PROTECTED)
  t.equal(sv.withheld, true)
  t.equal(sv.population, null)
  t.same(sv.rows, [])
  t.match(sv.reason, /färre än 5 ärenden/)
  const en = await protect(oneWay([1, 2, 0, 1]), { ...PROTECTED, lang: 'en' })
  t.match(en.reason, /fewer than 5 records/)
  const empty = await protect(oneWay([0, 0]), PROTECTED)
  t.equal(empty.withheld, true, 'an empty selection too')
})

t.test('row totals of 1–4 are withheld as counts', async (t) => {
  const p = await protect(crossTable([[1, 2, 0], [8, 30, 40], [9, 50, 60]]), PROTECTED)
  const r0 = p.rows[0]
  t.equal(r0.total, null)
  t.equal(r0.totalDisplay, '≤4')
  t.equal(r0.totalSuppressed, 'primary')
  t.same(cell(p, 'r0', 'c2'), { column: 'c2', count: 0, share: null, ci95: null }, 'a share of a small row is withheld even at 0')
})

t.test('values computed from fewer than 5 records are withheld as –', async (t) => {
  const p = await protect(withValues([
    { key: 'a', cases: 3, girls: 0, mean: 9.5 }, { key: 'b', cases: 20, girls: 9, mean: 11 },
    { key: 'c', cases: 30, girls: 12, mean: 12 }, { key: 'd', cases: 0, girls: 0, mean: 0 }
  ]), PROTECTED)
  t.same(cell(p, 'a', 'meanAge'), { column: 'meanAge', value: null, display: '–', suppressed: 'primary' })
  t.same(cell(p, 'd', 'meanAge'), { column: 'meanAge', value: null }, 'no records: no value, nothing withheld')
  t.same(cell(p, 'c', 'meanAge'), { column: 'meanAge', value: 12 })
})

t.test('a value or share over the records of a withheld count is withheld with it', async (t) => {
  const p = await protect(withValues([
    { key: 'a', cases: 3, girls: 0, mean: 9.5 }, { key: 'b', cases: 8, girls: 6, mean: 11 },
    { key: 'c', cases: 30, girls: 12, mean: 12 }
  ]), PROTECTED)
  t.equal(cell(p, 'b', 'cases')?.suppressed, 'secondary', 'b partners a in the population relation')
  t.same(cell(p, 'b', 'meanAge'), { column: 'meanAge', value: null, display: '–', suppressed: 'secondary' },
    'mean × n over the other rows would narrow the hidden counts')
  t.same(cell(p, 'b', 'girl'), { column: 'girl', count: 6, share: null, ci95: null },
    'girls / share would give the withheld 8 away')
  t.same(cell(p, 'c', 'girl'), { column: 'girl', count: 12, share: 0.4, ci95: wilson(12, 30) })
})

t.test('a ratio is withheld when its numerator is withheld (ratio × occurrences = alone)', async (t) => {
  const p = await protect(withValues([
    { key: 'a', cases: 20, girls: 3, mean: 9 }, { key: 'b', cases: 30, girls: 10, mean: 11 }
  ]), PROTECTED)
  t.equal(cell(p, 'a', 'girl')?.suppressed, 'primary')
  t.same(cell(p, 'a', 'ratio'), { column: 'ratio', value: null, display: '–', suppressed: 'secondary' })
  t.same(cell(p, 'a', 'meanAge'), { column: 'meanAge', value: 9 }, 'a mean over 20 published records stays')
  t.equal(cell(p, 'b', 'ratio')?.value, 10 / 30)
})

t.test('a share whose denominator is below the threshold is withheld even when its count is published', async (t) => {
  const table: ExactTable = {
    table: 'problems',
    population: 30,
    rowKind: 'problem',
    columnKind: 'gender',
    columns: ['girl', 'other'],
    rows: [{ key: 'other', cells: [{ kind: 'count', column: 'girl', count: 7, denominator: 20 }, { kind: 'count', column: 'other', count: 0, denominator: 3 }], total: null }],
    relations: []
  }
  const p = await protect(table, PROTECTED)
  t.same(cell(p, 'other', 'other'), { column: 'other', count: 0, share: null, ci95: null })
  t.same(cell(p, 'other', 'girl'), { column: 'girl', count: 7, share: 0.35, ci95: wilson(7, 20) })
})

t.test('protecting the same table twice gives the same answer', async (t) => {
  const table = crossTable([[2, 10, 20, 3], [8, 30, 40, 0], [9, 1, 60, 7], [5, 5, 5, 5]])
  const a = await protect(table, PROTECTED)
  const b = await protect(structuredClone(table), PROTECTED)
  t.same(a, b)
  t.equal(JSON.stringify(a), JSON.stringify(b))
})

t.test('the threshold is configurable: at 3, counts of 1–2 show ≤2 and 3 is published', async (t) => {
  const p = await protect(oneWay([2, 3, 4, 40]), { ...PROTECTED, threshold: 3 })
  t.equal(cell(p, 'k0', 'cases')?.display, '≤2')
  t.equal(cell(p, 'k1', 'cases')?.suppressed, 'secondary')
  t.equal(cell(p, 'k2', 'cases')?.count, 4)
  const small = await protect(oneWay([1, 1]), { ...PROTECTED, threshold: 3 })
  t.equal(small.withheld, true)
  t.match(small.reason, /färre än 3/)
})

t.test('a table whose small count no suppression can hide is withheld whole, with its population', async (t) => {
  // 1 + 5 = 6: the partner is at least 5, so the small cell can only be 1.
  const p = await protect(oneWay([1, 5, 0]), PROTECTED)
  t.equal(p.withheld, true)
  t.equal(p.population, 6)
  t.match(p.reason, /kan inte skyddas/)
})

t.test('the 2-D example of the SPEC leaves no withheld cell pinned', async (t) => {
  const table = crossTable([[2, 10, 20], [8, 30, 40], [9, 50, 60]])
  const p = await protect(table, PROTECTED)
  const bounds = await audit(table, p)
  t.ok(bounds.length >= 4)
  t.notOk(bounds.some(isPinned))
  t.notOk(p.rows.some((r) => r.cells.some((c) => typeof c.count === 'number' && c.count > 0 && c.count < 5)))
})

t.test('a threshold that is not a whole number of at least 1 is refused', async (t) => {
  await t.rejects(protect(oneWay([10, 10]), { ...PROTECTED, threshold: 0 }), RangeError)
  await t.rejects(protect(oneWay([10, 10]), { ...PROTECTED, threshold: 4.5 }), RangeError)
})
