// Stage 2 of the reference fixture: municipality and gender, previously known, interventions with
// their manual methods, and closure reason for each of the 214 problem sets. Each is a column whose
// values are dealt out with the published totals (Tabell 1, Tabell 3, Diagram 4 with Tabell 2,
// Diagram 6) and annealed by swapping two records' values, so the totals never change; the cost
// counts the cross-tabulated figures (Diagrams 2, 5, 7, report 5.2–5.5, 6.2) still missed.
import { anneal, countsPrintingAs, leadGap, outside, shuffle, type Rng } from './reference-anneal.js'
import {
  CLOSURE_AGES, groupDurations, intersect, METHOD_AGES, METHOD_PROBLEMS, MUNICIPALITY_AGES, PROBLEM_AGES, problemDurations, PROBLEMS, type Range
} from './reference-domains.js'
import { CRISIS_SUPPORT, PUBLISHED, TEXT, type Group, type MunicipalityCode } from './reference-figures.js'

export interface Categories {
  municipality: MunicipalityCode
  gender: 'girl' | 'boy'
  previouslyKnown: string
  group: Group
  methods: string[]
  closureReason: string
}

// The method lists of the 88 cases with a manual method (the generator's choice): they give
// Tabell 2's counts, 25 combined with traditional treatment and 63 alone (Diagram 4).
const TRYGGHETSCIRKELN = 'Trygghetscirkeln'
const WITH_TRADITIONAL: Array<[number, string[]]> = [
  [3, [CRISIS_SUPPORT]], [6, [TRYGGHETSCIRKELN]], [1, [TRYGGHETSCIRKELN, 'Marte meo']], [3, ['Bassamtal']],
  [2, ['Tryggare barn']], [2, ['Placeringssamtal']], [1, ['Placeringssamtal', 'Hemflyttssamtal efter placering']],
  [1, ['Jag och min familj']], [2, ['IHF']], [1, ['Marte meo']], [1, ['PYC']], [1, ['KIBB']], [1, ['A-CRA', 'Återfallsprevention']]
]
const MANUAL_ONLY: Array<[number, string[]]> = [
  [20, [CRISIS_SUPPORT]], [1, [CRISIS_SUPPORT, 'Tryggare barn']], [8, ['Tryggare barn']], [11, [TRYGGHETSCIRKELN]],
  [1, [TRYGGHETSCIRKELN, 'PYC']], [6, ['Bassamtal']], [1, ['Bassamtal', 'Samarbetssamtal']], [1, ['Bassamtal', 'Föräldraplan']],
  [2, ['Samarbetssamtal']], [1, ['Föräldraplan']], [1, ['Placeringssamtal']], [1, ['Hemflyttssamtal efter placering']],
  [1, ['Jag och min familj']], [1, ['IHF']], [1, ['Marte meo']], [1, ['PYC']], [1, ['KIBB']], [1, ['A-CRA']],
  [2, ['Påverkansprogrammet']], [1, ['Återfallsprevention']]
]

// Diagram 6: goals met 60 %, guardian 17 %, not matching 11 % of 214 (128, 36, 23 print so);
// the remaining 27 split between the child's initiative and other reasons (the generator's choice).
export const CLOSURE_COUNTS: Record<string, number> = {
  goals_met: 128, discontinued_by_guardian: 36, not_matching_needs: 23, discontinued_by_child: 13, other: 14
}
const REASONS = Object.keys(CLOSURE_COUNTS)
const GROUPS: Group[] = ['traditional_only', 'manual_only', 'traditional_and_manual']
const MUNIS = Object.keys(PUBLISHED.municipalities) as MunicipalityCode[]
const METHODS = Object.keys(PUBLISHED.manualMethods)
const PKS = Object.keys(PUBLISHED.previouslyKnown)

interface Intervention { group: Group, methods: string[] }

const deal = <T>(items: Array<[number, T]>): T[] => items.flatMap(([n, v]) => Array.from({ length: n }, () => v))

/** Per cent counts within `points` of `printed` (the 5.5 shares that cannot print exactly, see reference-figures.ts). */
function countsWithin (printed: number, n: number, points: number): Range {
  const ks = Array.from({ length: n + 1 }, (_, k) => k).filter((k) => Math.abs(100 * k / n - printed) <= points)
  return [ks[0], ks[ks.length - 1]]
}

