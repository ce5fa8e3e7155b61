import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { auth, build, queryRows, record2021 } from '../helper.js'

// API clients (SPEC §4 "API clients (admin)") and POST /v1/auth/token.

const admin = { sub: 'ada', roles: ['admin' as const] }
const TOKEN = '/v1/auth/token'

async function createClient (app: FastifyInstance, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/admin/clients', headers: auth(app, admin), payload: body })
  if (res.statusCode !== 201) throw new Error(`client not created: ${res.body}`)
  return res.json() as { clientId: string, clientSecret: string }
}

const tokenFor = (app: FastifyInstance, clientId: string, clientSecret: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: TOKEN, headers, payload: { clientId, clientSecret } })

const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` })

t.test('an integration client: created, trades its secret for a token, writes records, is rotated and revoked', async (t) => {
  const app = await build(t)
  const created = await app.inject({
    method: 'POST', url: '/v1/admin/clients', headers: auth(app, admin),
    payload: { name: 'Treserva Hudiksvall', role: 'integration', municipalities: ['2184', '2184'] }
  })
  t.equal(created.statusCode, 201)
  t.equal(created.headers['cache-control'], 'no-store')
  const { clientId, clientSecret } = created.json()
  t.match(clientId, /^c_[A-Za-z0-9_-]{16}$/)
  t.match(clientSecret, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url')

  const issued = await tokenFor(app, clientId, clientSecret)
  t.equal(issued.statusCode, 200)
  t.equal(issued.headers['cache-control'], 'no-store')
  const { accessToken, tokenType, expiresIn } = issued.json()
  t.equal(tokenType, 'Bearer')
  t.equal(expiresIn, 900)
  const claims = app.jwt.decode<{ sub: string, roles: string[], municipalities: string[], iat: number, exp: number }>(accessToken)
  t.match(claims, { sub: `client:${clientId}`, roles: ['integration'], municipalities: ['2184'] })
  t.equal((claims?.exp ?? 0) - (claims?.iat ?? 0), 900, 'valid for 15 minutes')

  const write = await app.inject({ method: 'POST', url: '/v1/cases', headers: bearer(accessToken), payload: record2021() })
  t.equal(write.statusCode, 201, 'the token writes records of its municipality')
  const batch = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: bearer(accessToken), payload: [record2021({ caseRef: 'X-2' })] })
  t.equal(batch.json().created, 1)
  const other = await app.inject({ method: 'POST', url: '/v1/cases', headers: bearer(accessToken), payload: record2021({ municipality: '2180' }) })
  t.equal(other.statusCode, 403, 'and no other municipality\'s')

  const rotated = await app.inject({ method: 'POST', url: `/v1/admin/clients/${clientId}/rotate`, headers: auth(app, admin) })
  t.equal(rotated.statusCode, 200)
  t.equal(rotated.json().clientId, clientId)
  const newSecret = rotated.json().clientSecret
  t.not(newSecret, clientSecret)
  t.equal((await tokenFor(app, clientId, clientSecret)).statusCode, 401, 'the old secret is refused')
  t.equal((await tokenFor(app, clientId, newSecret)).statusCode, 200, 'the new one works')

  const revoked = await app.inject({ method: 'DELETE', url: `/v1/admin/clients/${clientId}`, headers: auth(app, admin) })
  t.equal(revoked.statusCode, 204)
  const refused = await tokenFor(app, clientId, newSecret)
  t.equal(refused.statusCode, 401, 'a revoked client gets no token')
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/clients/${clientId}`, headers: auth(app, admin) })).statusCode, 204, 'revoking again changes nothing')
  t.equal((await app.inject({ method: 'POST', url: `/v1/admin/clients/${clientId}/rotate`, headers: auth(app, admin) })).statusCode, 409, 'a revoked client is not rotated')

  const list = await app.inject({ method: 'GET', url: '/v1/admin/clients', headers: auth(app, admin) })
  t.equal(list.statusCode, 200)
  t.match(list.json().items, [{ clientId, name: 'Treserva Hudiksvall', role: 'integration', municipalities: ['2184'], createdBy: 'ada', revokedAt: String, secretRotatedAt: String }])

  const actions = await queryRows<{ action: string, subject: string }>(app, sql`select action, subject from audit_log where action like 'client.%' or action like 'token.%' order by id`)
  t.same(actions.map((a) => a.action), ['client.create', 'token.issue', 'client.rotate', 'token.denied', 'token.issue', 'client.revoke', 'token.denied'])
  t.same([...new Set(actions.filter((a) => a.action.startsWith('token.')).map((a) => a.subject))], [`client:${clientId}`])
})

t.test('a dashboard client\'s token reads no record', async (t) => {
  const app = await build(t)
  const { clientId, clientSecret } = await createClient(app, { name: 'Dashboard Region', role: 'dashboard', municipalities: [] })
  const { accessToken } = (await tokenFor(app, clientId, clientSecret)).json()
  t.equal((await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(accessToken) })).statusCode, 403)
  t.equal((await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: bearer(accessToken), payload: [record2021()] })).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/clients', headers: bearer(accessToken) })).statusCode, 403)
})

