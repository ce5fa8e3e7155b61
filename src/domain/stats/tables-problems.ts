import { GENDER_CODES, GROUP_CODES, PROBLEM_CODES, type Columns } from './columns.js'
import { columnRelation, count, ref, rowTotalRelations, shareRows, value } from './cells.js'
import type { TableInput } from './context.js'
import { maskHistogram, problemCounts } from './kernels.js'
import type { ExactTable } from './types.js'

// Problem tables (Diagram 1, 2, 5, Bilaga 3 X.1, report 5.1.3). A child has up to three problems,
// so these are multi-response: shares are of children (122 of 213 = 57 %), not of mentions, and
// rows do not add up. Records without problems (2020) are in the population but in no row.
//
// Each pass counts records per combination of problems (8192 bitmasks) instead of per problem, so
// a million rows cost one increment each and the expansion to problems is done once per mask.

const P = PROBLEM_CODES.length
const MASKS = 1 << P

const histogram = (c: Columns, selection: Uint32Array, by: Uint16Array | null = null, groups = 1): Uint32Array =>
  maskHistogram(selection, c.problems, by, groups, MASKS)

const isSingle = (mask: number): boolean => (mask & (mask - 1)) === 0

export function problems ({ columns: c, selection }: TableInput): ExactTable {
  const { counts, withAny } = problemCounts(histogram(c, selection), 1, P)
  return {
    table: 'problems',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'measure',
    columns: ['children'],
    rows: PROBLEM_CODES.map((key, p) => ({ key, cells: [count('children', counts[p], withAny[0])], total: null })),
    relations: [],
    notes: ['Shares are of the children with at least one problem; a child may have up to three.']
  }
}

export function problemsByGender ({ columns: c, selection }: TableInput): ExactTable {
  const G = GENDER_CODES.length
  const { counts, withAny } = problemCounts(histogram(c, selection, c.gender, G), G, P)
  return {
    table: 'problems-by-gender',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'gender',
    columns: [...GENDER_CODES],
    rows: PROBLEM_CODES.map((key, p) => ({
      key,
      cells: GENDER_CODES.map((g, k) => count(g, counts[k * P + p], withAny[k])),
      total: null
    })),
    relations: [],
    notes: ['Shares are of the children of that gender with at least one problem.']
  }
}

/**
 * Bilaga 3 X.1: how often each problem is named, how often it is a record's only problem, and
 * their ratio; the `all` row holds every mention (426) and every single-problem record (64).
 */
export function problemsAlone ({ columns: c, selection }: TableInput): ExactTable {
  const hist = histogram(c, selection)
  const { counts } = problemCounts(hist, 1, P)
  const alone = new Uint32Array(P)
  for (let p = 0; p < P; p++) alone[p] = hist[1 << p]
  const occurrences = counts.reduce((a, b) => a + b, 0)
  const single = alone.reduce((a, b) => a + b, 0)
  const row = (key: string, occ: number, only: number) => ({
    key,
    cells: [count('occurrences', occ), count('alone', only), value('ratio', only / occ, occ)],
    total: null
  })
  return {
    table: 'problems-alone',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'measure',
    columns: ['occurrences', 'alone', 'ratio'],
    rows: [...PROBLEM_CODES.map((key, p) => row(key, counts[p], alone[p])), row('all', occurrences, single)],
    // A mention belongs to one problem and a single-problem record to one row: both columns add up.
    relations: ['occurrences', 'alone'].map((col) => columnRelation(PROBLEM_CODES, col, ref('all', col)))
  }
}

/**
 * Report 5.1.3: records naming both problems. The diagonal holds the records where the problem is
 * the only one (as in problems-alone), so that the table also shows what occurs without company.
 */
export function problemPairs ({ columns: c, selection }: TableInput): ExactTable {
  const hist = histogram(c, selection)
  const pairs = new Uint32Array(P * P)
  for (let mask = 1; mask < MASKS; mask++) {
    const n = hist[mask]
    if (n === 0) continue
    if (isSingle(mask)) {
      const p = 31 - Math.clz32(mask)
      pairs[p * P + p] += n
      continue
    }
    for (let a = 0; a < P; a++) {
      if ((mask & (1 << a)) === 0) continue
      for (let b = 0; b < P; b++) if (b !== a && (mask & (1 << b)) !== 0) pairs[a * P + b] += n
    }
  }
  return {
    table: 'problem-pairs',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'problem',
    columns: [...PROBLEM_CODES],
    rows: PROBLEM_CODES.map((key, a) => ({ key, cells: PROBLEM_CODES.map((col, b) => count(col, pairs[a * P + b])), total: null })),
    relations: [],
    notes: ['Off the diagonal: records with both problems. On the diagonal: records with that problem alone.']
  }
}

/** Diagram 5: the intervention groups of the records with each problem, as shares of the row. */
export function interventionsByProblem ({ columns: c, selection }: TableInput): ExactTable {
  const G = GROUP_CODES.length
  const { counts: byGroup } = problemCounts(histogram(c, selection, c.group, G), G, P)
  const counts = new Uint32Array(P * G)
  const totals = new Uint32Array(P)
  for (let p = 0; p < P; p++) {
    for (let g = 0; g < G; g++) {
      counts[p * G + g] = byGroup[g * P + p]
      totals[p] += byGroup[g * P + p]
    }
  }
  return {
    table: 'interventions-by-problem',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'intervention_group',
    columns: [...GROUP_CODES],
    rows: shareRows(PROBLEM_CODES, GROUP_CODES, counts, totals),
    relations: rowTotalRelations(PROBLEM_CODES, GROUP_CODES)
  }
}
