import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { parseCorsOrigins, parseTrustProxy } from '../../src/config.js'
import { MAX_URL_LENGTH } from '../../src/plugins/security.js'
import { auth, build, queryRows, record2021 } from '../helper.js'

// Security headers, CORS allow-list, request limits (429 with Retry-After), body, URL and
// parameter limits, and error answers that never carry a stack trace or SQL.

const DASHBOARD = 'https://dash.region.example'
const analyst = { sub: 'fou', roles: ['regional_analyst' as const] }

t.test('JSON answers carry API security headers; bearer answers are not cached unless the route says so', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1/cases', headers: auth(app, analyst) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-security-policy'], "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'")
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.equal(res.headers['referrer-policy'], 'no-referrer')
  t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
  t.equal(res.headers['cross-origin-resource-policy'], 'same-origin')
  t.equal(res.headers['cache-control'], 'private, no-store', 'the route\'s own')
  t.notOk(res.headers['x-powered-by'])

  const problem = await app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: 'Bearer nonsense' } })
  t.equal(problem.statusCode, 401)
  t.equal(problem.headers['x-content-type-options'], 'nosniff', 'errors too')
  t.equal(problem.headers['cache-control'], 'no-store', 'a bearer answer without a cache policy of its own is not stored')

  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.match(docs.headers['content-security-policy'], /script-src 'self';/, 'the explorer loads its own scripts')
  t.notMatch(docs.headers['content-security-policy'], /unsafe-eval|script-src[^;]*unsafe-inline/, 'but no inline or evaluated script')
  t.notMatch(docs.body, /<script>(?!\s*<\/script>)[^<]+<\/script>/, 'the explorer page has no inline script the policy would block')
})

t.test('CORS: listed dashboard origins are allowed without credentials; others get no CORS headers', async (t) => {
  const app = await build(t, { corsOrigins: [DASHBOARD] })
  const preflight = (origin: string) => app.inject({
    method: 'OPTIONS',
    url: '/v1/stats/overview',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, accept-language' }
  })
  const ok = await preflight(DASHBOARD)
  t.equal(ok.statusCode, 204)
  t.equal(ok.headers['access-control-allow-origin'], DASHBOARD)
  t.match(ok.headers['access-control-allow-headers'], /authorization/)
  t.notOk(ok.headers['access-control-allow-credentials'], 'no credentials mode: tokens travel in a header')

  const evil = await preflight('https://evil.example')
  t.notOk(evil.headers['access-control-allow-origin'], 'an unlisted origin is not allowed')
  const lookalike = await preflight(`${DASHBOARD}.evil.example`)
  t.notOk(lookalike.headers['access-control-allow-origin'], 'nor one that merely starts like a listed one')

  const headers = { ...auth(app, { sub: 'dash', roles: ['dashboard'] }), origin: DASHBOARD }
  const get = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers })
  t.equal(get.statusCode, 200)
  t.equal(get.headers['access-control-allow-origin'], DASHBOARD)
  t.match(get.headers['access-control-expose-headers'], /retry-after/)
  t.match(get.headers.vary, /Origin/, 'the answer varies by Origin, though the route sets Vary itself')
  t.notOk((await app.inject({ method: 'GET', url: '/v1/code-lists', headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin'])

  const closed = await build(t)
  const none = await closed.inject({ method: 'GET', url: '/v1/code-lists', headers: { origin: DASHBOARD } })
  t.notOk(none.headers['access-control-allow-origin'], 'no origin configured: no cross-origin access')
})

t.test('CORS_ORIGINS and TRUST_PROXY refuse what would open too much', async (t) => {
  t.same(parseCorsOrigins(`${DASHBOARD}, https://kommun.example:8443/`), [DASHBOARD, 'https://kommun.example:8443'])
  for (const bad of ['*', 'https://*.example', 'https://a.example/path', 'dash.example', 'ftp://a.example']) {
    t.throws(() => parseCorsOrigins(bad), /exact origin/, bad)
  }
  t.equal(parseTrustProxy('10.0.0.0/8,127.0.0.1'), '10.0.0.0/8,127.0.0.1')
  t.throws(() => parseTrustProxy('true'))
  t.throws(() => parseTrustProxy('0.0.0.0/0'))
})

t.test('statistics are limited per subject: 429 problem+json with Retry-After, others unaffected', async (t) => {
  const app = await build(t, { rateLimits: { statsPerMinute: 3, tokenPerMinute: 2 } })
  const dash = auth(app, { sub: 'dash-1', roles: ['dashboard'] })
  const remaining = []
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons', headers: dash })
    t.equal(res.statusCode, 200)
    remaining.push(res.headers['x-ratelimit-remaining'])
  }
  t.same(remaining, ['2', '1', '0'])
  const refused = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers: { ...dash, 'accept-language': 'en' } })
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  const wait = Number(refused.headers['retry-after'])
  t.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`)
  t.match(refused.json(), { type: '/problems/rate-limited', status: 429, detail: /Too many requests/ })
  const sv = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers: dash })
  t.match(sv.json().detail, /För många anrop/)
  const other = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers: auth(app, { sub: 'dash-2', roles: ['dashboard'] }) })
  t.equal(other.statusCode, 200, 'another subject has its own allowance')
  const records = await app.inject({ method: 'GET', url: '/v1/cases', headers: auth(app, { ...analyst, sub: 'dash-1' }) })
  t.equal(records.statusCode, 200, 'record routes are not counted against statistics')
})

t.test('the token route is limited per client id, successes included, before the secret is checked', async (t) => {
  const app = await build(t, { rateLimits: { statsPerMinute: 100, tokenPerMinute: 2 } })
  const admin = auth(app, { sub: 'ada', roles: ['admin'] })
  const created = (await app.inject({ method: 'POST', url: '/v1/admin/clients', headers: admin, payload: { name: 'Dash', role: 'dashboard', municipalities: [] } })).json()
  const ask = (secret: string) => app.inject({ method: 'POST', url: '/v1/auth/token', payload: { clientId: created.clientId, clientSecret: secret } })
  t.equal((await ask(created.clientSecret)).statusCode, 200)
  t.equal((await ask(created.clientSecret)).statusCode, 200)
  const third = await ask(created.clientSecret)
  t.equal(third.statusCode, 429)
  t.ok(Number(third.headers['retry-after']) >= 1)
  t.match(third.headers['content-type'], /^application\/problem\+json/)
  const issued = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from audit_log where action = 'token.issue'`)
  t.equal(issued[0].n, 2, 'the refused request got no token')
  const another = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { clientId: 'c_someoneelse', clientSecret: 'x' } })
  t.equal(another.statusCode, 401, 'another client id is counted apart')
})