t.test('OAuth 2.0 clients may send the form encoding, with the credentials in the body or as HTTP Basic', async (t) => {
  const app = await build(t)
  const { clientId, clientSecret } = await createClient(app, { name: 'ProCapita Gävle', role: 'integration', municipalities: ['2180'] })
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const inBody = await app.inject({
    method: 'POST', url: TOKEN, headers: form,
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'ignored' }).toString()
  })
  t.equal(inBody.statusCode, 200)
  t.match(inBody.json(), { tokenType: 'Bearer', token_type: 'Bearer', expires_in: 900, access_token: inBody.json().accessToken })

  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`
  const inHeader = await app.inject({ method: 'POST', url: TOKEN, headers: { ...form, authorization: basic }, payload: 'grant_type=client_credentials' })
  t.equal(inHeader.statusCode, 200)
  const wrong = await app.inject({
    method: 'POST', url: TOKEN, headers: { ...form, authorization: `Basic ${Buffer.from(`${clientId}:nope`).toString('base64')}` }, payload: 'grant_type=client_credentials'
  })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.headers['www-authenticate'], /^Basic/)
  const both = await app.inject({ method: 'POST', url: TOKEN, headers: { ...form, authorization: basic }, payload: `grant_type=client_credentials&client_id=${clientId}` })
  t.equal(both.statusCode, 400, 'credentials in two places are refused')
  const grant = await app.inject({ method: 'POST', url: TOKEN, headers: form, payload: `grant_type=password&client_id=${clientId}&client_secret=x` })
  t.equal(grant.statusCode, 400, 'only the client-credentials grant')
  t.equal(grant.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('an unknown client, a wrong secret and a revoked client get the same 401', async (t) => {
  const app = await build(t)
  const { clientId, clientSecret } = await createClient(app, { name: 'A', role: 'integration', municipalities: ['2184'] })
  const revoked = await createClient(app, { name: 'B', role: 'integration', municipalities: ['2184'] })
  await app.inject({ method: 'DELETE', url: `/v1/admin/clients/${revoked.clientId}`, headers: auth(app, admin) })
  const answers = [
    await tokenFor(app, 'c_doesnotexist0000', clientSecret),
    await tokenFor(app, clientId, `${clientSecret}x`),
    await tokenFor(app, revoked.clientId, revoked.clientSecret)
  ]
  for (const a of answers) t.equal(a.statusCode, 401)
  const bodies = answers.map((a) => { const { requestId: _r, ...rest } = a.json(); return rest })
  t.same(bodies[0], bodies[1])
  t.same(bodies[1], bodies[2])
  const reasons = await queryRows<{ detail: { reason: string } }>(app, sql`select detail from audit_log where action = 'token.denied' order by id`)
  t.same(reasons.map((r) => r.detail.reason), ['unknown_client', 'wrong_secret', 'revoked'], 'the audit log keeps the reason')
  const malformed = await app.inject({ method: 'POST', url: TOKEN, payload: { clientId: 'a b', clientSecret: 'x' } })
  t.equal(malformed.statusCode, 400)
  const extra = await app.inject({ method: 'POST', url: TOKEN, payload: { clientId, clientSecret, scope: 'x' } })
  t.equal(extra.statusCode, 400, 'the JSON form takes exactly clientId and clientSecret')
})

t.test('repeated failures are rate limited per client id (429 with Retry-After), even for the right secret', async (t) => {
  const app = await build(t)
  const { clientId, clientSecret } = await createClient(app, { name: 'A', role: 'integration', municipalities: ['2184'] })
  const other = await createClient(app, { name: 'B', role: 'integration', municipalities: ['2184'] })
  for (let i = 0; i < 10; i++) t.equal((await tokenFor(app, clientId, 'guess')).statusCode, 401, `failure ${i + 1}`)
  const limited = await tokenFor(app, clientId, clientSecret)
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  const wait = Number(limited.headers['retry-after'])
  t.ok(wait > 0 && wait <= 300, `Retry-After ${wait}`)
  t.equal((await tokenFor(app, other.clientId, other.clientSecret)).statusCode, 200, 'another client is not held up')
  const denied = await queryRows<{ detail: { reason: string } }>(app, sql`select detail from audit_log where action = 'token.denied' order by id desc limit 1`)
  t.equal(denied[0].detail.reason, 'rate_limited')
})

t.test('repeated failures from one address are rate limited across client ids', async (t) => {
  const app = await build(t)
  const { clientId, clientSecret } = await createClient(app, { name: 'A', role: 'integration', municipalities: ['2184'] })
  for (let i = 0; i < 30; i++) await tokenFor(app, `c_unknown${String(i).padStart(8, '0')}`, 'guess')
  const limited = await tokenFor(app, clientId, clientSecret)
  t.equal(limited.statusCode, 429)
  t.ok(Number(limited.headers['retry-after']) > 0)
  const elsewhere = await tokenFor(app, clientId, clientSecret, { 'x-forwarded-for': '10.0.0.9' })
  t.equal(elsewhere.statusCode, 429, 'a forwarded-for header does not get around it (no trusted proxy)')
})

t.test('secrets are never in the audit log, the list or the server\'s answers after creation', async (t) => {
  const app = await build(t)
  const { clientId, clientSecret } = await createClient(app, { name: 'A', role: 'integration', municipalities: ['2184'] })
  const rotated = (await app.inject({ method: 'POST', url: `/v1/admin/clients/${clientId}/rotate`, headers: auth(app, admin) })).json().clientSecret
  await tokenFor(app, clientId, clientSecret)
  await tokenFor(app, clientId, rotated)
  const audit = JSON.stringify(await queryRows(app, sql`select * from audit_log`))
  const list = (await app.inject({ method: 'GET', url: '/v1/admin/clients', headers: auth(app, admin) })).body
  const [stored] = await queryRows<{ secret_hash: string }>(app, sql`select secret_hash from api_clients`)
  for (const secret of [clientSecret, rotated]) {
    t.notOk(audit.includes(secret), 'not in the audit log')
    t.notOk(list.includes(secret), 'not in the list')
    t.notOk(stored.secret_hash.includes(secret), 'not stored')
  }
  t.notOk(audit.includes(stored.secret_hash.split('$')[5]), 'nor its hash in the audit log')
  t.notOk(list.includes('scrypt'), 'nor its hash in the list')
  t.match(stored.secret_hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
})

t.test('clients are created only as the rules allow; nothing is written on a refused request', async (t) => {
  const app = await build(t)
  const headers = auth(app, admin)
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/admin/clients', headers, payload: payload as Record<string, unknown> })
  const noMunicipality = await post({ name: 'X', role: 'integration', municipalities: [] })
  t.equal(noMunicipality.statusCode, 422)
  t.same(noMunicipality.json().errors.map((e: { path: string }) => e.path), ['/municipalities'])
  const role = await post({ name: 'X', role: 'admin', municipalities: ['2184'] })
  t.equal(role.statusCode, 400, 'no client is an admin, registrant, lead or analyst')
  t.match(role.json().errors[0], { path: '/body/role' })
  t.equal((await post({ name: 'X', role: 'dashboard', municipalities: ['21844'] })).statusCode, 400)
  t.equal((await post({ name: '', role: 'dashboard', municipalities: [] })).statusCode, 400)
  t.equal((await post({ name: '   ', role: 'dashboard', municipalities: [] })).statusCode, 400)
  t.equal((await post({ name: 'X', role: 'dashboard', municipalities: [], secret: 'mine' })).statusCode, 400)
  t.same(await queryRows(app, sql`select * from api_clients`), [])
  t.same(await queryRows(app, sql`select * from audit_log`), [])
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/clients/c_nope/rotate', headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/clients/c_nope', headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/clients/not%20an%20id', headers })).statusCode, 400)
})

t.test('every admin route refuses registrants, dashboards, integrations and callers without a token', async (t) => {
  const app = await build(t)
  const { clientId } = await createClient(app, { name: 'A', role: 'integration', municipalities: ['2184'] })
  const routes = [
    { method: 'POST' as const, url: '/v1/admin/clients', payload: { name: 'X', role: 'dashboard', municipalities: [] } },
    { method: 'GET' as const, url: '/v1/admin/clients' },
    { method: 'POST' as const, url: `/v1/admin/clients/${clientId}/rotate` },
    { method: 'DELETE' as const, url: `/v1/admin/clients/${clientId}` },
    { method: 'GET' as const, url: '/v1/admin/audit-log' }
  ]
  const callers = {
    registrant: auth(app, { sub: 'r', roles: ['registrant'], municipalities: ['2184'] }),
    dashboard: auth(app, { sub: 'd', roles: ['dashboard'] }),
    integration: auth(app, { sub: 'i', roles: ['integration'], municipalities: ['2184'] }),
    analyst: auth(app, { sub: 'a', roles: ['regional_analyst'] })
  }
  for (const route of routes) {
    for (const [who, headers] of Object.entries(callers)) {
      const res = await app.inject({ ...route, headers })
      t.equal(res.statusCode, 403, `${who} ${route.method} ${route.url}`)
    }
    const anonymous = await app.inject(route)
    t.equal(anonymous.statusCode, 401, `no token ${route.method} ${route.url}`)
    t.equal(anonymous.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  const [row] = await queryRows<{ revoked_at: Date | null }>(app, sql`select revoked_at from api_clients`)
  t.equal(row.revoked_at, null, 'the client is untouched')
})
