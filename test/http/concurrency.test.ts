import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { auth, build, queryRows, record2020, record2021 } from '../helper.js'
import { sql } from 'drizzle-orm'

// Concurrent writers of the same record: no 500, no lost update, exactly one winner per round.

const URL = '/v1/municipalities/2184/cases/RACE-1'

t.test('concurrent PUTs creating the same record make one record and no error', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    app.inject({ method: 'PUT', url: URL, headers, payload: record2021({ caseRef: 'RACE-1', ageAtReferral: i % 20 }) })))
  const statuses = results.map((r) => r.statusCode)
  t.equal(statuses.filter((s) => s === 201).length, 1, 'one creation')
  t.ok(statuses.every((s) => s === 200 || s === 201), `only 200 and 201: ${[...new Set(statuses)].join(',')}`)
  const [n] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from cases`)
  t.equal(n.n, 1)
})

t.test('with If-Match exactly one of the concurrent replacements wins each round', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const created = await app.inject({ method: 'PUT', url: URL, headers, payload: record2021({ caseRef: 'RACE-1' }) })
  let etag = created.headers.etag as string
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      app.inject({ method: 'PUT', url: URL, headers: { ...headers, 'if-match': etag }, payload: record2021({ caseRef: 'RACE-1', comment: `round ${round} writer ${i}` }) })))
    const winners = results.filter((r) => r.statusCode === 200)
    t.equal(winners.length, 1, `round ${round}: one winner`)
    t.equal(results.filter((r) => r.statusCode === 412).length, 29, `round ${round}: the others are told the record changed`)
    etag = winners[0].headers.etag as string
    const read = await app.inject({ method: 'GET', url: URL, headers })
    t.equal(read.json().comment, winners[0].json().record.comment, 'the stored record is the winner\'s')
  }
})

interface AuditUpdate { request_id: string, revision: number }

async function updatesOf (app: FastifyInstance, caseRef: string): Promise<AuditUpdate[]> {
  return queryRows<AuditUpdate>(app, sql`select request_id, (detail->>'revision')::int as revision from audit_log
    where action = 'case.update' and case_ref = ${caseRef} order by (detail->>'revision')::int`)
}

async function revisionOf (app: FastifyInstance, caseRef: string): Promise<number> {
  const [row] = await queryRows<{ revision: number }>(app, sql`select revision from cases where case_ref = ${caseRef}`)
  return row.revision
}

t.test('100 concurrent If-Match replacements, four rounds: one winner a round, 99 told 412, revisions one by one', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const url = '/v1/municipalities/2184/cases/RACE-100'
  const created = await app.inject({ method: 'PUT', url, headers, payload: record2021({ caseRef: 'RACE-100' }) })
  t.equal(created.statusCode, 201)
  let etag = created.headers.etag as string
  for (let round = 1; round <= 4; round++) {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => app.inject({
      method: 'PUT', url, headers: { ...headers, 'if-match': etag }, payload: record2021({ caseRef: 'RACE-100', comment: `round ${round} writer ${i}` })
    })))
    const statuses = results.map((r) => r.statusCode)
    t.same([...new Set(statuses)].sort(), [200, 412], `round ${round}: only 200 and 412`)
    const winners = results.filter((r) => r.statusCode === 200)
    t.equal(winners.length, 1, `round ${round}: one winner`)
    t.equal(await revisionOf(app, 'RACE-100'), 1 + round, `round ${round}: the revision moved by one`)
    t.not(winners[0].headers.etag, etag)
    etag = winners[0].headers.etag as string
    const read = await app.inject({ method: 'GET', url, headers })
    t.equal(read.json().comment, winners[0].json().record.comment, `round ${round}: the stored record is the winner's`)
    t.equal(read.headers.etag, etag)
  }
  const updates = await updatesOf(app, 'RACE-100')
  t.same(updates.map((u) => u.revision), [2, 3, 4, 5], 'one audited update per round')
})

