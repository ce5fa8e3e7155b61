import { GENDER_CODES, GROUP_CODES, PROBLEM_CODES, type Columns } from './columns.js'
import { columnRelation, keyedCount, populationKeys, ref, rowTotalRelations, shareRows, sumKeys, value } from './cells.js'
import type { TableInput } from './context.js'
import { maskHistogram, maskKeyHistogram, problemCounts } from './kernels.js'
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

/** The same histogram of key sums (cell key method); problemCounts reads it as it reads counts. */
const keyHistogram = (c: Columns, selection: Uint32Array, keys: Uint32Array, by: Uint16Array | null = null, groups = 1): Uint32Array =>
  maskKeyHistogram(selection, c.problems, by, groups, MASKS, keys)

const isSingle = (mask: number): boolean => (mask & (mask - 1)) === 0

export function problems ({ columns: c, selection, keys }: TableInput): ExactTable {
  const { counts, withAny } = problemCounts(histogram(c, selection), 1, P)
  const k = keys && problemCounts(keyHistogram(c, selection, keys), 1, P)
  return {
    table: 'problems',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'measure',
    columns: ['children'],
    rows: PROBLEM_CODES.map((key, p) => ({
      key,
      cells: [keyedCount('children', counts[p], withAny[0], k && { sum: k.counts[p], denominator: k.withAny[0] })],
      total: null
    })),
    relations: [],
    notes: ['Shares are of the children with at least one problem; a child may have up to three.'],
    ...populationKeys(selection, keys)
  }
}

export function problemsByGender ({ columns: c, selection, keys }: TableInput): ExactTable {
  const G = GENDER_CODES.length
  const { counts, withAny } = problemCounts(histogram(c, selection, c.gender, G), G, P)
  const k = keys && problemCounts(keyHistogram(c, selection, keys, c.gender, G), G, P)
  return {
    table: 'problems-by-gender',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'gender',
    columns: [...GENDER_CODES],
    rows: PROBLEM_CODES.map((key, p) => ({
      key,
      cells: GENDER_CODES.map((g, i) => keyedCount(g, counts[i * P + p], withAny[i], k && { sum: k.counts[i * P + p], denominator: k.withAny[i] })),
      total: null
    })),
    relations: [],
    notes: ['Shares are of the children of that gender with at least one problem.'],
    ...populationKeys(selection, keys)
  }
}

/**
 * Bilaga 3 X.1: how often each problem is named, how often it is a record's only problem, and
 * their ratio; the `all` row holds every mention (426) and every single-problem record (64).
 */
/** Per problem, the records (or key sums) where it is the only one: the single-bit masks. */
function aloneOf (hist: Uint32Array): Uint32Array {
  const alone = new Uint32Array(P)
  for (let p = 0; p < P; p++) alone[p] = hist[1 << p]
  return alone
}

export function problemsAlone ({ columns: c, selection, keys }: TableInput): ExactTable {
  const hist = histogram(c, selection)
  const { counts } = problemCounts(hist, 1, P)
  const alone = aloneOf(hist)
  const occurrences = counts.reduce((a, b) => a + b, 0)
  const single = alone.reduce((a, b) => a + b, 0)
  const keyHist = keys && keyHistogram(c, selection, keys)
  // A mention's key counts once per mention, as the mention does.
  const k = keyHist && { counts: problemCounts(keyHist, 1, P).counts, alone: aloneOf(keyHist) }
  const row = (key: string, occ: number, only: number, keySums?: { occ: number, only: number }) => ({
    key,
    cells: [
      keyedCount('occurrences', occ, null, keySums && { sum: keySums.occ }),
      keyedCount('alone', only, null, keySums && { sum: keySums.only }),
      { ...value('ratio', only / occ, occ), ratio: { numerator: 'alone', denominator: 'occurrences' } }
    ],
    total: null
  })
  return {
    table: 'problems-alone',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'measure',
    columns: ['occurrences', 'alone', 'ratio'],
    rows: [
      ...PROBLEM_CODES.map((key, p) => row(key, counts[p], alone[p], k ? { occ: k.counts[p], only: k.alone[p] } : undefined)),
      row('all', occurrences, single, k ? { occ: sumKeys(k.counts), only: sumKeys(k.alone) } : undefined)
    ],
    // A mention belongs to one problem and a single-problem record to one row: both columns add up.
    relations: ['occurrences', 'alone'].map((col) => columnRelation(PROBLEM_CODES, col, ref('all', col))),
    ...populationKeys(selection, keys)
  }
}

/**
 * Report 5.1.3: records naming both problems. The diagonal holds the records where the problem is
 * the only one (as in problems-alone), so that the table also shows what occurs without company.
 */
/** Pair counts from a mask histogram; from a key histogram, their key sums (the additions wrap alike). */
function pairsOf (hist: Uint32Array): Uint32Array {
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
  return pairs
}

export function problemPairs ({ columns: c, selection, keys }: TableInput): ExactTable {
  const pairs = pairsOf(histogram(c, selection))
  const keyPairs = keys && pairsOf(keyHistogram(c, selection, keys))
  return {
    table: 'problem-pairs',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'problem',
    columns: [...PROBLEM_CODES],
    rows: PROBLEM_CODES.map((key, a) => ({
      key,
      cells: PROBLEM_CODES.map((col, b) => keyedCount(col, pairs[a * P + b], null, keyPairs && { sum: keyPairs[a * P + b] })),
      total: null
    })),
    relations: [],
    notes: ['Off the diagonal: records with both problems. On the diagonal: records with that problem alone.'],
    ...populationKeys(selection, keys)
  }
}

/** Diagram 5: the intervention groups of the records with each problem, as shares of the row. */
/** Problem × intervention group from per-group problem counts (or key sums). */
function problemByGroup (byGroup: Uint32Array, G: number) {
  const counts = new Uint32Array(P * G)
  const totals = new Uint32Array(P)
  for (let p = 0; p < P; p++) {
    for (let g = 0; g < G; g++) {
      counts[p * G + g] = byGroup[g * P + p]
      totals[p] += byGroup[g * P + p]
    }
  }
  return { counts, totals }
}

export function interventionsByProblem ({ columns: c, selection, keys }: TableInput): ExactTable {
  const G = GROUP_CODES.length
  const { counts, totals } = problemByGroup(problemCounts(histogram(c, selection, c.group, G), G, P).counts, G)
  const keySums = keys ? problemByGroup(problemCounts(keyHistogram(c, selection, keys, c.group, G), G, P).counts, G) : undefined
  return {
    table: 'interventions-by-problem',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'intervention_group',
    columns: [...GROUP_CODES],
    rows: shareRows(PROBLEM_CODES, GROUP_CODES, counts, totals, keySums),
    relations: rowTotalRelations(PROBLEM_CODES, GROUP_CODES),
    ...populationKeys(selection, keys)
  }
}
