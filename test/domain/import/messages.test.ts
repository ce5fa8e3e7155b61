import t from 'tap'
import { describeImportIssue, importIssueCodes, storableParams } from '../../../src/domain/import/messages.js'

// Import messages in Swedish and English, and what of an issue may be stored with a job.

t.test('every import code has a Swedish and an English message, with the field named as the form names it', async (t) => {
  for (const code of importIssueCodes()) {
    const issue = { path: '/gender', code, params: { line: 3, column: 'Kön', profile: 'p', cells: 5, expected: 7, known: 'a', version: '2021', list: 'gender', formats: 'f', rows: '4', trueValues: 'Ja', falseValues: 'Nej', keys: 'a, b', value: 'v', codes: 'c', limit: 9, format: 'xls', reason: 'r' } }
    const sv = describeImportIssue(issue, 'sv')
    const en = describeImportIssue(issue, 'en')
    t.match(sv, /^Barnets kön \(fråga 2\): \S/, `${code} sv`)
    t.match(en, /^Gender \(question 2\): \S/, `${code} en`)
    t.not(sv, en, code)
    t.notMatch(sv + en, /undefined/, code)
  }
  t.equal(describeImportIssue({ path: '/fields/gender/codes/X', code: 'not_a_sux_code', params: { value: 'X', list: 'gender', codes: 'girl, boy' } }, 'en'),
    'X is not a code of the list gender; valid: girl, boy', 'a profile path names no record field')
  t.equal(describeImportIssue({ path: '/caseRef', code: 'not_owner' }, 'sv'), 'Ärende-id: Posten registrerades av någon annan; bara den som registrerade den eller kommunens integration får ersätta den',
    'codes of the record rules keep their messages')
})

t.test('record rules that would quote a value are said without it', async (t) => {
  const rules = [
    { path: '/problems/0', code: 'unknown_code', params: { list: 'problem', version: '2020' } },
    { path: '/municipality', code: 'municipality_not_allowed' },
    { path: '/startDate', code: 'start_before_referral' },
    { path: '/closingDate', code: 'closing_in_future' },
    { path: '/formVersion', code: 'unknown_version' },
    { path: '/problems/1', code: 'duplicate' }
  ]
  for (const issue of rules) {
    for (const lang of ['sv', 'en'] as const) t.notMatch(describeImportIssue(issue, lang), /undefined/, `${issue.code} ${lang}`)
  }
  t.match(describeImportIssue(rules[0], 'sv'), /giltiga: violence_abuse, .*parent_mental_health_or_id/)
})

t.test('only params that cannot hold a cell are stored', async (t) => {
  t.same(storableParams({ value: '850709-9805', list: 'gender', version: '2021' }), { list: 'gender', version: '2021' })
  t.same(storableParams({ startDate: '2021-01-01', referralDate: '2021-02-01' }), undefined, 'the dates of a case are its contents')
  t.same(storableParams(undefined), undefined)
})
