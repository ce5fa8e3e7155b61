import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { parseOidcIssuers } from '../../src/http/oidc.js'
import { auth, build, queryRows, record2021 } from '../helper.js'
import { hs256WithPublicKey, jwksServer, signToken, testKey, unsignedToken } from './jwks-server.js'

// External identity (OIDC): tokens of a configured provider, verified against its JWKS, mapped
// to SPEC roles and municipalities by configuration; every attack refused with problem+json.

const ISSUER = 'https://login.hudiksvall.example'
const AUDIENCE = 'isu-register'

/** A provider like Entra ID: roles and municipality both as group names in `groups`. */
function hudiksvall (jwksUri: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'hudik',
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri,
    rolesClaim: 'groups',
    roleMap: { 'ISU-Registrerare': 'registrant', 'ISU-Enhetschef': 'municipality_lead' },
    municipalitiesClaim: 'groups',
    municipalityMap: { 'Kommun-Hudiksvall': '2184', 'Kommun-Gavle': '2180' },
    jwksCooldownSeconds: 0,
    ...extra
  }
}

async function setup (t: Parameters<typeof build>[0], issuers: object[]) {
  const app = await build(t, { oidcIssuers: parseOidcIssuers(JSON.stringify(issuers), null) })
  return app
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function count (app: FastifyInstance, table: 'cases' | 'audit_log', action?: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(app, action
    ? sql`select count(*)::int as n from audit_log where action = ${action}`
    : sql.raw(`select count(*)::int as n from ${table}`))
  return rows[0].n
}

t.test('a provider\'s token is verified by its JWKS, mapped to role and municipality, and audited at first use', async (t) => {
  const key = await testKey('k1')
  const idp = await jwksServer([key])
  t.teardown(idp.close)
  const app = await setup(t, [hudiksvall(idp.url)])
  const token = await signToken(key, { groups: ['ISU-Registrerare', 'Kommun-Hudiksvall', 'Alla-anställda'] }, { issuer: ISSUER, audience: AUDIENCE, subject: 'e7f1' })

  const created = await app.inject({ method: 'POST', url: '/v1/cases', headers: bearer(token), payload: record2021() })
  t.equal(created.statusCode, 201)
  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: bearer(token) })
  t.equal(read.statusCode, 200, 'the same subject owns what it registered')
  const gavle = await app.inject({ method: 'POST', url: '/v1/cases', headers: bearer(token), payload: record2021({ municipality: '2180', caseRef: 'G-1' }) })
  t.equal(gavle.statusCode, 403, 'only the mapped municipality')

  const rows = await queryRows<{ subject: string, action: string, detail: unknown }>(app, sql`select subject, action, detail from audit_log order by id`)
  t.same(rows.map((r) => r.action), ['token.accept', 'case.create', 'case.read'], 'one token.accept for three requests with one token')
  t.same(rows[0], { subject: 'oidc:hudik:e7f1', action: 'token.accept', detail: { issuer: 'hudik', roles: ['registrant'], municipalities: ['2184'] } })
  t.equal(rows[1].subject, 'oidc:hudik:e7f1')
  t.equal(idp.fetches(), 1, 'the key set is fetched once and cached')

  const local = await app.inject({ method: 'GET', url: '/v1/cases', headers: auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] }) })
  t.equal(local.statusCode, 200, 'the service\'s own tokens still work beside')
  t.same(local.json().items, [], 'and a local alice is not the external subject')
})

t.test('claims are found by a dotted path, values taken as they are, municipalities fixed per issuer', async (t) => {
  const key = await testKey('kc', 'ES256')
  const idp = await jwksServer([key])
  t.teardown(idp.close)
  const keycloak = {
    name: 'gavle',
    issuer: 'https://sso.gavle.example/realms/soc',
    audience: ['isu-register', 'account'],
    jwksUri: idp.url,
    algorithms: ['ES256'],
    subjectClaim: 'preferred_username',
    rolesClaim: 'realm_access.roles',
    municipalities: ['2180']
  }
  const app = await setup(t, [keycloak])
  const token = await signToken(key, { realm_access: { roles: ['municipality_lead', 'offline_access'] }, preferred_username: 'lena' }, { issuer: keycloak.issuer, audience: 'isu-register' })
  const res = await app.inject({ method: 'GET', url: '/v1/stats/overview?municipality=2180', headers: bearer(token) })
  t.equal(res.statusCode, 200)
  t.equal(res.json().protection, 'none', 'a lead asking about its own municipality gets exact figures')
  const [accept] = await queryRows<{ subject: string, detail: unknown }>(app, sql`select subject, detail from audit_log where action = 'token.accept'`)
  t.same(accept, { subject: 'oidc:gavle:lena', detail: { issuer: 'gavle', roles: ['municipality_lead'], municipalities: ['2180'] } })
})

