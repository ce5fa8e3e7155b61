import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import app from '../../src/app.js'
import { auth, build, queryRows, record2021, testConfig, testDatabase, TODAY, type TokenClaims } from '../helper.js'
import { expected, finished, fixture, form, genericCsv, importFile, integration, job, upload } from './import-helpers.js'

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

t.test('an import stopped after its first chunk is finished by the next start, once its lease has run out, without duplicates', async (t) => {
  const { database, drop } = await testDatabase()
  t.teardown(drop)
  const start = async (db: typeof database) => {
    const server = Fastify({ logger: false })
    await server.register(app, { config: testConfig(), database: db, today: () => TODAY })
    await server.ready()
    return server
  }
  // The first app does not close the database, as a process that stops leaves it running.
  const first = await start({ ...database, close: async () => {} })
  let stopped: Promise<void> | null = null
  first.importService.events.once('chunk', () => { stopped = first.importService.stop() })
  const records = Array.from({ length: 2500 }, (_, i) => record2021({ caseRef: `RS-${i}`, ageAtReferral: i % 21 }))
  const res = await upload(first, integration, { file: genericCsv(records), profile: 'generic' })
  t.equal(res.statusCode, 202)
  const id = res.json().id as string
  while (!stopped) await new Promise((resolve) => setTimeout(resolve, 10))
  await stopped
  const midway = await job(first, integration, id)
  t.match(midway, { status: 'running', total: 2500, failed: 0 })
  // PostgreSQL writes two chunks at a time, so the other one may have finished too.
  t.ok(midway.processed === 1000 || midway.processed === 2000, `stopped after whole chunks (${midway.processed})`)
  t.equal(midway.created, midway.processed)
  await first.close()

  // As if the runner had died holding the job: nobody takes it until the lease runs out.
  await first.database.db.execute(sql`update import_jobs set lease_token = gen_random_uuid(), lease_until = now() + interval '1 hour'`)
  const second = await start(database)
  t.teardown(() => second.close())
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.match(await job(second, integration, id), { status: 'running', processed: midway.processed }, 'a live lease is respected')
  await second.database.db.execute(sql`update import_jobs set lease_until = now() - interval '1 second'`)
  second.importService.resume()
  const done = await finished(second, integration, id)
  t.match(done, { status: 'done', total: 2500, processed: 2500, created: 2500, updated: 0, unchanged: 0, failed: 0, errors: [] })
  t.equal(await count(second, sql`select count(*) as n from cases`), 2500, 'every record once')
  t.equal(await count(second, sql`select count(*) as n from audit_log where action = 'case.create'`), 2500, 'every audit row once')
  const [row] = await queryRows<{ attempts: number }>(second, sql`select attempts from import_jobs`)
  t.equal(row.attempts, 2, 'taken twice')
})

t.test('only registrants and integrations import; a job is seen by its creator only; rows of other municipalities fail one by one', async (t) => {
  const app = await build(t)
  const file = fixture('treserva.csv')
  for (const claims of [{ roles: ['dashboard' as const] }, { roles: ['municipality_lead' as const], municipalities: ['2184'] }, { roles: ['admin' as const] }]) {
    const res = await upload(app, { sub: 'x', ...claims }, { file, profile: 'treserva' })
    t.equal(res.statusCode, 403, `${claims.roles[0]} may not import`)
  }
  const anonymous = await app.inject({ method: 'POST', url: '/v1/imports', payload: form({ file, profile: 'treserva' }) })
  t.equal(anonymous.statusCode, 401)

  const res = await upload(app, alice, { file, profile: 'treserva' })
  const id = res.json().id as string
  const done = await finished(app, alice, id)
  t.match(done, { status: 'done', total: 8, created: 5, failed: 3 })
  t.same(done.errors.map((e) => [e.row, e.column, e.path, e.code]), [
    [4, 'Kommunkod', '/municipality', 'municipality_not_allowed'],
    [7, 'Kommunkod', '/municipality', 'municipality_not_allowed'],
    [9, 'Kommunkod', '/municipality', 'municipality_not_allowed']
  ])
  t.equal(done.errors[0].message, 'Kommun: Du registrerar inte för kommunen på den här raden')

  const others: Array<[string, TokenClaims, number]> = [
    ['another registrant', { sub: 'bob', roles: ['registrant'], municipalities: ['2184'] }, 404],
    ['an integration', integration, 404],
    ['a dashboard of the same subject', { sub: 'alice', roles: ['dashboard'] }, 403]
  ]
  for (const [who, claims, status] of others) {
    const other = await app.inject({ method: 'GET', url: `/v1/imports/${id}`, headers: auth(app, claims) })
    t.equal(other.statusCode, status, `${who} does not see alice's job`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/imports/00000000-0000-4000-8000-000000000000', headers: auth(app, alice) })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/v1/imports/not-a-job', headers: auth(app, alice) })).statusCode, 404)

  const bob = { sub: 'bob', roles: ['registrant' as const], municipalities: ['2184', '2182'] }
  const bobs = await importFile(app, bob, { file, profile: 'treserva' }, 'en')
  t.match(bobs, { created: 3, failed: 5 }, 'bob stores the 2182 rows but may not replace alice\'s records')
  t.same(bobs.errors.filter((e) => e.code === 'not_owner').map((e) => [e.row, e.column]), [[2, 'Ärende-ID'], [3, 'Ärende-ID'], [5, 'Ärende-ID'], [6, 'Ärende-ID'], [8, 'Ärende-ID']])
  t.match(bobs.errors[0].message, /^Case id: The record was registered by someone else/)
})

