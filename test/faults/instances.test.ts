import { readdirSync } from 'node:fs'
import t from 'tap'
import { bearer, faultRecord, send, sleep, startApi, startCluster } from './harness.js'

// Several API instances behind a load balancer on one PostgreSQL (README "Operations"): they can
// start at the same moment (migrations run once, one instance at a time), and a record written or
// erased through one instance shows in the statistics of every other, each following the change
// sequence, until all report the same change number in /metrics.

const MIGRATIONS = readdirSync(new URL('../../src/db/migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).length

t.test('three instances started together on an empty database agree on every change', async (t) => {
  const cluster = await startCluster()
  t.teardown(() => cluster.destroy())
  const apis = await Promise.all([startApi(cluster.url), startApi(cluster.url), startApi(cluster.url)])
  t.teardown(() => { for (const a of apis) a.child.kill('SIGKILL') })
  const [applied] = await cluster.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')
  t.equal(applied.n, MIGRATIONS, 'each migration applied once though three instances migrated at start')

  const writer = { authorization: bearer({ sub: 'treserva', roles: ['integration'], municipalities: ['2184'] }) }
  const analyst = { authorization: bearer({ sub: 'ana', roles: ['regional_analyst'] }) }
  const population = async (url: string) => (await send(url, 'GET', '/v1/stats/overview?year=2021', { headers: analyst })).json().population as number
  const settle = async (want: number) => {
    const started = Date.now()
    for (;;) {
      const seen = await Promise.all(apis.map((a) => population(a.url)))
      if (seen.every((n) => n === want)) return Date.now() - started
      if (Date.now() - started > 20_000) throw new Error(`instances still see ${seen.join(', ')} instead of ${want}`)
      await sleep(100)
    }
  }

  // Writes spread over the instances, as a load balancer would.
  const writes = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    send(apis[i % 3].url, 'PUT', `/v1/municipalities/2184/cases/I-${i}`, { headers: writer, body: faultRecord('2184', `I-${i}`, i) })))
  t.same([...new Set(writes.map((w) => w.status))], [201])
  const visible = await settle(60)
  t.ok(visible < 5_000, `all three count the 60 records within ${visible} ms`)

  const erased = await send(apis[2].url, 'DELETE', '/v1/municipalities/2184/cases/I-7', { headers: writer })
  t.equal(erased.status, 204)
  t.ok(await settle(59) < 5_000, 'an erasure through one instance reaches the others')

  const seqs = await Promise.all(apis.map(async (a) => {
    const text = (await send(a.url, 'GET', '/metrics')).body
    return Number(/^isu_stats_snapshot_change_seq (\d+)/m.exec(text)?.[1])
  }))
  t.ok(seqs.every((s) => s === seqs[0] && s >= 61), `the same change number everywhere: ${seqs.join(', ')}`)
})
