// Statistics at national scale (issue 3): 1M synthetic records in PostgreSQL; for every table the
// service's warm latency (the columnar snapshot: select + compute + protect, uncached) beside the
// plain SQL GROUP BY of the same table in the same run; the cold load of the snapshot beside
// loading the rows into JavaScript objects; the snapshot's memory; and how long a record written
// through one API instance takes to show in a table answered by another instance.
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import app from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { createSnapshot } from '../src/domain/stats/columns.js'
import { keyLabel } from '../src/domain/stats/labels.js'
import { protect } from '../src/domain/stats/protect.js'
import { computeTable } from '../src/domain/stats/tables.js'
import { TABLE_NAMES, type TableName } from '../src/domain/stats/types.js'
import { recordSnapshot } from '../src/stats/snapshot.js'
import { dropDatabase, freshDatabase, medianMs, printTable, time } from './common.js'
import { copyLoad, syntheticRecords } from './data.js'

const N = Number(process.env.BENCH_RECORDS ?? 1_000_000)
const DB_NAME = 'isu_bench_stats'
const OUTCOMES_PROBLEM = 'family_relationship'

const durationExpr = '(closing_date - start_date)'
const durationStats = `count(${durationExpr}), avg(${durationExpr}), percentile_cont(0.5) within group (order by ${durationExpr}), min(${durationExpr}), max(${durationExpr})`

/** The same table as one plain SQL statement: what a straightforward implementation would run. */
const SQL: Record<TableName, string> = {
  overview: `select municipality, count(*), count(*) filter (where gender = 'girl'), count(*) filter (where gender = 'boy'),
    count(*) filter (where gender = 'other'), avg(age_at_referral), min(age_at_referral), max(age_at_referral), avg(${durationExpr})
    from cases group by rollup (municipality)`,
  problems: `select problem, count(*) from case_problems group by problem
    union all select 'children', count(distinct case_id) from case_problems`,
  'problems-by-gender': `select p.problem, c.gender, count(*) from case_problems p join cases c on c.id = p.case_id group by p.problem, c.gender
    union all select 'children', c.gender, count(*) from cases c where exists (select 1 from case_problems p where p.case_id = c.id) group by c.gender`,
  'problems-alone': `select p.problem, count(*), count(*) filter (where n.k = 1) from case_problems p
    join (select case_id, count(*) k from case_problems group by case_id) n using (case_id) group by p.problem`,
  'problem-pairs': `select a.problem, b.problem, count(*) from case_problems a join case_problems b
    on a.case_id = b.case_id and a.problem <> b.problem group by a.problem, b.problem`,
  'intervention-groups': 'select municipality, intervention_group, count(*) from cases group by grouping sets ((municipality, intervention_group), (intervention_group), (municipality), ())',
  'manual-methods': `select name, count(distinct case_id) from case_manual_methods group by name
    union all select 'cases', count(distinct case_id) from case_manual_methods`,
  'interventions-by-problem': `select p.problem, c.intervention_group, count(*) from case_problems p join cases c on c.id = p.case_id
    group by grouping sets ((p.problem, c.intervention_group), (p.problem))`,
  'closure-reasons': 'select closure_reason, count(*) from cases group by rollup (closure_reason)',
  'closure-by-intervention': 'select intervention_group, closure_reason, count(*) from cases group by grouping sets ((intervention_group, closure_reason), (intervention_group), (closure_reason), ())',
  'closure-by-problem': `select p.problem, c.closure_reason, count(*) from case_problems p join cases c on c.id = p.case_id
    group by grouping sets ((p.problem, c.closure_reason), (p.problem))`,
  'closure-by-background': 'select background, closure_reason, count(*) from cases group by grouping sets ((background, closure_reason), (background), (closure_reason), ())',
  outcomes: `with chosen as (select c.* from cases c where exists (select 1 from case_problems p where p.case_id = c.id and p.problem = '${OUTCOMES_PROBLEM}'))
    select intervention_group, count(*), count(*) filter (where closure_reason = 'goals_met') from chosen group by intervention_group
    union all select m.name, count(*), count(*) filter (where c.closure_reason = 'goals_met') from chosen c join case_manual_methods m on m.case_id = c.id group by m.name`,
  'durations-by-problem': `select p.problem, ${durationStats.replaceAll('closing_date', 'c.closing_date').replaceAll('start_date', 'c.start_date')}
    from case_problems p join cases c on c.id = p.case_id where c.start_date is not null group by p.problem`,
  'durations-by-intervention': `select intervention_group, ${durationStats} from cases where start_date is not null group by intervention_group`,
  'previously-known': `select previously_known, count(*), avg(${durationExpr}), avg(age_at_referral) from cases group by previously_known`,
  trends: `select extract(year from closing_date) y, count(*), count(*) filter (where closure_reason = 'goals_met'),
    count(*) filter (where intervention_group = 'traditional_only'), count(*) filter (where intervention_group = 'manual_only'),
    count(*) filter (where intervention_group = 'traditional_and_manual'), count(*) filter (where intervention_group = 'other_only'),
    count(*) filter (where intervention_group = 'none') from cases group by y`
}

function gc (): void {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect) { collect(); collect() }
}

function heapMiB (): number {
  const m = process.memoryUsage()
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20
}

function benchConfig (url: string) {
  return loadConfig({ DATABASE_URL: url, JWT_SECRET: 'bench-secret-0123456789abcdef-0123456789abcdef', LOG_LEVEL: 'silent', DATA_DIR: '/tmp/isu-bench' })
}

