import t, { type Test } from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import type { StatsFilter } from '../../../src/domain/stats/filter.js'
import { protect } from '../../../src/domain/stats/protect.js'
import { MAX_NOISE } from '../../../src/domain/stats/ptable.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TABLE_NAMES, type ExactTable, type PublishedTable, type TableName } from '../../../src/domain/stats/types.js'
import { wilson } from '../../../src/domain/stats/wilson.js'
import { exactCounts, keyedRecords, label, publishedCounts, type KeyedRecord } from './cellkey-helpers.js'

// Perturbed tables (the cell key method) from random records: every count within ±D of the truth
// and never shown as 1–4, derived figures from the published counts, and the same records giving
// the same answer in every table and question.

const PARAMS = { problem: 'family_relationship' }
const T = 5

async function perturbed (store: ReturnType<typeof createSnapshot>, name: TableName, filter: StatsFilter = {}, lang: 'sv' | 'en' = 'en') {
  const exact = computeTable(name, store, filter, PARAMS, { keys: true })
  const published = await protect(exact, { exact: false, protection: 'perturbed', threshold: T, filters: { ...filter }, lang, label })
  return { exact, published }
}

function checkTable (t: Test, exact: ExactTable, p: PublishedTable, noise: number[]): void {
  const name = exact.table
  t.equal(p.protection, 'perturbed')
  t.ok(p.notes?.some((n) => n.includes('±2') && n.includes('variance 1')), `${name}: the note names D and V`)
  const truth = exactCounts(exact)
  if (p.withheld) {
    t.equal(p.population, null)
    t.equal(p.rows.length, 0)
    t.ok(exact.population <= T - 1 + MAX_NOISE, `${name}: withheld only when the true population (${exact.population}) could be published below ${T}`)
    return
  }
  for (const [k, shown] of publishedCounts(p)) {
    const n = truth.get(k)!
    if (shown === null) {
      // "≤4": the perturbed value was 1–4, so the truth is within D of that.
      t.ok(n >= 1 - MAX_NOISE && n <= T - 1 + MAX_NOISE && n > 0, `${name} ${k}: "≤4" for a true ${n}`)
      continue
    }
    if (!(shown >= 0 && Math.abs(shown - n) <= MAX_NOISE)) t.fail(`${name} ${k}: ${shown} for a true ${n}`)
    if (shown >= 1 && shown < T) t.fail(`${name} ${k}: ${shown} published`)
    if (n === 0 && shown !== 0) t.fail(`${name} ${k}: an empty cell published as ${shown}`)
    if (n >= 2 + MAX_NOISE + 10) noise.push(shown - n)
  }
  for (const [r, row] of p.rows.entries()) {
    const exactRow = exact.rows[r]
    t.equal(row.key, exactRow.key)
    for (const [k, c] of row.cells.entries()) {
      const e = exactRow.cells[k]
      if (e.kind === 'count') {
        if (typeof c.count === 'number' && typeof c.share === 'number') {
          const d = e.denominator as number
          t.ok(c.share >= 0 && c.share <= 1, `${name}: share in [0, 1]`)
          // The share is count/denominator of two published numbers: the denominator is within D of the truth.
          // (A share of 0 fits every denominator; the interval then tells which.)
          const n = c.count
          const fits = [-2, -1, 0, 1, 2].map((v) => d + v)
            .filter((x) => x >= T && Math.abs(Math.min(n, x) / x - c.share!) < 1e-12)
            .filter((x) => JSON.stringify(wilson(Math.min(n, x), x)) === JSON.stringify(c.ci95))
          t.ok(fits.length > 0, `${name} ${row.key}/${c.column}: share ${c.share} and its Wilson interval are of the published count over a denominator within ±2 of ${d}`)
        }
        if (c.count === null) {
          t.equal(c.display, '≤4')
          t.equal(c.suppressed, 'primary')
          if (e.denominator !== null) t.equal(c.share, null, 'no share beside a "≤4"')
        }
      } else {
        if (e.value !== null && e.n > 0 && e.n < T) {
          t.equal(c.value, null, `${name} ${row.key}/${c.column}: a value of ${e.n} records is withheld`)
          t.equal(c.display, '–')
        } else if (typeof c.value === 'number' && e.ratio === undefined) {
          t.equal(c.value, Math.round(e.value as number), `${name}: values are rounded to whole units`)
        } else if (typeof c.value === 'number' && e.ratio) {
          const num = row.cells.find((x) => x.column === e.ratio!.numerator)?.count
          const den = row.cells.find((x) => x.column === e.ratio!.denominator)?.count
          t.ok(typeof num === 'number' && typeof den === 'number' && den >= T, `${name}: a ratio only beside its published counts`)
          t.equal(c.value, Math.min(num!, den!) / den!, `${name}: the ratio is of the published counts`)
        }
      }
    }
  }
}

t.test('every perturbed table of random record sets keeps every count within ±2, never shows 1–4, and derives the rest from published figures', async (t) => {
  const noise: number[] = []
  for (const [n, seed] of [[8, 1], [40, 2], [150, 3], [600, 4], [2500, 5]]) {
    const store = createSnapshot(keyedRecords(n, seed, { years: [2020, 2021] }))
    for (const name of TABLE_NAMES) {
      for (const filter of [{}, { municipality: ['2121'] }, { year: 2021, gender: ['girl'] }] as StatsFilter[]) {
        const { exact, published } = await perturbed(store, name, filter)
        checkTable(t, exact, published, noise)
      }
    }
  }
  // Over many cells the noise of counts past the small rows should look like the cap row: mean 0, variance 1.
  const mean = noise.reduce((a, b) => a + b, 0) / noise.length
  const variance = noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length
  t.ok(noise.length > 1500, `${noise.length} larger counts`)
  t.ok(Math.abs(mean) < 0.1, `mean noise ${mean.toFixed(3)} ≈ 0`)
  t.ok(Math.abs(variance - 1) < 0.15, `noise variance ${variance.toFixed(3)} ≈ 1`)
})

