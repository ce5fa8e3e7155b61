// Load (issue 7): autocannon with 50 connections against the service (src/server.ts as deployed,
// its own process) beside a bare Fastify + pg server written here (also its own process), in the
// same run:
//   - POST /v1/cases with a unique caseRef per request: the service (JWT, every SU-X rule, the
//     record, its lists and the audit row in one transaction) against a bare route that checks
//     the body with the same JSON schema and inserts the record with its list rows in a
//     transaction;
//   - a statistics table (GET /v1/stats/problems) over 100,000 records against a bare SQL GROUP
//     BY of the same figures, once with the same question every time (as a dashboard polls) and
//     once with a different period each time (no answer can be reused).
// POST runs alternate between the two servers (BENCH_LOAD_ROUNDS, 3) and the median of each is
// compared, so that a change in the machine's load touches both. Counts are checked against the
// database afterwards. BENCH_LOAD_SECONDS sets the length of each run (20 s);
// BENCH_SERVER_NODE_ARGS='--cpu-prof' profiles the service.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { createSigner } from 'fast-jwt'
import Fastify from 'fastify'
import pg from 'pg'
import { interventionGroup } from '../src/domain/derived.js'
import { MUNICIPALITY_NAMES } from '../src/domain/municipalities.js'
import { type RecordInput, RecordInputSchema } from '../src/domain/record-schema.js'
import { swedishToday } from '../src/services/cases.js'
import { dropDatabase, freePort, freshDatabase, printTable } from './common.js'
import { copyLoad, syntheticRecords } from './data.js'

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20)
const CONNECTIONS = 50
const STATS_RECORDS = Number(process.env.BENCH_LOAD_STATS_RECORDS ?? 100_000)
/** Alternating POST runs per server; the median run of each is reported. */
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3)
const HERE = fileURLToPath(import.meta.url)
const ROOT = fileURLToPath(new URL('..', import.meta.url))


// ---------------------------------------------------------------- the bare baseline server

/** The baseline: Fastify, one JSON schema, a pg pool of the service's size, SQL by hand. */
async function baselineServer (url: string, port: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  const app = Fastify({ logger: false })
  const children = async (client: pg.PoolClient, table: string, column: string, id: number, values: string[]) => {
    if (values.length === 0) return
    await client.query(`insert into ${table} (case_id, position, ${column}) select $1, t.p - 1, t.v from unnest($2::text[]) with ordinality as t(v, p)`, [id, values])
  }
  app.post('/v1/cases', { schema: { body: RecordInputSchema } }, async (request, reply) => {
    const r = request.body as RecordInput
    const client = await pool.connect()
    try {
      await client.query('begin')
      const { rows } = await client.query<{ id: number }>(`insert into cases (municipality, case_ref, form_version, age_at_referral, gender,
        background, referral_date, start_date, previously_known, other_problem, other_intervention, closing_date, closure_reason,
        closure_comment, comment, intervention_group, content_hash, created_by, updated_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, '', 'bare', 'bare') returning id`, [
        r.municipality, r.caseRef, r.formVersion, r.ageAtReferral, r.gender, r.background ?? null, r.referralDate, r.startDate,
        r.previouslyKnown, r.otherProblem ?? null, r.otherIntervention ?? null, r.closingDate, r.closureReason, r.closureComment ?? null,
        r.comment ?? null, r.interventions.length === 0 ? 'none' : 'traditional_only'
      ])
      const id = rows[0]!.id
      await children(client, 'case_problems', 'problem', id, r.problems)
      await children(client, 'case_interventions', 'intervention', id, r.interventions)
      await children(client, 'case_manual_methods', 'name', id, r.manualMethods ?? [])
      await client.query('commit')
      return reply.status(201).send({ id })
    } catch (err) {
      await client.query('rollback')
      throw err
    } finally {
      client.release()
    }
  })
  // The figures of the problems table (children per problem, and the denominator) as plain SQL.
  app.get('/v1/stats/problems', async (request) => {
    const q = request.query as { year?: string, from?: string, to?: string }
    const [from, to] = q.year ? [`${q.year}-01-01`, `${q.year}-12-31`] : [q.from, q.to]
    const { rows } = await pool.query(`select case when p.problem = 'parent_mental_health_or_id' then 'parent_mental_health' else p.problem end as problem,
        count(distinct p.case_id)::int as children
      from case_problems p join cases c on c.id = p.case_id where c.closing_date between $1 and $2 group by 1
      union all select 'denominator', count(distinct p.case_id)::int from case_problems p join cases c on c.id = p.case_id
      where c.closing_date between $1 and $2`, [from, to])
    return { rows }
  })
  await app.listen({ port, host: '127.0.0.1' })
}

