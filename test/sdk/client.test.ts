import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { createIsuClient, IsuApiError, type RecordInput } from '../../clients/typescript/index.js'
import { build, record2021, token } from '../helper.js'

// The TypeScript SDK against a running app (listening on a port, a test database): an API client
// created through the admin route, its token fetched and renewed by the SDK, records written and
// read, a batch, a statistics table, and the problems of bad input and of a forbidden call.

const admin = { sub: 'ada', roles: ['admin' as const] }

async function listening (t: Parameters<typeof build>[0]): Promise<{ app: FastifyInstance, baseUrl: string }> {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return { app, baseUrl: `http://127.0.0.1:${port}` }
}

/** An integration client for 2184 created by an administrator through the SDK. */
async function integrationClient (app: FastifyInstance, baseUrl: string) {
  const asAdmin = createIsuClient({ baseUrl, token: token(app, admin) })
  const created = await asAdmin.api.POST('/v1/admin/clients', { body: { name: 'Treserva Hudiksvall', role: 'integration', municipalities: ['2184'] } })
  if (created.response.status !== 201 || !created.data) throw new Error(`client not created: ${created.response.status}`)
  return created.data
}

/** Counts the calls to each path, passing them on to the real fetch. */
function countingFetch () {
  const calls: string[] = []
  return {
    calls,
    fetch: (request: Request) => {
      calls.push(`${request.method} ${new URL(request.url).pathname}`)
      return globalThis.fetch(request)
    }
  }
}

/** The IsuApiError a call ends in; anything else (success included) is a failure of the test. */
async function refusal (call: Promise<unknown>): Promise<IsuApiError> {
  const outcome = await call.then(() => new Error('the call succeeded'), (e: unknown) => e)
  if (!(outcome instanceof IsuApiError)) throw new Error(`expected an IsuApiError, got ${String(outcome)}`)
  return outcome
}

const record = (overrides: Record<string, unknown> = {}) => record2021(overrides) as RecordInput

t.test('an API client writes, reads, batches and reads statistics with a token the SDK fetched', async (t) => {
  const { app, baseUrl } = await listening(t)
  const clientCredentials = await integrationClient(app, baseUrl)
  const counter = countingFetch()
  const isu = createIsuClient({ baseUrl, clientCredentials, fetch: counter.fetch })

  const put = await isu.putCase(record({ caseRef: 'SDK-1' }))
  t.equal(put.created, true)
  t.equal(put.record.caseRef, 'SDK-1')
  t.match(put.etag, /^"[A-Za-z0-9_-]+"$/)
  t.same(counter.calls, ['POST /v1/auth/token', 'PUT /v1/municipalities/2184/cases/SDK-1'], 'one token fetched before the first call')
  const claims = app.jwt.decode<{ sub: string, roles: string[] }>(await isu.token() as string)
  t.same([claims?.sub, claims?.roles], [`client:${clientCredentials.clientId}`, ['integration']])

  const read = await isu.getCase('2184', 'SDK-1')
  t.same(read.record, record({ caseRef: 'SDK-1' }))
  t.equal(read.etag, put.etag)
  const again = await isu.putCase(record({ caseRef: 'SDK-1' }), { ifMatch: put.etag as string })
  t.same([again.created, again.etag], [false, put.etag], 'sending the same record again changes nothing')

  const batch = await isu.batch([record({ caseRef: 'SDK-1' }), ...Array.from({ length: 9 }, (_, i) => record({ caseRef: `SDK-B${i}`, ageAtReferral: 5 + i }))])
  t.match(batch, { created: 9, updated: 0, unchanged: 1, failed: 0 })
  t.same(batch.results.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])

  const table = await isu.stats('overview', { year: 2021, municipality: ['2184'] })
  t.equal(table.table, 'overview')
  t.equal(table.protection, 'suppressed', 'an integration gets protected tables')
  t.equal(table.population, 10, 'the ten records just written are counted')
  t.same(table.filters, { year: 2021, municipality: ['2184'] })

  // The typed client itself, for everything the helpers do not cover.
  const list = await isu.api.GET('/v1/cases', { params: { query: { municipality: ['2184'], limit: 100 } } })
  t.equal(list.response.status, 200)
  t.equal(list.data?.items.length, 10)
  t.equal(counter.calls.filter((c) => c === 'POST /v1/auth/token').length, 1, 'the token was reused for every call')
})

