import { sql } from 'drizzle-orm'
import t from 'tap'
import { arrayLiteral } from '../../src/db/bulk-repository.js'
import { auth, build, queryRows, record2021 } from '../helper.js'

// Batches pass each column as one array literal built by arrayLiteral: text that could break the
// literal (quotes, backslashes, braces, commas, the word NULL, blanks, non-ASCII) must come back
// exactly as sent, through an insert and through a replacement.

t.test('arrayLiteral quotes every string, escapes quote and backslash, and writes NULL and numbers bare', async (t) => {
  t.equal(arrayLiteral([]), '{}')
  t.equal(arrayLiteral(['a', null, 3, 'NULL']), '{"a",NULL,3,"NULL"}')
  t.equal(arrayLiteral(['say "hi"', 'C:\\temp', '{x,y}', ' pad ']), '{"say \\"hi\\"","C:\\\\temp","{x,y}"," pad "}')
})

// Stored trimmed (free text is trimmed by validation), so none starts or ends with a blank.
const AWKWARD = [
  'Citat "så här" och \\ snedstreck',
  'NULL',
  '{klammer, komma}',
  '"',
  '\\',
  'Rad ett\nrad två\ttabb',
  'Åsa Öberg ärende — ”typografiska” citat 🙂'
]

t.test('free text and method names that could break an array literal are stored exactly', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const records = AWKWARD.map((text, i) => record2021({
    caseRef: `Q-${i}`,
    problems: ['other', 'school_problems'],
    otherProblem: text,
    interventions: ['other_non_manual', 'other_manual_method'],
    otherIntervention: 'Annan insats',
    manualMethods: [`Metod ${i} ${text.replace(/\s+/g, ' ')}`, 'NULL'],
    comment: text
  }))
  const res = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: records })
  t.equal(res.statusCode, 200)
  t.same(res.json().results.map((r: { status: string }) => r.status), records.map(() => 'created'))
  for (const r of records) {
    const read = await app.inject({ method: 'GET', url: `/v1/municipalities/2184/cases/${r.caseRef}`, headers })
    const back = read.json()
    t.equal(back.otherProblem, r.otherProblem, `${r.caseRef}: otherProblem`)
    t.equal(back.comment, r.comment, `${r.caseRef}: comment`)
    t.same(back.manualMethods, r.manualMethods, `${r.caseRef}: manualMethods`)
  }

  // A replacement through the UPDATE path, with the lists reordered and shortened.
  const replaced: Array<Record<string, unknown>> = records.map((r) => ({ ...r, closureComment: null, comment: `${r.comment as string} (ändrad)`, problems: ['school_problems'], otherProblem: null }))
  const again = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: replaced })
  t.same(again.json().results.map((r: { status: string }) => r.status), records.map(() => 'updated'))
  for (const r of replaced) {
    const back = (await app.inject({ method: 'GET', url: `/v1/municipalities/2184/cases/${r.caseRef}`, headers })).json()
    t.equal(back.comment, r.comment, `${r.caseRef}: replaced comment`)
    t.same([back.problems, back.otherProblem], [['school_problems'], null], `${r.caseRef}: shortened list`)
  }
})

t.test('concurrent batches creating the same records: each record is created once, the other batch finds it stored', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const same = Array.from({ length: 1500 }, (_, i) => record2021({ caseRef: `RACE-${i}`, ageAtReferral: i % 21 }))
  const changed = same.map((r) => ({ ...r, comment: 'från den andra exporten' }))
  const [a, b, c] = await Promise.all([same, same, changed].map((payload) =>
    app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload })))
  const counts = [a, b, c].map((res) => res.json() as { created: number, updated: number, unchanged: number, failed: number })
  t.same(counts.map((x) => x.failed), [0, 0, 0], 'no item fails (no storage_error from the race)')
  t.equal(counts.reduce((n, x) => n + x.created, 0), 1500, 'every record created exactly once')
  t.equal(counts.reduce((n, x) => n + x.created + x.updated + x.unchanged, 0), 4500, 'every item answered')
  const rows = await queryRows<{ n: number, revisions: number, audits: number }>(app, sql`
    select (select count(*)::int from cases) as n, (select sum(revision)::int from cases) as revisions,
      (select count(*)::int from audit_log where action in ('case.create', 'case.update')) as audits`)
  const updates = counts.reduce((n, x) => n + x.updated, 0)
  t.same(rows[0], { n: 1500, revisions: 1500 + updates, audits: 1500 + updates }, 'one revision and one audit row per write')
})
