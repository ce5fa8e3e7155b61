import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import app from '../../src/app.js'
import { auditRepository } from '../../src/db/audit-repository.js'
import { casesRepository } from '../../src/db/cases-repository.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { swedishToday } from '../../src/services/cases.js'
import { RETENTION_SUBJECT, retentionCutoff, retentionService } from '../../src/services/retention.js'
import { auth, build, queryRows, record2020, record2021, SERVER_URL, testConfig, testDatabase, TODAY } from '../helper.js'

// Retention: records are erased RETENTION_YEARS after their closingDate, by the erasure path
// (tombstones, case.erase audit rows without contents, a retention.purge row with the count);
// a dry run writes nothing; `npm run retention` does it from the command line.

const SECRET = 'Mormor tar hand om barnen'
const integration = { sub: 'treserva', roles: ['integration' as const], municipalities: ['2184', '2182'] }

t.test('the cutoff is today less the years; a leap day falls back to 28 February', async (t) => {
  t.equal(retentionCutoff('2026-06-30', 10), '2016-06-30')
  t.equal(retentionCutoff('2024-02-29', 1), '2023-02-28')
  t.equal(retentionCutoff('2024-02-29', 4), '2020-02-29')
  t.equal(retentionCutoff('2026-01-01', 5), '2021-01-01')
})

async function seed (server: FastifyInstance) {
  const headers = auth(server, integration)
  const records = [
    record2021({ caseRef: 'DUE-1', closingDate: '2021-06-29', comment: SECRET }),
    record2021({ caseRef: 'KEPT-1', closingDate: '2021-06-30' }),
    record2021({ caseRef: 'KEPT-2' }),
    record2020({ caseRef: 'DUE-2' })
  ]
  for (const r of records) {
    const res = await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: r })
    if (res.statusCode !== 201) throw new Error(`seed ${String(r.caseRef)}: ${res.statusCode} ${res.body}`)
  }
}

const count = async (server: FastifyInstance, table: string) =>
  (await queryRows<{ n: number }>(server, sql.raw(`select count(*)::int as n from ${table}`)))[0].n

t.test('a dry run counts what is due and writes nothing; the purge erases exactly that, audited without contents', async (t) => {
  const server = await build(t)
  await seed(server)
  const service = retentionService({ db: server.database.db, cases: casesRepository(), audit: auditRepository(), changed: () => server.recordsChanged() })
  const auditBefore = await count(server, 'audit_log')

  // Today 2026-06-30 and five years: what closed before 2021-06-30 is due.
  const dry = await service.purge({ today: TODAY, years: 5, dryRun: true, runId: 'dry-1', batchSize: 1 })
  t.same(dry, { cutoff: '2021-06-30', years: 5, dryRun: true, due: 2, erased: 0, byMunicipality: { 2184: 1, 2182: 1 } })
  t.equal(await count(server, 'cases'), 4, 'the dry run erased nothing')
  t.equal(await count(server, 'audit_log'), auditBefore, 'and wrote no audit row')

  const reader = auth(server, { sub: 'fou', roles: ['regional_analyst'] })
  t.equal((await server.inject({ method: 'GET', url: '/v1/stats/overview', headers: reader })).json().population, 4)

  const run = await service.purge({ today: TODAY, years: 5, dryRun: false, runId: 'run-1', batchSize: 1 })
  t.same(run, { cutoff: '2021-06-30', years: 5, dryRun: false, due: 2, erased: 2, byMunicipality: { 2184: 1, 2182: 1 } })
  const left = await queryRows<{ case_ref: string }>(server, sql`select case_ref from cases order by case_ref`)
  t.same(left.map((r) => r.case_ref), ['KEPT-1', 'KEPT-2'], 'the boundary day is kept')
  t.equal(await count(server, 'case_erasures'), 2, 'a tombstone each, for the snapshots')
  t.equal(await count(server, 'case_problems where case_id not in (select id from cases)'), 0, 'no list row left behind')

  const rows = await queryRows<{ subject: string, action: string, municipality: string | null, case_ref: string | null, request_id: string, detail: unknown }>(server,
    sql`select subject, action, municipality, case_ref, request_id, detail from audit_log where subject = ${RETENTION_SUBJECT} order by id`)
  t.same(rows, [
    { subject: RETENTION_SUBJECT, action: 'case.erase', municipality: '2184', case_ref: 'DUE-1', request_id: 'run-1', detail: { reason: 'retention' } },
    { subject: RETENTION_SUBJECT, action: 'case.erase', municipality: '2182', case_ref: 'DUE-2', request_id: 'run-1', detail: { reason: 'retention' } },
    { subject: RETENTION_SUBJECT, action: 'retention.purge', municipality: null, case_ref: null, request_id: 'run-1', detail: { cutoff: '2021-06-30', years: 5, erased: 2 } }
  ])
  t.notMatch(JSON.stringify(await queryRows(server, sql`select * from audit_log`)), SECRET, 'no free text in the audit log')
  t.equal((await server.inject({ method: 'GET', url: '/v1/stats/overview', headers: reader })).json().population, 2, 'the statistics follow at once')

  const again = await service.purge({ today: TODAY, years: 5, dryRun: false, runId: 'run-2' })
  t.match(again, { due: 0, erased: 0 }, 'a second run finds nothing')
})