t.test('a profile is named or given as JSON, and checked before the file is read', async (t) => {
  const app = await build(t)
  const file = genericCsv([record2021({ caseRef: 'P-1' })])
  const problem = async (fields: { profile?: string, mapping?: string }) => {
    const res = await upload(app, integration, { file, ...fields }, 'en')
    t.equal(res.statusCode, 422)
    return res.json().errors.map((e: { path: string, code: string, message: string }) => [e.path, e.code, e.message])
  }
  t.same(await problem({ profile: 'lifecare' }), [['/profile', 'unknown_profile', 'Unknown profile; known: generic, procapita, treserva']])
  t.match(await problem({}), [['/profile', 'profile_or_mapping']])
  t.match(await problem({ profile: 'generic', mapping: '{}' }), [['/profile', 'profile_or_mapping']])
  t.match(await problem({ mapping: '{"name": ' }), [['/mapping', 'invalid_profile_json']])
  const broken = {
    name: 'mine',
    fields: {
      municipality: 'Kommun', caseRef: 'Id', formVersion: { value: '2022' }, ageAtReferral: 'Ålder', gender: { column: 'Kön', codes: { Flicka: 'female' } },
      referralDate: { column: 'Inkom', dateFormats: ['DD.MM.YY'] }, startDate: 'Start', previouslyKnown: { column: 'Känd', flags: { X: 'no' } },
      problems: 'Problem', interventions: 'Insatser', closingDate: 'Slut', colour: 'Färg'
    }
  }
  t.same((await problem({ mapping: JSON.stringify(broken) })).map((e: string[]) => `${e[0]} ${e[1]}`), ['/mapping/fields/colour unknown_field'], 'the shape first')
  delete (broken.fields as Record<string, unknown>).colour
  t.same((await problem({ mapping: JSON.stringify(broken) })).map((e: string[]) => `${e[0]} ${e[1]}`), [
    '/mapping/fields/formVersion/value unknown_version',
    '/mapping/fields/gender/codes/Flicka not_a_sux_code',
    '/mapping/fields/referralDate/dateFormats/0 invalid_date_pattern',
    '/mapping/fields/previouslyKnown source_conflict',
    '/mapping/fields/previouslyKnown/flags not_allowed_here',
    '/mapping/fields/closureReason field_not_mapped'
  ])
  t.equal(await count(app, sql`select count(*) as n from import_jobs`), 0)

  const mine = {
    name: 'mine',
    delimiter: ';',
    dateFormats: ['D.M.YYYY'],
    fields: {
      municipality: { value: '2184' }, caseRef: 'Id', formVersion: { value: '2021' }, ageAtReferral: 'Ålder',
      gender: { column: 'Kön', codes: { F: 'girl', P: 'boy' } }, background: { value: 'unknown' }, referralDate: 'Inkom', startDate: 'Start',
      previouslyKnown: { value: 'no' }, problems: { column: 'Problem', separator: '+' }, interventions: { value: ['traditional_family_treatment'] },
      closingDate: 'Slut', closureReason: { value: 'goals_met' }
    }
  }
  const csv = 'Id;Ålder;Kön;Inkom;Start;Problem;Slut\nM-1;7;F;1.2.2021;15.2.2021;school_problems + behaviour_problems;30.6.2021\n'
  const done = await importFile(app, integration, { file: csv, mapping: JSON.stringify(mine) })
  t.match(done, { status: 'done', profile: 'custom', created: 1, failed: 0 })
  const stored = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/M-1', headers: auth(app, integration) })
  t.match(stored.json(), { ageAtReferral: 7, gender: 'girl', background: 'unknown', referralDate: '2021-02-01', problems: ['school_problems', 'behaviour_problems'], interventions: ['traditional_family_treatment'] })
})

t.test('a form that is not one file with a profile is refused', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const json = await app.inject({ method: 'POST', url: '/v1/imports', headers, payload: { file: 'x', profile: 'generic' } })
  t.equal(json.statusCode, 415)
  const noFile = new FormData()
  noFile.append('profile', 'generic')
  t.match((await app.inject({ method: 'POST', url: '/v1/imports', headers, payload: noFile })).json(), { status: 400, detail: /saknar fil/ })
  const extra = new FormData()
  extra.append('profil', 'generic')
  t.match((await app.inject({ method: 'POST', url: '/v1/imports', headers, payload: extra })).json(), { status: 400, detail: /Okänt formulärfält profil/ })
  const two = new FormData()
  two.append('profile', 'generic')
  two.append('file', new Blob(['a']), 'a.csv')
  two.append('file', new Blob(['b']), 'b.csv')
  t.equal((await app.inject({ method: 'POST', url: '/v1/imports', headers, payload: two })).statusCode, 400)
})

t.test('a job whose stored rows cannot be read ends as failed, and its rows are erased', async (t) => {
  const app = await build(t)
  const profile = JSON.stringify({ name: 'generic', fields: Object.fromEntries(Object.keys(record2021()).map((f) => [f, { column: f }])) })
  await app.database.db.execute(sql`insert into import_jobs (id, created_by, roles, municipalities, profile_name, profile, format, total, rows)
    values ('00000000-0000-4000-8000-00000000000a', 'alice', '{registrant}', '{2184}', 'generic', ${profile}::json, 'csv', 3, ${'{"header": ["municipality"]}\n[2, "19850709-9805 {'})`)
  app.importService.resume()
  const done = await finished(app, alice, '00000000-0000-4000-8000-00000000000a')
  t.match(done, { status: 'failed', processed: 0, created: 0 })
  const [row] = await queryRows<{ rows: string | null, failure_code: string }>(app, sql`select rows, failure_code from import_jobs`)
  t.same(row, { rows: null, failure_code: 'unreadable_job' })
})
