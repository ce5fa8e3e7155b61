// Stage 1 of the reference fixture: the problem sets of the 214 records. Tabell X.1 fixes how
// often each problem occurs and how often alone; with 213 children and 426 occurrences that also
// fixes how many children have two problems and how many three. Which problems go together is
// annealed: plausible pairs (AFFINITY), and every set must leave room for the durations and
// extremes of Tabell X.2.
import { anneal, shuffle, type Rng } from './reference-anneal.js'
import { affinity, intersect, problemDurations, PROBLEMS } from './reference-domains.js'
import { PUBLISHED, TEXT } from './reference-figures.js'

const durationRange = (set: string[]) => intersect(set.map(problemDurations))
const FAMILY = 'family_relationship'
const IGNORED_PARTNERS = [FAMILY, 'parenting_deficits']

/** What one problem set adds to the rules and to plausibility. */
interface Summary {
  broken: number
  affinity: number
  /** Problems whose Tabell X.2 minimum (maximum) this set's other problems allow. */
  minMet: string[]
  maxMet: string[]
  /** Partners of a relationship problem, as 5.1.3 counts them. */
  partners: string[]
}

function summarize (s: string[]): Summary {
  const [lo, hi] = durationRange(s)
  let a = 0
  for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) a += affinity(s[i], s[j])
  return {
    broken: (new Set(s).size !== s.length ? 1 : 0) + (lo > hi ? 1 : 0),
    affinity: a,
    minMet: s.filter((p) => problemDurations(p)[0] === lo),
    maxMet: s.filter((p) => problemDurations(p)[1] === hi),
    partners: s.includes(FAMILY) ? s.filter((p) => !IGNORED_PARTNERS.includes(p)) : []
  }
}

/** Running totals over all sets, updated one set at a time. */
class Totals {
  broken = 0
  affinity = 0
  minMet = new Map<string, number>()
  maxMet = new Map<string, number>()
  partners = new Map<string, number>()

  add (x: Summary, sign: 1 | -1) {
    this.broken += sign * x.broken
    this.affinity += sign * x.affinity
    const bump = (m: Map<string, number>, keys: string[]) => { for (const k of keys) m.set(k, (m.get(k) ?? 0) + sign) }
    bump(this.minMet, x.minMet)
    bump(this.maxMet, x.maxMet)
    bump(this.partners, x.partners)
  }

  /** Rules still broken (0 when the sets keep them all). */
  rules (): number {
    let n = this.broken
    // Tabell X.2's minimum and maximum need a record whose other problems allow them
    for (const p of PROBLEMS) n += ((this.minMet.get(p) ?? 0) > 0 ? 0 : 1) + ((this.maxMet.get(p) ?? 0) > 0 ? 0 : 1)
    // 5.1.3: relationship problems go most often with the child's mental ill-health
    const wanted = this.partners.get(TEXT.familyRelationshipPartner) ?? 0
    for (const [p, c] of this.partners) if (p !== TEXT.familyRelationshipPartner) n += Math.max(0, c + 1 - wanted)
    return n
  }
}

/** 214 problem lists: 64 single problems, the pairs and triples, and one record without problems. */
export function problemSets (random: Rng): string[][] {
  const singles: string[][] = []
  const pool: string[] = []
  for (const [p, x] of Object.entries(PUBLISHED.problemsAlone)) {
    for (let i = 0; i < x.alone; i++) singles.push([p])
    for (let i = 0; i < x.occurrences - x.alone; i++) pool.push(p)
  }
  const children = PUBLISHED.childrenWithProblems - singles.length
  const triples = pool.length - 2 * children
  shuffle(random, pool)
  const sets: string[][] = []
  for (let i = 0, k = 0; i < children; i++) {
    const size = i < triples ? 3 : 2
    sets.push(pool.slice(k, k + size))
    k += size
  }
  const all = [...singles, ...sets]
  const summaries = all.map(summarize)
  const totals = new Totals()
  for (const x of summaries) totals.add(x, 1)
  const first = singles.length
  const swap = (a: number, i: number, b: number, j: number) => {
    totals.add(summaries[a], -1)
    totals.add(summaries[b], -1)
    ;[all[a][i], all[b][j]] = [all[b][j], all[a][i]]
    summaries[a] = summarize(all[a])
    summaries[b] = summarize(all[b])
    totals.add(summaries[a], 1)
    totals.add(summaries[b], 1)
  }
  anneal(random, {
    iterations: 200_000,
    from: 3,
    to: 0.8,
    stopAt: -Infinity,
    cost: () => 1000 * totals.rules() - totals.affinity,
    propose: () => {
      const a = first + Math.floor(random() * sets.length)
      const b = first + Math.floor(random() * sets.length)
      const i = Math.floor(random() * all[a].length)
      const j = Math.floor(random() * all[b].length)
      if (a === b || all[a][i] === all[b][j]) return null
      swap(a, i, b, j)
      return () => swap(a, i, b, j)
    }
  })
  if (totals.rules() > 0) throw new Error(`problem sets: ${totals.rules()} rules still broken`)
  // footnote 23: one of the 214 records has no problems
  return [...all, []]
}