t.test('bodies, URLs and parameters have limits; the answer is problem+json and nothing is written', async (t) => {
  const app = await build(t)
  const alice = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  const huge = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...alice, 'content-type': 'application/json' }, payload: JSON.stringify(record2021({ comment: 'x'.repeat(2 * 1024 * 1024) })) })
  t.equal(huge.statusCode, 413)
  t.match(huge.headers['content-type'], /^application\/problem\+json/)
  const long = await app.inject({ method: 'GET', url: `/v1/cases?gender=${'a'.repeat(MAX_URL_LENGTH)}`, headers: alice })
  t.equal(long.statusCode, 414)
  t.match(long.json(), { type: '/problems/uri-too-long', title: 'URI Too Long' })
  const param = await app.inject({ method: 'GET', url: `/v1/cases?gender=${'a'.repeat(41)}`, headers: alice })
  t.equal(param.statusCode, 400)
  t.match(param.json().errors[0], { path: '/querystring/gender/0', code: 'maxLength' })
  const many = await app.inject({ method: 'GET', url: `/v1/cases?${Array.from({ length: 51 }, () => 'problem=other').join('&')}`, headers: alice })
  t.equal(many.statusCode, 400, 'at most 50 values of one parameter')
  const ifMatch = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/X-1', headers: { ...alice, 'if-match': `"${'a'.repeat(600)}"` }, payload: record2021({ caseRef: 'X-1' }) })
  t.equal(ifMatch.statusCode, 400, 'a conditional header longer than any entity tag')
  const [n] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from cases`)
  t.equal(n.n, 0)
})

t.test('every parameter of every documented route is bounded (maxLength, pattern, enum or maxItems)', async (t) => {
  const app = await build(t)
  const doc = app.swagger() as { paths: Record<string, Record<string, { parameters?: Array<{ in: string, name: string, schema: Record<string, unknown> }> }>> }
  const unbounded: string[] = []
  let checked = 0
  const bounded = (s: Record<string, unknown>): boolean => {
    if (Array.isArray(s.anyOf)) return (s.anyOf as Array<Record<string, unknown>>).every(bounded)
    if (s.enum !== undefined || s.const !== undefined) return true
    if (s.type === 'array') return typeof s.maxItems === 'number' && bounded(s.items as Record<string, unknown>)
    if (s.type === 'string') {
      const pattern = typeof s.pattern === 'string' ? s.pattern : null
      // Anchored, and no open-ended repetition outside a character class.
      const repeats = pattern?.replace(/\[[^\]]*\]/g, '').replace(/\\./g, '')
      return typeof s.maxLength === 'number' || (pattern !== null && pattern.startsWith('^') && pattern.endsWith('$') && !/[*+]|\{\d+,\}/.test(repeats as string))
    }
    return s.type === 'integer' || s.type === 'number' || s.type === 'boolean'
  }
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const p of op.parameters ?? []) {
        checked++
        if (!bounded(p.schema)) unbounded.push(`${method.toUpperCase()} ${path} ${p.in} ${p.name}: ${JSON.stringify(p.schema)}`)
      }
    }
  }
  t.ok(checked > 30, `${checked} parameters checked`)
  t.same(unbounded, [], 'no unbounded parameter')
})

t.test('errors answer without stack traces or SQL, and the log keeps the query\'s contents out', async (t) => {
  const app = await build(t)
  const alice = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  await app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021() })
  // The database fails under the request: a child table is gone.
  await app.database.db.execute(sql`alter table case_problems rename to case_problems_gone`)
  const res = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: alice })
  t.equal(res.statusCode, 500)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const body = res.body
  t.match(res.json(), { status: 500, title: 'Internal Server Error', requestId: String })
  for (const leak of [/select/i, /case_problems/, /relation/, /\bat .*\.ts:\d+/, /node_modules/, /HU-2021-0001/, /stack/i]) {
    t.notMatch(body, leak, `no ${leak} in the answer`)
  }
  const unknown = await app.inject({ method: 'GET', url: `/v1/${'<script>'.repeat(40)}` })
  t.equal(unknown.statusCode, 404)
  t.ok(unknown.json().detail.length < 260, 'a 404 echoes at most a short piece of the path')
})
