// What makes a synthetic SU-X record plausible, beyond the published figures: which ages and
// durations a problem or method allows, which problems a method is used for, which problems tend
// to be named together. These are the generator's assumptions (from Bilaga 2's definitions and
// the report's prose), not published figures.
import { CRISIS_SUPPORT, PUBLISHED, type Group, type MunicipalityCode } from './reference-figures.js'

export type Range = [number, number]

export const PROBLEMS = Object.keys(PUBLISHED.problemsAlone)

/** Ages at referral a problem is plausible for. */
export const PROBLEM_AGES: Record<string, Range> = {
  violence_abuse: [0, 17],
  domestic_violence: [0, 17],
  honour_violence: [10, 19],
  family_relationship: [0, 19],
  parenting_deficits: [0, 17],
  parent_mental_health_or_id: [0, 17],
  parent_substance_abuse: [0, 17],
  child_mental_health: [4, 19],
  behaviour_problems: [3, 19],
  school_problems: [6, 19],
  own_criminality: [12, 19],
  own_substance_abuse: [12, 19]
}

/** Ages at referral a method is made for (e.g. PYC and Marte meo for small children, A-CRA for youths). */
export const METHOD_AGES: Record<string, Range> = {
  'A-CRA': [12, 19],
  Bassamtal: [0, 17],
  Föräldraplan: [0, 17],
  'Hemflyttssamtal efter placering': [3, 19],
  IHF: [6, 19],
  'Jag och min familj': [6, 17],
  KIBB: [3, 17],
  [CRISIS_SUPPORT]: [0, 17],
  'Marte meo': [0, 8],
  Placeringssamtal: [3, 19],
  PYC: [0, 8],
  Påverkansprogrammet: [12, 19],
  Samarbetssamtal: [0, 17],
  'Tryggare barn': [0, 15],
  Trygghetscirkeln: [0, 12],
  Återfallsprevention: [13, 19]
}

/** Ages a closure reason fits: a youth ends it on their own initiative, a guardian only a minor's. */
export const CLOSURE_AGES: Record<string, Range> = {
  discontinued_by_child: [12, 19],
  discontinued_by_guardian: [0, 17]
}

/** A method is only used when the record names one of these problems. */
export const METHOD_PROBLEMS: Record<string, string[]> = {
  'A-CRA': ['own_substance_abuse'],
  Bassamtal: ['family_relationship'],
  Föräldraplan: ['family_relationship'],
  'Hemflyttssamtal efter placering': ['parenting_deficits', 'parent_mental_health_or_id', 'parent_substance_abuse'],
  IHF: ['behaviour_problems', 'school_problems', 'child_mental_health', 'parenting_deficits', 'own_criminality'],
  'Jag och min familj': ['parent_substance_abuse'],
  KIBB: ['violence_abuse', 'domestic_violence'],
  [CRISIS_SUPPORT]: ['violence_abuse', 'domestic_violence'],
  'Marte meo': ['parenting_deficits', 'parent_mental_health_or_id'],
  Placeringssamtal: ['parenting_deficits', 'parent_mental_health_or_id', 'parent_substance_abuse'],
  PYC: ['parenting_deficits', 'behaviour_problems'],
  Påverkansprogrammet: ['own_criminality', 'own_substance_abuse', 'behaviour_problems'],
  Samarbetssamtal: ['family_relationship'],
  'Tryggare barn': ['violence_abuse', 'domestic_violence'],
  Trygghetscirkeln: ['parenting_deficits', 'family_relationship', 'parent_mental_health_or_id', 'child_mental_health'],
  Återfallsprevention: ['own_substance_abuse']
}

/** Oldest age at referral in each municipality (Tabell 1), as a cap on every record there. */
export const MUNICIPALITY_AGES: Record<MunicipalityCode, Range> = Object.fromEntries(
  Object.entries(PUBLISHED.municipalities).map(([m, x]) => [m, [x.minAge, x.maxAge]])
) as Record<MunicipalityCode, Range>

/** Durations (days) an intervention allows: crisis support alone lasts some weeks (report 5.4). */
export function groupDurations (group: Group, methods: string[]): Range {
  if (group === 'manual_only' && methods.includes(CRISIS_SUPPORT)) return [0, 56]
  if (group === 'manual_only') return [10, 720]
  if (group === 'traditional_and_manual') return [30, 1081]
  return [0, 1081]
}

/** Median and spread of the log-normal a duration is first drawn from. */
export function durationPrior (group: Group, methods: string[]): [number, number] {
  if (group === 'manual_only' && methods.includes(CRISIS_SUPPORT)) return [28, 0.5]
  if (group === 'manual_only') return [110, 0.5]
  if (group === 'traditional_and_manual') return [220, 0.5]
  return [170, 0.7]
}

/** Durations a problem allows: within Tabell X.2's minimum and maximum. */
export function problemDurations (problem: string): Range {
  const x = PUBLISHED.durationsByProblem[problem]
  return [x.min, x.max]
}

export function intersect (ranges: Range[]): Range {
  return [Math.max(...ranges.map((r) => r[0])), Math.min(...ranges.map((r) => r[1]))]
}

/**
 * How readily two problems are named together (added to the log-odds of a combination).
 * Report 5.1.3 names relationship problems with the child's mental ill-health; the rest follows
 * Bilaga 2's definitions (violence with violence, parental problems with parenting deficits,
 * a youth's own problems with each other).
 */
const AFFINITY: Array<[string, string, number]> = [
  ['violence_abuse', 'domestic_violence', 2],
  ['violence_abuse', 'honour_violence', 3],
  ['domestic_violence', 'honour_violence', 2],
  ['violence_abuse', 'parenting_deficits', 1],
  ['domestic_violence', 'parenting_deficits', 1],
  ['domestic_violence', 'parent_substance_abuse', 1],
  ['domestic_violence', 'family_relationship', 1],
  ['family_relationship', 'child_mental_health', 2.5],
  ['family_relationship', 'parenting_deficits', 1],
  ['family_relationship', 'school_problems', 0.5],
  ['family_relationship', 'behaviour_problems', 0.5],
  ['parenting_deficits', 'parent_substance_abuse', 2],
  ['parenting_deficits', 'parent_mental_health_or_id', 2],
  ['parenting_deficits', 'child_mental_health', 0.5],
  ['parenting_deficits', 'school_problems', 1],
  ['parenting_deficits', 'behaviour_problems', 1],
  ['parent_mental_health_or_id', 'child_mental_health', 1],
  ['parent_mental_health_or_id', 'parent_substance_abuse', 1],
  ['child_mental_health', 'school_problems', 1.5],
  ['behaviour_problems', 'school_problems', 1.5],
  ['behaviour_problems', 'own_criminality', 2],
  ['behaviour_problems', 'own_substance_abuse', 1.5],
  ['own_criminality', 'own_substance_abuse', 2],
  ['own_substance_abuse', 'school_problems', 1],
  ['own_substance_abuse', 'child_mental_health', 1],
  ['honour_violence', 'parenting_deficits', -1],
  ['own_criminality', 'parenting_deficits', -0.5],
  ['own_substance_abuse', 'parenting_deficits', -0.5]
]

const affinityIndex = new Map(AFFINITY.flatMap(([a, b, w]) => [[`${a}|${b}`, w], [`${b}|${a}`, w]]))

export function affinity (a: string, b: string): number {
  return affinityIndex.get(`${a}|${b}`) ?? 0
}