if (process.argv[1] === HERE && process.argv[2] === '--baseline') {
  await baselineServer(process.argv[3]!, Number(process.argv[4]))
}

// ---------------------------------------------------------------- running both

interface Server { url: string, child: ChildProcess }

async function waitFor (url: string, child: ChildProcess, path: string): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
    try {
      const res = await fetch(url + path)
      if (res.status < 500) return
    } catch {}
    if (Date.now() > deadline) throw new Error('the server did not answer within 60 s')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The service as `npm start` runs it, logging at info (every request) into /dev/null. */
async function startService (databaseUrl: string, jwtSecret: string): Promise<Server> {
  const port = await freePort()
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    // The per-subject limit on statistics (240 a minute) is a policy, not a capacity: lifted here.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET: jwtSecret, LOG_LEVEL: 'info', RATE_LIMIT_STATS_PER_MINUTE: '100000000' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(url, child, '/health')
  return { url, child }
}

async function startBaseline (databaseUrl: string): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', HERE, '--baseline', databaseUrl, String(port)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  await waitFor(url, child, '/v1/stats/problems?year=2021')
  return { url, child }
}

async function stop (server: Server): Promise<void> {
  if (server.child.exitCode !== null) return
  server.child.kill('SIGTERM')
  await once(server.child, 'exit')
}

interface Run { name: string, rps: number, p50: number, p99: number, ok: number, other: number }

async function cannon (name: string, url: string, request: autocannon.Request): Promise<Run> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests: [request] })
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    other: result.non2xx + result.errors + result.timeouts
  }
}

/** The run with the median throughput (its latencies with it). */
function median (rs: Run[]): Run {
  return [...rs].sort((x, y) => x.rps - y.rps)[rs.length >> 1]!
}

async function casesIn (url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query('select count(*)::int as n from cases')
    return rows[0].n
  } finally {
    await client.end()
  }
}

