import t from 'tap'
import { knownIssueCodes } from '../../src/domain/messages.js'
import { Compile } from 'typebox/compile'
import { codesFor } from '../../src/domain/codes.js'
import { type FormDefinition, type FormQuestion, formDefinition, FormDefinitionSchema, RULE_CODES } from '../../src/domain/form.js'
import { FORM_VERSIONS, type FormVersion } from '../../src/domain/types.js'

const checker = Compile(FormDefinitionSchema)

const questions = (f: FormDefinition) => f.sections.flatMap((s) => s.questions)
const find = (f: FormDefinition, field: string): FormQuestion | undefined => questions(f).find((q) => q.field === field)
const codesOf = (v: FormVersion, field: string) => find(formDefinition(v), field)?.codes?.map((c) => c.code)

const ALL_RULES = [
  'start_before_referral', 'closing_before_start', 'closing_before_referral', 'closing_in_future', 'start_required',
  'start_with_never_started', 'other_problem_required', 'other_problem_not_allowed', 'manual_methods_required',
  'manual_methods_not_allowed', 'other_intervention_required', 'other_intervention_not_allowed', 'interventions_required',
  'interventions_must_be_empty', 'closure_comment_required', 'background_required', 'background_not_allowed',
  'identity_number', 'long_duration', 'long_wait', 'age_over_18'
]
const ONLY_2021 = ['start_with_never_started', 'other_intervention_required', 'interventions_must_be_empty', 'background_required']
const ONLY_2020 = ['background_not_allowed']

t.test('both form versions match their published schema', async (t) => {
  for (const v of FORM_VERSIONS) {
    const f = formDefinition(v)
    t.ok(checker.Check(f), v)
    t.equal(f.version, v)
    t.ok(f.title.sv.includes(`SU-X ${v}`))
  }
})

t.test('the form is plain JSON', async (t) => {
  for (const v of FORM_VERSIONS) t.same(JSON.parse(JSON.stringify(formDefinition(v))), formDefinition(v))
})

t.test('every question, section and rule has Swedish and English text', async (t) => {
  for (const v of FORM_VERSIONS) {
    const f = formDefinition(v)
    for (const l of [f.title, f.description, ...f.sections.map((s) => s.title), ...f.rules.map((r) => r.description)]) {
      t.ok(l.sv.trim() && l.en.trim(), `${v}: ${l.sv}`)
    }
    for (const q of questions(f)) {
      t.ok(q.text.sv.trim() && q.text.en.trim(), `${v} ${q.field} text`)
      if (q.help) t.ok(q.help.sv.trim() && q.help.en.trim(), `${v} ${q.field} help`)
      for (const c of q.codes ?? []) {
        t.ok(c.labels.sv && c.labels.en, `${v} ${q.field} ${c.code} labels`)
        if (c.definition) t.ok(c.definition.sv.trim() && c.definition.en.trim(), `${v} ${q.field} ${c.code} definition`)
      }
    }
  }
})

