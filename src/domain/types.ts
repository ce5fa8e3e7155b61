// Plain types shared by the whole domain layer. No runtime code here.

export type FormVersion = '2020' | '2021'
export const FORM_VERSIONS: readonly FormVersion[] = ['2020', '2021']

export type Lang = 'sv' | 'en'
export interface Labels { sv: string, en: string }

/** A validated SU-X record, as stored and as returned by the API (SPEC §2). */
export interface SuxRecord {
  municipality: string
  caseRef: string
  formVersion: FormVersion
  ageAtReferral: number
  gender: string
  background: string | null
  referralDate: string
  startDate: string | null
  previouslyKnown: string
  problems: string[]
  otherProblem: string | null
  interventions: string[]
  manualMethods: string[]
  otherIntervention: string | null
  closingDate: string
  closureReason: string
  closureComment: string | null
  comment: string | null
}

/** The fields of a record that hold free text (never logged, never audited, encrypted at rest). */
export const FREE_TEXT_FIELDS = ['otherProblem', 'otherIntervention', 'closureComment', 'comment'] as const
export type FreeTextField = typeof FREE_TEXT_FIELDS[number]

/**
 * One broken rule or warning. `path` is a JSON pointer into the submitted record,
 * `code` is stable (clients switch on it), `params` fills the message templates.
 */
export interface Issue {
  path: string
  code: string
  params?: Record<string, string | number>
}

export type Result<T> =
  | { ok: true, value: T, warnings: Issue[] }
  | { ok: false, errors: Issue[], warnings: Issue[] }

export type AgeGroup = '0-6' | '7-12' | '13-17' | '18-20'
export const AGE_GROUPS: readonly AgeGroup[] = ['0-6', '7-12', '13-17', '18-20']

export type InterventionGroup = 'traditional_and_manual' | 'manual_only' | 'traditional_only' | 'other_only' | 'none'
export const INTERVENTION_GROUPS: readonly InterventionGroup[] =
  ['traditional_only', 'manual_only', 'traditional_and_manual', 'other_only', 'none']
