// The report's prose about the 2020 records (chapter 5 and 6.2), as checkable statements: which
// group is larger, which methods dominate where, what is "ungefär lika". The thresholds are this
// project's reading of the words; reference-figures.ts holds the printed numbers and calls
// checkProse() from checkReferenceFixture().
import { isCrisisSupportMethod } from '../src/domain/codes.js'
import { durationDays, interventionGroup } from '../src/domain/derived.js'
import type { SuxRecord } from '../src/domain/types.js'
import type { MunicipalityCode } from './reference-figures.js'

export const CRISIS_SUPPORT = 'Krisstöd vid orosanmälan om våld mot barn'

/** The report's prose, as checkable statements; thresholds are this file's reading of the words. */
export const TEXT = {
  // 5.1.2 / Diagram 2: share of the girls (boys) with a problem who have it, girls minus boys
  moreCommonForGirls: { family_relationship: 0.10, violence_abuse: 0.02 } as Record<string, number>,
  moreCommonForBoys: { parenting_deficits: 0.02, behaviour_problems: 0.02, own_substance_abuse: 0.02, own_criminality: 0.02 } as Record<string, number>,
  // 5.1.3: family relationship problems "anges ofta i kombination med psykisk ohälsa hos barnet"
  // (parenting deficits left out, as the report leaves it out of the analysis)
  familyRelationshipPartner: 'child_mental_health',
  // Diagram 5: manual methods (alone or with traditional) outnumber traditional only for these;
  // traditional only is the most common group for every other problem with at least 5 children
  manualDominates: ['violence_abuse', 'domestic_violence'],
  traditionalDominatesMinN: 5,
  // 5.2 after Diagram 5: "Framför allt handlar det här om krisstöd och Tryggare barn"
  violenceMethods: [CRISIS_SUPPORT, 'Tryggare barn'],
  // 5.2: Söderhamn has traditional only "något lägre", the combination "något vanligare"
  // (by at least this many percentage points against each other municipality) ...
  soderhamnGroupMargin: 3,
  // ... while the groups "skiljer sig inte märkvärt": no municipality's share further from the whole
  maxMunicipalityGroupGap: 12,
  // 5.2: the most used methods per municipality (each above every other method there)
  dominantMethods: {
    2182: [CRISIS_SUPPORT, 'Trygghetscirkeln'],
    2121: ['Tryggare barn'],
    2184: ['Bassamtal', 'Placeringssamtal']
  } as Record<MunicipalityCode, string[]>,
  // footnote 21: no crisis support in Hudiksvall, "men dock för Ovanåker"
  crisisSupportIn: ['2182', '2121'] as MunicipalityCode[],
  // footnote 32: "Placeringssamtal är en metod som används i Hudiksvall"
  placementTalksOnlyIn: '2184' as MunicipalityCode,
  // 5.3 / Diagram 7: goals met "ungefär lika" with traditional only and manual only (points apart)
  goalsMetTraditionalVsManualMaxGap: 3,
  // 5.3: the other reasons for traditional only are "ungefär lika vanligt": largest ≤ 1.5 × smallest
  traditionalOtherReasonsMaxRatio: 1.5,
  // 5.3: not matching needs is "relativt vanligt" for these problems (share of their cases)
  notMatchingCommonFor: ['parent_mental_health_or_id', 'own_criminality', 'behaviour_problems'],
  notMatchingCommonMinShare: 0.2,
  // 5.4: crisis support lasts "i regel ... högst några veckor": median of manual-only crisis cases
  crisisSupportMaxMedianDays: 42,
  // 5.4: Tryggare barn is shorter than traditional family treatment (median days)
  shorterThanTraditional: 'Tryggare barn',
  // 6.2: methods with family relationship problems or parental substance abuse are dominated by
  // Trygghetscirkeln and Bassamtal; "Jag och min familj" only where parents had substance abuse
  parentFocusedProblems: ['family_relationship', 'parent_substance_abuse'],
  parentFocusedMethods: ['Trygghetscirkeln', 'Bassamtal'],
  jagOchMinFamiljProblem: 'parent_substance_abuse'
}

/** Median as the report computes it, doubled so that it stays a whole number. */
export function twiceMedian (values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? 2 * s[mid] : s[mid - 1] + s[mid]
}

export function groupOf (r: SuxRecord): string {
  return interventionGroup(r)
}

export function duration (r: SuxRecord): number {
  return durationDays(r) ?? Number.NaN
}

/** How often each item occurs. */
export function tally (items: string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1)
  return m
}

/** True when every name in `top` is counted more often than every name outside it. */
export function leads (counts: Map<string, number>, top: string[]): boolean {
  const lowest = Math.min(...top.map((n) => counts.get(n) ?? 0))
  return lowest > 0 && [...counts].every(([n, c]) => top.includes(n) || c < lowest)
}

export interface Helpers {
  has: (p: string) => SuxRecord[]
  reason: (rs: SuxRecord[], c: string) => number
  withProblems: SuxRecord[]
  traditionalOnly: SuxRecord[]
  manualOnly: SuxRecord[]
  /** The problem codes, municipalities and intervention groups the report tabulates. */
  problems: string[]
  municipalities: string[]
  groups: string[]
}

type Expect = (what: string, actual: number | string | boolean, published: number | string | boolean) => void

