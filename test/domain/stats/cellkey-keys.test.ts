import t, { type Test } from 'tap'
import { createSnapshot } from '../../../src/domain/stats/columns.js'
import type { StatsFilter } from '../../../src/domain/stats/filter.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TABLE_NAMES, type ExactTable, type TableName } from '../../../src/domain/stats/types.js'
import { keyedRecords, type KeyedRecord } from './cellkey-helpers.js'

// The key sums beside the counts are sums over exactly the records each count counts. Checked
// without trusting the key kernels: a record's weight in a count is how much the count drops when
// that record is removed (counted by the plain kernels), and the key sum must be the sum of keys
// by those weights, modulo 2^32.

interface Sums { count: number, key?: number }

/** Every count of a table with its key sum: cells, denominators, totals and the population. */
function counts (table: ExactTable): Map<string, Sums> {
  const out = new Map<string, Sums>([['population', { count: table.population, key: table.populationKeySum }]])
  for (const row of table.rows) {
    for (const c of row.cells) {
      if (c.kind !== 'count') continue
      out.set(`${row.key}/${c.column}`, { count: c.count, key: c.keySum })
      if (c.denominator !== null) out.set(`${row.key}/${c.column}:denominator`, { count: c.denominator, key: c.denominatorKeySum })
    }
    if (row.total !== null) out.set(`${row.key}/total`, { count: row.total, key: row.totalKeySum })
  }
  return out
}

const PARAMS = { problem: 'family_relationship' }

function check (t: Test, name: TableName, set: KeyedRecord[], filter: StatsFilter): number {
  const full = counts(computeTable(name, createSnapshot(set), filter, PARAMS, { keys: true }))
  const expected = new Map<string, number>([...full.keys()].map((k) => [k, 0]))
  const vanished = new Set<string>()
  for (const r of set) {
    const without = counts(computeTable(name, createSnapshot(set.filter((x) => x.id !== r.id)), filter, PARAMS))
    for (const [k, { count }] of full) {
      const other = without.get(k)
      // A row exists only while it has records (outcomes' method rows: five), so a row gone with the
      // record had the record in every count but its denominator, which it shares with other rows.
      if (other === undefined && ((name === 'outcomes' && k !== 'population') || k.endsWith(':denominator'))) { vanished.add(k); continue }
      const weight = count - (other?.count ?? 0)
      expected.set(k, (expected.get(k)! + weight * r.key) >>> 0)
    }
  }
  let checked = 0
  for (const [k, { key }] of full) {
    if (vanished.has(k)) continue
    if (key === undefined) t.fail(`${name} ${k}: no key sum`)
    else if (key !== expected.get(k)) t.fail(`${name} ${k}: key sum ${key}, expected ${expected.get(k)}`)
    checked++
  }
  return checked
}

for (const [n, seed] of [[30, 1], [45, 2]] as const) {
  t.test(`key sums of all 17 tables are over exactly the counted records (${n} random records, seed ${seed})`, async (t) => {
    const set = keyedRecords(n, seed, { years: [2020, 2021], other: 0.2 })
    for (const name of TABLE_NAMES) {
      const checked = check(t, name, set, {}) + check(t, name, set, { municipality: ['2184', '2121'], year: 2021 })
      t.ok(checked > 4, `${name}: ${checked} key sums checked`)
    }
  })
}

t.test('without keys asked for, no table carries a key sum (the default path is unchanged)', async (t) => {
  const store = createSnapshot(keyedRecords(40, 3))
  for (const name of TABLE_NAMES) {
    const table = computeTable(name, store, {}, PARAMS)
    t.notOk('populationKeySum' in table, `${name}: no population key`)
    const keyed = table.rows.some((r) => 'totalKeySum' in r || r.cells.some((c) => 'keySum' in c || 'denominatorKeySum' in c))
    t.notOk(keyed, `${name}: no cell key sums`)
  }
})

t.test('counts with keys are the counts without', async (t) => {
  const store = createSnapshot(keyedRecords(60, 4, { years: [2020, 2021] }))
  for (const name of TABLE_NAMES) {
    const plain = counts(computeTable(name, store, {}, PARAMS))
    const keyed = counts(computeTable(name, store, {}, PARAMS, { keys: true }))
    t.same([...keyed].map(([k, v]) => [k, v.count]), [...plain].map(([k, v]) => [k, v.count]), name)
  }
})

t.test('key sums wrap modulo 2^32 instead of losing precision', async (t) => {
  // 3,000 records with the largest key: the sum (6.4e12) is far beyond 2^32, and its residue is known.
  const set = keyedRecords(3000, 5).map((r) => ({ ...r, key: 2 ** 31 - 1 }))
  const table = computeTable('closure-reasons', createSnapshot(set), {}, {}, { keys: true })
  t.equal(table.populationKeySum, (3000 * (2 ** 31 - 1)) % 2 ** 32)
})
