// Ingest (issue 4): 100,000 synthetic records through the real HTTP batch endpoint, beside
// PostgreSQL's COPY and a plain multi-row INSERT of the same records into fresh databases in the
// same run. The server runs as its own process (src/server.ts, as deployed), so the load
// generator's event loop is not the server's; request bodies are serialised before the clock
// starts. Every figure is checked against the database afterwards: a run that stored less than it
// claims fails instead of printing a number.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createSigner } from 'fast-jwt'
import pg from 'pg'
import { interventionGroup } from '../src/domain/derived.js'
import { MUNICIPALITY_NAMES } from '../src/domain/municipalities.js'
import type { SuxRecord } from '../src/domain/types.js'
import { contentHash, swedishToday } from '../src/services/cases.js'
import { dropDatabase, freePort, freshDatabase, printTable, time } from './common.js'
import { copyLoad, syntheticRecords } from './data.js'

const N = Number(process.env.BENCH_INGEST_RECORDS ?? 100_000)
const BATCH = 5_000
/** Requests in flight at once, as a case system's exporter with a few workers would send them. */
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 3)
const INSERT_ROWS = 1_000
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3)

interface Outcome { created: number, updated: number, unchanged: number, failed: number }
interface Answer extends Outcome { results: Array<{ status: string, errors: Array<{ path: string, code: string }> }> }


