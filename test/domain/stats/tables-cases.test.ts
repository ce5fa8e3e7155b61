import t from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TEN, cd, counts, totals, vn } from './fixtures.js'

const snapshot = createSnapshot(TEN)

t.test('overview has municipality rows in code order, then all, with Tabell 1 columns', async (t) => {
  const o = computeTable('overview', snapshot)
  t.equal(o.population, 10)
  t.same(o.columns, ['cases', 'girl', 'boy', 'other', 'meanAge', 'minAge', 'maxAge', 'meanDurationDays'])
  t.same(o.rows.map((r) => r.key), ['2121', '2182', '2184', 'all'])
  t.same(counts(o), { 2121: [2, 1, 1, 0], 2182: [3, 2, 1, 0], 2184: [5, 2, 2, 1], all: [10, 5, 4, 1] })
  t.same(cd(o, '2184', 'other'), [1, 5], 'a gender share is of the row\'s cases')
  t.same(cd(o, 'all', 'cases'), [10, null])
  t.same(vn(o, '2121', 'meanAge'), [10, 2])
  t.same(vn(o, '2121', 'minAge'), [0, 2])
  t.same(vn(o, '2121', 'maxAge'), [20, 2])
  t.same(vn(o, '2121', 'meanDurationDays'), [184.5, 2])
  t.same(vn(o, '2182', 'meanAge'), [12, 3])
  t.same(vn(o, '2182', 'meanDurationDays'), [20, 3])
  t.same(vn(o, '2184', 'meanDurationDays'), [24.5, 4], 'the never-started case has no duration')
  t.same(vn(o, 'all', 'meanAge'), [10.6, 10])
  t.same(vn(o, 'all', 'minAge'), [0, 10])
  t.same(vn(o, 'all', 'maxAge'), [20, 10])
  t.same(vn(o, 'all', 'meanDurationDays'), [527 / 9, 9], 'means are not rounded')
})

t.test('overview of an empty selection is an all row of zeros with no values', async (t) => {
  const o = computeTable('overview', snapshot, { year: 1999 })
  t.equal(o.population, 0)
  t.same(o.rows.map((r) => r.key), ['all'])
  t.same(counts(o), { all: [0, 0, 0, 0] })
  t.same(vn(o, 'all', 'meanAge'), [null, 0])
  t.same(vn(o, 'all', 'minAge'), [null, 0])
})

t.test('intervention groups per municipality are shares of the row, totals per row', async (t) => {
  const g = computeTable('intervention-groups', snapshot)
  t.same(g.columns, ['traditional_only', 'manual_only', 'traditional_and_manual', 'other_only', 'none'])
  t.same(counts(g), {
    2121: [0, 0, 1, 1, 0],
    2182: [0, 2, 1, 0, 0],
    2184: [2, 2, 0, 0, 1],
    all: [2, 4, 2, 1, 1]
  })
  t.same(totals(g), { 2121: 2, 2182: 3, 2184: 5, all: 10 })
  t.same(cd(g, '2182', 'manual_only'), [2, 3])
})

t.test('2020 manual methods naming crisis support count as manual, with traditional as both', async (t) => {
  const g = computeTable('intervention-groups', snapshot, { municipality: ['2182'] })
  // id 4: manual_method "krisstöd" → manual_only; id 5: traditional + manual_method "I Stunden" → both.
  t.same(counts(g)['2182'], [0, 2, 1, 0, 0])
})

t.test('previously known has Tabell 3 rows with a Sammanlagt (all) row', async (t) => {
  const p = computeTable('previously-known', snapshot)
  t.same(p.rows.map((r) => r.key), ['no', 'once', 'several', 'unknown', 'all'])
  t.same(counts(p), { no: [6], once: [2], several: [1], unknown: [1], all: [10] })
  t.same(vn(p, 'no', 'meanDurationDays'), [23.6, 5])
  t.same(vn(p, 'no', 'meanAge'), [10, 6])
  t.same(vn(p, 'once', 'meanDurationDays'), [192, 2])
  t.same(vn(p, 'once', 'meanAge'), [17, 2])
  t.same(vn(p, 'several', 'meanAge'), [12, 1])
  t.same(vn(p, 'unknown', 'meanDurationDays'), [5, 1])
  t.same(vn(p, 'all', 'meanDurationDays'), [527 / 9, 9])
  t.same(vn(p, 'all', 'meanAge'), [10.6, 10])
})

t.test('previously known keeps a code without records as a row of zeros', async (t) => {
  const p = computeTable('previously-known', snapshot, { municipality: ['2121'] })
  t.same(counts(p), { no: [0], once: [1], several: [0], unknown: [1], all: [2] })
  t.same(vn(p, 'no', 'meanAge'), [null, 0])
})

t.test('trends have a row per closing year with goals met and groups as shares of the row', async (t) => {
  const tr = computeTable('trends', snapshot)
  t.same(tr.columns, ['cases', 'goalsMet', 'traditional_only', 'manual_only', 'traditional_and_manual', 'other_only', 'none'])
  t.same(counts(tr), { 2020: [3, 1, 1, 1, 1, 0, 0], 2021: [7, 4, 1, 3, 1, 1, 1] })
  t.same(cd(tr, '2021', 'goalsMet'), [4, 7])
  t.same(cd(tr, '2020', 'manual_only'), [1, 3])
})