/** Whether a record's problems, methods, municipality and closure leave a plausible age and duration. */
interface Fit { broken: number, ageFrom0: boolean, ageToMax: boolean, minMet: string[], maxMet: string[] }

function fit (problems: string[], iv: Intervention, municipality: MunicipalityCode, reason: string): Fit {
  let broken = iv.methods.filter((m) => !METHOD_PROBLEMS[m].some((p) => problems.includes(p))).length
  const ages = intersect([MUNICIPALITY_AGES[municipality], CLOSURE_AGES[reason] ?? [0, 20],
    ...problems.map((p) => PROBLEM_AGES[p]), ...iv.methods.map((m) => METHOD_AGES[m])])
  const days = intersect([groupDurations(iv.group, iv.methods), ...problems.map(problemDurations)])
  if (ages[0] > ages[1]) broken++
  if (days[0] > days[1]) broken++
  return {
    broken,
    ageFrom0: ages[0] === 0,
    ageToMax: ages[1] === MUNICIPALITY_AGES[municipality][1],
    minMet: problems.filter((p) => problemDurations(p)[0] === days[0]),
    maxMet: problems.filter((p) => problemDurations(p)[1] === days[1])
  }
}

/** A state in indices: one entry per record and column, and the lookups to read it. */
interface State {
  problems: number[][]
  violence: boolean[]
  parents: boolean[]
  mg: Array<[number, number]>
  pk: number[]
  iv: Array<{ group: number, methods: number[], key: number }>
  cr: number[]
  fits: (i: number) => Fit
}

const index = <T>(items: readonly T[]) => new Map(items.map((x, i) => [x, i]))
const P = index(PROBLEMS)
const M = index(MUNIS)
const G = index(GROUPS)
const R = index(REASONS)
const K = index(PKS)
const METHOD = index(METHODS)
const GIRL = 0
const BOY = 1
const GOALS = R.get('goals_met')!
const NOT_MATCHING = R.get('not_matching_needs')!
const GUARDIAN = R.get('discontinued_by_guardian')!
const [TRAD, MANUAL, BOTH] = [0, 1, 2]