/** src/server.ts on a PostgreSQL database, as `npm start` runs it; resolves once /health answers. */
async function startServer (databaseUrl: string, jwtSecret: string): Promise<{ url: string, child: ChildProcess }> {
  const port = await freePort()
  // BENCH_SERVER_NODE_ARGS: extra node options for the server, e.g. `--cpu-prof` to see where its time goes.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL('../src/server.ts', import.meta.url))], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    // A key of its own for the free text at rest, so nothing is read from or written to DATA_DIR.
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: jwtSecret,
      ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64url')}`,
      LOG_LEVEL: 'error'
    },
    stdio: ['ignore', 'inherit', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child }
    } catch {}
    if (Date.now() > deadline) {
      child.kill()
      throw new Error('the server did not answer /health within 60 s')
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function stopServer (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

/** Posts the bodies, `CONCURRENCY` at a time; answers the summed outcome. */
async function sendAll (url: string, token: string, bodies: string[]): Promise<Outcome> {
  const sum: Outcome = { created: 0, updated: 0, unchanged: 0, failed: 0 }
  let next = 0
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!
      const res = await fetch(`${url}/v1/cases/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body
      })
      if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
      const answer = await res.json() as Answer
      for (const k of ['created', 'updated', 'unchanged', 'failed'] as const) sum[k] += answer[k]
      const failed = answer.results.find((r) => r.status === 'failed')
      if (failed) throw new Error(`a batch item failed: ${JSON.stringify(failed.errors)}`)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return sum
}

function batches (records: SuxRecord[]): string[] {
  const bodies: string[] = []
  for (let i = 0; i < records.length; i += BATCH) bodies.push(JSON.stringify(records.slice(i, i + BATCH)))
  return bodies
}

const listRows = (records: SuxRecord[]) => records.reduce((n, r) => n + r.problems.length + r.interventions.length + r.manualMethods.length, 0)

/** Rows in the tables a record is stored in, to check that a load stored what it claims. */
async function stored (url: string): Promise<{ cases: number, lists: number, audit: number }> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query(`select (select count(*) from cases)::int as cases,
      (select count(*) from case_problems)::int + (select count(*) from case_interventions)::int
        + (select count(*) from case_manual_methods)::int as lists,
      (select count(*) from audit_log where action in ('case.create', 'case.update'))::int as audit`)
    return rows[0]
  } finally {
    await client.end()
  }
}

function expect (what: string, actual: unknown, wanted: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    throw new Error(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`)
  }
}

const CASE_COLUMNS = ['municipality', 'case_ref', 'form_version', 'age_at_referral', 'gender', 'background', 'referral_date',
  'start_date', 'previously_known', 'other_problem', 'other_intervention', 'closing_date', 'closure_reason', 'closure_comment',
  'comment', 'intervention_group', 'content_hash', 'created_by', 'updated_by']

/**
 * The straightforward way: per 1,000 records one transaction of a multi-row INSERT … VALUES of
 * the cases (RETURNING their ids) and one of each list table. Hashes computed before the clock.
 */
async function insertLoad (url: string, records: SuxRecord[]): Promise<{ ms: number }> {
  const hashes = records.map(contentHash)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const values = (rows: unknown[][]) => {
    const params: unknown[] = []
    const text = rows.map((row) => `(${row.map((v) => { params.push(v); return `$${params.length}` }).join(', ')})`).join(', ')
    return { text, params }
  }
  try {
    const ms = await time(async () => {
      for (let start = 0; start < records.length; start += INSERT_ROWS) {
        const chunk = records.slice(start, start + INSERT_ROWS)
        await client.query('begin')
        const cases = values(chunk.map((r, i) => [r.municipality, r.caseRef, r.formVersion, r.ageAtReferral, r.gender, r.background,
          r.referralDate, r.startDate, r.previouslyKnown, r.otherProblem, r.otherIntervention, r.closingDate, r.closureReason,
          r.closureComment, r.comment, interventionGroup(r), hashes[start + i], 'bench', 'bench']))
        const { rows } = await client.query(`insert into cases (${CASE_COLUMNS.join(', ')}) values ${cases.text} returning id, case_ref`, cases.params)
        const ids = new Map(rows.map((row) => [row.case_ref as string, row.id as string]))
        for (const [table, column, list] of [['case_problems', 'problem', 'problems'], ['case_interventions', 'intervention', 'interventions'],
          ['case_manual_methods', 'name', 'manualMethods']] as const) {
          const children = chunk.flatMap((r) => r[list].map((v, p) => [ids.get(r.caseRef), p, v]))
          if (children.length === 0) continue
          const lists = values(children)
          await client.query(`insert into ${table} (case_id, position, ${column}) values ${lists.text}`, lists.params)
        }
        await client.query('commit')
      }
    })
    return { ms }
  } finally {
    await client.end()
  }
}

interface Round { copy: number, insert: number, create: number, again: number, replace: number }

/** One round: each load into a fresh database, COPY just before the batch so that both meet the same load. */
async function round (records: SuxRecord[]): Promise<Round> {
  const lists = listRows(records)
  const insertDb = 'isu_bench_ingest_insert'
  const { url: insertUrl, database: insertDatabase } = await freshDatabase(insertDb)
  await insertDatabase.close()
  const insert = await insertLoad(insertUrl, records)
  expect('INSERT stored', await stored(insertUrl), { cases: N, lists, audit: 0 })
  await dropDatabase(insertDb)

  const batchDb = 'isu_bench_ingest_batch'
  const { url: batchUrl, database: batchDatabase } = await freshDatabase(batchDb)
  await batchDatabase.close()
  const secret = randomBytes(32).toString('hex')
  const { url, child } = await startServer(batchUrl, secret)
  try {
    const token = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 3_600_000 })({
      sub: 'bench-ingest', roles: ['integration'], municipalities: Object.keys(MUNICIPALITY_NAMES)
    })
    const bodies = batches(records)
    const changed = batches(records.map((r) => ({ ...r, comment: 'Ändrad i verksamhetssystemet' })))

    const copyDb = 'isu_bench_ingest_copy'
    const { url: copyUrl, database: copyDatabase } = await freshDatabase(copyDb)
    await copyDatabase.close()
    const copy = await copyLoad(copyUrl, records)
    expect('COPY stored', await stored(copyUrl), { cases: N, lists, audit: 0 })
    await dropDatabase(copyDb)

    let outcome: Outcome = { created: 0, updated: 0, unchanged: 0, failed: 0 }
    const create = await time(async () => { outcome = await sendAll(url, token, bodies) })
    expect('batch: created', outcome, { created: N, updated: 0, unchanged: 0, failed: 0 })
    expect('batch stored', await stored(batchUrl), { cases: N, lists, audit: N })
    const again = await time(async () => { outcome = await sendAll(url, token, bodies) })
    expect('batch sent again', outcome, { created: 0, updated: 0, unchanged: N, failed: 0 })
    const replace = await time(async () => { outcome = await sendAll(url, token, changed) })
    expect('batch: replaced', outcome, { created: 0, updated: N, unchanged: 0, failed: 0 })
    expect('batch stored after replacing', await stored(batchUrl), { cases: N, lists, audit: 2 * N })
    return { copy: copy.ms, insert: insert.ms, create, again, replace }
  } finally {
    await stopServer(child)
    await dropDatabase(batchDb)
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export default async function ingest (): Promise<void> {
  // The server checks dates against today: records closed later than today (the generator reaches
  // into late 2026) would fail as closing_in_future, so they are left out.
  const today = swedishToday()
  const records = syntheticRecords(Math.ceil(N * 1.1), 4).filter((r) => r.closingDate <= today).slice(0, N)
  if (records.length < N) throw new Error(`only ${records.length} synthetic records closed by ${today}`)
  console.log(`${N} records (${listRows(records)} list rows) in batches of ${BATCH}, ${CONCURRENCY} requests at a time, ${ROUNDS} rounds`)

  // On a shared machine one run says little: medians over rounds, each ratio taken within its round.
  const rounds: Round[] = []
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(records))
  const perSecond = (ms: number) => N / ms * 1000
  const row = (label: string, pick: (r: Round) => number): Array<string | number> =>
    [label, perSecond(median(rounds.map(pick))), median(rounds.map(pick)), median(rounds.map((r) => r.copy / pick(r)))]
  printTable(['load (medians over rounds)', 'records/s', 'ms', '× COPY'], [
    row('COPY (baseline)', (r) => r.copy),
    row(`multi-row INSERT, ${INSERT_ROWS} a statement`, (r) => r.insert),
    row('POST /v1/cases/batch: create', (r) => r.create),
    row('POST /v1/cases/batch: send again (unchanged)', (r) => r.again),
    row('POST /v1/cases/batch: replace (comment changed)', (r) => r.replace)
  ])
  console.log(`create, each round: ${rounds.map((r) => `${Math.round(perSecond(r.create))}/s = ${(r.copy / r.create).toFixed(2)}× COPY`).join('; ')}`)
}
