import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { storeBytes } from '../../src/plugins/metrics.js'
import { auth, build, DB_KIND, record2021 } from '../helper.js'
import { finished, upload } from './import-helpers.js'

// GET /metrics: Prometheus text, route patterns (never case references) as labels, and only for
// this host or a scraper with the configured token.

const integration = { sub: 'treserva', roles: ['integration' as const], municipalities: ['2184'] }

/** Samples of the exposition text: `name{label="v",…}` → value, labels as the service wrote them. */
function samples (text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

async function scrape (app: FastifyInstance, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers })
  if (res.statusCode !== 200) throw new Error(`metrics answered ${res.statusCode}`)
  return samples(res.body)
}

t.test('requests are counted per route pattern and status class, and no case reference appears', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const put = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/SECRET-REF-77', headers, payload: record2021({ caseRef: 'SECRET-REF-77' }) })
  t.equal(put.statusCode, 201)
  const again = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/SECRET-REF-77', headers, payload: record2021({ caseRef: 'SECRET-REF-77' }) })
  t.equal(again.statusCode, 200)
  const bad = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/SECRET-REF-78', headers, payload: record2021({ caseRef: 'SECRET-REF-78', problems: [] }) })
  t.equal(bad.statusCode, 422)
  t.equal((await app.inject({ method: 'GET', url: '/no/such/SECRET-REF-79' })).statusCode, 404)

  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  t.notMatch(res.body, /SECRET-REF/, 'no URL, hence no caseRef, in any label')
  const m = samples(res.body)
  const route = '/v1/municipalities/:code/cases/:caseRef'
  t.equal(m.get(`isu_http_requests_total{method="PUT",route="${route}",status_class="2xx"}`), 2)
  t.equal(m.get(`isu_http_requests_total{method="PUT",route="${route}",status_class="4xx"}`), 1)
  t.equal(m.get('isu_http_requests_total{method="GET",route="unmatched",status_class="4xx"}'), 1)
  t.equal(m.get(`isu_http_request_duration_seconds_count{method="PUT",route="${route}",status_class="2xx"}`), 2)
  const sum = m.get(`isu_http_request_duration_seconds_sum{method="PUT",route="${route}",status_class="2xx"}`) as number
  t.ok(sum > 0 && sum < 10, `latency sum is a plausible number of seconds (${sum})`)
  t.ok((m.get('isu_process_resident_memory_bytes') ?? 0) > 0, 'process metrics are there too')
})

t.test('database pool, snapshot age, records and bytes describe this app', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'PUT', url: `/v1/municipalities/2184/cases/M-${i}`, headers, payload: record2021({ caseRef: `M-${i}` }) })
    t.equal(res.statusCode, 201)
  }
  await app.stats.feed.refresh()
  const m = await scrape(app)
  t.equal(m.get('isu_stats_snapshot_records'), 3)
  t.equal(m.get('isu_stats_snapshot_bytes'), storeBytes(app.stats.store.columns))
  t.ok((m.get('isu_stats_snapshot_bytes') ?? 0) >= 3 * 32, 'at least 32 bytes a record')
  const age = m.get('isu_stats_snapshot_age_seconds') as number
  t.ok(age >= 0 && age < 5, `the snapshot was refreshed moments ago (${age} s)`)
  t.ok((m.get('isu_stats_snapshot_change_seq') ?? 0) >= 3, 'the change number has moved past the three writes')
  t.equal(m.get('isu_db_up'), 1)
  if (DB_KIND === 'postgres') {
    t.ok((m.get('isu_db_pool_connections{kind="postgres",state="total"}') ?? 0) >= 1, 'the pool holds a connection')
    t.equal(m.get('isu_db_pool_connections{kind="postgres",state="waiting"}'), 0)
    t.equal(m.get('isu_db_pool_connections{kind="postgres",state="max"}'), 5)
  } else {
    t.equal(m.get('isu_db_pool_connections{kind="pglite",state="total"}'), 1)
    t.equal(m.get('isu_db_pool_connections{kind="pglite",state="waiting"}'), undefined, 'PGlite reports no queue it cannot see')
  }

  const ping = app.database.ping
  app.database.ping = async () => { throw new Error('connection refused') }
  t.equal((await scrape(app)).get('isu_db_up'), 0, 'a database that does not answer shows as down')
  app.database.ping = ping
})

t.test('batch items are counted by outcome', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/cases/batch',
    headers,
    payload: [record2021({ caseRef: 'B-1' }), record2021({ caseRef: 'B-2' }), record2021({ caseRef: 'B-3', gender: 'x' })]
  })
  t.equal(res.statusCode, 200)
  await app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: [record2021({ caseRef: 'B-1' })] })
  const m = await scrape(app)
  t.equal(m.get('isu_batch_items_total{status="created"}'), 2)
  t.equal(m.get('isu_batch_items_total{status="failed"}'), 1)
  t.equal(m.get('isu_batch_items_total{status="unchanged"}'), 1)
  t.equal(m.get('isu_batch_items_total{status="updated"}'), undefined, 'nothing was updated')
})

t.test('without a token configured only this host may read the metrics', async (t) => {
  const app = await build(t)
  const remote = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' })
  t.equal(remote.statusCode, 403)
  t.match(remote.headers['content-type'], /^application\/problem\+json/)
  t.match(remote.json().detail, /METRICS_TOKEN/)
  const forwarded = await app.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } })
  t.equal(forwarded.statusCode, 403, 'a request a local proxy forwarded is not local')
  const bearer = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3', headers: auth(app, { roles: ['admin'] }) })
  t.equal(bearer.statusCode, 403, 'an API token does not open the metrics')
  t.equal((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode, 200)
})

t.test('with METRICS_TOKEN set a scraper must send it, from anywhere', async (t) => {
  const metricsToken = 'scrape-token-0123456789abcdef'
  const app = await build(t, { metricsToken })
  const none = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(none.statusCode, 401, 'not even this host without the token')
  t.match(none.headers['www-authenticate'], /^Bearer/)
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456789abcdeX' } })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}x` } })).statusCode, 401)
  const ok = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${metricsToken}` } })
  t.equal(ok.statusCode, 200)
  t.match(ok.body, /# TYPE isu_http_requests_total counter/)
})

t.test('two apps in one process keep their own counts', async (t) => {
  const a = await build(t)
  const b = await build(t)
  await a.inject({ method: 'GET', url: '/v1/code-lists' })
  await a.inject({ method: 'GET', url: '/v1/code-lists' })
  const key = 'isu_http_requests_total{method="GET",route="/v1/code-lists",status_class="2xx"}'
  t.equal((await scrape(a)).get(key), 2)
  t.equal((await scrape(b)).get(key), undefined)
})

t.test('import chunks and finished jobs are counted', async (t) => {
  const app = await build(t)
  const claims = { sub: 'treserva', roles: ['integration' as const], municipalities: ['2184'] }
  const fields = Object.keys(record2021())
  const cell = (v: unknown) => v === null ? '' : Array.isArray(v) ? v.join('|') : String(v)
  const csv = [fields.join(','), ...Array.from({ length: 3 }, (_, i) => fields.map((f) => cell(record2021({ caseRef: `IM-${i}` })[f])).join(','))].join('\n')
  const up = await upload(app, claims, { file: csv, profile: 'generic' })
  t.equal(up.statusCode, 202)
  t.equal((await finished(app, claims, up.json().id)).status, 'done')
  const m = await scrape(app)
  t.equal(m.get('isu_import_jobs_done_total'), 1)
  t.equal(m.get('isu_import_chunks_total'), 1, 'three rows are one chunk')
})
