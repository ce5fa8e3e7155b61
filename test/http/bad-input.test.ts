import t from 'tap'
import { auth, build, record2020, record2021 } from '../helper.js'

// Every broken rule gets a 4xx problem+json naming the field, and nothing is stored.

type Case = [name: string, payload: unknown, status: number, paths: string[], codes?: string[]]

const longText = (n: number) => 'x'.repeat(n)

const cases: Case[] = [
  ['a missing field', (() => { const r = record2021(); delete r.gender; return r })(), 422, ['/gender'], ['required']],
  ['an unknown field', record2021({ childName: 'x' }), 422, ['/childName'], ['unknown_field']],
  ['age as a string', record2021({ ageAtReferral: '9' }), 422, ['/ageAtReferral'], ['wrong_type']],
  ['a fractional age', record2021({ ageAtReferral: 9.5 }), 422, ['/ageAtReferral'], ['wrong_type']],
  ['an age of 21', record2021({ ageAtReferral: 21 }), 422, ['/ageAtReferral'], ['out_of_range']],
  ['a negative age', record2021({ ageAtReferral: -1 }), 422, ['/ageAtReferral'], ['out_of_range']],
  ['an unknown gender', record2021({ gender: 'female' }), 422, ['/gender'], ['unknown_code']],
  ['gender other in 2020', record2020({ gender: 'other' }), 422, ['/gender'], ['unknown_code']],
  ['an unknown form version', record2021({ formVersion: '2019' }), 422, ['/formVersion'], ['unknown_version']],
  ['a municipality of three digits', record2021({ municipality: '218' }), 422, ['/municipality'], ['invalid_municipality']],
  ['a caseRef with a space', record2021({ caseRef: 'HU 1' }), 422, ['/caseRef'], ['invalid_case_ref']],
  ['an empty caseRef', record2021({ caseRef: '' }), 422, ['/caseRef']],
  ['a caseRef of 65 characters', record2021({ caseRef: longText(65) }), 422, ['/caseRef']],
  ['a caseRef that is a personal identity number', record2021({ caseRef: '19121212-1212' }), 422, ['/caseRef'], ['identity_number']],
  ['a caseRef that is a coordination number', record2021({ caseRef: '701063-2391' }), 422, ['/caseRef'], ['identity_number']],
  ['an impossible date', record2021({ referralDate: '2021-02-30' }), 422, ['/referralDate'], ['invalid_date']],
  ['a date in another format', record2021({ closingDate: '30/09/2021' }), 422, ['/closingDate'], ['invalid_date']],
  ['a start before the referral', record2021({ startDate: '2021-01-01' }), 422, ['/startDate'], ['start_before_referral']],
  ['a closing before the start', record2021({ closingDate: '2021-01-20' }), 422, ['/closingDate'], ['closing_before_start']],
  ['a closing date in the future', record2021({ closingDate: '2027-01-01' }), 422, ['/closingDate'], ['closing_in_future']],
  ['a missing start without never_started', record2021({ startDate: null }), 422, ['/startDate'], ['start_required']],
  ['four problems', record2021({ problems: ['violence_abuse', 'domestic_violence', 'school_problems', 'own_criminality'] }), 422, ['/problems'], ['too_many']],
  ['no problems in 2021', record2021({ problems: [] }), 422, ['/problems'], ['too_few']],
  ['a repeated problem', record2021({ problems: ['school_problems', 'school_problems'] }), 422, ['/problems/1'], ['duplicate']],
  ['an unknown problem code', record2021({ problems: ['school_problems', 'bullying'] }), 422, ['/problems/1'], ['unknown_code']],
  ['the 2020 parental problem in 2021', record2021({ problems: ['parent_mental_health_or_id'] }), 422, ['/problems/0'], ['unknown_code']],
  ['problem other without saying which', record2021({ problems: ['other'] }), 422, ['/otherProblem'], ['other_problem_required']],
  ['otherProblem without problem other', record2021({ otherProblem: 'Förälders IF' }), 422, ['/otherProblem'], ['other_problem_not_allowed']],
  ['no interventions', record2021({ interventions: [], manualMethods: [] }), 422, ['/interventions'], ['interventions_required']],
  ['interventions when never started', record2021({ closureReason: 'never_started', startDate: null }), 422, ['/interventions'], ['interventions_must_be_empty']],
  ['never_started in 2020', record2020({ closureReason: 'never_started', startDate: null, interventions: [], manualMethods: [] }), 422, ['/closureReason'], ['unknown_code']],
  ['a manual method without names', record2021({ manualMethods: [] }), 422, ['/manualMethods'], ['manual_methods_required']],
  ['method names without a manual method', record2021({ interventions: ['traditional_family_treatment'] }), 422, ['/manualMethods'], ['manual_methods_not_allowed']],
  ['eleven method names', record2021({ manualMethods: Array.from({ length: 11 }, (_, i) => `M${i}`) }), 422, ['/manualMethods'], ['too_many']],
  ['a method name of 101 characters', record2021({ manualMethods: [longText(101)] }), 422, ['/manualMethods/0'], ['too_long']],
  ['crisis_support in 2020', record2020({ interventions: ['crisis_support'], manualMethods: [] }), 422, ['/interventions/0'], ['unknown_code']],
  ['other_non_manual without saying which', record2021({ interventions: ['other_non_manual'], manualMethods: [] }), 422, ['/otherIntervention'], ['other_intervention_required']],
  ['not_matching_needs without a comment', record2021({ closureReason: 'not_matching_needs' }), 422, ['/closureComment'], ['closure_comment_required']],
  ['closure reason other without a comment', record2021({ closureReason: 'other', closureComment: '  ' }), 422, ['/closureComment'], ['closure_comment_required']],
  ['an unknown closure reason', record2021({ closureReason: 'moved' }), 422, ['/closureReason'], ['unknown_code']],
  ['a background missing in 2021', record2021({ background: null }), 422, ['/background'], ['background_required']],
  ['a background in 2020', record2020({ background: 'unknown' }), 422, ['/background'], ['background_not_allowed']],
  ['an unknown background', record2021({ background: 'sweden' }), 422, ['/background'], ['unknown_code']],
  ['an unknown previouslyKnown', record2021({ previouslyKnown: 'yes' }), 422, ['/previouslyKnown'], ['unknown_code']],
  ['a comment over 1000 characters', record2021({ comment: longText(1001) }), 422, ['/comment'], ['too_long']],
  ['a personal identity number in the comment', record2021({ comment: 'Barnet 121212-1212 flyttade' }), 422, ['/comment'], ['identity_number']],
  ['a personal identity number in a method name', record2021({ manualMethods: ['KIBB 19121212+1212'] }), 422, ['/manualMethods/0'], ['identity_number']],
  ['a personal identity number in closureComment', record2021({ closureReason: 'other', closureComment: '201212121212 flyttade' }), 422, ['/closureComment'], ['identity_number']],
  ['problems as a string', record2021({ problems: 'school_problems' }), 422, ['/problems'], ['wrong_type']],
  ['a number in problems', record2021({ problems: [7] }), 422, ['/problems/0'], ['wrong_type']],
  ['an array instead of a record', [record2021()], 422, [''], ['not_an_object']],
  ['null instead of a record', null, 422, [''], ['not_an_object']]
]

