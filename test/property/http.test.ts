import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { auth, build, queryRows } from '../helper.js'
import { brokenRules, holds, MUNICIPALITIES, mutatedRecord, validRecord } from './sux.js'

// The HTTP layer under random input: no request gets a 5xx, a refused write stores nothing (rows
// of every table counted before and after; only the audit log's note of the refusal,
// `case.refused`, may be added), and whatever is stored keeps every SPEC §2 rule.

const ROLES = {
  integration: { sub: 'treserva', roles: ['integration' as const], municipalities: MUNICIPALITIES },
  registrant: { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184'] },
  lead: { sub: 'lena', roles: ['municipality_lead' as const], municipalities: ['2184'] },
  analyst: { sub: 'ana', roles: ['regional_analyst' as const] },
  dashboard: { sub: 'dash', roles: ['dashboard' as const] },
  admin: { sub: 'root', roles: ['admin' as const] }
}
type RoleName = keyof typeof ROLES

async function rowCounts (app: FastifyInstance): Promise<string> {
  const [r] = await queryRows<Record<string, number>>(app, sql`select
    (select count(*)::int from cases) as cases, (select count(*)::int from case_problems) as problems,
    (select count(*)::int from case_interventions) as interventions, (select count(*)::int from case_manual_methods) as methods,
    (select count(*)::int from case_erasures) as erasures, (select count(*)::int from audit_log where action <> 'case.refused') as audit,
    (select count(*)::int from api_clients) as clients`)
  return JSON.stringify(r)
}

const segment = (s: unknown) => typeof s === 'string' && s !== '' ? encodeURIComponent(s) : 'x'

t.test('random and mutated records: never a 5xx, a refusal stores nothing, what is stored keeps the rules', async (t) => {
  const app = await build(t)
  const headers = Object.fromEntries(Object.entries(ROLES).map(([k, v]) => [k, auth(app, v)])) as Record<RoleName, { authorization: string }>
  const seen: Record<string, number> = {}
  const body = fc.oneof({ weight: 6, arbitrary: mutatedRecord() }, { weight: 3, arbitrary: validRecord() }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) })
  await holds(t, 'writes', fc.asyncProperty(body, fc.constantFrom('post', 'post', 'put', 'put', 'batch', 'validate'), fc.constantFrom<RoleName>('integration', 'integration', 'registrant', 'lead'),
    async (record, how, role) => {
      const r = record as Record<string, unknown>
      const before = await rowCounts(app)
      const res = how === 'post'
        ? await app.inject({ method: 'POST', url: '/v1/cases', headers: headers[role], payload: record as object })
        : how === 'put'
          ? await app.inject({ method: 'PUT', url: `/v1/municipalities/${segment(r?.municipality)}/cases/${segment(r?.caseRef)}`, headers: headers[role], payload: record as object })
          : how === 'batch'
            ? await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: headers[role], payload: [record] as object })
            : await app.inject({ method: 'POST', url: '/v1/cases/validate', headers: headers[role], payload: record as object })
      seen[`${how} ${res.statusCode}`] = (seen[`${how} ${res.statusCode}`] ?? 0) + 1
      if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body}`)
      const stored = how === 'batch' ? ['created', 'updated'].includes(res.json().results?.[0]?.status) : res.statusCode === 200 || res.statusCode === 201
      if (how === 'validate' || !stored) {
        if (res.statusCode < 400 && how !== 'validate' && how !== 'batch') throw new Error(`a ${res.statusCode} that stored nothing`)
        if (res.statusCode >= 400 || how === 'validate' || res.json().results?.[0]?.status === 'failed') {
          const after = await rowCounts(app)
          if (after !== before) throw new Error(`a refused write changed the tables: ${before} → ${after}`)
        }
        return true
      }
      const read = await app.inject({ method: 'GET', url: `/v1/municipalities/${segment(r.municipality)}/cases/${segment(r.caseRef)}`, headers: headers.analyst })
      if (read.statusCode !== 200) throw new Error(`stored, but reading it back answered ${read.statusCode}`)
      const broken = brokenRules(read.json())
      if (broken.shape.length + broken.rules.length > 0) throw new Error(`stored a record breaking ${JSON.stringify(broken)}`)
      return true
    }), 200)
  const statuses = Object.keys(seen).map((k) => k.split(' ')[1])
  t.ok(statuses.includes('201') && statuses.includes('422') && statuses.some((s) => s.startsWith('4') && s !== '422'), `a mix of outcomes: ${JSON.stringify(seen)}`)
})

t.test('dates of any year, month and day, in records and in filters: never a 5xx', async (t) => {
  const app = await build(t)
  const headers = auth(app, ROLES.integration)
  const analyst = auth(app, ROLES.analyst)
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  const dateish = fc.tuple(fc.oneof(fc.constantFrom(0, 1, 1899, 2021, 9999), fc.integer({ min: 0, max: 9999 })), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`)
  let n = 0
  await holds(t, 'dates', fc.asyncProperty(validRecord(), fc.constantFrom('referralDate', 'startDate', 'closingDate'), dateish, fc.constantFrom('from', 'to'),
    async (record, field, date, bound) => {
      const write = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { ...record, caseRef: `D-${n++}`, [field]: date } })
      if (write.statusCode >= 500) throw new Error(`POST with ${field} ${date}: ${write.statusCode}`)
      for (const url of [`/v1/cases?${bound}=${date}`, `/v1/stats/overview?${bound}=${date}`]) {
        const read = await app.inject({ method: 'GET', url, headers: analyst })
        if (read.statusCode >= 500) throw new Error(`GET ${url}: ${read.statusCode}`)
      }
      return true
    }), 100)
})