t.test('bad input and a forbidden call throw an IsuApiError carrying the problem+json body', async (t) => {
  const { app, baseUrl } = await listening(t)
  const isu = createIsuClient({ baseUrl, clientCredentials: await integrationClient(app, baseUrl), language: 'en' })

  const invalid = await refusal(isu.putCase(record({ caseRef: 'SDK-2', problems: ['bullying'], closingDate: '2030-01-01' })))
  const problem = invalid.problem
  t.equal(invalid.status, 422)
  t.match(problem, { status: 422, type: '/problems/validation' })
  t.same(problem.errors?.map((e) => `${e.path} ${e.code}`), ['/problems/0 unknown_code', '/closingDate closing_in_future'])
  t.match(problem.errors?.[0].message, /bullying/, 'messages in the language asked for')
  t.match(invalid.message, /^422 .*\/problems\/0 unknown_code/)
  t.equal((await refusal(isu.getCase('2184', 'SDK-2'))).status, 404, 'nothing was stored')

  const forbidden = await refusal(isu.putCase(record({ municipality: '2180', caseRef: 'SDK-3' })))
  t.same([forbidden.status, forbidden.problem.status, forbidden.problem.type], [403, 403, '/problems/forbidden'])
  t.equal((await refusal(isu.getCase('2180', 'SDK-3'))).status, 403, 'nor may it read there')

  const asAdmin = createIsuClient({ baseUrl, token: token(app, admin) })
  const admins = await refusal(asAdmin.stats('overview'))
  t.same([admins.status, admins.problem.status, admins.problem.detail], [403, 403, 'Administrators do not read statistics'])
  const anonymous = createIsuClient({ baseUrl })
  const nobody = await refusal(anonymous.batch([record()]))
  t.same([nobody.status, nobody.problem.status, nobody.problem.type], [401, 401, '/problems/unauthorized'])
  const refused = createIsuClient({ baseUrl, clientCredentials: { clientId: 'c_nobody', clientSecret: 'wrong' } })
  const wrongSecret = await refusal(refused.getCase('2184', 'SDK-1'))
  t.same([wrongSecret.status, wrongSecret.problem.status], [401, 401], 'a refused secret surfaces as the token endpoint\'s 401')
})

t.test('the token is renewed shortly before it expires, once for concurrent calls, and after a 401', async (t) => {
  const { app, baseUrl } = await listening(t)
  const clientCredentials = await integrationClient(app, baseUrl)
  let clock = Date.now()
  const counter = countingFetch()
  const isu = createIsuClient({ baseUrl, clientCredentials, fetch: counter.fetch, now: () => clock })
  const tokens = () => counter.calls.filter((c) => c === 'POST /v1/auth/token').length

  await Promise.all(Array.from({ length: 5 }, (_, i) => isu.putCase(record({ caseRef: `SDK-C${i}` }))))
  t.equal(tokens(), 1, 'five concurrent first calls share one token request')

  clock += (900 - 61) * 1000
  await isu.getCase('2184', 'SDK-C0')
  t.equal(tokens(), 1, 'still valid for more than the 60 s margin: reused')
  clock += 2 * 1000
  await isu.getCase('2184', 'SDK-C0')
  t.equal(tokens(), 2, 'within 60 s of expiry: renewed before the call')

  // A token the server refuses although it looks valid here (a restart with another key, clocks
  // that disagree) is replaced once and the call repeated.
  let spoil = true
  const seen: string[] = []
  const stale = createIsuClient({
    baseUrl,
    clientCredentials,
    fetch: (request) => {
      seen.push(`${request.method} ${new URL(request.url).pathname}`)
      if (spoil && !request.url.endsWith('/v1/auth/token')) {
        spoil = false
        request.headers.set('authorization', `Bearer ${token(app, { sub: 'x', roles: ['integration'], municipalities: ['2184'], expiresIn: -10 })}`)
      }
      return globalThis.fetch(request)
    }
  })
  const read = await stale.getCase('2184', 'SDK-C1')
  t.equal(read.record.caseRef, 'SDK-C1')
  t.same(seen, ['POST /v1/auth/token', 'GET /v1/municipalities/2184/cases/SDK-C1', 'POST /v1/auth/token', 'GET /v1/municipalities/2184/cases/SDK-C1'])
  const refusedTwice = createIsuClient({
    baseUrl,
    clientCredentials,
    fetch: (request) => {
      if (!request.url.endsWith('/v1/auth/token')) request.headers.set('authorization', 'Bearer not-a-jwt')
      return globalThis.fetch(request)
    }
  })
  t.equal((await refusal(refusedTwice.getCase('2184', 'SDK-C1'))).status, 401, 'only once: a second 401 is the answer')
})

t.test('a token and client credentials together are refused', async (t) => {
  t.throws(() => createIsuClient({ baseUrl: 'http://127.0.0.1:1', token: 'x', clientCredentials: { clientId: 'a', clientSecret: 'b' } }), /either token or clientCredentials/)
})
