import type { FormVersion, Labels, Lang } from './types.js'

// The SU-X code lists (SPEC §2), with the form's Swedish wording and an English label.
// `versions` says in which form versions a code may be submitted.

export type CodeListName =
  | 'problem' | 'intervention' | 'closure_reason' | 'background' | 'gender' | 'previously_known' | 'manual_method'

export interface Code {
  code: string
  labels: Labels
  versions: FormVersion[]
  note?: Labels
}

export interface CodeList {
  name: CodeListName
  title: Labels
  /** The record field the list is used in. */
  field: string
  codes: Code[]
}

const BOTH: FormVersion[] = ['2020', '2021']
const V2021: FormVersion[] = ['2021']
const V2020: FormVersion[] = ['2020']

const code = (c: string, sv: string, en: string, versions = BOTH, note?: Labels): Code =>
  note ? { code: c, labels: { sv, en }, versions, note } : { code: c, labels: { sv, en }, versions }

const PARENT_MENTAL_HEALTH_NOTE: Labels = {
  sv: 'I 2020 års formulär: "Brister i hemmiljön, pga. psykisk ohälsa/intellektuell funktionsnedsättning hos förälder", redovisas på samma rad.',
  en: 'In the 2020 form: "Deficits in the home environment due to a parent\'s mental ill-health or intellectual disability", counted in the same row.'
}

const PROBLEMS: Code[] = [
  code('violence_abuse', 'Utsatt för våld/övergrepp', 'Subjected to violence/abuse'),
  code('domestic_violence', 'Våld i familjen', 'Violence in the family'),
  code('honour_violence', 'Hedersrelaterat våld och/eller förtryck', 'Honour-related violence and/or oppression'),
  code('family_relationship', 'Relationsproblem i familjen', 'Relationship problems in the family'),
  code('parenting_deficits', 'Brister i fostrar-/föräldraförmåga', 'Deficits in parenting capacity'),
  code('parent_mental_health', 'Brister i hemmiljön, pga. psykisk ohälsa hos förälder',
    'Deficits in the home environment due to a parent\'s mental ill-health', V2021, PARENT_MENTAL_HEALTH_NOTE),
  code('parent_mental_health_or_id',
    'Brister i hemmiljön, pga. psykisk ohälsa/intellektuell funktionsnedsättning hos förälder',
    'Deficits in the home environment due to a parent\'s mental ill-health or intellectual disability', V2020, {
      sv: 'Redovisas i statistiken på samma rad som 2021 års "Brister i hemmiljön, pga. psykisk ohälsa hos förälder".',
      en: 'Counted in statistics in the same row as 2021\'s "Deficits in the home environment due to a parent\'s mental ill-health".'
    }),
  code('parent_substance_abuse', 'Brister i hemmiljön, pga. missbruk hos förälder',
    'Deficits in the home environment due to a parent\'s substance abuse'),
  code('child_mental_health', 'Psykisk ohälsa hos barnet', 'Mental ill-health of the child'),
  code('behaviour_problems', 'Beteendeproblem', 'Behavioural problems'),
  code('school_problems', 'Skolproblem', 'School problems'),
  code('own_criminality', 'Egen brottslighet/kriminalitet', 'Own criminality'),
  code('own_substance_abuse', 'Eget missbruk', 'Own substance abuse'),
  code('other', 'Annan huvudsaklig problematik', 'Other main problem')
]

const INTERVENTIONS: Code[] = [
  code('traditional_family_treatment', 'Traditionell familjebehandling', 'Traditional family treatment'),
  code('crisis_support', 'Krisstöd vid orosanmälan om våld mot barn',
    'Crisis support after a report of concern about violence against a child', V2021),
  code('other_manual_method', 'Annan manualbaserad metod', 'Other manual-based method', V2021),
  code('other_non_manual', 'Annan ej manualbaserad insats', 'Other non-manual intervention', V2021),
  code('manual_method', 'Manualbaserad metod', 'Manual-based method', V2020)
]

