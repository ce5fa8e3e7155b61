import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import t from 'tap'
import app from '../../src/app.js'
import { openDatabase } from '../../src/db/client.js'
import { auth, build, DB_KIND, queryRows, record2021, testConfig, testDatabase, TODAY } from '../helper.js'

// Erasure (GDPR): the record leaves storage, the statistics snapshot and the cached answers at
// once; a table asked right after DELETE no longer counts it.

const integration = { sub: 'treserva', roles: ['integration' as const], municipalities: ['2184'] }
const analyst = { sub: 'fou', roles: ['regional_analyst' as const] }
const URL = '/v1/stats/overview?year=2021&municipality=2184'

async function cases (n: number, post: (i: number) => Promise<{ statusCode: number }>) {
  for (let i = 0; i < n; i++) {
    const res = await post(i)
    if (res.statusCode !== 201) throw new Error(`record ${i}: ${res.statusCode}`)
  }
}

const population = (body: { population: number | null, rows: Array<{ key: string, cells: Array<{ column: string, count?: number | null }> }> }) =>
  ({ population: body.population, cases: body.rows.find((r) => r.key === '2184')?.cells.find((c) => c.column === 'cases')?.count })

t.test('a table asked right after DELETE no longer counts the record, and its cached answer is not reused', async (t) => {
  const server = await build(t)
  const writer = auth(server, integration)
  const reader = auth(server, analyst)
  await cases(7, (i) => server.inject({ method: 'POST', url: '/v1/cases', headers: writer, payload: record2021({ caseRef: `E-${i}`, ageAtReferral: 5 + i }) }))
  const before = await server.inject({ method: 'GET', url: URL, headers: reader })
  t.same(population(before.json()), { population: 7, cases: 7 })
  t.same(population((await server.inject({ method: 'GET', url: URL, headers: reader })).json()), { population: 7, cases: 7 }, 'asked twice: the cached answer')

  t.equal((await server.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/E-6', headers: writer })).statusCode, 204)
  const after = await server.inject({ method: 'GET', url: URL, headers: reader })
  t.same(population(after.json()), { population: 6, cases: 6 }, 'the very next question counts six')
  const ages = after.json().rows.find((r: { key: string }) => r.key === '2184').cells
  t.equal(ages.find((c: { column: string }) => c.column === 'maxAge').value, 10, 'and the erased record\'s age is gone from the values too')
  t.equal(server.stats.store.size, 6, 'the in-memory store holds six')

  const [stored] = await queryRows<{ n: number }>(server, sql`select count(*)::int as n from cases where case_ref = 'E-6'`)
  t.equal(stored.n, 0, 'gone from storage')
  const gone = await server.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/E-6', headers: writer })
  t.equal(gone.statusCode, 404)
})

t.test('another instance on the same PostgreSQL stops counting the record within its refresh', { skip: DB_KIND === 'pglite' ? 'PGlite serves one process' : false }, async (t) => {
  const { database, drop, url } = await testDatabase()
  const first = Fastify({ logger: false })
  await first.register(app, { config: testConfig(), database, today: () => TODAY })
  const second = Fastify({ logger: false })
  await second.register(app, { config: testConfig(), database: openDatabase({ url: url as string, poolSize: 2 }), today: () => TODAY })
  await first.ready()
  await second.ready()
  t.teardown(async () => {
    await first.close()
    await second.close()
    await drop()
  })
  const writer = auth(first, integration)
  await cases(6, (i) => first.inject({ method: 'POST', url: '/v1/cases', headers: writer, payload: record2021({ caseRef: `M-${i}` }) }))
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(population((await second.inject({ method: 'GET', url: URL, headers: auth(second, analyst) })).json()), { population: 6, cases: 6 })
  await first.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/M-0', headers: writer })
  // The other instance refreshes a snapshot older than 250 ms before answering.
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(population((await second.inject({ method: 'GET', url: URL, headers: auth(second, analyst) })).json()), { population: 5, cases: 5 })
})
