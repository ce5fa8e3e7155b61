import highsModule, { type Highs } from 'highs'
import { grid, type Grid } from './grid.js'
import type { ExactTable, PublishedRow, PublishedTable } from './types.js'

// The attack that secondary suppression must withstand (as sdcTable's attack()): an intruder who
// sees the published table and knows its relations bounds each suppressed count by linear
// programming, minimising and maximising it subject to
//   - every relation, with the published members substituted;
//   - a primary cell (published as "≤4") lies in 1..4: 0 is published as 0, so it is at least 1;
//   - a secondary cell lies at or above the threshold: it is never chosen among zeros or small
//     counts, and the published marker says it is not primary.
// A cell is pinned when its bounds leave at most one whole number: counts are integers, so an
// interval such as [2.5, 3.4] gives the count away as surely as [3, 3] does.
//
// HiGHS (compiled to WebAssembly) solves the programmes; its runtime loads once, asynchronously.

export interface Bound { row: string, column: string, min: number, max: number }

/** What is known of a member: its published value, or the range its marker allows. */
export type Knowledge = number | [number, number]

// The package's types describe its CommonJS build (the loader under `.default`); the ES module
// build that `import` resolves to exports the loader itself.
const loadHighs = ((highsModule as { default?: unknown }).default ?? highsModule) as typeof highsModule.default

let runtime: Promise<Highs> | undefined
const highs = (): Promise<Highs> => (runtime ??= loadHighs())

const EPS = 1e-9

/** At most one whole number lies in [min, max]. */
export function isPinned (b: { min: number, max: number }): boolean {
  return b.max - b.min < EPS || Math.floor(b.max + EPS) - Math.ceil(b.min - EPS) < 1
}

interface Row { indices: number[], values: number[], rhs: number }

/** The linear system over the unknown members: one row for each relation that has one. */
function system (g: Grid, known: Knowledge[]): { vars: number[], rows: Row[] } {
  const column = new Map<number, number>()
  const rows: Row[] = []
  for (const rel of g.relations) {
    const coef = new Map<number, number>()
    let rhs = rel.whole === 'population' ? g.population : 0
    const add = (m: number, sign: number): void => {
      const k = known[m]
      if (typeof k === 'number') rhs -= sign * k
      else coef.set(m, (coef.get(m) ?? 0) + sign)
    }
    for (const p of rel.parts) add(p, 1)
    if (rel.whole !== 'population') add(rel.whole, -1)
    const terms = [...coef].filter(([, v]) => v !== 0)
    if (terms.length === 0) continue
    for (const [m] of terms) if (!column.has(m)) column.set(m, column.size)
    rows.push({ indices: terms.map(([m]) => column.get(m) as number), values: terms.map(([, v]) => v), rhs })
  }
  return { vars: [...column.keys()], rows }
}

export interface MemberBound { member: number, min: number, max: number }

/**
 * Bounds of every unknown member, in member order, or up to the first for which `stop` holds
 * (protection only needs to know which member to work on next).
 */
export async function attack (g: Grid, known: Knowledge[], stop?: (b: MemberBound) => boolean): Promise<MemberBound[]> {
  const { vars, rows } = system(g, known)
  const inLp = new Map(vars.map((m, j) => [m, j]))
  const unknown = known.flatMap((k, m) => (typeof k === 'number' ? [] : [m]))
  const lp = vars.length > 0 ? await highs() : null
  const model = lp?.createModel()
  try {
    if (lp && model) {
      model.options.set({ output_flag: false })
      const range = (m: number): [number, number] => known[m] as [number, number]
      model.addVars(vars.map((m) => range(m)[0]), vars.map((m) => Math.min(range(m)[1], lp.infinity)))
      for (const r of rows) model.addRow(r.rhs, r.rhs, { indices: r.indices, values: r.values })
    }
    const out: MemberBound[] = []
    let previous = -1
    for (const m of unknown) {
      const j = inLp.get(m)
      let [min, max] = known[m] as [number, number]
      if (lp && model && j !== undefined) {
        if (previous >= 0) model.changeColCost(previous, 0)
        model.changeColCost(j, 1)
        previous = j
        const solve = (sense: 'minimize' | 'maximize'): number => {
          model.changeObjectiveSense(lp.constants.objectiveSense[sense])
          model.run()
          const status = model.getModelStatus()
          if (status === lp.constants.modelStatus.optimal) return model.getObjectiveValue()
          if (status === lp.constants.modelStatus.unbounded && sense === 'maximize') return Infinity
          // The true table satisfies every constraint, so anything else means the relations do not
          // hold in what is published: a bug worth failing loudly on.
          throw new Error(`audit: the relations are inconsistent with the published table (HiGHS status ${status})`)
        }
        min = solve('minimize')
        max = solve('maximize')
      }
      const b = { member: m, min, max }
      out.push(b)
      if (stop?.(b)) break
    }
    return out
  } finally {
    model?.dispose()
  }
}

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
  const bounds = await attack(g, known)
  return bounds.map(({ member, min, max }) => ({ ...g.members[member].ref, min, max }))
}