/** The figures still missed, each added to `add` by name (the sum is 0 when all are reproduced). */
function gaps (s: State, add: (name: string, gap: number) => void) {
  const nP = PROBLEMS.length
  const nM = METHODS.length
  const groupReason = new Int32Array(GROUPS.length * REASONS.length)
  const groupN = new Int32Array(GROUPS.length)
  const problemN = new Int32Array(nP)
  const problemGroup = new Int32Array(nP * GROUPS.length)
  const problemReason = new Int32Array(nP * REASONS.length)
  const problemGender = new Int32Array(nP * 2)
  const genderN = new Int32Array(2)
  const muniN = new Int32Array(MUNIS.length)
  const muniGroup = new Int32Array(MUNIS.length * GROUPS.length)
  const violenceMethods = new Int32Array(nM)
  const parentMethods = new Int32Array(nM)
  const muniMethods = new Int32Array(MUNIS.length * nM)
  const tradByPk = new Int32Array(PKS.length)
  const minMet = new Set<string>()
  const maxMet = new Set<string>()
  const ageFrom0 = new Int32Array(MUNIS.length)
  const ageToMax = new Int32Array(MUNIS.length)
  let implausible = 0
  for (let i = 0; i < s.problems.length; i++) {
    const [m, gender] = s.mg[i]
    const { group, methods } = s.iv[i]
    const reason = s.cr[i]
    const f = s.fits(i)
    implausible += f.broken
    if (f.ageFrom0) ageFrom0[m]++
    if (f.ageToMax) ageToMax[m]++
    for (const p of f.minMet) minMet.add(p)
    for (const p of f.maxMet) maxMet.add(p)
    groupN[group]++
    groupReason[group * REASONS.length + reason]++
    muniN[m]++
    muniGroup[m * GROUPS.length + group]++
    if (group === TRAD) tradByPk[s.pk[i]]++
    const ps = s.problems[i]
    if (ps.length > 0) genderN[gender]++
    for (const p of ps) {
      problemN[p]++
      problemGroup[p * GROUPS.length + group]++
      problemReason[p * REASONS.length + reason]++
      problemGender[p * 2 + gender]++
    }
    for (const x of methods) {
      if (s.violence[i]) violenceMethods[x]++
      if (s.parents[i]) parentMethods[x]++
      muniMethods[m * nM + x]++
    }
  }
  add('age, duration or method implausible', implausible)
  const gr = (g: number, r: number) => groupReason[g * REASONS.length + r]
  const pr = (p: string, r: number) => problemReason[P.get(p)! * REASONS.length + r]
  const counts = (a: Int32Array, from = 0) => new Map(METHODS.map((x, j) => [x, a[from + j]]))

  // Diagram 7 and 5.3
  add('Diagram 7 combination goals met', outside(gr(BOTH, GOALS), countsPrintingAs(PUBLISHED.goalsMetShareTraditionalAndManual, groupN[BOTH])))
  add('Diagram 7 manual only by guardian', outside(gr(MANUAL, GUARDIAN), countsPrintingAs(PUBLISHED.guardianShareManualOnly, groupN[MANUAL])))
  add('5.3 relationship problems by guardian', outside(pr('family_relationship', GUARDIAN),
    countsPrintingAs(PUBLISHED.guardianShareFamilyRelationship, problemN[P.get('family_relationship')!])))
  const goals = (g: number) => 100 * gr(g, GOALS) / groupN[g]
  add('Diagram 7 goals met about equal', Math.max(0, Math.abs(goals(TRAD) - goals(MANUAL)) - TEXT.goalsMetTraditionalVsManualMaxGap + 0.1))
  const others = REASONS.map((_, r) => gr(TRAD, r)).filter((_, r) => r !== GOALS)
  add('Diagram 7 other reasons about equal', Math.max(0, Math.max(...others) - TEXT.traditionalOtherReasonsMaxRatio * Math.min(...others)))
  for (const p of TEXT.notMatchingCommonFor) {
    add(`5.3 not matching common for ${p}`, Math.max(0, Math.ceil(TEXT.notMatchingCommonMinShare * problemN[P.get(p)!]) - pr(p, NOT_MATCHING)))
  }
  // 5.5 text
  for (const [k, j] of K) {
    const n = PUBLISHED.previouslyKnown[k].n
    const printed = PUBLISHED.traditionalOnlyShareByPreviouslyKnown[k]
    add(`5.5 traditional only, ${k}`, outside(tradByPk[j], k === 'no' ? countsPrintingAs(printed, n) : countsWithin(printed, n, 1)))
  }
  // Diagram 2
  const genderGap = (p: string) => problemGender[P.get(p)! * 2 + GIRL] / genderN[GIRL] - problemGender[P.get(p)! * 2 + BOY] / genderN[BOY]
  for (const [p, margin] of Object.entries(TEXT.moreCommonForGirls)) add(`Diagram 2 ${p}`, 100 * Math.max(0, margin + 0.002 - genderGap(p)))
  for (const [p, margin] of Object.entries(TEXT.moreCommonForBoys)) add(`Diagram 2 ${p}`, 100 * Math.max(0, margin + 0.002 + genderGap(p)))
  // Diagram 5
  for (const [p, j] of P) {
    const [trad, man, both] = [TRAD, MANUAL, BOTH].map((g) => problemGroup[j * GROUPS.length + g])
    if (TEXT.manualDominates.includes(p)) add(`Diagram 5 ${p}`, Math.max(0, trad + 1 - man - both))
    else if (problemN[j] >= TEXT.traditionalDominatesMinN) add(`Diagram 5 ${p}`, Math.max(0, man + 1 - trad) + Math.max(0, both + 1 - trad))
  }
  // 5.2 and 6.2: methods at violence, at relationship problems or parental abuse, per municipality
  add('5.2 methods at violence', leadGap(counts(violenceMethods), TEXT.violenceMethods))
  add('6.2 methods at relationship problems or parental abuse', leadGap(counts(parentMethods), TEXT.parentFocusedMethods))
  const share = (m: number, g: number) => 100 * muniGroup[m * GROUPS.length + g] / muniN[m]
  for (const [code, m] of M) {
    const here = counts(muniMethods, m * nM)
    add(`5.2 methods in ${code}`, leadGap(here, TEXT.dominantMethods[code]))
    const crisis = here.get(CRISIS_SUPPORT)!
    add(`footnote 21 crisis support in ${code}`, TEXT.crisisSupportIn.includes(code) ? Math.max(0, 1 - crisis) : crisis)
    if (code !== TEXT.placementTalksOnlyIn) add('footnote 32 Placeringssamtal', here.get('Placeringssamtal')!)
    if (ageFrom0[m] === 0 || ageToMax[m] === 0) add(`Tabell 1 ages in ${code} cannot reach min and max`, 1)
    for (const g of [TRAD, MANUAL, BOTH]) {
      const gap = Math.abs(share(m, g) - 100 * groupN[g] / s.problems.length)
      add(`Diagram 4 ${code} ${GROUPS[g]} close to the whole`, Math.max(0, gap - TEXT.maxMunicipalityGroupGap))
    }
    if (code === '2182') continue
    add('5.2 Söderhamn less traditional only', Math.max(0, share(M.get('2182')!, TRAD) + TEXT.soderhamnGroupMargin + 0.1 - share(m, TRAD)))
    add('5.2 Söderhamn more combination', Math.max(0, share(m, BOTH) + TEXT.soderhamnGroupMargin + 0.1 - share(M.get('2182')!, BOTH)))
  }
  // Tabell X.2's extremes need a record that can take them
  add('Tabell X.2 extremes out of reach', 2 * PROBLEMS.length - minMet.size - maxMet.size)
}