/** A database the command can open from its own process, with the seed records. */
async function commandDatabase (t: Parameters<typeof build>[0]): Promise<{ env: Record<string, string>, reopen: () => Database }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'isu-retention-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  let database: Database
  let env: Record<string, string>
  if (SERVER_URL) {
    const copy = await testDatabase()
    t.teardown(copy.drop)
    database = copy.database
    env = { DATABASE_URL: copy.url as string }
  } else {
    database = openDatabase({ dataDir })
    env = {}
  }
  const today = swedishToday()
  // A new embedded database takes a while to create and migrate; before the app, so that its plugin timeout is not spent on it.
  await database.migrate()
  const server = Fastify({ logger: false, pluginTimeout: 60_000 })
  await server.register(app, { config: testConfig(), database, today: () => today })
  const recent = new Date(Date.parse(`${today}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10)
  const headers = auth(server, integration)
  for (const r of [record2021({ caseRef: 'OLD', comment: SECRET }), record2021({ caseRef: 'RECENT', referralDate: recent, startDate: recent, closingDate: recent })]) {
    const res = await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: r })
    if (res.statusCode !== 201) throw new Error(`seed: ${res.body}`)
  }
  await server.close()
  return {
    env: { ...env, DATA_DIR: dataDir, JWT_SECRET: 'retention-command-test-secret-0123456789', RETENTION_YEARS: '1', LOG_LEVEL: 'info' },
    reopen: () => SERVER_URL ? openDatabase({ url: env.DATABASE_URL, poolSize: 1 }) : openDatabase({ dataDir })
  }
}

const run = promisify(execFile)

t.test('npm run retention: a dry run, then the purge, each one JSON line; logs without contents', async (t) => {
  const { env, reopen } = await commandDatabase(t)
  const command = (...args: string[]) => run(process.execPath, ['--import=tsx', 'scripts/retention.ts', ...args], { env: { ...process.env, ...env }, timeout: 60_000 })

  const dry = await command('--dry-run')
  const dryLines = dry.stdout.trim().split('\n')
  t.equal(dryLines.length, 1, 'one line on stdout')
  t.match(JSON.parse(dryLines[0]), { years: 1, dryRun: true, due: 1, erased: 0, byMunicipality: { 2184: 1 }, runId: String })
  t.match(dry.stderr, /"msg":"retention dry run: nothing erased"/)

  const purge = await command()
  const result = JSON.parse(purge.stdout)
  t.match(result, { years: 1, dryRun: false, due: 1, erased: 1 })
  t.match(purge.stderr, /"msg":"retention purge done"/)
  for (const output of [dry.stdout, dry.stderr, purge.stdout, purge.stderr]) {
    t.notMatch(output, SECRET, 'no free text')
    t.notMatch(output, /OLD|RECENT/, 'no caseRef either')
  }

  const database = reopen()
  t.teardown(() => database.close())
  const left = (await database.db.execute(sql`select case_ref from cases`) as unknown as { rows: Array<{ case_ref: string }> }).rows
  t.same(left.map((r) => r.case_ref), ['RECENT'])
  const purged = (await database.db.execute(sql`select request_id, detail from audit_log where action = 'retention.purge'`) as unknown as { rows: Array<{ request_id: string, detail: unknown }> }).rows
  t.same(purged, [{ request_id: result.runId, detail: { cutoff: result.cutoff, years: 1, erased: 1 } }])
})