/** Adds a mismatch to `expect` for each prose statement the records contradict. */
export function checkProse (records: SuxRecord[], expect: Expect, h: Helpers) {
  const T = TEXT
  const girls = h.withProblems.filter((r) => r.gender === 'girl')
  const boys = h.withProblems.filter((r) => r.gender === 'boy')
  const genderGap = (p: string) => girls.filter((r) => r.problems.includes(p)).length / girls.length -
    boys.filter((r) => r.problems.includes(p)).length / boys.length
  for (const [p, margin] of Object.entries(T.moreCommonForGirls)) expect(`Diagram 2 ${p} more common for girls`, genderGap(p) >= margin, true)
  for (const [p, margin] of Object.entries(T.moreCommonForBoys)) expect(`Diagram 2 ${p} more common for boys`, -genderGap(p) >= margin, true)

  const partners = tally(h.has('family_relationship').flatMap((r) => r.problems)
    .filter((p) => p !== 'family_relationship' && p !== 'parenting_deficits'))
  expect('5.1.3 family relationship most often with', leads(partners, [T.familyRelationshipPartner]), true)

  const groupCount = (rs: SuxRecord[], g: string) => rs.filter((r) => groupOf(r) === g).length
  for (const p of h.problems) {
    const rs = h.has(p)
    const trad = groupCount(rs, 'traditional_only')
    const man = groupCount(rs, 'manual_only')
    const bothN = groupCount(rs, 'traditional_and_manual')
    if (T.manualDominates.includes(p)) expect(`Diagram 5 ${p} mostly manual`, man + bothN > trad, true)
    else if (rs.length >= T.traditionalDominatesMinN) expect(`Diagram 5 ${p} mostly traditional only`, trad > man && trad > bothN, true)
  }
  const violence = records.filter((r) => T.manualDominates.some((p) => r.problems.includes(p)))
  expect('5.2 methods at violence', leads(tally(violence.flatMap((r) => r.manualMethods)), T.violenceMethods), true)

  const share = (m: string, g: string) => {
    const rs = records.filter((r) => r.municipality === m)
    return 100 * groupCount(rs, g) / rs.length
  }
  for (const m of h.municipalities) {
    for (const g of h.groups) {
      const whole = 100 * groupCount(records, g) / records.length
      expect(`5.2 ${m} ${g} share close to the whole`, Math.abs(share(m, g) - whole) <= T.maxMunicipalityGroupGap, true)
    }
    if (m === '2182') continue
    expect(`5.2 Söderhamn traditional only below ${m}`, share('2182', 'traditional_only') + T.soderhamnGroupMargin <= share(m, 'traditional_only'), true)
    expect(`5.2 Söderhamn combination above ${m}`, share('2182', 'traditional_and_manual') >= share(m, 'traditional_and_manual') + T.soderhamnGroupMargin, true)
  }
  for (const [m, top] of Object.entries(T.dominantMethods)) {
    const counts = tally(records.filter((r) => r.municipality === m).flatMap((r) => r.manualMethods))
    expect(`5.2 most used methods in ${m}`, leads(counts, top), true)
  }
  const crisisMunis = [...new Set(records.filter((r) => r.manualMethods.some(isCrisisSupportMethod)).map((r) => r.municipality))].sort()
  expect('footnote 21 crisis support municipalities', crisisMunis.join(','), [...T.crisisSupportIn].sort().join(','))
  const placement = [...new Set(records.filter((r) => r.manualMethods.includes('Placeringssamtal')).map((r) => r.municipality))]
  expect('footnote 32 Placeringssamtal municipalities', placement.join(','), T.placementTalksOnlyIn)

  const goalsShare = (rs: SuxRecord[]) => 100 * h.reason(rs, 'goals_met') / rs.length
  expect('Diagram 7 goals met about equal', Math.abs(goalsShare(h.traditionalOnly) - goalsShare(h.manualOnly)) <= T.goalsMetTraditionalVsManualMaxGap, true)
  const others = ['not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'other'].map((c) => h.reason(h.traditionalOnly, c))
  expect('Diagram 7 other reasons about equal with traditional only', Math.max(...others) <= T.traditionalOtherReasonsMaxRatio * Math.min(...others), true)
  for (const p of T.notMatchingCommonFor) {
    const rs = h.has(p)
    expect(`5.3 not matching needs common for ${p}`, h.reason(rs, 'not_matching_needs') / rs.length >= T.notMatchingCommonMinShare, true)
  }

  const crisisOnly = h.manualOnly.filter((r) => r.manualMethods.some(isCrisisSupportMethod))
  expect('5.4 crisis support median within weeks', twiceMedian(crisisOnly.map(duration)) / 2 <= T.crisisSupportMaxMedianDays, true)
  const shorter = records.filter((r) => r.manualMethods.includes(T.shorterThanTraditional)).map(duration)
  expect(`5.4 ${T.shorterThanTraditional} shorter than traditional`, twiceMedian(shorter) < twiceMedian(h.traditionalOnly.map(duration)), true)

  const parentFocused = records.filter((r) => T.parentFocusedProblems.some((p) => r.problems.includes(p)))
  expect('6.2 methods at relationship problems or parental abuse', leads(tally(parentFocused.flatMap((r) => r.manualMethods)), T.parentFocusedMethods), true)
  expect('6.2 Jag och min familj only at parental abuse',
    records.every((r) => !r.manualMethods.includes('Jag och min familj') || r.problems.includes(T.jagOchMinFamiljProblem)), true)
}
