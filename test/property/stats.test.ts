import fc from 'fast-check'
import t from 'tap'
import { validateRecord } from '../../src/domain/record.js'
import { createSnapshot, keyOfId } from '../../src/domain/stats/columns.js'
import type { StatsFilter } from '../../src/domain/stats/filter.js'
import { protect } from '../../src/domain/stats/protect.js'
import { computeTable } from '../../src/domain/stats/tables.js'
import { type CellRef, type ExactTable, type PublishedTable, TABLE_NAMES, type TableName } from '../../src/domain/stats/types.js'
import type { SuxRecord } from '../../src/domain/types.js'
import { holds, TODAY, validRecord } from './sux.js'

// Statistics invariants over random record sets, through the whole pure pipeline (records →
// columnar store → exact table → protection). test/domain/stats/protect-property.test.ts checks
// protection on hand-shaped tables; here the tables come from records, and the figures are
// recounted from the records by this test.

const MUNICIPALITIES = ['2184', '2182', '2121']
const label = (kind: string, key: string) => `${kind}:${key}`

/** A set of valid records, as the domain stores them (lengths spread over the whole range). */
const recordSet = (maxLength: number) => fc.array(validRecord({ municipalities: MUNICIPALITIES }), { maxLength, size: 'max' }).map((inputs) => inputs.map((input, i) => {
  const v = validateRecord({ ...input, caseRef: `R-${i}` }, { today: TODAY })
  if (!v.ok) throw new Error(`generated an invalid record: ${JSON.stringify(v.errors)}`)
  return { id: i + 1, record: v.value }
}))

const filter: fc.Arbitrary<StatsFilter> = fc.record({
  year: fc.constantFrom(2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026),
  municipality: fc.subarray(MUNICIPALITIES, { minLength: 1 }),
  gender: fc.subarray(['girl', 'boy', 'other'], { minLength: 1 })
}, { requiredKeys: [] })

// ---------------------------------------------------------------- the figures, recounted

const DAY = 86_400_000
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY
const harmonised = (p: string) => p === 'parent_mental_health_or_id' ? 'parent_mental_health' : p

/** SPEC §2 "interventionGroup". */
function group (r: SuxRecord): string {
  const manual = r.interventions.some((i) => i === 'crisis_support' || i === 'other_manual_method' || i === 'manual_method')
  const traditional = r.interventions.includes('traditional_family_treatment')
  if (manual && traditional) return 'traditional_and_manual'
  if (manual) return 'manual_only'
  if (traditional) return 'traditional_only'
  if (r.interventions.includes('other_non_manual')) return 'other_only'
  return 'none'
}

function matches (r: SuxRecord, f: StatsFilter): boolean {
  return (f.year === undefined || Number(r.closingDate.slice(0, 4)) === f.year) &&
    (f.municipality === undefined || f.municipality.includes(r.municipality)) &&
    (f.gender === undefined || f.gender.includes(r.gender))
}

function countBy<T> (items: T[], key: (t: T) => string | string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const it of items) for (const k of [key(it)].flat()) m.set(k, (m.get(k) ?? 0) + 1)
  return m
}

const cell = (table: ExactTable, row: string, column: string) => {
  const r = table.rows.find((x) => x.key === row)
  const c = r?.cells.find((x) => x.column === column)
  return c?.kind === 'count' ? c.count : c?.kind === 'value' ? c.value : undefined
}

function exactFigure (table: ExactTable, ref: CellRef): number | undefined {
  const row = table.rows.find((r) => r.key === ref.row)
  if (ref.column === 'total') return row?.total ?? undefined
  const c = row?.cells.find((x) => x.column === ref.column)
  return c?.kind === 'count' ? c.count : undefined
}