t.test('questions are numbered 1 to 10 in order, ärende-id without a number', async (t) => {
  const f = formDefinition('2021')
  const numbers = [...new Set(questions(f).map((q) => q.number).filter((n) => n !== null))]
  t.same(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  t.equal(find(f, 'caseRef')?.number, null)
  t.same(f.sections.map((s) => s.key), ['background', 'problems', 'interventions', 'closing'])
})

t.test('the 2021 form asks every record field of SPEC §2 but municipality and formVersion', async (t) => {
  t.same(new Set(questions(formDefinition('2021')).map((q) => q.field)), new Set([
    'caseRef', 'ageAtReferral', 'gender', 'background', 'referralDate', 'startDate', 'previouslyKnown', 'problems',
    'otherProblem', 'interventions', 'manualMethods', 'otherIntervention', 'closingDate', 'closureReason', 'closureComment', 'comment'
  ]))
})

t.test('the 2020 form has no background question and no other-intervention text', async (t) => {
  const f = formDefinition('2020')
  t.equal(find(f, 'background'), undefined)
  t.equal(find(f, 'otherIntervention'), undefined)
  t.equal(find(formDefinition('2021'), 'background')?.number, 3)
  t.equal(find(f, 'referralDate')?.number, 4, 'numbers follow the 2021 form')
})

t.test('each version lists exactly its own codes', async (t) => {
  for (const v of FORM_VERSIONS) {
    t.same(codesOf(v, 'problems'), codesFor('problem', v), `${v} problems`)
    t.same(codesOf(v, 'interventions'), codesFor('intervention', v), `${v} interventions`)
    t.same(codesOf(v, 'closureReason'), codesFor('closure_reason', v), `${v} closure reasons`)
    t.same(codesOf(v, 'gender'), codesFor('gender', v), `${v} gender`)
    t.same(codesOf(v, 'previouslyKnown'), codesFor('previously_known', v), `${v} previously known`)
    t.same(codesOf(v, 'manualMethods'), codesFor('manual_method', v), `${v} manual methods`)
  }
  t.same(codesOf('2021', 'background'), codesFor('background', '2021'))
})

t.test('2020 codes differ from 2021 where SPEC §2 says', async (t) => {
  t.same(codesOf('2020', 'interventions'), ['traditional_family_treatment', 'manual_method'])
  t.notOk(codesOf('2020', 'closureReason')?.includes('never_started'))
  t.ok(codesOf('2021', 'closureReason')?.includes('never_started'))
  t.same(codesOf('2020', 'gender'), ['girl', 'boy'])
  t.ok(codesOf('2020', 'problems')?.includes('parent_mental_health_or_id'))
  t.notOk(codesOf('2020', 'problems')?.includes('parent_mental_health'))
})

t.test('every problem, intervention and closure reason has a definition from the user guide', async (t) => {
  for (const v of FORM_VERSIONS) {
    for (const field of ['problems', 'interventions', 'closureReason']) {
      for (const c of find(formDefinition(v), field)?.codes ?? []) t.ok(c.definition, `${v} ${field} ${c.code}`)
    }
  }
  const crisis = find(formDefinition('2021'), 'interventions')?.codes?.find((c) => c.code === 'crisis_support')
  t.match(crisis?.definition?.sv, /I Stunden, Efter Barnförhöret/)
})

t.test('the problem "other" names a parent\'s intellectual disability as example only in 2021', async (t) => {
  const other = (v: FormVersion) => find(formDefinition(v), 'problems')?.codes?.find((c) => c.code === 'other')?.definition?.sv
  t.match(other('2021'), /intellektuella funktionsnedsättning/)
  t.notMatch(other('2020'), /intellektuella funktionsnedsättning/)
})

t.test('problems allow 1 to 3 choices in 2021 and 0 to 3 in 2020', async (t) => {
  t.match(find(formDefinition('2021'), 'problems'), { minChoices: 1, maxChoices: 3, required: 'always' })
  t.match(find(formDefinition('2020'), 'problems'), { minChoices: 0, maxChoices: 3, required: 'optional' })
})

t.test('manual methods are an open list of 1 to 10 names of at most 100 characters', async (t) => {
  t.match(find(formDefinition('2021'), 'manualMethods'), { type: 'texts', openList: true, minChoices: 1, maxChoices: 10, maxLength: 100 })
})

t.test('every rule code of SPEC §2 is in the form of the version it applies to', async (t) => {
  const r2020 = formDefinition('2020').rules.map((r) => r.code)
  const r2021 = formDefinition('2021').rules.map((r) => r.code)
  t.same(new Set(RULE_CODES), new Set(ALL_RULES))
  t.same(new Set(r2021), new Set(ALL_RULES.filter((c) => !ONLY_2020.includes(c))))
  t.same(new Set(r2020), new Set(ALL_RULES.filter((c) => !ONLY_2021.includes(c))))
})

t.test('exactly the four warnings are warnings', async (t) => {
  const warnings = formDefinition('2021').rules.filter((r) => r.severity === 'warning').map((r) => r.code)
  t.same(new Set(warnings), new Set(['start_with_never_started', 'long_duration', 'long_wait', 'age_over_18']))
})

t.test('every rule of the form has a message for registrants', async (t) => {
  const known = new Set(knownIssueCodes())
  for (const code of RULE_CODES) t.ok(known.has(code), code)
})

t.test('rules name fields that the record has, and questions list the rules on their field', async (t) => {
  const f = formDefinition('2021')
  const fields = new Set(questions(f).map((q) => q.field))
  for (const r of f.rules) for (const field of r.fields) t.ok(fields.has(field), `${r.code} ${field}`)
  t.ok(find(f, 'caseRef')?.rules.includes('identity_number'))
  t.ok(find(f, 'comment')?.rules.includes('identity_number'))
  t.same(find(f, 'background')?.rules, ['background_required'])
})

t.test('rule descriptions name the version\'s manual-method option', async (t) => {
  const describe = (v: FormVersion) => formDefinition(v).rules.find((r) => r.code === 'manual_methods_required')?.description.sv
  t.match(describe('2021'), /Annan manualbaserad metod/)
  t.match(describe('2020'), /”Manualbaserad metod”/)
})

t.test('2020 requires a start date and an intervention, since it has no never_started', async (t) => {
  t.equal(find(formDefinition('2020'), 'startDate')?.required, 'always')
  t.equal(find(formDefinition('2020'), 'interventions')?.required, 'always')
  t.equal(find(formDefinition('2021'), 'startDate')?.required, 'conditional')
})
