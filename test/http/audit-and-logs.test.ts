import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import t from 'tap'
import app, { serverOptions } from '../../src/app.js'
import { auth, build, queryRows, record2021, testConfig, testDatabase, TODAY } from '../helper.js'

const SECRET_TEXT = 'Hemlig kommentar om familjen'

t.test('every write and read is in the audit log, without free text', async (t) => {
  const app = await build(t)
  const alice = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  const url = '/v1/municipalities/2184/cases/HU-2021-0001'
  await app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021({ comment: SECRET_TEXT }) })
  await app.inject({ method: 'GET', url, headers: alice })
  await app.inject({ method: 'PUT', url, headers: alice, payload: record2021({ comment: SECRET_TEXT, closureReason: 'other', closureComment: SECRET_TEXT }) })
  await app.inject({ method: 'GET', url: '/v1/cases', headers: alice })
  await app.inject({ method: 'DELETE', url, headers: alice })
  const failed = await app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021({ problems: [] }) })
  t.equal(failed.statusCode, 422)

  const rows = await queryRows(app, sql`select subject, action, municipality, case_ref, request_id, detail from audit_log order by id`)
  t.same(rows.map((r) => r.action), ['case.create', 'case.read', 'case.update', 'case.list', 'case.erase'], 'a failed request is not logged as a write')
  for (const r of rows) {
    t.equal(r.subject, 'alice')
    t.equal(r.municipality, '2184')
    t.equal(r.case_ref, 'HU-2021-0001')
    t.ok(r.request_id)
  }
  t.notMatch(JSON.stringify(rows), SECRET_TEXT, 'no free text in the audit log')
})

t.test('the audit log cannot be changed or emptied', async (t) => {
  const app = await build(t)
  const alice = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  await app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021() })
  await t.rejects(app.database.db.execute(sql`update audit_log set subject = 'mallory'`))
  await t.rejects(app.database.db.execute(sql`delete from audit_log`))
  await t.rejects(app.database.db.execute(sql`truncate audit_log`))
  const [count] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from audit_log`)
  t.equal(count.n, 1)
})

t.test('an erased record leaves nothing of its contents in the database', async (t) => {
  const app = await build(t)
  const alice = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  await app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021({ comment: SECRET_TEXT }) })
  await app.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: alice })
  for (const table of ['cases', 'case_problems', 'case_interventions', 'case_manual_methods']) {
    const [n] = await queryRows<{ n: number }>(app, sql.raw(`select count(*)::int as n from ${table}`))
    t.equal(n.n, 0, `${table} is empty`)
  }
  const [erasures] = await queryRows<{ n: number }>(app, sql`select count(*)::int as n from case_erasures`)
  t.equal(erasures.n, 1, 'a tombstone tells snapshots the record is gone')
})

t.test('logs are structured with request ids and hold neither case contents nor tokens', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
  const { database, drop } = await testDatabase()
  const options = serverOptions({ logLevel: 'info' })
  const server = Fastify({ ...options, logger: { ...(options.logger as object), stream } })
  await server.register(app, { config: testConfig(), database, today: () => TODAY })
  t.teardown(async () => { await server.close(); await drop() })
  const headers = auth(server, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  const res = await server.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'x-request-id': 'trace-123' }, payload: record2021({ comment: SECRET_TEXT }) })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['x-request-id'], 'trace-123', 'the request id is echoed')
  await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ comment: SECRET_TEXT, problems: ['bad'] }) })
  const entries = lines.map((l) => JSON.parse(l))
  t.ok(entries.some((e) => e.requestId === 'trace-123'), 'log lines carry the request id')
  const all = lines.join('\n')
  t.notMatch(all, SECRET_TEXT, 'no free text in the logs')
  t.notMatch(all, headers.authorization.slice(7), 'no token in the logs')
})