export default async function load (): Promise<void> {
  const jwtSecret = randomBytes(32).toString('base64url')
  const sign = createSigner({ key: jwtSecret, algorithm: 'HS256', expiresIn: 3_600_000 })
  const writer = `Bearer ${sign({ sub: 'bench-load', roles: ['integration'], municipalities: Object.keys(MUNICIPALITY_NAMES) })}`
  const analyst = `Bearer ${sign({ sub: 'bench-analyst', roles: ['regional_analyst'] })}`
  const dashboard = `Bearer ${sign({ sub: 'bench-dashboard', roles: ['dashboard'] })}`
  const today = swedishToday()
  const templates = syntheticRecords(20_000, 9).filter((r) => r.closingDate <= today)
  if (templates.length === 0 || !templates.every((r) => interventionGroup(r))) throw new Error('no synthetic records to send')

  /** POST bodies with a caseRef never used before, made as the request is sent. */
  const posting = (prefix: string, auth: string | null): autocannon.Request => {
    let n = 0
    return {
      method: 'POST',
      path: '/v1/cases',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      setupRequest: (req) => {
        const i = n++
        return { ...req, body: JSON.stringify({ ...templates[i % templates.length], caseRef: `${prefix}-${i}` }) }
      }
    }
  }
  const runs: Run[] = []
  const ratios: Array<[string, number]> = []

  // POST /v1/cases: both servers up side by side, runs alternating (bare, service, bare, …) so
  // that a change in the machine's load touches both; the medians are compared.
  const bare = await freshDatabase('isu_bench_load_bare')
  const svc = await freshDatabase('isu_bench_load_svc')
  await bare.database.close()
  await svc.database.close()
  try {
    const baseline = await startBaseline(bare.url)
    const service = await startService(svc.url, jwtSecret)
    // A few seconds of warm-up each (JIT, pools), not measured.
    await autocannon({ url: baseline.url, connections: 10, duration: 3, requests: [posting('WB', null)] })
    await autocannon({ url: service.url, connections: 10, duration: 3, requests: [posting('WS', writer)] })
    const b: Run[] = []
    const s: Run[] = []
    for (let round = 0; round < ROUNDS; round++) {
      b.push(await cannon('POST /v1/cases — bare Fastify + pg', baseline.url, posting(`B${round}`, null)))
      s.push(await cannon('POST /v1/cases — service', service.url, posting(`S${round}`, writer)))
    }
    await stop(service)
    await stop(baseline)
    const [mb, ms] = [median(b), median(s)]
    runs.push(mb, ms)
    ratios.push(['POST /v1/cases', ms.rps / mb.rps])
    console.log(`POST rounds (req/s): bare ${b.map((r) => r.rps.toFixed(0)).join(', ')}; service ${s.map((r) => r.rps.toFixed(0)).join(', ')}`)
    const sum = (rs: Run[]) => rs.reduce((n, r) => n + r.ok, 0)
    const [inBare, inSvc] = [await casesIn(bare.url), await casesIn(svc.url)]
    if (inBare < sum(b) || inSvc < sum(s)) throw new Error(`stored fewer records than acknowledged: bare ${inBare}/${sum(b)}, service ${inSvc}/${sum(s)}`)
  } finally {
    await dropDatabase('isu_bench_load_bare')
    await dropDatabase('isu_bench_load_svc')
  }

  // GET /v1/stats/problems over STATS_RECORDS records
  const stats = await freshDatabase('isu_bench_load_stats')
  await stats.database.close()
  try {
    await copyLoad(stats.url, syntheticRecords(STATS_RECORDS, 3))
    const baseline = await startBaseline(stats.url)
    const service = await startService(stats.url, jwtSecret)
    // Every period of a year starting on a different day: no two questions alike.
    const varied = (auth: string | null): autocannon.Request => {
      let n = 0
      return {
        method: 'GET',
        path: '/v1/stats/problems?year=2021',
        headers: auth ? { authorization: auth } : {},
        setupRequest: (req) => {
          const from = new Date(Date.UTC(2016, 0, 1) + (n++ % 3000) * 86_400_000)
          const to = new Date(from.getTime() + 364 * 86_400_000)
          return { ...req, path: `/v1/stats/problems?from=${from.toISOString().slice(0, 10)}&to=${to.toISOString().slice(0, 10)}` }
        }
      }
    }
    const same = (auth: string | null): autocannon.Request => ({ method: 'GET', path: '/v1/stats/problems?year=2021', headers: auth ? { authorization: auth } : {} })
    await autocannon({ url: baseline.url, connections: 10, duration: 2, requests: [same(null)] })
    await autocannon({ url: service.url, connections: 10, duration: 2, requests: [same(analyst)] })
    const bSame = await cannon('GET problems?year=2021 — bare SQL GROUP BY', baseline.url, same(null))
    const sSame = await cannon('GET problems?year=2021 — service, exact (analyst)', service.url, same(analyst))
    const sSameProtected = await cannon('GET problems?year=2021 — service, protected (dashboard)', service.url, same(dashboard))
    const bVaried = await cannon('GET problems, a new period each time — bare SQL', baseline.url, varied(null))
    const sVaried = await cannon('GET problems, a new period each time — service, exact', service.url, varied(analyst))
    const sVariedProtected = await cannon('GET problems, a new period each time — service, protected', service.url, varied(dashboard))
    await stop(service)
    await stop(baseline)
    runs.push(bSame, sSame, sSameProtected, bVaried, sVaried, sVariedProtected)
    ratios.push(['GET stats, same question (exact)', sSame.rps / bSame.rps], ['GET stats, same question (protected)', sSameProtected.rps / bSame.rps],
      ['GET stats, new period each time (exact)', sVaried.rps / bVaried.rps], ['GET stats, new period each time (protected)', sVariedProtected.rps / bVaried.rps])
  } finally {
    await dropDatabase('isu_bench_load_stats')
  }

  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s a run; statistics over ${STATS_RECORDS.toLocaleString('en')} records`)
  printTable(['run', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'other'], runs.map((r) => [r.name, r.rps, r.p50, r.p99, r.ok, r.other]))
  console.log('')
  printTable(['service ÷ bare', 'ratio'], ratios.map(([k, v]) => [k, v]))
  const post = runs[1]!
  console.log(`\ntarget: POST ≥ 0.6× bare and p99 < 50 ms — ${ratios[0]![1] >= 0.6 && post.p99 < 50 ? 'met' : 'missed'} (${ratios[0]![1].toFixed(2)}×, p99 ${post.p99} ms)`)
}
