import t from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TEN, cd, counts, totals, vn } from './fixtures.js'

const snapshot = createSnapshot(TEN)
const PROBLEMS = [
  'violence_abuse', 'domestic_violence', 'honour_violence', 'family_relationship', 'parenting_deficits', 'parent_mental_health',
  'parent_substance_abuse', 'child_mental_health', 'behaviour_problems', 'school_problems', 'own_criminality', 'own_substance_abuse', 'other'
]

t.test('problems are shares of the children with at least one problem, not of all records', async (t) => {
  const p = computeTable('problems', snapshot)
  t.equal(p.population, 10, 'the record without problems is in the population')
  t.same(p.rows.map((r) => r.key), PROBLEMS, 'every problem is a row, in form order, 2021 coding')
  t.same(cd(p, 'violence_abuse', 'children'), [5, 9])
  t.same(cd(p, 'parent_mental_health', 'children'), [2, 9], '2020 parent_mental_health_or_id counts in the 2021 row')
  t.same(cd(p, 'honour_violence', 'children'), [0, 9], 'a problem nobody has is a row of zeros')
  t.same(counts(p), {
    violence_abuse: [5], domestic_violence: [1], honour_violence: [0], family_relationship: [2], parenting_deficits: [2],
    parent_mental_health: [2], parent_substance_abuse: [0], child_mental_health: [1], behaviour_problems: [0],
    school_problems: [2], own_criminality: [0], own_substance_abuse: [0], other: [0]
  })
  t.same(p.relations, [], 'multi-response: no relations')
})

t.test('the report\'s 122 of 213 children is a share of children with problems', async (t) => {
  // 213 children with problems and one without, as in SU-X 2020 (footnote 23).
  const records = Array.from({ length: 214 }, (_, i) => ({
    id: i + 1,
    record: i === 213 ? TEN[4].record : { ...TEN[0].record, problems: i < 122 ? ['parenting_deficits'] : ['school_problems'] }
  }))
  const p = computeTable('problems', createSnapshot(records))
  t.same(cd(p, 'parenting_deficits', 'children'), [122, 213])
})

t.test('problems by gender are shares of the children of that gender with a problem', async (t) => {
  const p = computeTable('problems-by-gender', snapshot)
  t.same(p.columns, ['girl', 'boy', 'other'])
  // Girls with problems: 1, 6, 8, 9 (5 has none); boys: 2, 4, 7, 10; other: 3.
  t.same(cd(p, 'family_relationship', 'girl'), [2, 4])
  t.same(cd(p, 'school_problems', 'girl'), [2, 4])
  t.same(cd(p, 'violence_abuse', 'girl'), [1, 4])
  t.same(cd(p, 'violence_abuse', 'boy'), [3, 4])
  t.same(cd(p, 'parent_mental_health', 'boy'), [1, 4])
  t.same(cd(p, 'violence_abuse', 'other'), [1, 1])
  t.same(cd(p, 'domestic_violence', 'other'), [1, 1])
  t.same(cd(p, 'domestic_violence', 'boy'), [0, 4])
})

t.test('problems alone count single-problem records, with an all row of mentions (Bilaga 3 X.1)', async (t) => {
  const p = computeTable('problems-alone', snapshot)
  t.same(p.columns, ['occurrences', 'alone', 'ratio'])
  t.same(p.rows.map((r) => r.key), [...PROBLEMS, 'all'])
  t.same(counts(p).violence_abuse, [5, 3])
  t.same(vn(p, 'violence_abuse', 'ratio'), [0.6, 5])
  t.same(counts(p).school_problems, [2, 1])
  t.same(vn(p, 'school_problems', 'ratio'), [0.5, 2])
  t.same(counts(p).family_relationship, [2, 0])
  t.same(vn(p, 'family_relationship', 'ratio'), [0, 2])
  t.same(vn(p, 'honour_violence', 'ratio'), [null, 0], 'no occurrences, no ratio')
  t.same(counts(p).all, [15, 4])
  t.same(vn(p, 'all', 'ratio'), [4 / 15, 15])
})

t.test('problem pairs count records with both problems, the diagonal those with it alone', async (t) => {
  const p = computeTable('problem-pairs', snapshot)
  t.same(p.columns, PROBLEMS)
  const pair = (a: string, b: string): number => cd(p, a, b)[0]
  t.equal(pair('violence_abuse', 'domestic_violence'), 1)
  t.equal(pair('domestic_violence', 'violence_abuse'), 1, 'symmetric')
  t.equal(pair('violence_abuse', 'family_relationship'), 1)
  t.equal(pair('family_relationship', 'child_mental_health'), 1)
  t.equal(pair('parenting_deficits', 'parent_mental_health'), 2, 'a 2020 and a 2021 record, harmonised')
  t.equal(pair('parenting_deficits', 'school_problems'), 1)
  t.equal(pair('parent_mental_health', 'school_problems'), 1)
  t.equal(pair('violence_abuse', 'violence_abuse'), 3)
  t.equal(pair('school_problems', 'school_problems'), 1)
  t.equal(pair('family_relationship', 'family_relationship'), 0)
  const all = p.rows.flatMap((r) => r.cells.map((c) => (c.kind === 'count' ? c.count : 0))).reduce((a, b) => a + b, 0)
  t.equal(all, 2 * 7 + 4, 'seven pairs twice each and four single-problem records')
})

t.test('interventions by problem take the records with each problem as the row', async (t) => {
  const p = computeTable('interventions-by-problem', snapshot)
  t.same(p.columns, ['traditional_only', 'manual_only', 'traditional_and_manual', 'other_only', 'none'])
  t.same(counts(p).violence_abuse, [1, 2, 1, 0, 1])
  t.same(counts(p).school_problems, [0, 1, 0, 1, 0])
  t.same(counts(p).parent_mental_health, [0, 2, 0, 0, 0])
  t.same(counts(p).honour_violence, [0, 0, 0, 0, 0])
  t.equal(totals(p).violence_abuse, 5)
  t.equal(totals(p).honour_violence, 0)
  t.same(cd(p, 'violence_abuse', 'manual_only'), [2, 5], 'share of the row')
})