const CLOSURE_REASONS: Code[] = [
  code('goals_met', 'Målet/målen med insatsen har uppnåtts helt eller delvis',
    'The goal(s) of the intervention were fully or partly met'),
  code('not_matching_needs', 'Insatsen bedöms inte svara mot barnets behov',
    'The intervention is judged not to meet the child\'s needs'),
  code('discontinued_by_guardian', 'Insatsen avbryts oplanerat på initiativ av vårdnadshavare',
    'Discontinued unplanned on the guardian\'s initiative'),
  code('discontinued_by_child', 'Insatsen avbryts oplanerat på initiativ av barnet/ungdomen',
    'Discontinued unplanned on the child\'s initiative'),
  code('never_started', 'Insatsen påbörjades aldrig', 'The intervention never started', V2021),
  code('other', 'Andra orsaker', 'Other reasons')
]

const BACKGROUNDS: Code[] = [
  code('born_se_both_parents_se', 'Född i Sverige med båda föräldrar födda i Sverige',
    'Born in Sweden, both parents born in Sweden', V2021),
  code('born_se_one_parent_abroad', 'Född i Sverige med en förälder född utomlands',
    'Born in Sweden, one parent born abroad', V2021),
  code('born_se_both_parents_abroad', 'Född i Sverige med båda föräldrar födda utomlands',
    'Born in Sweden, both parents born abroad', V2021),
  code('born_europe', 'Född i övriga Europa', 'Born elsewhere in Europe', V2021),
  code('born_outside_europe', 'Född utanför Europa', 'Born outside Europe', V2021),
  code('unknown', 'Vet inte', 'Not known', V2021)
]

const GENDERS: Code[] = [
  code('girl', 'Flicka', 'Girl'),
  code('boy', 'Pojke', 'Boy'),
  code('other', 'Annan könsidentitet', 'Other gender identity', V2021)
]

const PREVIOUSLY_KNOWN: Code[] = [
  code('no', 'Nej', 'No'),
  code('once', 'Ja, en gång tidigare', 'Yes, once before'),
  code('several', 'Ja, flera gånger tidigare', 'Yes, several times before'),
  code('unknown', 'Vet ej', 'Not known')
]

/** Known manual methods (report Tabell 2 and Bilaga 2); the code is the name in its known spelling. */
const MANUAL_METHOD_NAMES: Array<[string, string]> = [
  ['A-CRA', 'A-CRA (Adolescent Community Reinforcement Approach)'],
  ['Bassamtal', 'Bassamtal (for separated parents in high conflict)'],
  ['Föräldraplan', 'Föräldraplan (parenting plan)'],
  ['Hemflyttssamtal efter placering', 'Talks on moving home after placement'],
  ['IHF', 'IHF (intensive home-based family treatment)'],
  ['Jag och min familj', 'Jag och min familj (Me and my family)'],
  ['KIBB', 'KIBB (integrated cognitive treatment for child abuse)'],
  ['Krisstöd vid orosanmälan om våld mot barn', 'Crisis support after a report of concern about violence against a child'],
  ['Marte meo', 'Marte meo'],
  ['Placeringssamtal', 'Placement talks'],
  ['PYC', 'PYC (Parenting Young Children)'],
  ['Påverkansprogrammet', 'Påverkansprogrammet (influence programme)'],
  ['Samarbetssamtal', 'Cooperation talks'],
  ['Tryggare barn', 'Tryggare barn (Safer children)'],
  ['Trygghetscirkeln', 'Trygghetscirkeln (Circle of Security)'],
  ['Återfallsprevention', 'Relapse prevention'],
  ['I Stunden', 'I Stunden (crisis support)'],
  ['Efter barnförhöret', 'Efter barnförhöret (crisis support after the child interview)']
]
const MANUAL_METHODS: Code[] = MANUAL_METHOD_NAMES.map(([sv, en]) => code(sv, sv, en))

/** Manual methods that are crisis support after a report of violence (Bilaga 2, Fråga 8). */
const CRISIS_SUPPORT_METHODS = new Set(['Krisstöd vid orosanmälan om våld mot barn', 'I Stunden', 'Efter barnförhöret'])

const MANUAL_METHOD_ALIASES: Record<string, string> = {
  'circle of security': 'Trygghetscirkeln',
  cos: 'Trygghetscirkeln',
  'parenting young children': 'PYC',
  krisstöd: 'Krisstöd vid orosanmälan om våld mot barn'
}