async function instance (url: string): Promise<FastifyInstance> {
  const fastify = Fastify({ logger: false })
  await fastify.register(app, { config: benchConfig(url) })
  await fastify.ready()
  return fastify
}

export default async function statsBench (): Promise<void> {
  if (!(globalThis as { gc?: () => void }).gc) console.log('(run with node --expose-gc for exact memory figures: npm run bench does)')
  console.log(`generating ${N.toLocaleString('en')} synthetic records`)
  const records = syntheticRecords(N, 42)
  const { url, database } = await freshDatabase(DB_NAME)
  await database.close()
  const copied = await copyLoad(url, records)
  records.length = 0
  console.log(`loaded with COPY in ${(copied.ms / 1000).toFixed(1)} s`)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('vacuum analyze')

  // Cold load: the snapshot from an empty process state, and its memory.
  gc()
  const before = heapMiB()
  const db = openDatabase({ url, poolSize: 4 })
  const store = createSnapshot([], 1024)
  const feed = recordSnapshot({ db: db.db, store, settleMs: 10_000 })
  const coldMs = await time(() => feed.refresh())
  gc()
  const snapshotMiB = heapMiB() - before

  // Baseline: the same rows as plain JavaScript objects (one per record, arrays for the lists).
  gc()
  const beforeRows = heapMiB()
  let rows: unknown[] = []
  const rowsMs = await time(async () => {
    rows = (await client.query(`select c.*, array(select problem from case_problems p where p.case_id = c.id order by position) problems,
      array(select intervention from case_interventions i where i.case_id = c.id order by position) interventions,
      array(select name from case_manual_methods m where m.case_id = c.id order by position) manual_methods from cases c`)).rows
  })
  gc()
  const rowsMiB = heapMiB() - beforeRows
  console.log(`(${rows.length} rows as objects)`)
  rows = []
  gc()

  console.log()
  printTable(['cold load', 'ms', 'MiB'], [
    ['columnar snapshot (service)', coldMs, snapshotMiB],
    ['rows as JS objects (baseline)', rowsMs, rowsMiB],
    ['ratio baseline/service', rowsMs / coldMs, rowsMiB / snapshotMiB]
  ])

  // Warm latency per table: what the service computes on a cache miss (the answer is then cached
  // per snapshot version), exact and protected, beside the SQL statement.
  const results: Array<Array<string | number>> = []
  let worst = 0
  let worstRatio = Infinity
  for (const name of TABLE_NAMES) {
    const params = name === 'outcomes' ? { problem: OUTCOMES_PROBLEM } : {}
    const exactMs = await medianMs(() => computeTable(name, store, {}, params), 9, 2)
    const protectedMs = await medianMs(() => protect(computeTable(name, store, {}, params), {
      exact: false, threshold: 5, filters: params, lang: 'sv', label: (kind, k) => keyLabel(kind, k, 'sv')
    }), 9, 2)
    const yearMs = await medianMs(() => computeTable(name, store, { from: '2020-01-01', to: '2020-12-31' }, params), 9, 2)
    const sqlMs = await medianMs(() => client.query(SQL[name]), 3, 1)
    const service = Math.max(exactMs, protectedMs)
    worst = Math.max(worst, service)
    worstRatio = Math.min(worstRatio, sqlMs / service)
    results.push([name, exactMs, protectedMs, yearMs, sqlMs, sqlMs / service])
  }
  console.log()
  printTable([`table (${N.toLocaleString('en')} records)`, 'exact ms', 'protected ms', 'one year ms', 'SQL ms', 'SQL/service'], results)
  console.log(`slowest table ${worst.toFixed(1)} ms (target < 25); smallest speed-up ${worstRatio.toFixed(0)}× (target ≥ 20×)`)
  await db.close()

  // Visibility: a record written through instance A, asked for through instance B.
  const a = await instance(url)
  const b = await instance(url)
  const writer = a.jwt.sign({ sub: 'bench-writer', roles: ['integration'], municipalities: ['2184'] }, { expiresIn: '1h' })
  const reader = b.jwt.sign({ sub: 'bench-reader', roles: ['regional_analyst'] }, { expiresIn: '1h' })
  const casesIn2184 = async (): Promise<number> => {
    const res = await b.inject({ method: 'GET', url: '/v1/stats/overview?municipality=2184', headers: { authorization: `Bearer ${reader}` } })
    if (res.statusCode !== 200) throw new Error(`stats failed: ${res.statusCode} ${res.body}`)
    const row = res.json().rows.find((r: { key: string }) => r.key === '2184')
    return row.cells.find((c: { column: string }) => c.column === 'cases').count
  }
  const visible: number[] = []
  for (let i = 0; i < 5; i++) {
    const count = await casesIn2184()
    const record = { ...syntheticRecords(1, 900 + i)[0]!, municipality: '2184', caseRef: `VIS-${i}` }
    const written = await a.inject({ method: 'PUT', url: `/v1/municipalities/2184/cases/VIS-${i}`, headers: { authorization: `Bearer ${writer}` }, payload: record })
    if (written.statusCode !== 201) throw new Error(`write failed: ${written.statusCode} ${written.body}`)
    const start = process.hrtime.bigint()
    while (await casesIn2184() !== count + 1) await new Promise((resolve) => setTimeout(resolve, 5))
    visible.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  visible.sort((x, y) => x - y)
  console.log()
  printTable(['new record visible in another instance', 'ms'], [
    ['median of 5', visible[2]!], ['slowest of 5', visible[4]!]
  ])
  await a.close()
  await b.close()
  await client.end()
  await dropDatabase(DB_NAME)
}