t.test('an identical question gets an identical answer, also from a store built in another order', async (t) => {
  const set = keyedRecords(300, 6, { years: [2020, 2021] })
  const a = createSnapshot(set)
  const b = createSnapshot([...set].reverse())
  for (const name of TABLE_NAMES) {
    const first = (await perturbed(a, name, { year: 2021 })).published
    t.same((await perturbed(a, name, { year: 2021 })).published, first, `${name}: asked twice`)
    t.same((await perturbed(b, name, { year: 2021 })).published, first, `${name}: other slots, same keys`)
  }
})

t.test('a replacement that keeps its key moves only the counts its record moves between', async (t) => {
  const set = keyedRecords(300, 7)
  const store = createSnapshot(set)
  const before = (await perturbed(store, 'closure-reasons')).published
  const r = set.find((x) => x.record.closureReason === 'goals_met')!
  store.upsert(r.id, { ...r.record, comment: 'ändrad kommentar' }, r.key)
  t.same((await perturbed(store, 'closure-reasons')).published, before, 'an edit that changes no count changes nothing published')
})

/** The published number of `table` at row/column for `filter`. */
async function at (store: ReturnType<typeof createSnapshot>, name: TableName, filter: StatsFilter, key: string) {
  const { exact, published } = await perturbed(store, name, filter)
  return { shown: publishedCounts(published).get(key), truth: exactCounts(exact).get(key) }
}

t.test('the same records get the same published count in every table and question', async (t) => {
  const set: KeyedRecord[] = keyedRecords(900, 8, { years: [2020, 2021] })
  const store = createSnapshot(set)
  const same = async (what: string, places: Array<[TableName, StatsFilter, string]>) => {
    const found = await Promise.all(places.map(([name, filter, key]) => at(store, name, filter, key)))
    t.ok(found.every((f) => f.truth === found[0].truth), `${what}: the places count the same records (${found[0].truth})`)
    t.same(found.map((f) => f.shown), found.map(() => found[0].shown), `${what}: published as ${found[0].shown} everywhere`)
  }
  await same('the records of 2184 in 2021', [
    ['overview', { year: 2021 }, '2184/cases'],
    ['intervention-groups', { year: 2021 }, '2184/total'],
    ['overview', { year: 2021, municipality: ['2184'] }, 'all/cases'],
    ['closure-reasons', { year: 2021, municipality: ['2184'] }, 'population'],
    ['trends', { municipality: ['2184'] }, '2021/cases']
  ])
  await same('girls in 2121', [
    ['overview', {}, '2121/girl'],
    ['overview', { gender: ['girl'] }, '2121/cases'],
    ['closure-reasons', { gender: ['girl'], municipality: ['2121'] }, 'population']
  ])
  await same('records naming family_relationship', [
    ['problems', {}, 'family_relationship/children'],
    ['problems-alone', {}, 'family_relationship/occurrences'],
    ['closure-by-problem', {}, 'family_relationship/total'],
    ['interventions-by-problem', {}, 'family_relationship/total'],
    ['outcomes', {}, 'population'],
    ['closure-reasons', { problem: ['family_relationship'] }, 'population']
  ])
  await same('school_problems as the only problem', [
    ['problems-alone', {}, 'school_problems/alone'],
    ['problem-pairs', {}, 'school_problems/school_problems']
  ])
  await same('goals met with traditional treatment only', [
    ['closure-by-intervention', { year: 2021 }, 'traditional_only/goals_met'],
    ['closure-reasons', { interventionGroup: ['traditional_only'], year: 2021 }, 'goals_met/cases'],
    ['trends', { interventionGroup: ['traditional_only'], year: 2021 }, '2021/goalsMet']
  ])
  await same('records with traditional treatment only', [
    ['intervention-groups', {}, 'all/traditional_only'],
    ['closure-by-intervention', {}, 'traditional_only/total'],
    ['overview', { interventionGroup: ['traditional_only'] }, 'all/cases']
  ])
})

t.test('a table is withheld when its published population is below five; the reason and note follow the language', async (t) => {
  const store = createSnapshot(keyedRecords(3, 9))
  const { published } = await perturbed(store, 'closure-reasons', {}, 'sv')
  t.equal(published.withheld, true)
  t.equal(published.population, null)
  t.match(published.reason, /färre än 5 ärenden/)
  t.ok(published.notes?.some((n) => n.startsWith('Skyddad med cellnyckelmetoden') && n.includes('±2') && n.includes('varians 1')))
})

t.test('a table computed without keys is refused rather than published unperturbed', async (t) => {
  const store = createSnapshot(keyedRecords(50, 10))
  const exact = computeTable('closure-reasons', store)
  await t.rejects(protect(exact, { exact: false, protection: 'perturbed', threshold: T, filters: {}, label }), /no key sum/)
})

t.test('exact callers still get exact tables, and suppression stays the default', async (t) => {
  const store = createSnapshot(keyedRecords(200, 11))
  const exact = computeTable('closure-reasons', store, {}, {}, { keys: true })
  const none = await protect(exact, { exact: true, protection: 'perturbed', threshold: T, filters: {}, label })
  t.equal(none.protection, 'none')
  t.same(none.rows.map((r) => r.cells[0].count), exact.rows.map((r) => (r.cells[0] as { count: number }).count))
  const byDefault = await protect(exact, { exact: false, threshold: T, filters: {}, label })
  t.equal(byDefault.protection, 'suppressed')
})
