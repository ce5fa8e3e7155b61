import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify'
import t from 'tap'
import app, { serverOptions } from '../../src/app.js'
import { auth, type build, queryRows, record2021, testConfig, testDatabase, TODAY } from '../helper.js'

// SQL and JSON injection strings in every path and query parameter of every route, the routes
// enumerated from the app itself (onRoute): never a 5xx, a 200 only with an empty result, and
// the database as it was.

interface Route { method: string, url: string, params: string[], query: string[], required: string[] }

const INJECTIONS = [
  "' OR '1'='1", "'; DROP TABLE cases; --", "2184' UNION SELECT subject FROM audit_log --", '1) OR (1=1', '" OR ""="',
  '\\', '%', '_', '$1', '?', '#', '/', '..', '../../../../etc/passwd', '{"$ne":null}', '{"$gt":""}', '[]', '{}', 'null', 'true',
  '__proto__', 'constructor', 'prototype', '<script>alert(1)</script>', '\u0000', 'a\u0000b', '1e309', '-1', '0x10', 'NaN',
  '9'.repeat(40), ' ', '', 'é'.repeat(41), '2184 ', '２１８４', 'HU-2021-0001\'--'
].map(encodeURIComponent).concat(['%ED%A0%80', '%C0%AE%C0%AE%2F', '%', '%zz', '%00'])

/** Query names that are themselves attacks on the parser. */
const HOSTILE_NAMES = ['__proto__[polluted]=1', 'constructor[prototype][polluted]=1', 'municipality[$ne]=x', 'municipality[]=2184', 'year[]=2021&year=2022']

const PATH_DEFAULTS: Record<string, string> = { code: '2184', caseRef: 'NOPE-1', name: 'problem', version: '2021', table: 'overview', clientId: 'c_nope', id: '00000000-0000-4000-8000-000000000000', '*': 'index.html' }
const QUERY_DEFAULTS: Record<string, string> = { year: '2021', problem: 'family_relationship', municipality: '2184' }