t.test('100 concurrent replacements without If-Match: each is applied in turn, and the last one committed is what is stored', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const url = '/v1/municipalities/2184/cases/RACE-LAST'
  t.equal((await app.inject({ method: 'PUT', url, headers, payload: record2021({ caseRef: 'RACE-LAST' }) })).statusCode, 201)
  for (let round = 0; round < 2; round++) {
    const before = await revisionOf(app, 'RACE-LAST')
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => app.inject({
      method: 'PUT', url, headers, payload: record2021({ caseRef: 'RACE-LAST', ageAtReferral: i % 21, comment: `round ${round} writer ${i}` })
    })))
    t.same([...new Set(results.map((r) => r.statusCode))], [200], `round ${round}: all 100 acknowledged, none failed`)
    const byRequest = new Map(results.map((r) => [r.headers['x-request-id'] as string, r.json().record.comment as string]))
    // Every acknowledged write is a revision of its own: none overwrote another unseen.
    const updates = (await updatesOf(app, 'RACE-LAST')).filter((u) => u.revision > before)
    t.same(updates.map((u) => u.revision), Array.from({ length: 100 }, (_, i) => before + 1 + i), `round ${round}: revisions ${before + 1}…${before + 100}, no gap, no repeat`)
    t.same(new Set(updates.map((u) => u.request_id)), new Set(byRequest.keys()), `round ${round}: each request audited once`)
    const last = updates[updates.length - 1]
    const read = await app.inject({ method: 'GET', url, headers })
    t.equal(read.json().comment, byRequest.get(last.request_id), `round ${round}: the stored record is the last committed writer's`)
    t.equal(await revisionOf(app, 'RACE-LAST'), before + 100)
  }
})

t.test('concurrent batches that overlap: every key stored once, created once, with the children of one whole version', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184', '2182'] })
  // Six batches of 300; batch b covers refs 100b … 100b+299, so each ref is in up to three
  // batches, each batch with its own content for it.
  const version = (b: number, i: number) => b % 2 === 0
    ? record2021({ caseRef: `OV-${i}`, ageAtReferral: 10 + b, problems: ['school_problems', 'other'].slice(0, 1 + (b % 3 === 0 ? 1 : 0)), otherProblem: b % 3 === 0 ? 'annat' : null })
    : record2020({ municipality: '2184', caseRef: `OV-${i}`, ageAtReferral: 10 + b, manualMethods: ['PYC', 'KIBB', 'IHF'].slice(0, 1 + (b % 3)) })
  const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 300 }, (_, k) => version(b, 100 * b + k)))
  for (let round = 0; round < 2; round++) {
    const answers = await Promise.all(batches.map((payload) => app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload })))
    t.same(answers.map((a) => a.statusCode), [200, 200, 200, 200, 200, 200], `round ${round}: every batch answered`)
    const bodies = answers.map((a) => a.json())
    t.equal(bodies.reduce((n, b) => n + b.failed, 0), 0, `round ${round}: no item failed`)
    if (round === 0) t.equal(bodies.reduce((n, b) => n + b.created, 0), 800, 'each of the 800 refs created exactly once')
    else t.equal(bodies.reduce((n, b) => n + b.created, 0), 0, 'the second round creates nothing')
  }
  const [counts] = await queryRows<{ cases: number, refs: number }>(app, sql`select count(*)::int as cases, count(distinct case_ref)::int as refs from cases`)
  t.same(counts, { cases: 800, refs: 800 }, 'no duplicates')
  // The children of each record are those of the version its age names (the batch number + 10).
  const rows = await queryRows<{ case_ref: string, age: number, problems: string | null, methods: string | null }>(app, sql`
    select c.case_ref, c.age_at_referral as age,
      (select string_agg(problem, ',' order by position) from case_problems p where p.case_id = c.id) as problems,
      (select string_agg(name, ',' order by position) from case_manual_methods m where m.case_id = c.id) as methods
    from cases c`)
  const mismatched = rows.filter((r) => {
    const b = r.age - 10
    const i = Number(r.case_ref.split('-')[1])
    if (i < 100 * b || i >= 100 * b + 300) return true
    const v = version(b, i) as { problems: string[], manualMethods: string[] }
    return (r.problems ?? '') !== v.problems.join(',') || (r.methods ?? '') !== v.manualMethods.join(',')
  })
  t.same(mismatched.slice(0, 3), [], 'every record holds the lists of the version its columns came from')
  const [audit] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from audit_log where action = 'case.create'`)
  t.equal(audit.n, 800, 'one audited creation per record')
})
