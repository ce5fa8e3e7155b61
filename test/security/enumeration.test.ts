import { performance } from 'node:perf_hooks'
import { sql } from 'drizzle-orm'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { auth, build, queryRows, record2021 } from '../helper.js'

// A registrant enumerating caseRefs must not learn whether a record of someone else exists:
// "exists, but not yours" answers exactly as "does not exist" (status, body, headers), by GET,
// HEAD and DELETE, with or without conditional headers, and in the same time.

const alice = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184'] }
const bob = { sub: 'bob', roles: ['registrant' as const], municipalities: ['2184'] }
const EXISTS = '/v1/municipalities/2184/cases/HU-2021-0001'
const MISSING = '/v1/municipalities/2184/cases/HU-2021-9999'

/** What a client can see of an answer, less what differs on every request. */
function visible (res: LightMyRequestResponse) {
  const headers = { ...res.headers }
  delete headers['x-request-id']
  delete headers.date
  const body = res.body ? { ...res.json(), requestId: undefined } : null
  return { status: res.statusCode, headers, body }
}

async function withAlicesRecord (t: Parameters<typeof build>[0]): Promise<{ app: FastifyInstance, etag: string }> {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/cases', headers: auth(app, alice), payload: record2021() })
  return { app, etag: res.headers.etag as string }
}

t.test('another registrant gets the same 404 for a record that exists and one that does not', async (t) => {
  const { app, etag } = await withAlicesRecord(t)
  const headers = auth(app, bob)
  const variants: Array<[string, Record<string, string>]> = [
    ['GET', {}],
    ['GET', { 'if-none-match': etag }],
    ['GET', { 'if-none-match': '*' }],
    ['GET', { 'if-match': etag }],
    ['HEAD', {}],
    ['DELETE', {}],
    ['DELETE', { 'if-match': etag }]
  ]
  for (const [method, extra] of variants) {
    for (const lang of ['sv', 'en']) {
      const h = { ...headers, ...extra, 'accept-language': lang }
      const a = await app.inject({ method: method as 'GET', url: EXISTS, headers: h })
      const b = await app.inject({ method: method as 'GET', url: MISSING, headers: h })
      t.equal(a.statusCode, 404, `${method} ${JSON.stringify(extra)} ${lang}: 404`)
      t.same(visible(a), visible(b), `${method} ${JSON.stringify(extra)} ${lang}: the same answer`)
    }
  }
  const stillThere = await app.inject({ method: 'GET', url: EXISTS, headers: auth(app, alice) })
  t.equal(stillThere.statusCode, 200, 'bob erased nothing')
  t.equal(stillThere.headers.etag, etag)

  const refused = await queryRows<{ subject: string, case_ref: string, detail: unknown }>(app, sql`select subject, case_ref, detail from audit_log where action = 'case.refused' order by id limit 2`)
  t.same(refused, [
    { subject: 'bob', case_ref: 'HU-2021-0001', detail: { op: 'read', status: 404 } },
    { subject: 'bob', case_ref: 'HU-2021-9999', detail: { op: 'read', status: 404 } }
  ], 'both attempts are audited alike, so an enumeration shows in the log')
})

t.test('a caller of another municipality gets 403 whether or not the record exists', async (t) => {
  const { app } = await withAlicesRecord(t)
  for (const roles of [['registrant'], ['municipality_lead'], ['integration']] as const) {
    const headers = auth(app, { sub: 'gävle', roles: [...roles], municipalities: ['2180'] })
    for (const method of ['GET', 'DELETE'] as const) {
      const a = await app.inject({ method, url: EXISTS, headers })
      const b = await app.inject({ method, url: MISSING, headers })
      t.equal(a.statusCode, 403, `${roles[0]} ${method}`)
      t.same(visible(a), visible(b), `${roles[0]} ${method}: the same answer`)
    }
  }
})

/** Median of the time one request takes, measured interleaved so that drifts hit both alike. */
async function medians (app: FastifyInstance, headers: Record<string, string>, method: 'GET' | 'DELETE', rounds: number): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []]
  for (let i = 0; i < rounds; i++) {
    for (const [k, url] of [[0, EXISTS], [1, MISSING]] as const) {
      const start = performance.now()
      await app.inject({ method, url, headers })
      times[k].push(performance.now() - start)
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  return [median(times[0]), median(times[1])]
}

t.test('the refusal takes the same time for a record that exists as for one that does not', async (t) => {
  const { app } = await withAlicesRecord(t)
  const headers = auth(app, bob)
  await medians(app, headers, 'GET', 20)
  for (const method of ['GET', 'DELETE'] as const) {
    // A lookup that read the found record before checking its owner costs three more queries.
    const [exists, missing] = await medians(app, headers, method, 60)
    t.ok(Math.abs(exists - missing) < 0.35 * Math.max(exists, missing) + 0.5,
      `${method}: median ${exists.toFixed(2)} ms for an existing record, ${missing.toFixed(2)} ms for a missing one`)
  }
})