/** The app with the server options of src/server.ts (router limits and errors), its routes as registered. */
async function appWithRoutes (t: Parameters<typeof build>[0]): Promise<{ server: FastifyInstance, routes: Route[] }> {
  const { database, drop } = await testDatabase()
  const config = testConfig({ rateLimits: { statsPerMinute: 1_000_000, tokenPerMinute: 1_000_000 } })
  const server = Fastify({ ...serverOptions(config), logger: false })
  const routes: Route[] = []
  server.addHook('onRoute', (r) => {
    const schema = r.schema as { params?: { properties?: object }, querystring?: { properties?: object, required?: string[] } } | undefined
    const params = [...r.url.matchAll(/:([A-Za-z]+)|\*/g)].map((m) => m[1] ?? '*')
    for (const method of [r.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue
      routes.push({
        method,
        url: r.url,
        params,
        query: Object.keys(schema?.querystring?.properties ?? {}),
        required: schema?.querystring?.required ?? []
      })
    }
  })
  await server.register(app, { config, database, today: () => TODAY })
  await server.ready()
  t.teardown(async () => {
    await server.close()
    await drop()
  })
  return { server, routes }
}

function urlOf (route: Route, param: string | null, value: string | null, query: string): string {
  let path = route.url
  for (const p of route.params) {
    const v = p === param ? value as string : PATH_DEFAULTS[p] ?? 'x'
    path = p === '*' ? path.replace('*', v) : path.replace(`:${p}`, v)
  }
  const required = route.required.filter((q) => q !== param && !query.startsWith(`${q}=`)).map((q) => `${q}=${QUERY_DEFAULTS[q] ?? 'x'}`)
  const qs = [query, ...required].filter(Boolean).join('&')
  return qs ? `${path}?${qs}` : path
}

async function state (server: FastifyInstance) {
  const [row] = await queryRows(server, sql`select
    (select count(*)::int from cases) as cases,
    (select content_hash from cases where case_ref = 'HU-2021-0001') as hash,
    (select count(*)::int from api_clients) as clients,
    (select count(*)::int from information_schema.tables where table_schema = 'public') as tables,
    (select count(*)::int from pg_trigger where tgrelid = 'audit_log'::regclass and not tgisinternal) as triggers,
    (select count(*)::int from audit_log where action in ('case.create', 'case.update', 'case.erase', 'import.create', 'retention.purge')
      or action like 'client.%') as writes`)
  return row
}

t.test('injection strings in every path and query parameter of every route: no 5xx, empty results, database intact', async (t) => {
  const { server, routes } = await appWithRoutes(t)
  const power = auth(server, { sub: 'power', roles: ['registrant', 'integration', 'municipality_lead', 'regional_analyst'], municipalities: ['2184'] })
  const admin = auth(server, { sub: 'ada', roles: ['admin'] })
  const created = await server.inject({ method: 'POST', url: '/v1/cases', headers: power, payload: record2021() })
  t.equal(created.statusCode, 201)
  await server.inject({ method: 'POST', url: '/v1/admin/clients', headers: admin, payload: { name: 'Dash', role: 'dashboard', municipalities: [] } })
  const before = await state(server)

  const targets = routes.filter((r) => r.params.length + r.query.length > 0)
  t.ok(targets.length >= 12, `${targets.length} routes with parameters: ${targets.map((r) => `${r.method} ${r.url}`).join(', ')}`)
  const failures: string[] = []
  const nonEmpty: string[] = []
  let requests = 0
  for (const route of targets) {
    const headers = route.url.startsWith('/v1/admin') ? admin : power
    const payload = route.method === 'POST' || route.method === 'PUT' ? {} : undefined
    const attempts: Array<[string, string]> = []
    for (const p of route.params) for (const v of INJECTIONS) attempts.push([`${p}=${v}`, urlOf(route, p, v, '')])
    for (const q of route.query) for (const v of INJECTIONS) attempts.push([`?${q}=${v}`, urlOf(route, q, null, `${q}=${v}`)])
    // Long enough for the router's limit on path parameters.
    for (const p of route.params) attempts.push([`${p}=${'a'.repeat(300)}`, urlOf(route, p, 'a'.repeat(300), '')])
    if (route.method === 'GET' && route.query.length > 0) for (const h of HOSTILE_NAMES) attempts.push([`?${h}`, urlOf(route, null, null, h)])
    for (const [what, url] of attempts) {
      requests++
      const res = await server.inject({ method: route.method as HTTPMethods, url, headers, payload })
      const label = `${route.method} ${route.url} ${what} → ${res.statusCode}`
      if (res.statusCode >= 500) failures.push(`${label} ${res.body.slice(0, 120)}`)
      if (/root:x:0:0|select .* from/i.test(res.body)) failures.push(`${label} leaks: ${res.body.slice(0, 120)}`)
      if (res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`${label} is not problem+json`)
      // limit and cursor choose a page, not records: a page of the one record is right for them.
      const filters = !/^\?(limit|cursor)=/.test(what)
      if (filters && res.statusCode === 200 && String(res.headers['content-type']).startsWith('application/json')) {
        const body = res.json() as { items?: unknown[], population?: number | null }
        if (Array.isArray(body.items) && body.items.length > 0 && !route.url.startsWith('/v1/admin/clients') && !route.url.startsWith('/v1/code-lists')) nonEmpty.push(label)
        if (typeof body.population === 'number' && body.population > 0) nonEmpty.push(label)
      }
    }
  }
  t.ok(requests > 1000, `${requests} requests`)
  t.same(failures, [], 'no 5xx, no leak, every refusal problem+json')
  t.same(nonEmpty, [], 'an injection string matches no record')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution')
  t.same(await state(server), before, 'the database is as it was')
  const read = await server.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: power })
  t.equal(read.statusCode, 200)
})

t.test('JSON bodies: prototype keys are refused; SQL in free text is stored as text and read back unchanged', async (t) => {
  const { server } = await appWithRoutes(t)
  const headers = { ...auth(server, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] }), 'content-type': 'application/json' }
  const body = JSON.stringify(record2021())
  for (const poisoned of [body.replace('{', '{"__proto__":{"admin":true},'), body.replace('{', '{"constructor":{"prototype":{"admin":true}},')]) {
    const res = await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: poisoned })
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
  }
  const sqlText = "Robert'); DROP TABLE cases;-- \\ \" $1 %_ {\"$ne\":null}"
  const created = await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ comment: sqlText, closureReason: 'other', closureComment: '1\' OR \'1\'=\'1' }) })
  t.equal(created.statusCode, 201)
  const read = await server.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers })
  t.equal(read.json().comment, sqlText)
  t.equal(read.json().closureComment, '1\' OR \'1\'=\'1')
  const bad = await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: "x' OR '1'='1" }) })
  t.equal(bad.statusCode, 422)
  t.same(bad.json().errors.map((e: { path: string }) => e.path), ['/caseRef'])
  const [n] = await queryRows<{ n: number }>(server, sql`select count(*)::int as n from cases`)
  t.equal(n.n, 1)
})
