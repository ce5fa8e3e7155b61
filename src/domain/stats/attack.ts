import highsModule, { type Highs } from 'highs'
import type { Grid } from './grid.js'

// The attack that secondary suppression must withstand (as sdcTable's attack()): an intruder who
// sees the published table and knows its relations bounds each withheld count by linear
// programming, minimising and maximising it subject to
//   - every relation, with the published members substituted;
//   - a primary count (published as "≤4") lies in 1..4: 0 is published as 0, so it is at least 1;
//   - a secondary count lies at or above the threshold: suppression never chooses a zero or a
//     small count as a partner, and the published marker says it is not primary.
// A count is pinned when its bounds leave at most one whole number: counts are integers, so an
// interval such as [2.5, 3.4] gives the count away as surely as [3, 3] does. (For the tables here,
// sums over rows and columns, the constraint matrix is totally unimodular, so the LP bounds are
// the integer bounds too.)
//
// HiGHS (compiled to WebAssembly) solves the programmes; its runtime loads once, asynchronously,
// and a model is built once per table and changed as protection withholds more.

/** What is known of a member: its published value, or the range its marker allows. */
export type Knowledge = number | [number, number]

export interface MemberBound { member: number, min: number, max: number }

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

type Sense = 'minimize' | 'maximize'

export interface Attacker {
  /** Withholds member `m` as well: it becomes a variable within `range`. */
  hide: (m: number, range: [number, number]) => void
  /** Exact bounds of every withheld member, in member order: two LPs each. */
  bounds: () => MemberBound[]
  /**
   * The first withheld member (among those `consider` accepts, in member order) that is pinned,
   * and every member found free on the way. Every LP solution is a feasible table, so once two
   * solutions seen so far differ by a whole unit in a member, it is free and needs no LP of its own.
   */
  firstPinned: (consider: (m: number) => boolean) => { pinned?: number, free: number[] }
  dispose: () => void
}

/** The intruder's linear programme over the relations of `g`, given what is known of each member. */
export async function attacker (g: Grid, known: Knowledge[]): Promise<Attacker> {
  const lp = g.relations.length > 0 ? await highs() : null
  const model = lp?.createModel()
  // For each member, the relations it is in, with its sign there (+1 part, −1 whole).
  const occurs: Array<Array<[number, number]>> = g.members.map(() => [])
  const rhs = g.relations.map((rel, r) => {
    rel.parts.forEach((p) => occurs[p].push([r, 1]))
    if (rel.whole !== 'population') occurs[rel.whole].push([r, -1])
    return rel.whole === 'population' ? g.population : 0
  })
  const column = new Map<number, number>()
  const range = new Map<number, [number, number]>()
  const hidden: number[] = []
  if (lp && model) {
    // Each solve changes only the objective, so the previous optimal basis is still feasible:
    // without presolve, primal simplex (strategy 4) goes on from it in a few pivots.
    model.options.set({ output_flag: false, presolve: 'off', simplex_strategy: 4 })
    known.forEach((k, m) => { if (typeof k === 'number') for (const [r, sign] of occurs[m]) rhs[r] -= sign * k })
    for (const b of rhs) model.addRow(b, b, { indices: [], values: [] })
  }

  const hide = (m: number, bounds: [number, number]): void => {
    range.set(m, bounds)
    hidden.push(m)
    hidden.sort((a, b) => a - b)
    if (!lp || !model || occurs[m].length === 0) return
    const k = known[m]
    for (const [r, sign] of occurs[m]) {
      // A member that was published moves from the right-hand side into the unknowns.
      if (typeof k === 'number') {
        rhs[r] += sign * k
        model.changeRowBounds(r, rhs[r], rhs[r])
      }
    }
    column.set(m, column.size)
    const entries = { indices: occurs[m].map(([r]) => r), values: occurs[m].map(([, sign]) => sign) }
    model.addCol(0, bounds[0], Math.min(bounds[1], lp.infinity), entries)
  }
  known.forEach((k, m) => { if (typeof k !== 'number') hide(m, k) })

  let costed = -1
  const solve = (j: number, sense: Sense): { value: number, solution: ArrayLike<number> | null } => {
    if (!lp || !model) throw new Error('attack: no programme to solve')
    if (costed !== j) {
      if (costed >= 0) model.changeColCost(costed, 0)
      model.changeColCost(j, 1)
      costed = j
    }
    model.changeObjectiveSense(lp.constants.objectiveSense[sense])
    model.run()
    const status = model.getModelStatus()
    if (status === lp.constants.modelStatus.optimal) return { value: model.getObjectiveValue(), solution: model.getSolution().colValue }
    // The true table is feasible, so "unbounded or infeasible" can only be unbounded.
    const unbounded = status === lp.constants.modelStatus.unbounded || status === lp.constants.modelStatus.unboundedOrInfeasible
    if (unbounded && sense === 'maximize') return { value: Infinity, solution: null }
    // Anything else means the relations do not hold in what is published: a bug to fail loudly on.
    throw new Error(`attack: the relations are inconsistent with the published table (HiGHS status ${status})`)
  }

  const bounds = (): MemberBound[] => hidden.map((m) => {
    const j = column.get(m)
    const [min, max] = j === undefined ? range.get(m) as [number, number] : [solve(j, 'minimize').value, solve(j, 'maximize').value]
    return { member: m, min, max }
  })

  const firstPinned = (consider: (m: number) => boolean): { pinned?: number, free: number[] } => {
    const lo: number[] = []
    const hi: number[] = []
    const spread = (j: number): boolean => hi[j] - lo[j] >= 1 - EPS
    const optimise = (j: number, sense: Sense): number => {
      const { value, solution } = solve(j, sense)
      if (solution) {
        for (let k = 0; k < solution.length; k++) {
          lo[k] = Math.min(lo[k] ?? Infinity, solution[k])
          hi[k] = Math.max(hi[k] ?? -Infinity, solution[k])
        }
      }
      return value
    }
    const pinned = (m: number): boolean => {
      const j = column.get(m)
      if (j === undefined) {
        const [min, max] = range.get(m) as [number, number]
        return isPinned({ min, max })
      }
      if (spread(j)) return false
      const min = optimise(j, 'minimize')
      return !spread(j) && isPinned({ min, max: optimise(j, 'maximize') })
    }
    const free: number[] = []
    for (const m of hidden) {
      if (!consider(m)) continue
      if (pinned(m)) return { pinned: m, free: [...free, ...[...column].filter(([, j]) => spread(j)).map(([x]) => x)] }
      free.push(m)
    }
    return { free }
  }

  return { hide, bounds, firstPinned, dispose: () => model?.dispose() }
}
