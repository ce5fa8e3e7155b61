import { attacker, type Knowledge } from './attack.js'
import { grid, membersOf, type Grid, type Mark } from './grid.js'
import type { ExactTable } from './types.js'

// Which counts a protected table withholds (SPEC §3, rules 1–3). Only counts are decided here
// (cells and row totals); shares and values follow from these marks in present.ts.
//
// Every step is deterministic: candidates are ordered by value, then by the grid's fixed order
// (row, then column, the total last), never by anything the runtime might reorder.

export interface Suppression {
  threshold: number
  /** Rule 3 (`population`), or a table whose small counts no suppression can hide (`unprotectable`). */
  withheld: 'population' | 'unprotectable' | null
  grid: Grid
  /** Per grid member: why it is withheld, or null when it is published. */
  marks: Array<Mark | null>
}

/** Rule 1: a count of 1 to threshold − 1; 0 is published, it identifies no one. */
export function primaryMarks (g: Grid, threshold: number): Array<Mark | null> {
  return g.members.map((m) => (m.value > 0 && m.value < threshold ? 'primary' : null))
}

/** The smallest non-zero published member among `candidates`, ties going to grid order. */
function smallest (g: Grid, marks: Array<Mark | null>, candidates: Iterable<number>): number | undefined {
  let best: number | undefined
  for (const i of candidates) {
    if (marks[i] !== null || g.members[i].value === 0) continue
    const v = g.members[i].value
    if (best === undefined || v < g.members[best].value || (v === g.members[best].value && i < best)) best = i
  }
  return best
}

/**
 * Rule 2 as the SPEC words it: a relation with exactly one withheld member would give that member
 * away by subtraction, so a second one is withheld: the smallest non-zero part (least information
 * lost), or the whole when no part qualifies. Repeated until no relation has a lone withheld member.
 * Zeros are never chosen: an intruder who knows secondary cells are never small or zero gets no
 * help from that, whereas a withheld zero next to a "≤4" could be.
 */
export function closeSingletons (g: Grid, marks: Array<Mark | null>): void {
  let changed = true
  while (changed) {
    changed = false
    for (const rel of g.relations) {
      if (membersOf(rel).filter((m) => marks[m] !== null).length !== 1) continue
      const partner = smallest(g, marks, rel.parts) ?? (rel.whole === 'population' ? undefined : smallest(g, marks, [rel.whole]))
      if (partner === undefined) continue
      marks[partner] = 'secondary'
      changed = true
    }
  }
}

/** What an intruder knows of each member, given the marks (see attack.ts for the ranges). */
export function knowledge (g: Grid, marks: Array<Mark | null>, threshold: number): Knowledge[] {
  return g.members.map((m, i) =>
    marks[i] === 'primary' ? [1, threshold - 1] : marks[i] === 'secondary' ? [threshold, Infinity] : m.value)
}

/**
 * A further member to withhold so that `pinned` is no longer recoverable: the smallest non-zero
 * published member of a relation it is in; failing that, of the relations of the withheld members
 * of those relations, and so on outwards. Undefined when the whole connected part is exhausted.
 */
function partnerFor (g: Grid, marks: Array<Mark | null>, pinned: number): number | undefined {
  const seenRelations = new Set<number>()
  const seenMembers = new Set([pinned])
  let frontier = [pinned]
  while (frontier.length > 0) {
    const relations = g.relations.flatMap((rel, r) =>
      !seenRelations.has(r) && membersOf(rel).some((m) => frontier.includes(m)) ? [r] : [])
    for (const r of relations) seenRelations.add(r)
    const members = relations.flatMap((r) => membersOf(g.relations[r]))
    const partner = smallest(g, marks, members)
    if (partner !== undefined) return partner
    frontier = [...new Set(members)].filter((m) => marks[m] !== null && !seenMembers.has(m)).sort((a, b) => a - b)
    for (const m of frontier) seenMembers.add(m)
  }
  return undefined
}

/**
 * Rules 1–3 for one exact table. The lone-member rule is not enough in two dimensions (a withheld
 * cell can be pinned by its row and its column together), so after it the LP attack of attack.ts
 * runs, and while it pins any withheld count one more is withheld next to it. When nothing is left
 * to withhold and a count is still pinned, the table is withheld whole rather than published
 * giving a small count away.
 */
export async function suppress (table: ExactTable, threshold: number): Promise<Suppression> {
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be a whole number ≥ 1: ${threshold}`)
  const g = grid(table)
  const marks = primaryMarks(g, threshold)
  // A population of 1–4 is itself a small count; 0 is an empty table, withheld as well.
  if (table.population < threshold) return { threshold, withheld: 'population', grid: g, marks: marks.map(() => null) }
  // A primary range of a single number (threshold 2: "≤1" means 1) is given away by its marker,
  // not by the relations; there is nothing more for suppression to hide there.
  const telling = (m: number): boolean => marks[m] !== 'primary' || threshold > 2
  closeSingletons(g, marks)
  const known = knowledge(g, marks, threshold)
  const lp = await attacker(g, known)
  try {
    // Withholding more only widens what an intruder must allow for, so a member once found free
    // stays free: each round checks only the members not yet cleared.
    const cleared = new Set<number>()
    for (;;) {
      const { pinned, free } = lp.firstPinned((m) => telling(m) && !cleared.has(m))
      for (const m of free) cleared.add(m)
      if (pinned === undefined) return { threshold, withheld: null, grid: g, marks }
      const partner = partnerFor(g, marks, pinned)
      if (partner === undefined) return { threshold, withheld: 'unprotectable', grid: g, marks }
      const before = [...marks]
      marks[partner] = 'secondary'
      closeSingletons(g, marks)
      const now = knowledge(g, marks, threshold)
      marks.forEach((mark, m) => { if (mark !== null && before[m] === null) lp.hide(m, now[m] as [number, number]) })
    }
  } finally {
    lp.dispose()
  }
}
