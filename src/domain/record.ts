import { type CodeListName, isValidCode, normalizeManualMethod } from './codes.js'
import { daysBetween } from './derived.js'
import { containsIdentityNumber } from './identity-number.js'
import { type RecordInput, shapeIssues } from './record-schema.js'
import type { FormVersion, Issue, Result, SuxRecord } from './types.js'

// Every rule of SPEC §2 for a submitted record. Pure: today's date comes in as an argument.

export interface ValidateOptions {
  /** Today's date (YYYY-MM-DD) in Swedish time; closingDate may not be after it. */
  today: string
}

const WARN_DURATION_DAYS = 1100
const WARN_WAIT_DAYS = 365
const WARN_AGE = 18

/** Text PostgreSQL cannot store: the NUL character, or a lone UTF-16 surrogate (not Unicode). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** A free-text value as stored: trimmed, and an empty string is no value. */
function text (v: string | null | undefined): string | null {
  const trimmed = v?.trim()
  return trimmed ? trimmed : null
}

function checkCode (errors: Issue[], list: CodeListName, version: FormVersion, value: string, path: string) {
  if (!isValidCode(list, version, value)) errors.push({ path, code: 'unknown_code', params: { value, list, version } })
}

function checkCodes (errors: Issue[], list: CodeListName, version: FormVersion, values: string[], field: string) {
  const seen = new Set<string>()
  values.forEach((v, i) => {
    if (seen.has(v)) errors.push({ path: `/${field}/${i}`, code: 'duplicate', params: { value: v } })
    else checkCode(errors, list, version, v, `/${field}/${i}`)
    seen.add(v)
  })
}

/** Text that must be given exactly when a code is chosen, and must be absent otherwise. */
function requiredExactlyWhen (errors: Issue[], chosen: boolean, value: string | null, field: string, what: string) {
  if (chosen && value === null) errors.push({ path: `/${field}`, code: `${what}_required` })
  if (!chosen && value !== null) errors.push({ path: `/${field}`, code: `${what}_not_allowed` })
}