/** Deals the columns out and anneals them; throws when a figure is still missed. */
export function categories (random: Rng, problems: string[][]): Categories[] {
  const n = problems.length
  const mg = shuffle(random, MUNIS.flatMap((m) => deal<[number, number]>([
    [PUBLISHED.municipalities[m].girls, [M.get(m)!, GIRL]], [PUBLISHED.municipalities[m].boys, [M.get(m)!, BOY]]])))
  const pk = shuffle(random, deal(PKS.map((k, j) => [PUBLISHED.previouslyKnown[k].n, j])))
  const lists: Array<[number, Intervention]> = [
    ...WITH_TRADITIONAL.map(([c, methods]): [number, Intervention] => [c, { group: 'traditional_and_manual', methods }]),
    ...MANUAL_ONLY.map(([c, methods]): [number, Intervention] => [c, { group: 'manual_only', methods }])]
  lists.push([n - lists.reduce((a, [c]) => a + c, 0), { group: 'traditional_only', methods: [] }])
  const interventions = lists.map(([, x]) => x)
  const iv = shuffle(random, deal(lists.map(([c, x], key) => [c, { group: G.get(x.group)!, methods: x.methods.map((m) => METHOD.get(m)!), key }])))
  const cr = shuffle(random, deal(REASONS.map((r, j) => [CLOSURE_COUNTS[r], j])))
  const columns: unknown[][] = [mg, pk, iv, cr]
  if (columns.some((c) => c.length !== n)) throw new Error('a column does not hold one value per record')

  // fit() depends on the problems, the intervention, the municipality and the closure only: cache it
  const fitCache: Fit[] = []
  const fits = (i: number) => {
    const key = ((i * lists.length + iv[i].key) * MUNIS.length + mg[i][0]) * REASONS.length + cr[i]
    return fitCache[key] ??= fit(problems[i], interventions[iv[i].key], MUNIS[mg[i][0]], REASONS[cr[i]])
  }
  const state: State = {
    problems: problems.map((ps) => ps.map((p) => P.get(p)!)),
    violence: problems.map((ps) => TEXT.manualDominates.some((p) => ps.includes(p))),
    parents: problems.map((ps) => TEXT.parentFocusedProblems.some((p) => ps.includes(p))),
    mg, pk, iv, cr, fits
  }
  const total = () => {
    let sum = 0
    gaps(state, (_, gap) => { sum += gap })
    return sum
  }
  anneal(random, {
    iterations: 300_000,
    from: 2,
    to: 0.02,
    cost: total,
    propose: () => {
      const column = columns[Math.floor(random() * columns.length)]
      const a = Math.floor(random() * n)
      const b = Math.floor(random() * n)
      if (column[a] === column[b]) return null
      const swap = () => { [column[a], column[b]] = [column[b], column[a]] }
      swap()
      return swap
    }
  })
  const missed: Record<string, number> = {}
  gaps(state, (name, gap) => { if (gap > 0) missed[name] = (missed[name] ?? 0) + gap })
  if (Object.keys(missed).length > 0) throw new Error(`categories: still missed ${JSON.stringify(missed)}`)
  return problems.map((_, i) => ({
    municipality: MUNIS[mg[i][0]],
    gender: mg[i][1] === GIRL ? 'girl' : 'boy',
    previouslyKnown: PKS[pk[i]],
    group: GROUPS[iv[i].group],
    methods: iv[i].methods.map((m) => METHODS[m]),
    closureReason: REASONS[cr[i]]
  }))
}