t.test('forged, expired, early, misaddressed, unsigned and confused tokens are refused with problem+json and write nothing', async (t) => {
  const key = await testKey('k1')
  const stranger = await testKey('k1')
  const unknown = await testKey('k-unknown')
  const idp = await jwksServer([key])
  t.teardown(idp.close)
  const app = await setup(t, [hudiksvall(idp.url, { clockSkewSeconds: 60 })])
  const claims = { groups: ['ISU-Registrerare', 'Kommun-Hudiksvall'] }
  const ok = { issuer: ISSUER, audience: AUDIENCE }
  const now = Math.floor(Date.now() / 1000)
  const payload = { ...claims, iss: ISSUER, aud: AUDIENCE, sub: 'e7f1', iat: now, exp: now + 300 }

  const cases: Array<[string, string, number, RegExp]> = [
    ['a forged signature (another key, same kid)', await signToken(stranger, claims, ok), 401, /not valid/],
    ['an expired token (beyond the clock skew)', await signToken(key, claims, { ...ok, expiresIn: -120 }), 401, /expired/],
    ['a token not yet valid (nbf beyond the skew)', await signToken(key, claims, { ...ok, notBefore: 600 }), 401, /not valid yet/],
    ['a token for another audience', await signToken(key, claims, { ...ok, audience: 'some-other-app' }), 401, /another audience/],
    ['a token of an issuer not configured, signed by the trusted key', await signToken(key, claims, { ...ok, issuer: 'https://evil.example' }), 401, /not valid/],
    ['alg: none', unsignedToken(payload, 'k1'), 401, /not valid/],
    ['HS256 signed with the provider\'s public key', hs256WithPublicKey(key, payload), 401, /not valid/],
    ['a kid the provider does not publish', await signToken(unknown, claims, ok), 401, /not valid/],
    ['no mapped role', await signToken(key, { groups: ['Alla-anställda', 'Kommun-Hudiksvall'] }, ok), 403, /no role/],
    ['a role but no municipality', await signToken(key, { groups: ['ISU-Registrerare'] }, ok), 403, /no municipality/],
    ['roles claim of the wrong type', await signToken(key, { groups: { 'ISU-Registrerare': true } }, ok), 403, /no role/]
  ]
  for (const [name, token, status, detail] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...bearer(token), 'accept-language': 'en' }, payload: record2021() })
    t.equal(res.statusCode, status, name)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
    t.match(res.json().detail, detail, `${name}: ${res.json().detail}`)
    if (status === 401) t.match(res.headers['www-authenticate'], /^Bearer/, `${name}: challenge`)
    const get = await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(token) })
    t.equal(get.statusCode, status, `${name}: no read either`)
  }
  t.equal(await count(app, 'cases'), 0, 'no record written')
  t.equal(await count(app, 'audit_log', 'token.accept'), 0, 'no token accepted')

  const skewed = await signToken(key, claims, { ...ok, expiresIn: -30 })
  const res = await app.inject({ method: 'POST', url: '/v1/cases', headers: bearer(skewed), payload: record2021() })
  t.equal(res.statusCode, 201, 'a token expired 30 s ago is within the 60 s clock skew')
  const sv = await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(await signToken(key, claims, { ...ok, expiresIn: -120 })) })
  t.equal(sv.json().detail, 'Token har gått ut', 'Swedish by default')
})

