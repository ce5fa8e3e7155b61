import t, { type Test } from 'tap'
import { audit, isPinned } from '../../../src/domain/stats/audit.js'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import { protect } from '../../../src/domain/stats/protect.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TABLE_NAMES, type CellRef, type ExactTable, type PublishedTable } from '../../../src/domain/stats/types.js'
import type { SuxRecord } from '../../../src/domain/types.js'
import { record } from './fixtures.js'
import { label, prng } from './protect-helpers.js'

// Every real table, computed from random records and protected: no small count, no value or share
// over fewer than five, no pinned count, and what is published still adds up.

const OPTS = { exact: false, threshold: 5, filters: {}, label }
const PROBLEMS = ['violence_abuse', 'domestic_violence', 'family_relationship', 'parenting_deficits', 'parent_mental_health',
  'child_mental_health', 'behaviour_problems', 'school_problems', 'own_substance_abuse']
const CLOSURES = ['goals_met', 'goals_met', 'goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'other']
const BACKGROUNDS = ['born_se_both_parents_se', 'born_se_both_parents_se', 'born_se_one_parent_abroad', 'born_europe', 'born_outside_europe', 'unknown']
const METHODS = ['Tryggare barn', 'Trygghetscirkeln', 'Bassamtal', 'I Stunden']

function records (n: number, seed: number): Array<{ id: number, record: SuxRecord }> {
  const random = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]
  return Array.from({ length: n }, (_, i) => {
    const never = random() < 0.08
    const problems = [...new Set([pick(PROBLEMS), pick(PROBLEMS), pick(PROBLEMS)].slice(0, 1 + Math.floor(random() * 3)))]
    const manual = random() < 0.4 ? [pick(METHODS)] : []
    const interventions = never ? [] : [...(random() < 0.6 ? ['traditional_family_treatment'] : []), ...(manual.length > 0 ? ['other_manual_method'] : [])]
    return {
      id: i + 1,
      record: record({
        caseRef: `R${i}`,
        municipality: pick(['2184', '2182', '2121', '1480', '1480']),
        ageAtReferral: Math.floor(random() * 21),
        gender: pick(['girl', 'girl', 'boy', 'boy', 'other']),
        background: pick(BACKGROUNDS),
        previouslyKnown: pick(['no', 'no', 'once', 'several', 'unknown']),
        problems,
        interventions: interventions.length === 0 && !never ? ['other_non_manual'] : interventions,
        manualMethods: never ? [] : manual,
        startDate: never ? null : `2021-0${1 + Math.floor(random() * 3)}-01`,
        closingDate: `2021-${String(4 + Math.floor(random() * 8)).padStart(2, '0')}-15`,
        closureReason: never ? 'never_started' : pick(CLOSURES)
      })
    }
  })
}

function published (p: PublishedTable, ref: CellRef): number | null | undefined {
  const row = p.rows.find((r) => r.key === ref.row)
  return ref.column === 'total' ? row?.total : row?.cells.find((c) => c.column === ref.column)?.count
}

async function check (t: Test, table: ExactTable): Promise<void> {
  const p = await protect(table, OPTS)
  if (p.withheld) return
  for (const [r, row] of p.rows.entries()) {
    const exact = table.rows[r]
    t.notOk(typeof row.total === 'number' && row.total > 0 && row.total < 5, `${table.table} ${row.key}: total not small`)
    for (const [k, c] of row.cells.entries()) {
      const e = exact.cells[k]
      const at = `${table.table} ${row.key}/${c.column}`
      if (e.kind === 'count') {
        t.notOk(typeof c.count === 'number' && c.count > 0 && c.count < 5, `${at}: count not small`)
        if (typeof c.share === 'number') t.ok(e.denominator !== null && e.denominator >= 5, `${at}: share over five or more`)
      } else if (typeof c.value === 'number') {
        t.ok(e.n >= 5, `${at}: value over five or more`)
      }
    }
  }
  t.same((await audit(table, p)).filter(isPinned), [], `${table.table}: no withheld count is pinned`)
  for (const rel of table.relations) {
    const parts = rel.parts.map((r) => published(p, r))
    const whole = rel.whole === 'population' ? p.population : published(p, rel.whole)
    if (parts.every((n) => typeof n === 'number') && typeof whole === 'number') {
      t.equal((parts as number[]).reduce((a, b) => a + b, 0), whole, `${table.table}: a fully published relation holds`)
    }
  }
}

for (const [n, seed] of [[12, 1], [40, 2], [150, 3], [600, 4]]) {
  t.test(`every table over ${n} random records is protected without giving a small count away`, async (t) => {
    const snapshot = createSnapshot(records(n, seed))
    for (const name of TABLE_NAMES) {
      await check(t, computeTable(name, snapshot, {}, { problem: 'violence_abuse' }))
      await check(t, computeTable(name, snapshot, { municipality: ['2121'] }, { problem: 'violence_abuse' }))
    }
  })
}
