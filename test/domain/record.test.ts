import t from 'tap'
import { describeIssue } from '../../src/domain/messages.js'
import { validateRecord } from '../../src/domain/record.js'
import { record2020, record2021 } from '../helper.js'

// The record rules of SPEC §2 as pure functions, both form versions (the HTTP tests check the
// same rules through the API, with problem+json).

const today = '2026-06-30'
const check = (input: unknown) => validateRecord(input, { today })
const codes = (input: unknown) => {
  const r = check(input)
  return r.ok ? [] : r.errors.map((e) => `${e.path} ${e.code}`)
}

t.test('a complete record of each version is valid and normalised', async (t) => {
  const r21 = check(record2021({ comment: '  Trappan – extern insats  ', otherProblem: '' }))
  t.ok(r21.ok)
  if (r21.ok) {
    t.equal(r21.value.comment, 'Trappan – extern insats', 'free text is trimmed')
    t.equal(r21.value.otherProblem, null, 'an empty text is no text')
  }
  const r20 = check(record2020({ manualMethods: ['circle of security', 'COS', 'Egen  metod'] }))
  t.ok(r20.ok)
  if (r20.ok) t.same(r20.value.manualMethods, ['Trygghetscirkeln', 'Egen metod'], 'aliases resolve and duplicates fold')
})

t.test('2020 accepts records without problems, 2021 does not', async (t) => {
  t.same(codes(record2020({ problems: [] })), [])
  t.same(codes(record2021({ problems: [] })), ['/problems too_few'])
})

t.test('version-specific codes are refused in the other version', async (t) => {
  t.same(codes(record2020({ problems: ['parent_mental_health'] })), ['/problems/0 unknown_code'])
  t.same(codes(record2021({ problems: ['parent_mental_health_or_id'] })), ['/problems/0 unknown_code'])
  t.same(codes(record2020({ gender: 'other' })), ['/gender unknown_code'])
  t.same(codes(record2020({ interventions: ['other_manual_method'] })), ['/interventions/0 unknown_code', '/manualMethods manual_methods_not_allowed'])
  t.same(codes(record2021({ interventions: ['manual_method'] })), ['/interventions/0 unknown_code', '/manualMethods manual_methods_not_allowed'])
})

t.test('never_started needs no start and no interventions, and warns about a start date', async (t) => {
  const ok = check(record2021({ closureReason: 'never_started', startDate: null, interventions: [], manualMethods: [] }))
  t.ok(ok.ok)
  const withStart = check(record2021({ closureReason: 'never_started', interventions: [], manualMethods: [] }))
  t.ok(withStart.ok)
  t.same(withStart.warnings.map((w) => w.code), ['start_with_never_started'])
})

t.test('dates are ordered referral ≤ start ≤ closing, closing not after today', async (t) => {
  t.same(codes(record2021({ referralDate: '2021-02-01' })), ['/startDate start_before_referral'])
  t.same(codes(record2021({ closingDate: '2021-01-12' })), ['/closingDate closing_before_start'])
  t.same(codes(record2021({ closingDate: '2021-01-01' })), ['/closingDate closing_before_start'], 'one error for one mistake')
  t.same(codes(record2021({ closureReason: 'never_started', startDate: null, interventions: [], manualMethods: [], closingDate: '2021-01-01' })),
    ['/closingDate closing_before_referral'])
  t.same(codes(record2021({ closingDate: today })), [], 'today is allowed')
  t.same(codes(record2021({ closingDate: '2026-07-01' })), ['/closingDate closing_in_future'])
})

t.test('the warnings fire at their limits and not before', async (t) => {
  const warn = (o: Record<string, unknown>) => check(record2021(o)).warnings.map((w) => w.code)
  t.same(warn({ startDate: '2021-01-25', closingDate: '2024-01-29' }), [], '1,099 days')
  t.same(warn({ startDate: '2021-01-25', closingDate: '2024-01-31' }), ['long_duration'], '1,101 days')
  t.same(warn({ referralDate: '2020-01-25', startDate: '2021-01-24' }), [], '365 days')
  t.same(warn({ referralDate: '2020-01-24', startDate: '2021-01-25' }), ['long_wait'], '367 days')
  t.same(warn({ ageAtReferral: 18 }), [])
  t.same(warn({ ageAtReferral: 19 }), ['age_over_18'])
})

t.test('identity numbers are refused in the case id and every free-text field', async (t) => {
  t.same(codes(record2021({ caseRef: '811228-9874' })), ['/caseRef identity_number'])
  t.same(codes(record2021({ caseRef: 'HU-811228-9873' })), [], 'a wrong check digit is a case id like any other')
  t.same(codes(record2021({ problems: ['other'], otherProblem: 'se 19811228-9874' })), ['/otherProblem identity_number'])
  t.same(codes(record2021({ interventions: ['other_non_manual'], manualMethods: [], otherIntervention: '8112289874' })), ['/otherIntervention identity_number'])
})

t.test('text PostgreSQL cannot store (NUL, a lone surrogate) is refused in free text and method names', async (t) => {
  t.same(codes(record2021({ comment: 'a\u0000b' })), ['/comment invalid_character'])
  t.same(codes(record2021({ closureReason: 'other', closureComment: 'x\ud800' })), ['/closureComment invalid_character'])
  t.same(codes(record2021({ manualMethods: ['\udc00COS'] })), ['/manualMethods/0 invalid_character'])
  t.same(codes(record2021({ comment: 'emoji \ud83d\ude00 är en hel teckenpunkt' })), [], 'a surrogate pair is fine')
})

t.test('every issue has a Swedish and an English message naming the field', async (t) => {
  const r = check(record2021({ gender: 'x', problems: ['other'], closingDate: '2030-01-01' }))
  t.notOk(r.ok)
  if (!r.ok) {
    for (const issue of r.errors) {
      t.notSame(describeIssue(issue, 'sv'), describeIssue(issue, 'en'))
      t.match(describeIssue(issue, 'sv'), /: /)
    }
    t.equal(describeIssue(r.errors[0], 'en'), 'Gender (question 2): x is not a valid code in form version 2021; valid: girl, boy, other')
  }
})
