import { PTABLE_DENOMINATOR, ptableRow } from '../../../src/domain/stats/ptable.js'
import type { ExactTable, PublishedTable } from '../../../src/domain/stats/types.js'
import type { SuxRecord } from '../../../src/domain/types.js'
import { record } from './fixtures.js'
import { prng } from './protect-helpers.js'

// Random record sets with random keys for the cell key tests, and the probabilities of the
// perturbation table written out from its rows, independently of noiseFor.

export const label = (kind: string, key: string): string => `${kind}:${key}`

const PROBLEMS = ['violence_abuse', 'domestic_violence', 'family_relationship', 'parenting_deficits', 'parent_mental_health',
  'child_mental_health', 'behaviour_problems', 'school_problems', 'own_substance_abuse']
const CLOSURES = ['goals_met', 'goals_met', 'goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'other']
const BACKGROUNDS = ['born_se_both_parents_se', 'born_se_both_parents_se', 'born_se_one_parent_abroad', 'born_europe', 'born_outside_europe', 'unknown']
const METHODS = ['Tryggare barn', 'Trygghetscirkeln', 'Bassamtal', 'I Stunden', 'Egen metod']
export const MUNICIPALITIES = ['2184', '2182', '2121', '2180']

export interface KeyedRecord { id: number, record: SuxRecord, key: number }

export interface RecordOptions {
  years?: number[]
  /** Probability of gender `other` (rare by default, as in the data). */
  other?: number
  firstId?: number
}

/** `n` records over the given years (2021 form; some 2020 ones in 2020), each with a uniform key in [0, 2^31). */
export function keyedRecords (n: number, seed: number, opts: RecordOptions = {}): KeyedRecord[] {
  const random = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]
  const years = opts.years ?? [2021]
  const other = opts.other ?? 0.05
  return Array.from({ length: n }, (_, i) => {
    const year = pick(years)
    const v2020 = year === 2020 && random() < 0.5
    const never = !v2020 && random() < 0.08
    const problems = [...new Set([pick(PROBLEMS), pick(PROBLEMS), pick(PROBLEMS)].slice(0, (v2020 ? 0 : 1) + Math.floor(random() * 3)))]
      .map((p) => (v2020 && p === 'parent_mental_health' ? 'parent_mental_health_or_id' : p))
    const manual = !never && random() < 0.4 ? [pick(METHODS)] : []
    const interventions = never
      ? []
      : v2020
        ? [...(random() < 0.6 ? ['traditional_family_treatment'] : []), ...(manual.length > 0 ? ['manual_method'] : [])]
        : [...(random() < 0.6 ? ['traditional_family_treatment'] : []), ...(manual.length > 0 ? ['other_manual_method'] : [])]
    const month = 1 + Math.floor(random() * 12)
    const id = (opts.firstId ?? 1) + i
    const r = random()
    return {
      id,
      key: Math.floor(random() * 2 ** 31),
      record: record({
        caseRef: `K${id}`,
        formVersion: v2020 ? '2020' : '2021',
        municipality: pick(MUNICIPALITIES),
        ageAtReferral: Math.floor(random() * 21),
        gender: r < other ? 'other' : r < (1 + other) / 2 ? 'girl' : 'boy',
        background: v2020 ? null : pick(BACKGROUNDS),
        previouslyKnown: pick(['no', 'no', 'once', 'several', 'unknown']),
        problems,
        interventions: interventions.length === 0 && !never ? (v2020 ? ['traditional_family_treatment'] : ['other_non_manual']) : interventions,
        manualMethods: manual,
        referralDate: `${year - 1}-06-01`,
        startDate: never ? null : `${year - 1}-${String(7 + Math.floor(random() * 6)).padStart(2, '0')}-01`,
        closingDate: `${year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
        closureReason: never ? 'never_started' : pick(CLOSURES)
      })
    }
  })
}

/** P(noise = v) for a true count, from the rows of the table (0 stays 0). */
export function noiseProbability (count: number, v: number): number {
  if (count === 0) return v === 0 ? 1 : 0
  const row = ptableRow(count)
  const i = row.noise.indexOf(v)
  return i < 0 ? 0 : row.weights[i] / PTABLE_DENOMINATOR
}

export const NOISES = [-2, -1, 0, 1, 2]

/**
 * The chance that subtracting two published counts (true a and b, independent cell keys) gives the
 * true difference: both noises equal, and neither count published as "≤4" (which hides its value).
 */
export function revealProbability (a: number, b: number, threshold: number): number {
  const shown = (n: number): boolean => n === 0 || n >= threshold
  let p = 0
  for (const v of NOISES) {
    if (shown(a + v) && shown(b + v)) p += noiseProbability(a, v) * noiseProbability(b, v)
  }
  return p
}

/** Every count a published table shows as a number: cells, totals and the population, by "row/column". */
export function publishedCounts (p: PublishedTable): Map<string, number | null> {
  const out = new Map<string, number | null>()
  out.set('population', p.population)
  for (const row of p.rows) {
    for (const c of row.cells) if ('count' in c) out.set(`${row.key}/${c.column}`, c.count ?? null)
    if ('total' in row) out.set(`${row.key}/total`, row.total ?? null)
  }
  return out
}

/** The true counts of an exact table, keyed as publishedCounts keys them. */
export function exactCounts (t: ExactTable): Map<string, number> {
  const out = new Map<string, number>()
  out.set('population', t.population)
  for (const row of t.rows) {
    for (const c of row.cells) if (c.kind === 'count') out.set(`${row.key}/${c.column}`, c.count)
    if (row.total !== null) out.set(`${row.key}/total`, row.total)
  }
  return out
}
