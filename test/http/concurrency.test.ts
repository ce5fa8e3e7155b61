import t from 'tap'
import { auth, build, queryRows, record2021 } from '../helper.js'
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
