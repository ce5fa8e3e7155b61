import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import pg from 'pg'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { Type } from 'typebox'
import type { Columns } from '../domain/stats/columns.js'
import { HttpProblem, problemRef } from '../http/problem.js'

// GET /metrics in the Prometheus text format: requests and latencies per route pattern and status
// class, the database pool, the statistics snapshot (age, records, bytes), batch items and imports.
//
// Labels carry only route patterns (`/v1/municipalities/:code/cases/:caseRef`), never a URL, so no
// case reference reaches the metrics and the number of series stays fixed.
//
// Who may read it: with METRICS_TOKEN set, a scraper that sends `Authorization: Bearer <token>`
// (Prometheus: `authorization: { credentials_file: … }`); without it, only a connection from this
// host (loopback) that no proxy forwarded. Metrics are not case data, but they tell how much each
// municipality-facing route is used and when, which is nobody's business outside operations.
//
// Each app has its own registry (tests build many apps in one process); the process metrics
// (memory, CPU, event loop, GC) describe the process, so they are collected once per process.

export interface MetricsPluginOptions {
  /** Bearer token a scraper must send; null: loopback only. */
  token: string | null
}

let processRegistry: Registry | null = null

function processMetrics (): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry, prefix: 'isu_' })
  }
  return processRegistry
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const FORWARDED = ['x-forwarded-for', 'forwarded', 'x-real-ip']

function sameBytes (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function checkAccess (request: FastifyRequest, token: string | null): void {
  if (token !== null) {
    const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
    if (given === undefined || !sameBytes(given.trim(), token)) {
      throw new HttpProblem(401, 'The metrics need the bearer token configured in METRICS_TOKEN', {
        headers: { 'www-authenticate': 'Bearer realm="isu-register-metrics"' }
      })
    }
    return
  }
  const local = LOOPBACK.has(request.socket.remoteAddress ?? '') && FORWARDED.every((h) => request.headers[h] === undefined)
  if (!local) throw new HttpProblem(403, 'The metrics are open only to this host; set METRICS_TOKEN to let a scraper elsewhere read them')
}

/** Bytes the columnar store holds: every typed array at its capacity, and the overflow methods. */
export function storeBytes (c: Columns): number {
  let bytes = 0
  for (const v of Object.values(c)) if (ArrayBuffer.isView(v)) bytes += v.byteLength
  for (const v of c.methodsOverflow.values()) bytes += v.byteLength
  return bytes
}

const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`

export default fp<MetricsPluginOptions>(async (app, opts) => {
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_class'] as const
  const requests = new Counter({ name: 'isu_http_requests_total', help: 'HTTP requests answered, by route pattern and status class', labelNames, registers: [registry] })
  const duration = new Histogram({
    name: 'isu_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by route pattern and status class',
    labelNames,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry]
  })

  app.addHook('onResponse', async (request, reply) => {
    // A request no route matched has no pattern; its URL could be anything a client typed.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_class: statusClass(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
  })

  const client = (app.database.db as unknown as { $client?: unknown }).$client
  const pool = client instanceof pg.Pool ? client : null
  new Gauge({
    name: 'isu_db_pool_connections',
    help: 'Database connections by state. PostgreSQL: the pg pool (total, idle, waiting requests, max). ' +
      'Embedded PGlite is one connection in the process that runs one query at a time: total and max are 1',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    collect () {
      if (pool) {
        this.set({ kind: 'postgres', state: 'total' }, pool.totalCount)
        this.set({ kind: 'postgres', state: 'idle' }, pool.idleCount)
        this.set({ kind: 'postgres', state: 'waiting' }, pool.waitingCount)
        this.set({ kind: 'postgres', state: 'max' }, pool.options.max ?? 10)
      } else {
        this.set({ kind: app.database.kind, state: 'total' }, 1)
        this.set({ kind: app.database.kind, state: 'max' }, 1)
      }
    }
  })
  new Gauge({
    name: 'isu_db_up',
    help: 'Whether the database answered a query within a second at the time of the scrape',
    registers: [registry],
    async collect () {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), 1000) })
      try {
        await Promise.race([app.database.ping(), timeout])
        this.set(1)
      } catch {
        this.set(0)
      } finally {
        clearTimeout(timer)
      }
    }
  })

  const feed = app.stats.feed
  const store = app.stats.store
  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({ name, help, registers: [registry], collect () { this.set(value()) } })
  gauge('isu_stats_snapshot_age_seconds', 'Seconds since the statistics snapshot last followed the database (-1 before the first load)', () => {
    const at = feed.status().refreshedAt
    return at === 0 ? -1 : (Date.now() - at) / 1000
  })
  gauge('isu_stats_snapshot_records', 'Records held by the statistics snapshot', () => store.size)
  gauge('isu_stats_snapshot_bytes', 'Bytes of the columnar statistics store (allocated capacity)', () => storeBytes(store.columns))
  gauge('isu_stats_snapshot_change_seq', 'Highest change number the snapshot has applied (compare instances behind a load balancer)', () => feed.status().lastSeq)
  gauge('isu_stats_snapshot_load_seconds', 'Time the first (cold) load of the snapshot took', () => feed.status().loadMs / 1000)

  // Batch items by outcome. The batch service has no listener for its results, so its submit is
  // wrapped here: one counter update per batch, nothing per item.
  const items = new Counter({ name: 'isu_batch_items_total', help: 'Items of POST /v1/cases/batch by outcome', labelNames: ['status'] as const, registers: [registry] })
  const batches = app.batchService
  const submit = batches.submit.bind(batches)
  batches.submit = async (caller, list) => {
    const result = await submit(caller, list)
    for (const status of ['created', 'updated', 'unchanged', 'failed'] as const) if (result[status] > 0) items.inc({ status }, result[status])
    return result
  }

  // Imports: the job runner tells of each committed chunk and each finished job.
  const importChunks = new Counter({ name: 'isu_import_chunks_total', help: 'Chunks of import rows committed by this instance', registers: [registry] })
  const importsDone = new Counter({ name: 'isu_import_jobs_done_total', help: 'Import jobs this instance finished', registers: [registry] })
  app.importService.events.on('chunk', () => importChunks.inc())
  app.importService.events.on('done', () => importsDone.inc())

  app.get('/metrics', {
    logLevel: 'warn',
    schema: {
      tags: ['health'],
      summary: 'Metrics in the Prometheus text format',
      description: [
        'Requests and latencies per route pattern and status class, the database pool, the statistics snapshot',
        '(age, records, bytes) and batch items. With METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`;',
        'without it, only requests from this host (not forwarded by a proxy) are answered.'
      ].join(' '),
      security: [{ bearer: [] }],
      response: {
        200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } },
        401: problemRef,
        403: problemRef
      }
    }
  }, async (request, reply) => {
    checkAccess(request, opts.token)
    const text = (await registry.metrics()) + '\n' + (await processMetrics().metrics())
    return reply.type(registry.contentType).header('cache-control', 'no-store').send(text)
  })
}, { name: 'metrics', dependencies: ['database', 'stats', 'integration', 'imports'] })
