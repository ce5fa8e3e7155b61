import { attacker, type Knowledge } from './attack.js'
import { grid } from './grid.js'
import type { ExactTable, PublishedRow, PublishedTable } from './types.js'

// What an intruder can learn of the withheld counts of a published table: the LP attack of
// attack.ts, run on exactly what is published (the counts, the markers) and the relations of the
// exact table it came from. Protection runs the same attack while it decides; tests run this one
// on its output, so that the check does not trust the code it checks.

export { isPinned } from './attack.js'

export interface Bound { row: string, column: string, min: number, max: number }

/** The threshold the published markers imply: "≤4" means 5. */
function thresholdOf (published: PublishedTable): number | undefined {
  for (const row of published.rows) {
    for (const d of [row.totalDisplay, ...row.cells.map((c) => c.display)]) {
      const m = d === undefined ? null : /^≤(\d+)$/.exec(d)
      if (m) return Number(m[1]) + 1
    }
  }
  return undefined
}

function seen (row: PublishedRow, column: string) {
  const cell = row.cells.find((c) => c.column === column)
  if (!cell) throw new Error(`audit: cell ${row.key}/${column} is not published`)
  return { count: cell.count, mark: cell.suppressed, display: cell.display }
}

/**
 * Bounds an intruder can put on every suppressed count of `published`, using the relations of the
 * exact table it was made from. A withheld table has nothing to attack.
 */
export async function audit (table: ExactTable, published: PublishedTable, threshold?: number): Promise<Bound[]> {
  if (published.withheld) return []
  const t = threshold ?? thresholdOf(published) ?? 5
  const g = grid(table)
  const rows = new Map(published.rows.map((r) => [r.key, r]))
  const known: Knowledge[] = g.members.map(({ ref }) => {
    const row = rows.get(ref.row)
    if (!row) throw new Error(`audit: row ${ref.row} is not published`)
    const { count, mark, display } = ref.column === 'total'
      ? { count: row.total, mark: row.totalSuppressed, display: row.totalDisplay }
      : seen(row, ref.column)
    if (typeof count === 'number') return count
    if (mark === 'primary') {
      const upper = display === undefined ? null : /^≤(\d+)$/.exec(display)
      return [1, upper ? Number(upper[1]) : t - 1]
    }
    if (mark === 'secondary') return [t, Infinity]
    return [0, Infinity]
  })
  const lp = await attacker(g, known)
  try {
    return lp.bounds().map(({ member, min, max }) => ({ ...g.members[member].ref, min, max }))
  } finally {
    lp.dispose()
  }
}