export const CODE_LISTS: Record<CodeListName, CodeList> = {
  problem: { name: 'problem', title: { sv: 'Huvudsaklig problematik', en: 'Main problems' }, field: 'problems', codes: PROBLEMS },
  intervention: { name: 'intervention', title: { sv: 'Insatser', en: 'Interventions' }, field: 'interventions', codes: INTERVENTIONS },
  closure_reason: { name: 'closure_reason', title: { sv: 'Avslutsorsak', en: 'Closure reason' }, field: 'closureReason', codes: CLOSURE_REASONS },
  background: { name: 'background', title: { sv: 'Var är barnet/ungdomen född?', en: 'Country of birth' }, field: 'background', codes: BACKGROUNDS },
  gender: { name: 'gender', title: { sv: 'Barnets kön', en: 'Gender' }, field: 'gender', codes: GENDERS },
  previously_known: { name: 'previously_known', title: { sv: 'Tidigare aktuell inom öppenvården', en: 'Previously known to the outpatient unit' }, field: 'previouslyKnown', codes: PREVIOUSLY_KNOWN },
  manual_method: { name: 'manual_method', title: { sv: 'Manualbaserade metoder', en: 'Manual-based methods' }, field: 'manualMethods', codes: MANUAL_METHODS }
}

export const CODE_LIST_NAMES = Object.keys(CODE_LISTS) as CodeListName[]

const index = new Map<CodeListName, Map<string, Code>>(
  CODE_LIST_NAMES.map((name) => [name, new Map(CODE_LISTS[name].codes.map((c) => [c.code, c]))])
)

export function isCodeListName (name: string): name is CodeListName {
  return Object.hasOwn(CODE_LISTS, name)
}

export function findCode (list: CodeListName, c: string): Code | undefined {
  return index.get(list)!.get(c)
}

export function codesFor (list: CodeListName, version: FormVersion): string[] {
  return CODE_LISTS[list].codes.filter((c) => c.versions.includes(version)).map((c) => c.code)
}

export function isValidCode (list: CodeListName, version: FormVersion, c: string): boolean {
  return findCode(list, c)?.versions.includes(version) ?? false
}

/** The label of a code, or the code itself when it is unknown (a free-text manual method). */
export function label (list: CodeListName, c: string, lang: Lang): string {
  return findCode(list, c)?.labels[lang] ?? c
}

const knownMethodByLowerName = new Map(MANUAL_METHODS.map((m) => [m.code.toLowerCase(), m.code]))

/**
 * A manual method name in the known list's spelling (matched case-insensitively, aliases resolved),
 * or the name as written (trimmed, inner white space folded) when it is not a known method.
 */
export function normalizeManualMethod (name: string): string {
  const folded = name.trim().replace(/\s+/g, ' ')
  const key = folded.toLowerCase()
  return knownMethodByLowerName.get(key) ?? MANUAL_METHOD_ALIASES[key] ?? folded
}

export function isKnownManualMethod (name: string): boolean {
  return knownMethodByLowerName.has(normalizeManualMethod(name).toLowerCase())
}

export function isCrisisSupportMethod (name: string): boolean {
  return CRISIS_SUPPORT_METHODS.has(normalizeManualMethod(name))
}

/** 2020's combined parental-mental-health problem counts as 2021's in statistics (SPEC §2). */
export function harmonizeProblem (c: string): string {
  return c === 'parent_mental_health_or_id' ? 'parent_mental_health' : c
}

/** Every submitted problem code that a harmonised code stands for (for filters). */
export function problemCodesFor (harmonized: string): string[] {
  return harmonized === 'parent_mental_health' ? ['parent_mental_health', 'parent_mental_health_or_id'] : [harmonized]
}

/**
 * Interventions in the 2021 coding: a 2020 `manual_method` is `crisis_support` when one of its
 * methods is crisis support, otherwise `other_manual_method`.
 */
export function harmonizeInterventions (version: FormVersion, interventions: string[], manualMethods: string[]): string[] {
  if (version === '2021') return interventions
  return interventions.map((i) =>
    i !== 'manual_method' ? i : manualMethods.some(isCrisisSupportMethod) ? 'crisis_support' : 'other_manual_method')
}

/** The problem codes that statistics show as rows (2021 coding, harmonised). */
export const STAT_PROBLEMS: string[] = codesFor('problem', '2021')
export const STAT_INTERVENTIONS: string[] = codesFor('intervention', '2021')
export const STAT_CLOSURE_REASONS: string[] = codesFor('closure_reason', '2021')
export const STAT_BACKGROUNDS: string[] = codesFor('background', '2021')
export const STAT_GENDERS: string[] = codesFor('gender', '2021')
export const STAT_PREVIOUSLY_KNOWN: string[] = codesFor('previously_known', '2021')
