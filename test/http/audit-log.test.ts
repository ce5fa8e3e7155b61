import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { swedishDayStart } from '../../src/routes/v1/admin-audit-log.js'
import { auth, build, queryRows, record2020, record2021 } from '../helper.js'

// GET /v1/admin/audit-log (SPEC §4 "Audit log (admin)").

const URL = '/v1/admin/audit-log'
const admin = { sub: 'ada', roles: ['admin' as const] }
const alice = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184', '2182'] }

interface Item { at: string, subject: string, action: string, municipality: string | null, caseRef: string | null, detail: Record<string, unknown> | null, requestId: string | null }

/** Five records by alice, one read, one erasure; returns the admin's headers. */
async function withHistory (app: FastifyInstance) {
  const headers = auth(app, alice)
  for (let i = 1; i <= 4; i++) await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: `A-${i}` }) })
  await app.inject({ method: 'POST', url: '/v1/cases', headers: auth(app, { sub: 'bob', roles: ['registrant'], municipalities: ['2182'] }), payload: record2020() })
  await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/A-2', headers })
  await app.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/A-3', headers })
  return auth(app, admin)
}

const read = async (app: FastifyInstance, headers: Record<string, string>, query = '') => {
  const res = await app.inject({ method: 'GET', url: `${URL}${query}`, headers })
  return { status: res.statusCode, body: res.json() as { items: Item[], nextCursor: string | null }, res }
}

t.test('the log pages newest first by cursor, each entry with who, what, when and which record', async (t) => {
  const app = await build(t)
  const headers = await withHistory(app)
  const first = await read(app, headers, '?limit=3')
  t.equal(first.status, 200)
  t.equal(first.res.headers['cache-control'], 'private, no-store')
  t.same(first.body.items.map((i) => `${i.action} ${i.caseRef}`), ['case.erase A-3', 'case.read A-2', 'case.create SH-2020-0001'])
  const erase = first.body.items[0]
  t.match(erase, { subject: 'alice', municipality: '2184', caseRef: 'A-3', detail: null, requestId: String })
  t.ok(Math.abs(Date.parse(erase.at) - Date.now()) < 60_000, 'at is an ISO instant')
  t.same(first.body.items[2].detail, { revision: 1 })
  t.type(first.body.nextCursor, 'string')

  const second = await read(app, headers, `?limit=3&cursor=${first.body.nextCursor}`)
  t.same(second.body.items.map((i) => `${i.action} ${i.caseRef}`), ['case.create A-4', 'case.create A-3', 'case.create A-2'])
  const third = await read(app, headers, `?limit=3&cursor=${second.body.nextCursor}`)
  t.same(third.body.items.map((i) => `${i.action} ${i.caseRef}`), ['case.create A-1'], 'the reads of the log itself come after the cursor, not on these pages')
  t.equal(third.body.nextCursor, null)
})

t.test('filters combine: subject, repeated action, municipality, caseRef and a time window', async (t) => {
  const app = await build(t)
  const headers = await withHistory(app)
  const actions = (items: Item[]) => items.map((i) => `${i.subject} ${i.action} ${i.caseRef}`)

  t.same(actions((await read(app, headers, '?subject=bob')).body.items), ['bob case.create SH-2020-0001'])
  t.same(actions((await read(app, headers, '?action=case.read&action=case.erase')).body.items), ['alice case.erase A-3', 'alice case.read A-2'])
  t.same(actions((await read(app, headers, '?municipality=2182')).body.items), ['bob case.create SH-2020-0001'])
  t.same(actions((await read(app, headers, '?caseRef=A-3&municipality=2184')).body.items), ['alice case.erase A-3', 'alice case.create A-3'])
  t.same((await read(app, headers, '?subject=alice&municipality=2182')).body.items, [], 'and means and')

  const hourAgo = new Date(Date.now() - 3_600_000).toISOString()
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
  t.equal((await read(app, headers, `?action=case.create&from=${hourAgo}&to=${inAnHour}`)).body.items.length, 5)
  t.same((await read(app, headers, `?from=${encodeURIComponent(inAnHour)}`)).body.items, [], 'nothing after now')
  t.same((await read(app, headers, `?to=${hourAgo}`)).body.items, [], 'nothing an hour ago')
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date())
  t.equal((await read(app, headers, `?action=case.create&from=${today}&to=${today}`)).body.items.length, 5, 'a date means that Swedish day')
  t.same((await read(app, headers, '?to=2020-01-01')).body.items, [])
})

t.test('reading the log is itself logged, with the filters asked for', async (t) => {
  const app = await build(t)
  const headers = auth(app, admin)
  await read(app, headers, '?subject=alice&action=case.read&limit=5')
  const [entry] = await queryRows<{ subject: string, action: string, detail: Record<string, unknown> }>(app, sql`select subject, action, detail from audit_log`)
  t.same(entry, { subject: 'ada', action: 'audit.read', detail: { subject: 'alice', action: ['case.read'], returned: 0 } })
  const shown = await read(app, headers)
  t.same(shown.body.items.map((i) => i.action), ['audit.read'], 'and shown like any entry')
})

t.test('only administrators read the log; bad parameters are refused with problem+json', async (t) => {
  const app = await build(t)
  for (const role of ['registrant', 'integration', 'municipality_lead', 'regional_analyst', 'dashboard'] as const) {
    const res = await app.inject({ method: 'GET', url: URL, headers: auth(app, { sub: role, roles: [role], municipalities: ['2184'] }) })
    t.equal(res.statusCode, 403, role)
  }
  t.equal((await app.inject({ method: 'GET', url: URL })).statusCode, 401)
  const headers = auth(app, admin)
  for (const query of ['?limit=0', '?limit=1001', '?from=yesterday', '?to=2026-13-45', '?municipality=218', '?password=x', '?cursor=!!', '?cursor=bm90LWEtbnVtYmVy']) {
    const res = await app.inject({ method: 'GET', url: `${URL}${query}`, headers })
    t.equal(res.statusCode, 400, query)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  t.same(await queryRows(app, sql`select id from audit_log`), [], 'refused reads leave no trace')
})

t.test('a Swedish day starts at midnight in Stockholm, summer time or not', async (t) => {
  t.equal(swedishDayStart('2026-01-15').toISOString(), '2026-01-14T23:00:00.000Z')
  t.equal(swedishDayStart('2026-07-01').toISOString(), '2026-06-30T22:00:00.000Z')
  t.equal(swedishDayStart('2026-03-29').toISOString(), '2026-03-28T23:00:00.000Z', 'the day summer time begins')
  t.equal(swedishDayStart('2026-03-30').toISOString(), '2026-03-29T22:00:00.000Z')
  t.equal(swedishDayStart('2026-10-25').toISOString(), '2026-10-24T22:00:00.000Z', 'the day it ends')
  t.equal(swedishDayStart('2026-10-26').toISOString(), '2026-10-25T23:00:00.000Z')
})
