import t, { type Test } from 'tap'
import { audit, isPinned } from '../../../src/domain/stats/audit.js'
import { protect } from '../../../src/domain/stats/protect.js'
import type { CellRef, ExactTable, PublishedTable } from '../../../src/domain/stats/types.js'
import { crossTable, label, oneWay, prng } from './protect-helpers.js'

// The adversary's view of many random small tables: after protection no small count may be
// published, the LP attack may pin no withheld count, and what is published must still add up.

const OPTS = { exact: false, threshold: 5, filters: {}, label }

function published (p: PublishedTable, ref: CellRef): number | null | undefined {
  const row = p.rows.find((r) => r.key === ref.row)
  return ref.column === 'total' ? row?.total : row?.cells.find((c) => c.column === ref.column)?.count
}

async function check (t: Test, table: ExactTable, name: string): Promise<'withheld' | 'published'> {
  const p = await protect(table, OPTS)
  if (p.withheld) {
    t.same(p.rows, [], `${name}: a withheld table has no rows`)
    if (table.population < 5) t.equal(p.population, null, `${name}: a small population is not published`)
    return 'withheld'
  }
  const small = p.rows.flatMap((r) => [...r.cells.map((c) => c.count), r.total]).filter((n) => typeof n === 'number' && n > 0 && n < 5)
  t.same(small, [], `${name}: no count of 1–4 is published`)
  const pinned = (await audit(table, p)).filter(isPinned)
  t.same(pinned, [], `${name}: no withheld count is pinned`)
  for (const rel of table.relations) {
    const parts = rel.parts.map((r) => published(p, r))
    const whole = rel.whole === 'population' ? p.population : published(p, rel.whole)
    if (parts.some((n) => typeof n !== 'number') || typeof whole !== 'number') continue
    t.equal((parts as number[]).reduce((a, b) => a + b, 0), whole, `${name}: a fully published relation holds`)
  }
  t.same(await protect(structuredClone(table), OPTS), p, `${name}: the same answer twice`)
  return 'published'
}

t.test('200 random 2-D tables of counts 0–12: nothing small published, nothing pinned, sums hold', async (t) => {
  const random = prng(20240611)
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))
  const outcomes = { withheld: 0, published: 0 }
  for (let i = 0; i < 200; i++) {
    const rows = int(2, 5)
    const columns = int(2, 5)
    const counts = Array.from({ length: rows }, () => Array.from({ length: columns }, () => int(0, 12)))
    outcomes[await check(t, crossTable(counts), `table ${i} ${JSON.stringify(counts)}`)]++
  }
  t.ok(outcomes.published > 150, `most tables are published (${outcomes.published} of 200)`)
})

t.test('200 random 1-D tables of counts 0–12: the same guarantees', async (t) => {
  const random = prng(7)
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))
  for (let i = 0; i < 200; i++) {
    const counts = Array.from({ length: int(2, 8) }, () => int(0, 12))
    await check(t, oneWay(counts), `list ${i} ${JSON.stringify(counts)}`)
  }
})