export function validateRecord (input: unknown, options: ValidateOptions): Result<SuxRecord> {
  const shape = shapeIssues(input)
  if (shape.length > 0) return { ok: false, errors: shape, warnings: [] }
  const r = input as RecordInput
  // The JSON Schema date format allows year 0, which PostgreSQL cannot store.
  const yearZero = (['referralDate', 'startDate', 'closingDate'] as const).filter((f) => r[f]?.startsWith('0000-'))
  if (yearZero.length > 0) return { ok: false, errors: yearZero.map((f) => ({ path: `/${f}`, code: 'invalid_date' })), warnings: [] }
  const v = r.formVersion
  const errors: Issue[] = []
  const warnings: Issue[] = []

  if (containsIdentityNumber(r.caseRef)) errors.push({ path: '/caseRef', code: 'identity_number' })

  checkCode(errors, 'gender', v, r.gender, '/gender')
  const background = r.background ?? null
  if (v === '2021') {
    if (background === null) errors.push({ path: '/background', code: 'background_required' })
    else checkCode(errors, 'background', v, background, '/background')
  } else if (background !== null) {
    errors.push({ path: '/background', code: 'background_not_allowed' })
  }
  checkCode(errors, 'previously_known', v, r.previouslyKnown, '/previouslyKnown')

  checkCodes(errors, 'problem', v, r.problems, 'problems')
  const minProblems = v === '2021' ? 1 : 0
  if (r.problems.length < minProblems) errors.push({ path: '/problems', code: 'too_few', params: { limit: minProblems } })
  if (r.problems.length > 3) errors.push({ path: '/problems', code: 'too_many', params: { limit: 3 } })
  const otherProblem = text(r.otherProblem)
  requiredExactlyWhen(errors, r.problems.includes('other'), otherProblem, 'otherProblem', 'other_problem')

  checkCode(errors, 'closure_reason', v, r.closureReason, '/closureReason')
  const neverStarted = r.closureReason === 'never_started'
  checkCodes(errors, 'intervention', v, r.interventions, 'interventions')
  if (neverStarted && r.interventions.length > 0) errors.push({ path: '/interventions', code: 'interventions_must_be_empty' })
  if (!neverStarted && r.interventions.length === 0) errors.push({ path: '/interventions', code: 'interventions_required' })

  const manualChosen = r.interventions.includes(v === '2021' ? 'other_manual_method' : 'manual_method')
  const manualMethods = [...new Set((r.manualMethods ?? []).map(normalizeManualMethod))]
  ;(r.manualMethods ?? []).forEach((m, i) => {
    if (m.trim() === '') errors.push({ path: `/manualMethods/${i}`, code: 'required' })
    else if (UNSTORABLE.test(m)) errors.push({ path: `/manualMethods/${i}`, code: 'invalid_character' })
    else if (containsIdentityNumber(m)) errors.push({ path: `/manualMethods/${i}`, code: 'identity_number' })
  })
  if (manualChosen && manualMethods.length === 0) errors.push({ path: '/manualMethods', code: 'manual_methods_required' })
  if (!manualChosen && manualMethods.length > 0) errors.push({ path: '/manualMethods', code: 'manual_methods_not_allowed' })
  const otherIntervention = text(r.otherIntervention)
  requiredExactlyWhen(errors, r.interventions.includes('other_non_manual'), otherIntervention, 'otherIntervention', 'other_intervention')

  const closureComment = text(r.closureComment)
  if ((r.closureReason === 'not_matching_needs' || r.closureReason === 'other') && closureComment === null) {
    errors.push({ path: '/closureComment', code: 'closure_comment_required', params: { reason: r.closureReason } })
  }
  const comment = text(r.comment)
  const freeTexts: Array<[string, string | null]> = [
    ['otherProblem', otherProblem], ['otherIntervention', otherIntervention], ['closureComment', closureComment], ['comment', comment]
  ]
  for (const [field, value] of freeTexts) {
    if (value !== null && UNSTORABLE.test(value)) errors.push({ path: `/${field}`, code: 'invalid_character' })
    else if (value !== null && containsIdentityNumber(value)) errors.push({ path: `/${field}`, code: 'identity_number' })
  }

  checkDates(errors, warnings, r, neverStarted, options.today)
  if (r.ageAtReferral > WARN_AGE) warnings.push({ path: '/ageAtReferral', code: 'age_over_18', params: { age: r.ageAtReferral } })

  if (errors.length > 0) return { ok: false, errors, warnings }
  return {
    ok: true,
    warnings,
    value: {
      municipality: r.municipality,
      caseRef: r.caseRef,
      formVersion: v,
      ageAtReferral: r.ageAtReferral,
      gender: r.gender,
      background,
      referralDate: r.referralDate,
      startDate: r.startDate,
      previouslyKnown: r.previouslyKnown,
      problems: r.problems,
      otherProblem,
      interventions: r.interventions,
      manualMethods,
      otherIntervention,
      closingDate: r.closingDate,
      closureReason: r.closureReason,
      closureComment,
      comment
    }
  }
}

function checkDates (errors: Issue[], warnings: Issue[], r: RecordInput, neverStarted: boolean, today: string) {
  if (r.startDate === null && !neverStarted) errors.push({ path: '/startDate', code: 'start_required' })
  // The form says a never-started intervention has no start, but a planning meeting may have been
  // registered as one: accepted, and pointed out.
  if (r.startDate !== null && neverStarted) warnings.push({ path: '/startDate', code: 'start_with_never_started' })
  if (r.startDate !== null) {
    if (r.startDate < r.referralDate) {
      errors.push({ path: '/startDate', code: 'start_before_referral', params: { startDate: r.startDate, referralDate: r.referralDate } })
    }
    if (r.closingDate < r.startDate) {
      errors.push({ path: '/closingDate', code: 'closing_before_start', params: { closingDate: r.closingDate, startDate: r.startDate } })
    } else if (daysBetween(r.startDate, r.closingDate) > WARN_DURATION_DAYS) {
      warnings.push({ path: '/closingDate', code: 'long_duration', params: { days: daysBetween(r.startDate, r.closingDate), limit: WARN_DURATION_DAYS } })
    }
    if (r.startDate >= r.referralDate && daysBetween(r.referralDate, r.startDate) > WARN_WAIT_DAYS) {
      warnings.push({ path: '/startDate', code: 'long_wait', params: { days: daysBetween(r.referralDate, r.startDate), limit: WARN_WAIT_DAYS } })
    }
  }
  if (r.closingDate < r.referralDate && !(r.startDate !== null && r.closingDate < r.startDate)) {
    errors.push({ path: '/closingDate', code: 'closing_before_referral', params: { closingDate: r.closingDate, referralDate: r.referralDate } })
  }
  if (r.closingDate > today) errors.push({ path: '/closingDate', code: 'closing_in_future', params: { closingDate: r.closingDate, today } })
}
