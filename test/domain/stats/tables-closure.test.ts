import t from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import { TableParamError } from '../../../src/domain/stats/context.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TEN, cd, counts, record, totals } from './fixtures.js'

const snapshot = createSnapshot(TEN)
const CLOSURES = ['goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'never_started', 'other']

t.test('closure reasons are shares of all cases and add up to the population', async (t) => {
  const c = computeTable('closure-reasons', snapshot)
  t.same(c.rows.map((r) => r.key), CLOSURES)
  t.same(counts(c), { goals_met: [5], not_matching_needs: [1], discontinued_by_guardian: [1], discontinued_by_child: [1], never_started: [1], other: [1] })
  t.same(cd(c, 'goals_met', 'cases'), [5, 10])
  t.same(c.relations, [{ parts: CLOSURES.map((k) => ({ row: k, column: 'cases' })), whole: 'population' }])
})

t.test('closure by intervention group is a share of the group\'s cases', async (t) => {
  const c = computeTable('closure-by-intervention', snapshot)
  t.same(c.columns, CLOSURES)
  t.same(counts(c), {
    traditional_only: [1, 0, 0, 0, 0, 1],
    manual_only: [2, 1, 1, 0, 0, 0],
    traditional_and_manual: [2, 0, 0, 0, 0, 0],
    other_only: [0, 0, 0, 1, 0, 0],
    none: [0, 0, 0, 0, 1, 0]
  })
  t.same(totals(c), { traditional_only: 2, manual_only: 4, traditional_and_manual: 2, other_only: 1, none: 1 })
  t.same(cd(c, 'manual_only', 'goals_met'), [2, 4])
  t.ok(c.relations.some((r) => r.whole === 'population' && r.parts.every((p) => p.column === 'total')), 'row totals add up to the population')
})

t.test('closure by problem takes the records with each problem as the row', async (t) => {
  const c = computeTable('closure-by-problem', snapshot)
  t.same(counts(c).violence_abuse, [3, 0, 0, 0, 1, 1])
  t.same(counts(c).parent_mental_health, [0, 1, 1, 0, 0, 0])
  t.same(counts(c).school_problems, [0, 1, 0, 1, 0, 0])
  t.same(counts(c).own_criminality, [0, 0, 0, 0, 0, 0])
  t.equal(totals(c).violence_abuse, 5)
  t.notOk(c.relations.some((r) => r.whole === 'population'), 'rows overlap, so they do not add up to the population')
})

t.test('closure by background leaves 2020 records (no background) out of the rows and says so', async (t) => {
  const c = computeTable('closure-by-background', snapshot)
  t.same(c.rows.map((r) => r.key), ['born_se_both_parents_se', 'born_se_one_parent_abroad', 'born_se_both_parents_abroad', 'born_europe', 'born_outside_europe', 'unknown'])
  t.same(counts(c).born_se_both_parents_se, [2, 0, 0, 1, 0, 0])
  t.same(counts(c).born_se_both_parents_abroad, [0, 0, 0, 0, 0, 0])
  t.same(counts(c).unknown, [0, 0, 0, 0, 1, 0])
  t.same(totals(c), { born_se_both_parents_se: 3, born_se_one_parent_abroad: 1, born_se_both_parents_abroad: 0, born_europe: 1, born_outside_europe: 1, unknown: 1 })
  t.equal(c.population, 10)
  t.notOk(c.relations.some((r) => r.whole === 'population'), 'three records are in no row')
  t.equal(c.notes?.length, 1)
  const only2021 = computeTable('closure-by-background', snapshot, { year: 2021 })
  t.ok(only2021.relations.some((r) => r.whole === 'population'), 'with only 2021 records the rows add up')
  t.equal(only2021.notes, undefined)
})

t.test('outcomes need a problem', async (t) => {
  t.throws(() => computeTable('outcomes', snapshot), TableParamError)
  t.throws(() => computeTable('outcomes', snapshot, {}, { problem: 'nonsense' }), TableParamError)
})

t.test('outcomes show goals met per intervention group among the records with the problem', async (t) => {
  const o = computeTable('outcomes', snapshot, {}, { problem: 'violence_abuse' })
  t.equal(o.population, 5, 'the population is the records with the problem')
  t.same(o.columns, ['n', 'goalsMet'])
  t.same(counts(o), {
    traditional_only: [1, 0],
    manual_only: [2, 2],
    traditional_and_manual: [1, 1],
    other_only: [0, 0],
    none: [1, 0]
  }, 'no manual method reaches five records')
  t.same(cd(o, 'manual_only', 'goalsMet'), [2, 2])
  const pmh = computeTable('outcomes', snapshot, {}, { problem: 'parent_mental_health_or_id' })
  t.equal(pmh.population, 2, 'the 2020 code selects the harmonised row')
  t.same(counts(pmh).manual_only, [2, 0])
})

t.test('outcomes list manual methods with at least five records, most used first', async (t) => {
  const mk = (id: number, method: string, closureReason: string) => ({
    id,
    record: record({ interventions: ['other_manual_method'], manualMethods: [method], closureReason })
  })
  const s = createSnapshot([
    mk(1, 'Tryggare barn', 'goals_met'), mk(2, 'Tryggare barn', 'goals_met'), mk(3, 'Tryggare barn', 'goals_met'),
    mk(4, 'Tryggare barn', 'other'), mk(5, 'tryggare BARN', 'discontinued_by_guardian'),
    mk(6, 'Bassamtal', 'goals_met'), mk(7, 'Bassamtal', 'goals_met'), mk(8, 'Bassamtal', 'goals_met'), mk(9, 'Bassamtal', 'goals_met'),
    mk(10, 'Marte meo', 'goals_met'), mk(11, 'Marte meo', 'goals_met'), mk(12, 'Marte meo', 'goals_met'),
    mk(13, 'Marte meo', 'goals_met'), mk(14, 'Marte meo', 'goals_met'), mk(15, 'Marte meo', 'goals_met'),
    { id: 16, record: record({ problems: ['school_problems'], interventions: ['other_manual_method'], manualMethods: ['Bassamtal'] }) }
  ])
  const o = computeTable('outcomes', s, {}, { problem: 'family_relationship' })
  t.equal(o.population, 15)
  t.same(o.rows.map((r) => r.key), ['traditional_only', 'manual_only', 'traditional_and_manual', 'other_only', 'none', 'Marte meo', 'Tryggare barn'])
  t.same(counts(o)['Tryggare barn'], [5, 3], 'names are matched case-insensitively')
  t.same(counts(o)['Marte meo'], [6, 6])
  t.equal(o.rows.find((r) => r.key === 'Marte meo')?.keyKind, 'manual_method')
  t.notOk(o.rows.some((r) => r.key === 'Bassamtal'), 'four records with the problem are too few')
})

t.test('manual methods are shares of the cases with a manual method, crisis support in both versions', async (t) => {
  const m = computeTable('manual-methods', snapshot)
  const krisstod = 'Krisstöd vid orosanmälan om våld mot barn'
  t.same(m.rows.map((r) => r.key), ['Bassamtal', 'I Stunden', krisstod, 'Tryggare barn', 'Trygghetscirkeln'], 'ordered by name')
  t.same(cd(m, krisstod, 'cases'), [2, 6], 'ticked in 2021 (id 2) and named "krisstöd" in 2020 (id 4)')
  t.same(cd(m, 'Trygghetscirkeln', 'cases'), [2, 6], '"circle of security" is Trygghetscirkeln')
  t.same(cd(m, 'I Stunden', 'cases'), [1, 6])
  t.same(m.relations, [])
  t.ok(m.rows.every((r) => r.keyKind === 'manual_method'))
})
