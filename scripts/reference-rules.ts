// SPEC §2's rules for a record on the 2020 form, checked field by field on the reference fixture
// so that every record would be accepted by POST /v1/cases. Written out here rather than taken
// from the API's validator, so that the fixture is checked against the spec and not against the
// code under test.
import { codesFor, normalizeManualMethod } from '../src/domain/codes.js'
import type { SuxRecord } from '../src/domain/types.js'

/** The fields of a record in SPEC §2's order; the fixture writes them in this order. */
export const FIELD_ORDER: Array<keyof SuxRecord> = [
  'municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'background', 'referralDate',
  'startDate', 'previouslyKnown', 'problems', 'otherProblem', 'interventions', 'manualMethods',
  'otherIntervention', 'closingDate', 'closureReason', 'closureComment', 'comment'
]

const MUNICIPALITIES = ['2101', '2104', '2121', '2132', '2161', '2180', '2181', '2182', '2183', '2184']
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
// Ten or twelve digits, possibly split by - or +, could be an identity number: refuse any such run.
const DIGIT_RUN = /\d{6,8}[-+]?\d{4}/

function isDate (s: unknown): s is string {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) return false
  return new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s
}

const isText = (v: unknown, max: number) => typeof v === 'string' && v.trim() !== '' && v.length <= max

function distinctCodes (values: unknown, allowed: string[]): boolean {
  return Array.isArray(values) && values.every((v) => typeof v === 'string' && allowed.includes(v)) &&
    new Set(values).size === values.length
}

/** Broken SPEC §2 (form 2020) rules, one line each ("SH-2020-001: …"); empty when all hold. */
export function checkRecordRules (records: SuxRecord[]): string[] {
  const out: string[] = []
  const refs = new Set<string>()
  for (const [i, r] of records.entries()) {
    const id = typeof r.caseRef === 'string' ? r.caseRef : `record ${i}`
    const fail = (rule: string) => out.push(`${id}: ${rule}`)
    if (Object.keys(r).join() !== FIELD_ORDER.join()) fail('fields not exactly those of SPEC §2, in its order')
    if (!MUNICIPALITIES.includes(r.municipality)) fail('municipality is not a Gävleborg code')
    if (typeof r.caseRef !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(r.caseRef)) fail('caseRef not 1–64 of A-Za-z0-9._-')
    if (DIGIT_RUN.test(String(r.caseRef))) fail('caseRef looks like an identity number')
    if (refs.has(`${r.municipality}/${r.caseRef}`)) fail('caseRef not unique in its municipality')
    refs.add(`${r.municipality}/${r.caseRef}`)
    if (r.formVersion !== '2020') fail('formVersion is not 2020')
    if (!Number.isInteger(r.ageAtReferral) || r.ageAtReferral < 0 || r.ageAtReferral > 20) fail('ageAtReferral not an integer 0–20')
    if (!codesFor('gender', '2020').includes(r.gender)) fail('gender not a 2020 code')
    if (r.background !== null) fail('background must be null on the 2020 form')
    if (!codesFor('previously_known', '2020').includes(r.previouslyKnown)) fail('previouslyKnown not a 2020 code')

    if (!distinctCodes(r.problems, codesFor('problem', '2020')) || r.problems.length > 3) fail('problems not 0–3 distinct 2020 codes')
    if (r.problems.includes('other') !== (r.otherProblem !== null)) fail('otherProblem given exactly when problems has other')
    if (r.otherProblem !== null && !isText(r.otherProblem, 500)) fail('otherProblem not text of at most 500')

    if (!distinctCodes(r.interventions, codesFor('intervention', '2020')) || r.interventions.length === 0) {
      fail('interventions not 1 or more distinct 2020 codes')
    }
    const manual = r.interventions.includes('manual_method')
    if (!Array.isArray(r.manualMethods) || r.manualMethods.length > 10) fail('manualMethods not a list of at most 10')
    else {
      if (manual !== (r.manualMethods.length > 0)) fail('manualMethods given exactly when interventions has manual_method')
      if (new Set(r.manualMethods).size !== r.manualMethods.length) fail('manualMethods repeats a name')
      for (const m of r.manualMethods) {
        if (!isText(m, 100)) fail('a manual method is not text of at most 100')
        else if (normalizeManualMethod(m) !== m) fail(`manual method "${m}" not in its stored spelling`)
      }
    }
    if (r.otherIntervention !== null) fail('otherIntervention must be null (no other_non_manual in 2020)')

    if (!codesFor('closure_reason', '2020').includes(r.closureReason)) fail('closureReason not a 2020 code')
    const commentRequired = r.closureReason === 'not_matching_needs' || r.closureReason === 'other'
    if (commentRequired && !isText(r.closureComment, 500)) fail('closureComment required for this closure reason')
    if (r.closureComment !== null && !isText(r.closureComment, 500)) fail('closureComment not text of at most 500')
    if (r.comment !== null && !isText(r.comment, 1000)) fail('comment not text of at most 1000')
    for (const text of [r.otherProblem, r.closureComment, r.comment, ...r.manualMethods]) {
      if (text !== null && DIGIT_RUN.test(text)) fail('free text holds what looks like an identity number')
    }

    if (!isDate(r.referralDate) || !isDate(r.closingDate) || !isDate(r.startDate)) {
      fail('referralDate, startDate (required in 2020: no never_started) and closingDate must be ISO dates')
      continue
    }
    if (!(r.referralDate <= r.startDate && r.startDate <= r.closingDate)) fail('dates not referralDate ≤ startDate ≤ closingDate')
  }
  return out
}
