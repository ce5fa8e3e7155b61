import { createSigner } from 'fast-jwt'
import t from 'tap'
import { auth, build, record2021, token } from '../helper.js'

// Access is scoped (SPEC §1): each denial is tested, not only the successes.

const URL = '/v1/municipalities/2184/cases/HU-2021-0001'
const alice = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184'] }

async function withRecord (t: Parameters<typeof build>[0] & { equal: (found: unknown, wanted: unknown) => void }) {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/cases', headers: auth(app, alice), payload: record2021() })
  t.equal(res.statusCode, 201)
  return app
}

t.test('another registrant of the same municipality cannot see, replace or erase the record', async (t) => {
  const app = await withRecord(t)
  const bob = auth(app, { sub: 'bob', roles: ['registrant'], municipalities: ['2184'] })
  t.equal((await app.inject({ method: 'GET', url: URL, headers: bob })).statusCode, 404)
  t.equal((await app.inject({ method: 'PUT', url: URL, headers: bob, payload: record2021({ comment: 'x' }) })).statusCode, 403)
  t.equal((await app.inject({ method: 'DELETE', url: URL, headers: bob })).statusCode, 404)
  const list = await app.inject({ method: 'GET', url: '/v1/cases', headers: bob })
  t.same(list.json().items, [], 'bob lists none of alice\'s records')
  const mine = await app.inject({ method: 'GET', url: '/v1/cases', headers: auth(app, alice) })
  t.equal(mine.json().items.length, 1, 'alice lists her own')
  const unchanged = await app.inject({ method: 'GET', url: URL, headers: auth(app, alice) })
  t.equal(unchanged.json().comment, null, 'bob changed nothing')
})

t.test('a caller of another municipality is refused', async (t) => {
  const app = await withRecord(t)
  for (const roles of [['registrant'], ['integration'], ['municipality_lead']] as const) {
    const other = auth(app, { sub: 'gävle', roles: [...roles], municipalities: ['2180'] })
    t.equal((await app.inject({ method: 'GET', url: URL, headers: other })).statusCode, 403, `${roles[0]} reads`)
    t.equal((await app.inject({ method: 'DELETE', url: URL, headers: other })).statusCode, 403, `${roles[0]} erases`)
    t.same((await app.inject({ method: 'GET', url: '/v1/cases', headers: other })).json().items, [], `${roles[0]} lists`)
  }
  const registrant = auth(app, { sub: 'gävle', roles: ['registrant'], municipalities: ['2180'] })
  const post = await app.inject({ method: 'POST', url: '/v1/cases', headers: registrant, payload: record2021({ caseRef: 'X1' }) })
  t.equal(post.statusCode, 403)
  t.same(post.json().errors.map((e: { path: string }) => e.path), ['/municipality'])
  t.equal((await app.inject({ method: 'PUT', url: URL, headers: registrant, payload: record2021() })).statusCode, 403)
})

t.test('dashboards and admins read no record and write none', async (t) => {
  const app = await withRecord(t)
  for (const role of ['dashboard', 'admin'] as const) {
    const headers = auth(app, { sub: role, roles: [role], municipalities: role === 'dashboard' ? ['2184'] : [] })
    t.equal((await app.inject({ method: 'GET', url: URL, headers })).statusCode, 403, `${role} reads one`)
    t.equal((await app.inject({ method: 'GET', url: '/v1/cases', headers })).statusCode, 403, `${role} lists`)
    t.equal((await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'D1' }) })).statusCode, 403, `${role} creates`)
    t.equal((await app.inject({ method: 'PUT', url: URL, headers, payload: record2021() })).statusCode, 403, `${role} replaces`)
    t.equal((await app.inject({ method: 'DELETE', url: URL, headers })).statusCode, 403, `${role} erases`)
    t.equal((await app.inject({ method: 'POST', url: '/v1/cases/validate', headers, payload: record2021() })).statusCode, 403, `${role} validates`)
  }
})

t.test('a municipal lead reads and erases but does not submit; a regional analyst reads everything', async (t) => {
  const app = await withRecord(t)
  const lead = auth(app, { sub: 'lead', roles: ['municipality_lead'], municipalities: ['2184'] })
  t.equal((await app.inject({ method: 'GET', url: URL, headers: lead })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/v1/cases', headers: lead, payload: record2021({ caseRef: 'L1' }) })).statusCode, 403)
  const analyst = auth(app, { sub: 'fou', roles: ['regional_analyst'] })
  t.equal((await app.inject({ method: 'GET', url: URL, headers: analyst })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/v1/cases', headers: analyst })).json().items.length, 1)
  t.equal((await app.inject({ method: 'DELETE', url: URL, headers: analyst })).statusCode, 403, 'the analyst may not erase')
  t.equal((await app.inject({ method: 'PUT', url: URL, headers: analyst, payload: record2021() })).statusCode, 403, 'nor replace')
  t.equal((await app.inject({ method: 'DELETE', url: URL, headers: lead })).statusCode, 204)
})

t.test('an integration replaces any record of its municipality', async (t) => {
  const app = await withRecord(t)
  const integration = auth(app, { sub: 'treserva', roles: ['integration'], municipalities: ['2184'] })
  const res = await app.inject({ method: 'PUT', url: URL, headers: integration, payload: record2021({ comment: 'Trappan – extern insats' }) })
  t.equal(res.statusCode, 200)
})

t.test('requests without a valid token are refused with 401 problem+json', async (t) => {
  const app = await withRecord(t)
  const claims = { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] }
  const now = Math.floor(Date.now() / 1000)
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iat: now, exp: now + 3600 })}.`
  const otherKey = createSigner({ key: 'another-secret-that-is-long-enough-0123456789abcdef', expiresIn: 3600_000 })(claims)
  const expired = token(app, { ...alice, expiresIn: -10 })
  const noExpiry = createSigner({ key: 'test-secret-that-is-long-enough-for-hs256-0123456789' })(claims)
  const badRoles = app.jwt.sign({ sub: 'x', roles: ['superuser'] as never[] }, { expiresIn: '1h' })
  const tokens: Record<string, string | undefined> = {
    'no token': undefined,
    'an expired token': expired,
    'a token signed with another key': otherKey,
    'an unsigned token': unsigned,
    'a token without expiry': noExpiry,
    'a token with an unknown role': badRoles,
    'garbage': 'not-a-jwt'
  }
  for (const [name, tok] of Object.entries(tokens)) {
    const headers = tok ? { authorization: `Bearer ${tok}` } : {}
    const res = await app.inject({ method: 'GET', url: URL, headers })
    t.equal(res.statusCode, 401, name)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
    t.match(res.headers['www-authenticate'], /^Bearer/, `${name}: challenge`)
    const post = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'T1' }) })
    t.equal(post.statusCode, 401, `${name}: no write`)
  }
  t.equal((await app.inject({ method: 'GET', url: URL, headers: { authorization: `Bearer ${expired}`, 'accept-language': 'en' } })).json().detail, 'The token has expired')
})

t.test('a token must come from the configured issuer when one is set', async (t) => {
  const app = await build(t, { jwtIssuer: 'https://isu.example' })
  const foreign = createSigner({ key: 'test-secret-that-is-long-enough-for-hs256-0123456789', iss: 'https://evil.example', expiresIn: 3600_000 })(alice)
  t.equal((await app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: `Bearer ${foreign}` } })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/v1/cases', headers: auth(app, alice) })).statusCode, 200)
})
