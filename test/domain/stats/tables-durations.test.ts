import t from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TEN, record, vn } from './fixtures.js'

const snapshot = createSnapshot(TEN)
const summary = (table: ReturnType<typeof computeTable>, row: string) =>
  ['n', 'mean', 'median', 'min', 'max'].map((c) => {
    const cell = table.rows.find((r) => r.key === row)!.cells.find((x) => x.column === c)!
    return cell.kind === 'count' ? cell.count : cell.value
  })

t.test('durations by problem: n, mean, median, min and max over records that started', async (t) => {
  const d = computeTable('durations-by-problem', snapshot)
  t.same(d.columns, ['n', 'mean', 'median', 'min', 'max'])
  // Violence: 20, 5, 10, 8 (id 3 never started) → sorted 5, 8, 10, 20; the median of an even count is (8 + 10) / 2.
  t.same(summary(d, 'violence_abuse'), [4, 10.75, 9, 5, 20])
  t.same(summary(d, 'family_relationship'), [2, 35, 35, 10, 60])
  t.same(summary(d, 'parent_mental_health'), [2, 15, 15, 10, 20], 'the 2020 code is in the harmonised row')
  t.same(summary(d, 'school_problems'), [2, 187, 187, 10, 364])
  t.same(summary(d, 'child_mental_health'), [1, 60, 60, 60, 60])
  t.same(summary(d, 'domestic_violence'), [0, null, null, null, null], 'only a never-started record')
  t.same(vn(d, 'domestic_violence', 'median'), [null, 0])
})

t.test('durations by intervention group, with an odd count\'s median the middle value', async (t) => {
  const d = computeTable('durations-by-intervention', snapshot)
  t.same(d.rows.map((r) => r.key), ['traditional_only', 'manual_only', 'traditional_and_manual', 'other_only', 'none'])
  t.same(summary(d, 'manual_only'), [4, 14.5, 15, 8, 20])
  t.same(summary(d, 'traditional_and_manual'), [2, 17.5, 17.5, 5, 30])
  t.same(summary(d, 'other_only'), [1, 364, 364, 364, 364])
  t.same(summary(d, 'none'), [0, null, null, null, null])
  const boys = computeTable('durations-by-intervention', snapshot, { gender: ['boy'] })
  // Boys with manual only: 20, 20, 8.
  t.same(summary(boys, 'manual_only'), [3, 16, 20, 8, 20])
})

t.test('a duration of zero days counts as a value', async (t) => {
  const s = createSnapshot([
    { id: 1, record: record({ startDate: '2021-03-11', closingDate: '2021-03-11' }) },
    { id: 2, record: record({ startDate: '2021-03-01', closingDate: '2021-03-11' }) }
  ])
  t.same(summary(computeTable('durations-by-intervention', s), 'traditional_only'), [2, 5, 5, 0, 10])
})