/** Throws with the first figure of `table` that the records do not bear out. */
function recount (name: TableName, table: ExactTable, records: SuxRecord[]): void {
  const fail = (what: string, got: unknown, want: unknown) => {
    if (got !== want) throw new Error(`${name}: ${what} is ${String(got)}, the records say ${String(want)}`)
  }
  fail('population', table.population, records.length)
  for (const rel of table.relations) {
    const parts = rel.parts.map((p) => exactFigure(table, p) ?? 0)
    const whole = rel.whole === 'population' ? table.population : exactFigure(table, rel.whole)
    fail(`sum of ${JSON.stringify(rel.parts.slice(0, 2))}…`, parts.reduce((a, b) => a + b, 0), whole)
  }
  for (const row of table.rows) {
    // One category a record: the counts of a row add up to its total.
    if (row.total !== null && !['problem-pairs'].includes(name)) {
      const counts = row.cells.flatMap((c) => c.kind === 'count' ? [c.count] : [])
      fail(`row ${row.key} summed`, counts.reduce((a, b) => a + b, 0), row.total)
    }
  }
  const byGroup = countBy(records, group)
  const withProblem = records.filter((r) => r.problems.length > 0)
  switch (name) {
    case 'closure-reasons':
      for (const [code, n] of countBy(records, (r) => r.closureReason)) fail(`closure ${code}`, cell(table, code, 'cases'), n)
      break
    case 'overview':
      for (const m of MUNICIPALITIES) {
        const mine = records.filter((r) => r.municipality === m)
        if (mine.length === 0) continue
        fail(`${m} cases`, cell(table, m, 'cases'), mine.length)
        for (const g of ['girl', 'boy']) fail(`${m} ${g}`, cell(table, m, g), mine.filter((r) => r.gender === g).length)
        fail(`${m} minAge`, cell(table, m, 'minAge'), Math.min(...mine.map((r) => r.ageAtReferral)))
        fail(`${m} maxAge`, cell(table, m, 'maxAge'), Math.max(...mine.map((r) => r.ageAtReferral)))
      }
      break
    case 'problems':
      for (const [code, n] of countBy(records, (r) => [...new Set(r.problems.map(harmonised))])) fail(`problem ${code}`, cell(table, code, 'children'), n)
      for (const row of table.rows) {
        const c = row.cells[0]
        if (c.kind === 'count') fail(`denominator of ${row.key}`, c.denominator, withProblem.length)
      }
      break
    case 'intervention-groups':
      for (const [g, n] of byGroup) fail(`all ${g}`, cell(table, 'all', g), n)
      break
    case 'closure-by-intervention':
      for (const [g, n] of byGroup) fail(`total of ${g}`, table.rows.find((r) => r.key === g)?.total, n)
      break
    case 'trends':
      for (const [y, n] of countBy(records, (r) => r.closingDate.slice(0, 4))) fail(`cases ${y}`, cell(table, y, 'cases'), n)
      break
    case 'durations-by-intervention':
      for (const g of byGroup.keys()) {
        const d = records.filter((r) => group(r) === g && r.startDate !== null).map((r) => days(r.startDate as string, r.closingDate))
        fail(`n of ${g}`, cell(table, g, 'n'), d.length)
        if (d.length > 0) {
          fail(`min of ${g}`, cell(table, g, 'min'), Math.min(...d))
          fail(`max of ${g}`, cell(table, g, 'max'), Math.max(...d))
        }
      }
      break
  }
}

/** Shares of an exact table lie in [0, 1], equal count/denominator, and sit inside their ci95. */
function checkShares (p: PublishedTable, exact: ExactTable): void {
  for (const [r, row] of p.rows.entries()) {
    for (const [k, c] of row.cells.entries()) {
      if (c.share === undefined || c.share === null) continue
      const e = exact.rows[r].cells[k]
      if (e.kind !== 'count' || e.denominator === null) throw new Error(`${p.table}: a share without a denominator`)
      const [lo, hi] = c.ci95 ?? [NaN, NaN]
      if (!(c.share >= 0 && c.share <= 1)) throw new Error(`${p.table} ${row.key}/${c.column}: share ${c.share}`)
      if (Math.abs(c.share - e.count / e.denominator) > 1e-12) throw new Error(`${p.table} ${row.key}/${c.column}: share is not count/denominator`)
      if (!(lo >= 0 && lo <= c.share && c.share <= hi && hi <= 1)) throw new Error(`${p.table} ${row.key}/${c.column}: share ${c.share} outside [${lo}, ${hi}]`)
    }
  }
}