t.test('bad records are refused with the field path and nothing is stored', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184', '2182'] })
  t.ok(cases.length >= 30)
  for (const [name, payload, status, paths, codes] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    t.equal(res.statusCode, status, `${name}: status`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
    const body = res.json()
    t.same([...new Set(body.errors.map((e: { path: string }) => e.path))].sort(), paths, `${name}: paths`)
    if (codes) t.same(body.errors.map((e: { code: string }) => e.code), codes, `${name}: codes`)
    for (const e of body.errors) t.ok(e.message.length > 5, `${name}: a message for people`)
  }
  const stored = await app.inject({ method: 'GET', url: '/v1/cases', headers })
  t.same(stored.json().items, [], 'nothing was stored')
})

t.test('messages follow Accept-Language', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const sv = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ problems: [] }) })
  t.match(sv.json().errors[0].message, /Huvudsaklig problematik \(fråga 7\): Minst 1 val/)
  const en = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'accept-language': 'en-GB,en;q=0.9' }, payload: record2021({ problems: [] }) })
  t.match(en.json().errors[0].message, /Main problems \(question 7\): At least 1 choice/)
})

t.test('malformed bodies are refused as problem+json', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const malformed = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"municipality": "2184",' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.headers['content-type'], /^application\/problem\+json/)
  t.equal(malformed.json().detail, 'The body is not valid JSON')

  const big = await app.inject({
    method: 'POST', url: '/v1/cases', headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(record2021({ comment: 'x'.repeat(2 * 1024 * 1024) }))
  })
  t.equal(big.statusCode, 413)
  t.match(big.headers['content-type'], /^application\/problem\+json/)

  const text = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 415)
  t.match(text.headers['content-type'], /^application\/problem\+json/)

  const stored = await app.inject({ method: 'GET', url: '/v1/cases', headers })
  t.same(stored.json().items, [])
})

t.test('validate answers valid, errors and warnings and writes nothing', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  const ok = await app.inject({ method: 'POST', url: '/v1/cases/validate', headers, payload: record2021({ ageAtReferral: 19 }) })
  t.equal(ok.statusCode, 200)
  t.same(ok.json().valid, true)
  t.same(ok.json().warnings.map((w: { code: string }) => w.code), ['age_over_18'])
  const bad = await app.inject({ method: 'POST', url: '/v1/cases/validate', headers, payload: record2021({ problems: [] }) })
  t.same(bad.json().valid, false)
  t.same(bad.json().errors[0].path, '/problems')
  const elsewhere = await app.inject({ method: 'POST', url: '/v1/cases/validate', headers, payload: record2021({ municipality: '2180' }) })
  t.same(elsewhere.json().errors.map((e: { code: string }) => e.code), ['municipality_not_allowed'])
  const lead = auth(app, { sub: 'lead', roles: ['municipality_lead'], municipalities: ['2184'] })
  const stored = await app.inject({ method: 'GET', url: '/v1/cases', headers: lead })
  t.same(stored.json().items, [])
})
