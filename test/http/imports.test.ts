import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import app from '../../src/app.js'
import { auth, build, queryRows, record2021, testConfig, testDatabase, TODAY } from '../helper.js'
import { expected, finished, fixture, genericCsv, importFile, integration, job, type JobBody, text1252, upload } from './import-helpers.js'

// POST /v1/imports and GET /v1/imports/{id} (SPEC §4 "Import upload"): case-system exports
// imported end to end, idempotent re-imports, resumed jobs, and who may see what.

const alice = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184'] }

async function count (app: FastifyInstance, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: string | number }>(app, query)
  return Number(row.n)
}

async function read (app: FastifyInstance, record: Record<string, unknown>) {
  return app.inject({ method: 'GET', url: `/v1/municipalities/${record.municipality}/cases/${record.caseRef}`, headers: auth(app, integration) })
}

for (const system of ['treserva', 'procapita']) {
  t.test(`a ${system}-style export (Windows-1252, ;, local codes) stores what PUT of each record would, and a second import changes nothing`, async (t) => {
    const records = expected(`${system}.expected.json`)
    const imported = await build(t)
    const res = await upload(imported, integration, { file: fixture(`${system}.csv`), profile: system })
    t.equal(res.statusCode, 202)
    t.match(res.json(), { id: /^[0-9a-f-]{36}$/, status: 'queued' })
    t.equal(res.headers.location, `/v1/imports/${res.json().id}`)
    const done = await finished(imported, integration, res.json().id)
    t.match(done, { status: 'done', profile: system, total: records.length, processed: records.length, created: records.length, updated: 0, unchanged: 0, failed: 0, errors: [] })

    const byPut = await build(t)
    for (const r of records) {
      const put = await byPut.inject({ method: 'PUT', url: `/v1/municipalities/${r.municipality}/cases/${r.caseRef}`, headers: auth(byPut, integration), payload: r })
      t.equal(put.statusCode, 201, `PUT ${String(r.caseRef)}`)
    }
    for (const r of records) {
      const a = await read(imported, r)
      const b = await read(byPut, r)
      t.equal(a.statusCode, 200)
      t.same(a.json(), b.json(), `${String(r.caseRef)} is stored as PUT stores it`)
      t.equal(a.headers.etag, b.headers.etag)
      t.same(a.json(), r, `${String(r.caseRef)} reads as the expected record`)
    }

    const before = await queryRows(imported, sql`select id, revision, change_seq, updated_at from cases order by id`)
    const audits = await count(imported, sql`select count(*) as n from audit_log where action like 'case.%'`)
    const again = await importFile(imported, integration, { file: fixture(`${system}.csv`), profile: system })
    t.match(again, { status: 'done', total: records.length, created: 0, updated: 0, unchanged: records.length, failed: 0 })
    t.same(await queryRows(imported, sql`select id, revision, change_seq, updated_at from cases order by id`), before, 'no record touched')
    t.equal(await count(imported, sql`select count(*) as n from audit_log where action like 'case.%'`), audits, 'no record audit row either')
    t.equal(await count(imported, sql`select count(*) as n from audit_log where action = 'import.create'`), 2, 'one audit row per import')
  })
}

t.test('the import itself is audited once, with codes and counts only; the job keeps no rows once done', async (t) => {
  const app = await build(t)
  const done = await importFile(app, integration, { file: fixture('treserva.csv'), profile: 'treserva' })
  const [row] = await queryRows<{ subject: string, detail: Record<string, unknown>, request_id: string | null }>(app,
    sql`select subject, detail, request_id from audit_log where action = 'import.create'`)
  t.same(row.detail, { importId: done.id, profile: 'treserva', format: 'csv', rows: 8 })
  t.equal(row.subject, 'client:treserva')
  t.ok(row.request_id)
  const [stored] = await queryRows<{ rows: string | null, status: string }>(app, sql`select rows, status from import_jobs`)
  t.same(stored, { rows: null, status: 'done' })
  t.equal(await count(app, sql`select count(*) as n from audit_log where action = 'case.create' and request_id = ${row.request_id}`), 8,
    'the record audit rows carry the upload\'s request id')
})