t.test('a rotated key is fetched when its kid first appears; a retired key stops working', async (t) => {
  const first = await testKey('2026-06')
  const second = await testKey('2026-12')
  const idp = await jwksServer([first])
  t.teardown(idp.close)
  const app = await setup(t, [hudiksvall(idp.url)])
  const claims = { groups: ['ISU-Registrerare', 'Kommun-Hudiksvall'] }
  const ok = { issuer: ISSUER, audience: AUDIENCE }
  const list = async (token: string) => (await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(token) })).statusCode

  t.equal(await list(await signToken(first, claims, ok)), 200)
  t.equal(await list(await signToken(first, claims, { ...ok, subject: 'other' })), 200)
  t.equal(idp.fetches(), 1)
  idp.serve([second])
  t.equal(await list(await signToken(second, claims, ok)), 200, 'the new kid is fetched and accepted')
  t.equal(idp.fetches(), 2)
  t.equal(await list(await signToken(first, claims, { ...ok, subject: 'late' })), 401, 'the retired key is gone from the set')
})

t.test('made-up kids do not make the service hammer the provider (cooldown), and a provider that is down is a 503', async (t) => {
  const key = await testKey('k1')
  const idp = await jwksServer([key])
  t.teardown(idp.close)
  const down = await jwksServer([key])
  const downUrl = down.url
  await down.close()
  const app = await setup(t, [
    hudiksvall(idp.url, { jwksCooldownSeconds: 30 }),
    { name: 'down', issuer: 'https://down.example', audience: AUDIENCE, jwksUri: downUrl, municipalities: ['2184'] }
  ])
  const ok = { issuer: ISSUER, audience: AUDIENCE }
  const claims = { groups: ['ISU-Registrerare', 'Kommun-Hudiksvall'] }
  t.equal((await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(await signToken(key, claims, ok)) })).statusCode, 200)
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(await signToken(key, claims, { ...ok, kid: `guess-${i}` })) })
    t.equal(res.statusCode, 401)
  }
  t.equal(idp.fetches(), 1, 'twenty unknown kids within the cooldown cost no fetch')

  const res = await app.inject({ method: 'GET', url: '/v1/cases', headers: bearer(await signToken(key, { roles: ['registrant'] }, { issuer: 'https://down.example', audience: AUDIENCE })) })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '30')
  t.match(res.headers['content-type'], /^application\/problem\+json/)
})

t.test('OIDC_ISSUERS is checked at boot: no symmetric or unsigned algorithms, https keys, one key source', async (t) => {
  const base = { name: 'x', issuer: 'https://x.example', audience: 'isu', jwksUri: 'https://x.example/jwks' }
  const refused: Array<[string, unknown, RegExp]> = [
    ['HS256', [{ ...base, algorithms: ['HS256'] }], /algorithms/],
    ['none', [{ ...base, algorithms: ['none'] }], /algorithms/],
    ['plain http to another host', [{ ...base, jwksUri: 'http://x.example/jwks' }], /must be https/],
    ['both key sources', [{ ...base, jwks: { keys: [{ kty: 'RSA' }] } }], /exactly one/],
    ['no key source', [{ name: 'x', issuer: 'https://x.example', audience: 'isu' }], /exactly one/],
    ['the same name twice', [base, { ...base, issuer: 'https://y.example' }], /unique/],
    ['the local issuer', [{ ...base, issuer: 'https://isu.example' }], /own JWT_ISSUER/],
    ['a role that does not exist', [{ ...base, roleMap: { g: 'superuser' } }], /roleMap/],
    ['an unknown option', [{ ...base, allowHs256: true }], /OIDC_ISSUERS/],
    ['not JSON', '[{', /not valid JSON/]
  ]
  for (const [name, value, message] of refused) {
    t.throws(() => parseOidcIssuers(typeof value === 'string' ? value : JSON.stringify(value), 'https://isu.example'), message, name)
  }
  const [parsed] = parseOidcIssuers(JSON.stringify([{ ...base, jwksUri: 'http://127.0.0.1:9/jwks' }]), null)
  t.match(parsed, { algorithms: ['RS256', 'PS256', 'ES256'], clockSkewSeconds: 60, subjectClaim: 'sub', rolesClaim: 'roles', jwksCooldownSeconds: 30 }, 'defaults; http only on loopback')
})
