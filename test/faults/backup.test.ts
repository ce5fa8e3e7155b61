import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { bearer, faultRecord, send, startApi, startCluster } from './harness.js'

// The backup and restore of README "Operations": pg_dump of a live database, pg_restore into an
// empty one, the API started on the copy: the same records, the same audit log, still append-only.

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
const run = promisify(execFile)

t.test('pg_dump while the API writes, pg_restore into a new database, the API on the copy', async (t) => {
  const cluster = await startCluster()
  t.teardown(() => cluster.destroy())
  const dir = mkdtempSync(join(tmpdir(), 'isu-backup-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  let api = await startApi(cluster.url)
  t.teardown(() => { api.child.kill('SIGKILL') })
  const writer = { authorization: bearer({ sub: 'treserva', roles: ['integration'], municipalities: ['2184'] }) }
  for (let i = 0; i < 40; i++) {
    const res = await send(api.url, 'PUT', `/v1/municipalities/2184/cases/BK-${i}`, { headers: writer, body: faultRecord('2184', `BK-${i}`, i) })
    t.equal(res.status, 201)
  }
  t.equal((await send(api.url, 'DELETE', '/v1/municipalities/2184/cases/BK-3', { headers: writer })).status, 204)
  const before = await send(api.url, 'GET', '/v1/cases?limit=100', { headers: writer })

  // Online: writes go on during the dump; the dump is one consistent snapshot.
  const writing = Promise.all(Array.from({ length: 20 }, (_, i) =>
    send(api.url, 'PUT', `/v1/municipalities/2184/cases/BK-late-${i}`, { headers: writer, body: faultRecord('2184', `BK-late-${i}`, i) })))
  const dump = join(dir, 'isu.dump')
  await run(`${PG_BIN}/pg_dump`, ['-Fc', '-d', cluster.url, '-f', dump])
  await writing
  const restoredUrl = cluster.url.replace(/\/postgres$/, '/isu_restored')
  await cluster.query('create database isu_restored')
  await run(`${PG_BIN}/pg_restore`, ['--no-owner', '--exit-on-error', '-d', restoredUrl, dump])

  api.child.kill('SIGKILL')
  await api.exited
  api = await startApi(restoredUrl)
  const after = await send(api.url, 'GET', '/v1/cases?limit=100', { headers: writer })
  const early = (body: { items: Array<{ caseRef: string }> }) => body.items.filter((r) => !r.caseRef.startsWith('BK-late-'))
  t.same(early(after.json()), early(before.json()), 'the records written before the dump come back as they were (the erased one stays erased)')
  const late = after.json().items.length - early(after.json()).length
  t.ok(late >= 0 && late <= 20, `writes during the dump are in it or not (${late} of 20)`)
  const stats = await send(api.url, 'GET', '/v1/stats/overview?year=2021', { headers: { authorization: bearer({ sub: 'ana', roles: ['regional_analyst'] }) } })
  t.equal(stats.json().population, after.json().items.length, 'the statistics snapshot loads from the copy')

  const audit = async (url: string) => (await cluster.query<{ n: number }>('select count(*)::int as n from audit_log', [], url))[0].n
  t.ok(await audit(restoredUrl) >= 41, 'the audit log came along')
  await t.rejects(cluster.query('update audit_log set subject = $1', ['x'], restoredUrl), /append-only/, 'and is still append-only')
})
