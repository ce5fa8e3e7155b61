// Import (issue 4): 100,000 synthetic records as a generic-profile CSV through POST /v1/imports,
// timed from the upload until the job is done, beside PostgreSQL's COPY of the same records into
// another fresh database in the same run. The app runs in this process on a PostgreSQL database;
// the only client work is one upload and polling the job. Every figure is checked against the
// database afterwards: a run that stored less than it claims fails instead of printing a number.
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import app from '../src/app.js'
import type { Config } from '../src/config.js'
import { MUNICIPALITY_NAMES } from '../src/domain/municipalities.js'
import type { SuxRecord } from '../src/domain/types.js'
import { swedishToday } from '../src/services/cases.js'
import { dropDatabase, freshDatabase, printTable, time } from './common.js'
import { copyLoad, syntheticRecords } from './data.js'

const N = Number(process.env.BENCH_IMPORT_RECORDS ?? 100_000)

const FIELDS: Array<keyof SuxRecord> = ['municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'background', 'referralDate',
  'startDate', 'previouslyKnown', 'problems', 'otherProblem', 'interventions', 'manualMethods', 'otherIntervention', 'closingDate',
  'closureReason', 'closureComment', 'comment']

/** The records as the generic profile reads them: field names as the header, `|` in lists. */
export function genericCsv (records: SuxRecord[]): string {
  const cell = (v: unknown) => {
    const s = v === null ? '' : Array.isArray(v) ? v.join('|') : String(v)
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  return [FIELDS.join(','), ...records.map((r) => FIELDS.map((f) => cell(r[f])).join(','))].join('\n') + '\n'
}

async function stored (url: string): Promise<{ cases: number, audit: number }> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query(`select (select count(*) from cases)::int as cases,
      (select count(*) from audit_log where action in ('case.create', 'case.update'))::int as audit`)
    return rows[0]
  } finally {
    await client.end()
  }
}

function expect (what: string, actual: unknown, wanted: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) throw new Error(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`)
}

interface Job { status: string, created: number, updated: number, unchanged: number, failed: number, errors: unknown[] }

/** Uploads the file and waits for its job; answers the job and the milliseconds until the 202. */
async function runImport (server: FastifyInstance, token: string, csv: Buffer): Promise<{ job: Job, acceptedMs: number }> {
  const form = new FormData()
  form.append('profile', 'generic')
  form.append('file', new Blob([new Uint8Array(csv)]), 'bench.csv')
  const start = process.hrtime.bigint()
  const res = await server.inject({ method: 'POST', url: '/v1/imports', headers: { authorization: `Bearer ${token}` }, payload: form })
  const acceptedMs = Number(process.hrtime.bigint() - start) / 1e6
  if (res.statusCode !== 202) throw new Error(`upload answered ${res.statusCode}: ${res.body.slice(0, 300)}`)
  const id = res.json().id as string
  const done = new Promise<void>((resolve) => {
    const listener = (e: { id: string }) => {
      if (e.id !== id) return
      server.importService.events.off('done', listener)
      resolve()
    }
    server.importService.events.on('done', listener)
  })
  await done
  const job = (await server.inject({ method: 'GET', url: `/v1/imports/${id}`, headers: { authorization: `Bearer ${token}` } })).json() as Job
  return { job, acceptedMs }
}

export default async function importSection (): Promise<void> {
  const today = swedishToday()
  const records = syntheticRecords(Math.ceil(N * 1.1), 5).filter((r) => r.closingDate <= today).slice(0, N)
  if (records.length < N) throw new Error(`only ${records.length} synthetic records closed by ${today}`)
  const csv = Buffer.from(genericCsv(records))
  const perSecond = (ms: number) => N / ms * 1000
  console.log(`${N} records as a ${(csv.length / 1024 / 1024).toFixed(1)} MB generic CSV`)

  const copyDb = 'isu_bench_import_copy'
  const { url: copyUrl, database: copyDatabase } = await freshDatabase(copyDb)
  await copyDatabase.close()
  const copy = await copyLoad(copyUrl, records)
  expect('COPY stored', (await stored(copyUrl)).cases, N)
  await dropDatabase(copyDb)

  const importDb = 'isu_bench_import'
  const { url, database } = await freshDatabase(importDb)
  await database.close()
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: url,
    dataDir: '/nonexistent',
    jwtSecret: 'bench-import-secret-0123456789abcdef0123456789',
    jwtIssuer: null,
    logLevel: 'warn',
    suppressionThreshold: 5,
    shutdownGraceMs: 0,
    importMaxBytes: Math.max(20 * 1024 * 1024, csv.length + 1024)
  }
  const server = Fastify({ logger: { level: 'warn' } })
  await server.register(app, { config })
  await server.ready()
  const rows: Array<Array<string | number>> = []
  try {
    const token = server.jwt.sign({ sub: 'bench-import', roles: ['integration'], municipalities: Object.keys(MUNICIPALITY_NAMES) }, { expiresIn: '1h' })
    let first = { job: null as unknown as Job, acceptedMs: 0 }
    const create = await time(async () => { first = await runImport(server, token, csv) })
    expect('import: created', [first.job.status, first.job.created, first.job.failed], ['done', N, 0])
    expect('import stored', await stored(url), { cases: N, audit: N })
    let second = { job: null as unknown as Job, acceptedMs: 0 }
    const again = await time(async () => { second = await runImport(server, token, csv) })
    expect('import again: unchanged', [second.job.status, second.job.unchanged, second.job.created, second.job.failed], ['done', N, 0, 0])
    expect('import again stored', await stored(url), { cases: N, audit: N })
    rows.push(
      ['COPY (baseline)', perSecond(copy.ms), copy.ms, 1],
      ['POST /v1/imports: create (upload to job done)', perSecond(create), create, copy.ms / create],
      ['  of which reading and checking the file (202)', perSecond(first.acceptedMs), first.acceptedMs, copy.ms / first.acceptedMs],
      ['POST /v1/imports: same file again (unchanged)', perSecond(again), again, copy.ms / again]
    )
  } finally {
    await server.close()
    await dropDatabase(importDb)
  }
  printTable(['load', 'records/s', 'ms', '× COPY'], rows)
}
