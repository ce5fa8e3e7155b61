import t from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import { select, type StatsFilter } from '../../../src/domain/stats/filter.js'
import { TEN } from './fixtures.js'

const snapshot = createSnapshot(TEN)
// Slots follow insertion order, so slot i holds id i + 1.
const ids = (filter: StatsFilter): number[] => [...select(snapshot, filter)].map((s) => s + 1)

t.test('no filter selects every live record', async (t) => {
  t.same(ids({}), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
})

t.test('year is the calendar year of the closing date', async (t) => {
  t.same(ids({ year: 2020 }), [4, 5, 9])
  t.same(ids({ year: 2019 }), [])
})

t.test('from and to are inclusive bounds on the closing date', async (t) => {
  t.same(ids({ from: '2021-02-21', to: '2021-06-06' }), [1, 2, 3, 6, 7])
  t.same(ids({ from: '2021-06-07' }), [8, 10])
  t.same(ids({ to: '2020-03-31' }), [5])
  t.same(ids({ year: 2021, to: '2021-02-21' }), [2], 'year and a range are both applied')
})

t.test('a malformed date is refused', async (t) => {
  t.throws(() => select(snapshot, { from: '2021-13-45' }), RangeError)
})

t.test('municipality is repeatable', async (t) => {
  t.same(ids({ municipality: ['2121'] }), [7, 8])
  t.same(ids({ municipality: ['2121', '2182'] }), [4, 5, 6, 7, 8])
  t.same(ids({ municipality: ['0114'] }), [], 'a municipality without records selects nothing')
  t.same(ids({ municipality: [] }), [], 'an empty list selects nothing (no municipality the caller may see)')
})

t.test('gender is repeatable', async (t) => {
  t.same(ids({ gender: ['other'] }), [3])
  t.same(ids({ gender: ['girl', 'other'] }), [1, 3, 5, 6, 8, 9])
})

t.test('age group selects ages at referral within its bounds', async (t) => {
  t.same(ids({ ageGroup: ['0-6'] }), [3, 7])
  t.same(ids({ ageGroup: ['13-17', '18-20'] }), [2, 6, 8, 10])
  t.same(ids({ ageGroup: ['7-12'] }), [1, 4, 5, 9])
})

t.test('background never matches a 2020 record, which has none', async (t) => {
  t.same(ids({ background: ['unknown'] }), [3])
  t.same(ids({ background: ['born_se_both_parents_se', 'born_europe'] }), [1, 2, 8, 10])
})

t.test('intervention group uses the harmonised group', async (t) => {
  t.same(ids({ interventionGroup: ['manual_only'] }), [2, 4, 6, 10])
  t.same(ids({ interventionGroup: ['none', 'other_only'] }), [3, 8])
  t.same(ids({ interventionGroup: ['traditional_and_manual'] }), [5, 7], 'a 2020 manual method with traditional is both')
})

t.test('problem matches harmonised codes, from either form version', async (t) => {
  t.same(ids({ problem: ['parent_mental_health'] }), [4, 6])
  t.same(ids({ problem: ['parent_mental_health_or_id'] }), [4, 6])
  t.same(ids({ problem: ['domestic_violence', 'school_problems'] }), [3, 6, 8])
  t.notOk(ids({ problem: ['violence_abuse', 'family_relationship', 'parenting_deficits', 'school_problems', 'domestic_violence', 'child_mental_health'] }).includes(5),
    'a record without problems matches no problem filter')
})

t.test('previously known is repeatable', async (t) => {
  t.same(ids({ previouslyKnown: ['once', 'several'] }), [2, 4, 8])
})

t.test('different filters are all applied', async (t) => {
  t.same(ids({ gender: ['girl'], year: 2021 }), [1, 6, 8])
  t.same(ids({ municipality: ['2184'], problem: ['violence_abuse'], interventionGroup: ['manual_only'] }), [2, 10])
})

t.test('a removed record is never selected', async (t) => {
  const s = createSnapshot(TEN)
  s.remove(1)
  t.same([...select(s, {})].map((x) => x + 1), [2, 3, 4, 5, 6, 7, 8, 9, 10])
})