/** Protected: no count of 1–4 anywhere, small populations withheld, no value from fewer than 5. */
function checkProtected (p: PublishedTable, exact: ExactTable): void {
  if (exact.population < 5) {
    if (!p.withheld || p.population !== null || p.rows.length > 0) throw new Error(`${p.table}: a population of ${exact.population} is published`)
    return
  }
  if (p.withheld) return
  for (const [r, row] of p.rows.entries()) {
    const counts = [row.total, ...row.cells.map((c) => c.count)]
    const small = counts.find((n) => typeof n === 'number' && n >= 1 && n <= 4)
    if (small !== undefined) throw new Error(`${p.table}: row ${row.key} shows ${small}`)
    for (const [k, c] of row.cells.entries()) {
      const e = exact.rows[r].cells[k]
      if (e.kind === 'value' && e.n > 0 && e.n < 5 && c.value !== null && c.value !== undefined) throw new Error(`${p.table}: a value of ${e.n} records is shown`)
      if (e.kind === 'count' && e.denominator !== null && e.denominator < 5 && typeof c.share === 'number') throw new Error(`${p.table}: a share of ${e.denominator} is shown`)
    }
  }
}

const params = (name: TableName, records: SuxRecord[]) =>
  name === 'outcomes' ? { problem: records[0]?.problems[0] !== undefined ? harmonised(records[0].problems[0]) : 'school_problems' } : {}

t.test('every table from random records agrees with a recount, adds up, and has its shares inside their intervals', async (t) => {
  await holds(t, 'exact tables', fc.asyncProperty(recordSet(80), filter, async (set, f) => {
    const store = createSnapshot(set)
    const records = set.map((s) => s.record)
    for (const name of TABLE_NAMES) {
      const p = params(name, records)
      const chosen = records.filter((r) => matches(r, f) && (name !== 'outcomes' || r.problems.map(harmonised).includes(p.problem as string)))
      const exact = computeTable(name, store, f, p)
      recount(name, exact, chosen)
      checkShares(await protect(exact, { exact: true, threshold: 5, filters: {}, label }), exact)
    }
    return true
  }), 150)
})

t.test('protected tables from random records never show 1–4, nor a share or value of fewer than 5', async (t) => {
  const seen = { withheld: 0, published: 0 }
  await holds(t, 'protected tables', fc.asyncProperty(recordSet(250), fc.option(filter, { nil: {} }), async (set, f) => {
    const store = createSnapshot(set)
    for (const name of TABLE_NAMES) {
      const exact = computeTable(name, store, f, params(name, set.map((s) => s.record)))
      const p = await protect(exact, { exact: false, threshold: 5, filters: {}, label })
      checkProtected(p, exact)
      checkShares(p, exact)
      seen[p.withheld ? 'withheld' : 'published']++
    }
    return true
  }), 60)
  t.ok(seen.published > 200 && seen.withheld > 50, `both outcomes occur: ${JSON.stringify(seen)}`)
})

t.test('a store that records are replaced in and erased from answers as one built afresh', async (t) => {
  await holds(t, 'upsert and remove', fc.asyncProperty(recordSet(60), recordSet(60), fc.array(fc.nat(80), { maxLength: 40 }), async (first, second, erase) => {
    const store = createSnapshot(first)
    for (const s of second) store.upsert(s.id, s.record, keyOfId(s.id))
    for (const id of erase) store.remove(id)
    const final = new Map(first.map((s) => [s.id, s.record]))
    for (const s of second) final.set(s.id, s.record)
    for (const id of erase) final.delete(id)
    const fresh = createSnapshot([...final].map(([id, record]) => ({ id, record })))
    for (const name of TABLE_NAMES) {
      const p = params(name, [...final.values()])
      const a = JSON.stringify(computeTable(name, store, {}, p))
      const b = JSON.stringify(computeTable(name, fresh, {}, p))
      // Rows of manual methods follow the order names were first seen; compare as sets of rows.
      if (a !== b && JSON.stringify(sortRows(JSON.parse(a))) !== JSON.stringify(sortRows(JSON.parse(b)))) throw new Error(`${name} differs`)
    }
    return true
  }), 60)
})

function sortRows (table: ExactTable): ExactTable {
  return { ...table, rows: [...table.rows].sort((x, y) => x.key.localeCompare(y.key)), relations: [] }
}