const QUERY_NAMES = ['year', 'from', 'to', 'municipality', 'gender', 'ageGroup', 'background', 'interventionGroup', 'problem',
  'previouslyKnown', 'limit', 'cursor', 'version', 'caseRef', 'subject', 'action', 'junk']
const QUERY_VALUES = fc.oneof(
  fc.constantFrom('2020', '2021', '-1', '0', '99999999999999999999', '2021-02-30', '2020-01-01', '2184', '218', 'girl', 'other',
    '0-6', '18-20', 'manual_only', 'violence_abuse', 'parent_mental_health_or_id', 'no', '1000', '1001', 'NaN', '', '%', '%00', '../', 'MTIz'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent)
)
const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), QUERY_VALUES), { maxLength: 5 })
  .map((pairs) => pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&'))
const TABLES = ['overview', 'problems', 'problems-by-gender', 'problems-alone', 'problem-pairs', 'intervention-groups', 'manual-methods',
  'interventions-by-problem', 'closure-reasons', 'closure-by-intervention', 'closure-by-problem', 'closure-by-background', 'outcomes',
  'durations-by-problem', 'durations-by-intervention', 'previously-known', 'trends']
const junk = fc.oneof(fc.constantFrom('x', '%2F', '..', '%00', 'ä', '%E4', '%', '-', ' '.repeat(3)), fc.webSegment(), fc.string({ maxLength: 80 }).map(encodeURIComponent))
const pick = (known: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: junk })
/** Paths of the real routes with known or random segments, and now and then a path of no route. */
const path = fc.oneof(
  pick(TABLES).map((t) => `/v1/stats/${t}`),
  fc.constant('/v1/cases'),
  fc.tuple(pick(['2184', '2182', '2101', '0000']), pick(['P-1', 'P-2', 'P-39', 'NONE'])).map(([m, r]) => `/v1/municipalities/${m}/cases/${r}`),
  fc.constant('/v1/code-lists'),
  pick(['problem', 'intervention', 'closure_reason', 'manual_method']).map((n) => `/v1/code-lists/${n}`),
  pick(['2020', '2021']).map((v) => `/v1/forms/${v}`),
  fc.constantFrom('/v1/admin/audit-log', '/v1/admin/clients', '/health', '/docs/json'),
  fc.array(junk, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`)
)

t.test('random paths, methods and query strings: never a 5xx, and reads change no record', async (t) => {
  const app = await build(t)
  const headers = Object.fromEntries(Object.entries(ROLES).map(([k, v]) => [k, auth(app, v)])) as Record<RoleName, { authorization: string }>
  // Some records to read and count, in two municipalities and both form versions.
  const seed = fc.sample(validRecord({ municipalities: ['2184', '2182'] }), { numRuns: 40, seed: 7 })
    .map((r, i) => ({ ...r, caseRef: `P-${i}` }))
  const batch = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: headers.integration, payload: seed })
  t.equal(batch.json().created, 40)
  const [{ n: before }] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from cases`)
  const seen: Record<number, number> = {}
  await holds(t, 'reads', fc.asyncProperty(path, query, fc.constantFrom<RoleName | 'none'>('none', 'integration', 'registrant', 'lead', 'analyst', 'dashboard', 'admin'),
    fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS', 'POST'), fc.option(fc.jsonValue({ maxDepth: 2 })),
    async (p, q, role, method, payload) => {
      const res = await app.inject({
        method: method as 'GET',
        url: p + q,
        headers: { ...(role === 'none' ? {} : headers[role]), accept: Math.random() < 0.2 ? 'text/csv' : 'application/json' },
        ...(method === 'POST' || method === 'PATCH' ? { payload: payload as object } : {})
      })
      seen[res.statusCode] = (seen[res.statusCode] ?? 0) + 1
      if (res.statusCode >= 500) throw new Error(`${method} ${p + q} as ${role}: ${res.statusCode} ${res.body}`)
      return true
    }), 400)
  t.ok((seen[200] ?? 0) > 50 && (seen[400] ?? 0) > 30 && (seen[404] ?? 0) > 30 && (seen[403] ?? 0) > 10, `a mix of answers: ${JSON.stringify(seen)}`)
  const [{ n: after }] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from cases`)
  t.ok(after <= before, 'random requests created no record')
  t.ok(after >= before - 5, `random DELETEs to random addresses erased at most a few records (${before - after})`)
})

t.test('statistics for every table under random filters: never a 5xx, and protected answers never show 1–4', async (t) => {
  const app = await build(t)
  const seed = fc.sample(validRecord({ municipalities: ['2184', '2182', '2121'] }), { numRuns: 120, seed: 11 })
    .map((r, i) => ({ ...r, caseRef: `S-${i}` }))
  const integration = auth(app, { ...ROLES.integration, municipalities: ['2184', '2182', '2121'] })
  t.equal((await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: integration, payload: seed })).json().created, 120)
  const filter = fc.record({
    year: fc.option(fc.constantFrom('2019', '2020', '2021', '2022', '2025'), { nil: undefined }),
    municipality: fc.subarray(['2184', '2182', '2121', '2101']),
    gender: fc.subarray(['girl', 'boy', 'other']),
    problem: fc.subarray(['violence_abuse', 'school_problems', 'parent_mental_health', 'other'], { maxLength: 2 })
  }).map((f) => [
    ...(f.year ? [`year=${f.year}`] : []), ...f.municipality.map((m) => `municipality=${m}`), ...f.gender.map((g) => `gender=${g}`),
    ...f.problem.map((p) => `problem=${p}`)
  ].join('&'))
  const headers = { dashboard: auth(app, ROLES.dashboard), lead: auth(app, ROLES.lead), analyst: auth(app, ROLES.analyst) }
  const protectedSeen = { published: 0, withheld: 0 }
  await holds(t, 'stats', fc.asyncProperty(fc.constantFrom(...TABLES), filter, fc.constantFrom('dashboard', 'lead', 'analyst') as fc.Arbitrary<keyof typeof headers>,
    async (table, q, role) => {
      const res = await app.inject({ method: 'GET', url: `/v1/stats/${table}?${q}`, headers: headers[role] })
      if (res.statusCode >= 500) throw new Error(`${table}?${q}: ${res.statusCode} ${res.body}`)
      if (res.statusCode !== 200) return table === 'outcomes' && res.statusCode === 400
      const body = res.json()
      if (body.protection !== 'suppressed') return role !== 'dashboard'
      protectedSeen[body.withheld ? 'withheld' : 'published']++
      for (const row of body.rows) {
        for (const n of [row.total, ...row.cells.map((c: { count?: number }) => c.count)]) {
          if (typeof n === 'number' && n >= 1 && n <= 4) throw new Error(`${table}?${q} shows ${n} in row ${row.key}`)
        }
      }
      return body.population === null || body.population >= 5 || body.withheld === true
    }), 150)
  t.ok(protectedSeen.published > 10 && protectedSeen.withheld > 5, `protected tables both published and withheld: ${JSON.stringify(protectedSeen)}`)
})
