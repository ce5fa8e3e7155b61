import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { Issue } from './types.js'

// The shape of a submitted SU-X record (SPEC §2): types, lengths and formats. The rules that need
// the form version or several fields at once live in record.ts. This schema is also the request
// body documented in OpenAPI, so it carries descriptions and an example.

const NullableText = (maxLength: number, description: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], { description }))

const IsoDate = (description: string) => Type.String({ format: 'date', description, examples: ['2021-03-15'] })

export const RecordInputSchema = Type.Object({
  municipality: Type.String({ pattern: '^[0-9]{4}$', description: 'SCB municipality code; one the caller acts for', examples: ['2184'] }),
  caseRef: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9._-]+$',
    description: "The unit's pseudonymous case id (ärende-id); unique per municipality; never a personal identity number",
    examples: ['HU-2021-0042']
  }),
  formVersion: Type.Union([Type.Literal('2020'), Type.Literal('2021')], { description: 'Form version; selects the code lists' }),
  ageAtReferral: Type.Integer({ minimum: 0, maximum: 20, description: 'Age in whole years at referral (question 1); under one year is 0' }),
  gender: Type.String({ description: 'Code list `gender` (question 2)', examples: ['girl'] }),
  background: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Code list `background` (question 3); required in 2021, absent or null in 2020' })),
  referralDate: IsoDate('Date the case reached the outpatient unit (question 4)'),
  startDate: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'First meeting with the family (question 5); null only when closureReason is never_started' }),
  previouslyKnown: Type.String({ description: 'Code list `previously_known` (question 6)', examples: ['no'] }),
  problems: Type.Array(Type.String(), { description: 'Distinct codes of list `problem` (question 7): 1–3 in 2021, 0–3 in 2020' }),
  otherProblem: NullableText(500, 'Required exactly when problems contains `other`'),
  interventions: Type.Array(Type.String(), { description: 'Distinct codes of list `intervention` (question 8); empty exactly when closureReason is never_started' }),
  manualMethods: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), {
    maxItems: 10,
    description: 'Names of the manual methods (1–10), required exactly when interventions contains other_manual_method (2021) or manual_method (2020); known names are stored in their known spelling'
  })),
  otherIntervention: NullableText(500, 'Required exactly when interventions contains `other_non_manual`'),
  closingDate: IsoDate('Date the case was closed (question 9); not in the future'),
  closureReason: Type.String({ description: 'Code list `closure_reason` (question 10)', examples: ['goals_met'] }),
  closureComment: NullableText(500, 'Required when closureReason is not_matching_needs or other'),
  comment: NullableText(1000, 'Free comment, e.g. "Trappan – extern insats"')
}, {
  additionalProperties: false,
  description: 'One SU-X record: one closed case',
  examples: [{
    municipality: '2184',
    caseRef: 'HU-2021-0042',
    formVersion: '2021',
    ageAtReferral: 9,
    gender: 'girl',
    background: 'born_se_both_parents_se',
    referralDate: '2021-01-11',
    startDate: '2021-01-25',
    previouslyKnown: 'no',
    problems: ['family_relationship', 'child_mental_health'],
    otherProblem: null,
    interventions: ['traditional_family_treatment', 'other_manual_method'],
    manualMethods: ['Trygghetscirkeln'],
    otherIntervention: null,
    closingDate: '2021-09-30',
    closureReason: 'goals_met',
    closureComment: null,
    comment: null
  }]
})
export type RecordInput = Static<typeof RecordInputSchema>

const compiled = Compile(RecordInputSchema)

const FIELDS = new Set(Object.keys(RecordInputSchema.properties))

/** What each field holds, for "wrong type" messages. */
const EXPECTED: Record<string, string> = {
  ageAtReferral: 'integer',
  problems: 'array',
  interventions: 'array',
  manualMethods: 'array',
  startDate: 'date_or_null',
  background: 'string_or_null',
  otherProblem: 'string_or_null',
  otherIntervention: 'string_or_null',
  closureComment: 'string_or_null',
  comment: 'string_or_null'
}

const PATTERN_CODES: Record<string, string> = { municipality: 'invalid_municipality', caseRef: 'invalid_case_ref' }

// Keyword → issue, most useful first: one issue per path.
const KEYWORD_RANK = ['required', 'additionalProperties', 'type', 'anyOf', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'maxItems', 'const']

function fieldOf (path: string): string {
  return path.split('/')[1] ?? ''
}

function toIssue (keyword: string, path: string, params: Record<string, unknown>, value: unknown): Issue {
  const field = fieldOf(path)
  const isItem = path.split('/').length > 2
  switch (keyword) {
    case 'format': return { path, code: 'invalid_date' }
    case 'pattern': return { path, code: PATTERN_CODES[field] ?? 'invalid_format' }
    case 'minLength': return { path, code: field === 'caseRef' ? 'required' : 'too_short', params: { limit: Number(params.limit) } }
    case 'maxLength': return { path, code: 'too_long', params: { limit: Number(params.limit) } }
    case 'minimum':
    case 'maximum': return { path, code: 'out_of_range', params: { min: 0, max: 20 } }
    case 'maxItems': return { path, code: 'too_many', params: { limit: Number(params.limit) } }
    case 'const': return { path, code: 'unknown_version', params: { value: String(value) } }
    default: {
      if (field === 'formVersion') return { path, code: 'unknown_version', params: { value: String(value) } }
      const expected = isItem ? 'string' : EXPECTED[field] ?? 'string'
      return { path, code: 'wrong_type', params: { expected } }
    }
  }
}

function valueAt (input: unknown, path: string): unknown {
  let v: unknown = input
  for (const part of path.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part]
  return v
}

/** Structural errors of a submitted record, one per JSON pointer, in field order. */
export function shapeIssues (input: unknown): Issue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path: '', code: 'not_an_object' }]
  }
  if (compiled.Check(input)) return []
  const best = new Map<string, { rank: number, issue: Issue }>()
  const offer = (path: string, keyword: string, issue: Issue) => {
    const rank = KEYWORD_RANK.indexOf(keyword)
    const known = best.get(path)
    if (!known || rank < known.rank) best.set(path, { rank: rank < 0 ? 99 : rank, issue })
  }
  for (const e of compiled.Errors(input)) {
    const params = e.params as Record<string, unknown>
    if (e.keyword === 'required') {
      for (const f of params.requiredProperties as string[]) offer(`/${f}`, 'required', { path: `/${f}`, code: 'required' })
    } else if (e.keyword === 'additionalProperties') {
      for (const f of params.additionalProperties as string[]) offer(`/${f}`, 'additionalProperties', { path: `/${f}`, code: 'unknown_field' })
    } else if (e.keyword !== 'boolean') {
      const path = e.instancePath
      // A nullable field's union reports "must be null" beside the real complaint; prefer the string branch.
      if ((e.keyword === 'anyOf' || (e.keyword === 'type' && params.type === 'null')) && typeof valueAt(input, path) === 'string') continue
      offer(path, e.keyword, toIssue(e.keyword, path, params, valueAt(input, path)))
    }
  }
  const order = [...FIELDS]
  return [...best.values()].map((b) => b.issue).sort((a, b) =>
    order.indexOf(fieldOf(a.path)) - order.indexOf(fieldOf(b.path)) || a.path.localeCompare(b.path))
}
