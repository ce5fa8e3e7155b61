import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import app from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { TABLE_NAMES, type TableName } from '../../src/domain/stats/types.js'
import { recordSnapshot } from '../../src/stats/snapshot.js'
import { SERVER_URL, TODAY, auth, build, queryRows, record2020, record2021, testConfig, testDatabase } from '../helper.js'

// The cell key method through the API: who gets perturbed tables (CELL_KEY_ROLES, an API client
// set to `perturbed`), that they never show 1–4 and stay within ±2 of the exact figures, and
// that the answers are the same from every instance on one database and after a restart,
// because the keys come from the database.

const GENDERS = ['girl', 'boy', 'girl', 'boy', 'other']
const CLOSURES = ['goals_met', 'goals_met', 'goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'other']
const PROBLEMS = ['family_relationship', 'child_mental_health', 'violence_abuse', 'school_problems', 'behaviour_problems', 'parenting_deficits']
const MUNICIPALITIES = ['2184', '2180', '2121']

/** 90 records over three municipalities and two years, varied enough for small cells everywhere. */
function seedRecords (): Array<Record<string, unknown>> {
  return Array.from({ length: 90 }, (_, i) => {
    const municipality = MUNICIPALITIES[i % 3]
    const closureReason = CLOSURES[(i * 5) % CLOSURES.length]
    const manual = i % 4 === 0
    const base = {
      municipality,
      caseRef: `CK-${i}`,
      ageAtReferral: (i * 7) % 21,
      problems: [...new Set([PROBLEMS[i % PROBLEMS.length], PROBLEMS[(i * 3 + 1) % PROBLEMS.length]])],
      closureReason,
      closureComment: closureReason === 'not_matching_needs' || closureReason === 'other' ? 'kommentar' : null,
      previouslyKnown: ['no', 'once', 'several', 'unknown'][i % 4]
    }
    if (i % 6 === 5) {
      return record2020({ ...base, problems: base.problems.map((p) => (p === 'child_mental_health' ? 'parent_mental_health_or_id' : p)), gender: i % 2 === 0 ? 'girl' : 'boy', closingDate: `2020-${String(1 + (i % 12)).padStart(2, '0')}-10`, referralDate: '2019-11-01', startDate: '2019-12-01' })
    }
    return record2021({
      ...base,
      gender: GENDERS[i % GENDERS.length],
      background: ['born_se_both_parents_se', 'born_europe', 'born_outside_europe', 'unknown'][i % 4],
      interventions: manual ? ['traditional_family_treatment', 'other_manual_method'] : ['traditional_family_treatment'],
      manualMethods: manual ? ['Trygghetscirkeln'] : [],
      closingDate: `2021-${String(1 + (i % 12)).padStart(2, '0')}-15`,
      referralDate: '2020-10-01',
      startDate: '2020-11-01'
    })
  })
}

async function seed (a: FastifyInstance): Promise<void> {
  for (const m of MUNICIPALITIES) {
    const items = seedRecords().filter((r) => r.municipality === m)
    const res = await a.inject({ method: 'POST', url: '/v1/cases/batch', headers: auth(a, { sub: `int-${m}`, roles: ['integration'], municipalities: [m] }), payload: items })
    if (res.statusCode !== 200 || res.json().failed !== 0) throw new Error(`seed ${m}: ${res.body.slice(0, 500)}`)
  }
}

const urlOf = (table: TableName, query = ''): string =>
  `/v1/stats/${table}?${table === 'outcomes' ? 'problem=family_relationship&' : ''}${query}`

type Cell = { column: string, count?: number | null, share?: number | null, display?: string }
type Row = { key: string, cells: Cell[], total?: number | null }
type Body = { protection: string, population: number | null, rows: Row[], notes?: string[], withheld?: boolean }

/** Every count of a table by "row/column", null where a marker stands. */
function countsOf (body: Body): Map<string, number | null> {
  const out = new Map<string, number | null>([['population', body.population]])
  for (const row of body.rows) {
    for (const c of row.cells) if ('count' in c) out.set(`${row.key}/${c.column}`, c.count ?? null)
    if ('total' in row) out.set(`${row.key}/total`, row.total ?? null)
  }
  return out
}

async function ask (a: FastifyInstance, headers: Record<string, string>, url: string): Promise<Body> {
  const res = await a.inject({ method: 'GET', url, headers })
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
  return res.json()
}

function noSmallCounts (t: Test, what: string, body: Body): void {
  for (const [k, n] of countsOf(body)) if (typeof n === 'number' && n >= 1 && n <= 4) t.fail(`${what} ${k}: ${n} published`)
}

t.test('a dashboard listed in CELL_KEY_ROLES gets perturbed tables (within ±2 of the exact figures, never 1–4, parameters in a note); exact callers stay exact, unlisted roles suppressed', async (t) => {
  const a = await build(t, { cellKeyRoles: ['dashboard'] })
  await seed(a)
  const dashboard = auth(a, { sub: 'dash', roles: ['dashboard'] })
  const analyst = auth(a, { sub: 'fou', roles: ['regional_analyst'] })
  let compared = 0
  let nonzero = 0
  let moved = 0
  for (const table of TABLE_NAMES) {
    for (const query of ['', 'year=2021&gender=girl&gender=boy', 'municipality=2121']) {
      const url = urlOf(table, query)
      const exact = await ask(a, analyst, url)
      t.equal(exact.protection, 'none')
      const noisy = await ask(a, { ...dashboard, 'accept-language': 'en' }, url)
      t.equal(noisy.protection, 'perturbed', `${table}?${query}`)
      t.ok(noisy.notes?.some((n) => n.includes('cell key method') && n.includes('±2') && n.includes('variance 1')), `${table}: the note names the parameters`)
      noSmallCounts(t, `${table}?${query}`, noisy)
      if (noisy.withheld) continue
      const truth = countsOf(exact)
      for (const [k, n] of countsOf(noisy)) {
        const e = truth.get(k)
        if (typeof e !== 'number') { t.fail(`${table} ${k}: no exact figure`); continue }
        if (n === null) {
          if (!(e >= 1 && e <= 6)) t.fail(`${table} ${k}: "≤4" for a true ${e}`)
          continue
        }
        compared++
        if (e > 0 && n !== e) moved++
        if (e > 0) nonzero++
        if (Math.abs(n - e) > 2) t.fail(`${table} ${k}: ${n} for a true ${e}`)
      }
    }
  }
  t.ok(compared > 1000, `${compared} counts compared with the exact tables`)
  // The cap row leaves 6 in 16 counts unchanged; a 1 keeps its value 3 times in 16.
  t.ok(moved > nonzero * 0.5, `${moved} of ${nonzero} non-zero counts moved by the noise: the dashboard does not get exact figures`)

  const sv = await ask(a, dashboard, urlOf('closure-reasons'))
  t.ok(sv.notes?.some((n) => n.startsWith('Skyddad med cellnyckelmetoden')), 'the note in Swedish by default')
  const csv = await a.inject({ method: 'GET', url: urlOf('closure-by-intervention'), headers: { ...dashboard, accept: 'text/csv' } })
  t.equal(csv.statusCode, 200)
  const counts = csv.body.trim().split('\r\n').slice(1).map((line) => line.split(',')[4]).filter((c) => c !== '')
  t.ok(counts.length > 10 && counts.every((c) => !/^[1-4]$/.test(c)), 'the CSV form holds no 1–4 either')

  // Exact callers stay exact, unlisted roles stay suppressed.
  const lead = auth(a, { sub: 'lead', roles: ['municipality_lead'], municipalities: ['2180'] })
  t.equal((await ask(a, lead, urlOf('closure-reasons', 'municipality=2180'))).protection, 'none', 'a lead for its own municipality')
  t.equal((await ask(a, lead, urlOf('closure-reasons'))).protection, 'suppressed', 'a lead beyond it, not listed')
  t.equal((await ask(a, auth(a, { roles: ['registrant'], municipalities: ['2184'] }), urlOf('overview'))).protection, 'suppressed')
})

interface Shared { open: () => Database, drop: () => Promise<void> }

/** One database that instances can be opened on one after another (a directory for PGlite). */
async function sharedDatabase (): Promise<Shared> {
  if (SERVER_URL) {
    const { url, database, drop } = await testDatabase()
    await database.close()
    return { open: () => openDatabase({ url: url as string, poolSize: 3 }), drop }
  }
  const dir = mkdtempSync(join(tmpdir(), 'isu-cellkey-'))
  // Created and migrated once here, so that an instance's start only opens it.
  const created = openDatabase({ dataDir: dir })
  await created.migrate()
  await created.close()
  return { open: () => openDatabase({ dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) }
}

async function instance (database: Database, overrides: Partial<Config>): Promise<FastifyInstance> {
  const fastify = Fastify({ logger: false })
  await fastify.register(app, { config: testConfig(overrides), database, today: () => TODAY })
  await fastify.ready()
  return fastify
}

t.test('identical questions get identical answers from two instances on one database and after a restart', async (t) => {
  const shared = await sharedDatabase()
  t.teardown(shared.drop)
  const overrides = { cellKeyRoles: ['dashboard' as const] }
  const first = shared.open()
  const a = await instance(first, overrides)
  // PGlite is one process's database: the second instance shares it rather than opening the directory twice.
  const b = await instance(SERVER_URL ? shared.open() : { ...first, close: async () => {} }, overrides)
  await seed(a)
  // Another instance follows the database within a second; here it catches up at once.
  await Promise.all([a.stats.feed.refresh(), b.stats.feed.refresh()])
  t.equal(b.stats.feed.status().records, 90)
  t.equal(b.stats.feed.status().lastSeq, a.stats.feed.status().lastSeq)
  const headers = auth(a, { sub: 'dash', roles: ['dashboard'] })
  const questions = TABLE_NAMES.flatMap((table) => [urlOf(table), urlOf(table, 'year=2021&municipality=2184&municipality=2121')])
  const answers = new Map<string, Body>()
  for (const url of questions) {
    const one = await ask(a, headers, url)
    answers.set(url, one)
    t.same(await ask(a, headers, url), one, `${url}: asked twice`)
    t.same(await ask(b, headers, url), one, `${url}: from the other instance`)
  }
  const keys = await queryRows<{ id: number, cell_key: number }>(a, sql`select id, cell_key from cases order by id`)
  t.equal(keys.length, 90)
  t.ok(new Set(keys.map((k) => k.cell_key)).size > 85, 'keys are random, not a constant')
  t.ok(keys.every((k) => k.cell_key >= 0 && k.cell_key < 2 ** 31))
  await b.close()
  await a.close()

  const c = await instance(shared.open(), overrides)
  t.teardown(() => c.close())
  for (const url of questions) t.same(await ask(c, headers, url), answers.get(url), `${url}: after a restart`)
  t.same(await queryRows(c, sql`select id, cell_key from cases order by id`), keys, 'the keys are stored, not drawn again')
})

t.test('a replacement keeps its record\'s key, by PUT and by batch', async (t) => {
  const a = await build(t)
  const headers = auth(a, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const url = '/v1/municipalities/2184/cases/KEEP-1'
  t.equal((await a.inject({ method: 'PUT', url, headers, payload: record2021({ caseRef: 'KEEP-1' }) })).statusCode, 201)
  const keyOf = async () => (await queryRows<{ cell_key: number, revision: number }>(a, sql`select cell_key, revision from cases where case_ref = 'KEEP-1'`))[0]
  const before = await keyOf()
  t.equal((await a.inject({ method: 'PUT', url, headers, payload: record2021({ caseRef: 'KEEP-1', gender: 'boy', closureReason: 'discontinued_by_child' }) })).statusCode, 200)
  const afterPut = await keyOf()
  t.equal(afterPut.revision, 2)
  t.equal(afterPut.cell_key, before.cell_key, 'PUT replacement')
  const batch = await a.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: [record2021({ caseRef: 'KEEP-1', ageAtReferral: 15 })] })
  t.equal(batch.json().updated, 1)
  const afterBatch = await keyOf()
  t.equal(afterBatch.revision, 3)
  t.equal(afterBatch.cell_key, before.cell_key, 'batch replacement')
})

t.test('the change feed hands each record\'s stored key to the store, in the cold load and in later changes', async (t) => {
  const a = await build(t)
  await seed(a)
  const keys = new Map<number, number>()
  const feed = recordSnapshot({ db: a.database.db, store: { upsert: (id, _r, key) => { keys.set(id, key) }, remove: (id) => { keys.delete(id) } }, settleMs: 0, pageSize: 7 })
  await feed.refresh()
  const stored = async () => new Map((await queryRows<{ id: number, cell_key: number }>(a, sql`select id, cell_key from cases`)).map((r) => [Number(r.id), r.cell_key]))
  t.same(keys, await stored(), 'cold load (pages of 7)')
  const headers = auth(a, { sub: 'int-2184', roles: ['integration'], municipalities: ['2184'] })
  const res = await a.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/CK-0', headers, payload: { ...seedRecords()[0], ageAtReferral: 3 } })
  t.equal(res.statusCode, 200)
  t.equal((await a.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'CK-NEW' }) })).statusCode, 201)
  keys.clear()
  await feed.refresh()
  t.equal(keys.size, 2, 'the replaced and the new record come through the incremental feed')
  const now = await stored()
  for (const [id, key] of keys) t.equal(key, now.get(id), `record ${id}: the stored key`)
})

async function newClient (a: FastifyInstance, body: Record<string, unknown>) {
  return a.inject({ method: 'POST', url: '/v1/admin/clients', headers: auth(a, { sub: 'admin', roles: ['admin'] }), payload: body })
}

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))

t.test('an API client set to perturbed carries it in its token and gets perturbed tables; a default client stays suppressed', async (t) => {
  const a = await build(t)
  await seed(a)
  const noisy = await newClient(a, { name: 'Länets dashboard', role: 'dashboard', municipalities: [], protection: 'perturbed' })
  t.equal(noisy.statusCode, 201)
  const plain = await newClient(a, { name: 'Kommunens dashboard', role: 'dashboard', municipalities: [] })
  t.equal(plain.statusCode, 201)
  const list = (await a.inject({ method: 'GET', url: '/v1/admin/clients', headers: auth(a, { sub: 'admin', roles: ['admin'] }) })).json()
  const byId = new Map(list.items.map((c: { clientId: string, protection: string }) => [c.clientId, c.protection]))
  t.equal(byId.get(noisy.json().clientId), 'perturbed')
  t.equal(byId.get(plain.json().clientId), 'suppressed', 'suppression unless asked')

  const tokenOf = async (credentials: { clientId: string, clientSecret: string }) => {
    const res = await a.inject({ method: 'POST', url: '/v1/auth/token', payload: credentials })
    t.equal(res.statusCode, 200)
    return res.json().accessToken as string
  }
  const noisyToken = await tokenOf(noisy.json())
  const plainToken = await tokenOf(plain.json())
  t.equal(claimsOf(noisyToken).protection, 'perturbed')
  t.equal(claimsOf(plainToken).protection, 'suppressed')
  const noisyTable = await ask(a, { authorization: `Bearer ${noisyToken}` }, urlOf('closure-by-background'))
  t.equal(noisyTable.protection, 'perturbed')
  noSmallCounts(t, 'client table', noisyTable)
  t.equal((await ask(a, { authorization: `Bearer ${plainToken}` }, urlOf('closure-by-background'))).protection, 'suppressed')
  t.equal((await ask(a, auth(a, { sub: 'dash', roles: ['dashboard'] }), urlOf('overview'))).protection, 'suppressed', 'without CELL_KEY_ROLES a dashboard gets ≤4 suppression')

  const audit = await queryRows<{ detail: { protection?: string } }>(a, sql`select detail from audit_log where action = 'client.create' order by id`)
  t.same(audit.map((r) => r.detail.protection), ['perturbed', 'suppressed'], 'the audit log records the setting')
})

t.test('an unknown protection is refused with its field path, and no client is stored', async (t) => {
  const a = await build(t)
  for (const protection of ['none', 'exact', 5]) {
    const res = await newClient(a, { name: 'X', role: 'dashboard', municipalities: [], protection })
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.ok(res.json().errors.length > 0 && res.json().errors.every((e: { path: string }) => e.path === '/body/protection'), `${protection}: every error names /body/protection`)
  }
  const list = (await a.inject({ method: 'GET', url: '/v1/admin/clients', headers: auth(a, { sub: 'admin', roles: ['admin'] }) })).json()
  t.equal(list.items.length, 0)
})

t.test('a token cannot choose exact figures: a protection claim other than the two is refused, a forged one too', async (t) => {
  const a = await build(t, { cellKeyRoles: ['dashboard'] })
  await seed(a)
  const bad = a.jwt.sign({ sub: 'client:x', roles: ['dashboard'], protection: 'none' } as never, { expiresIn: '60s' })
  t.equal((await a.inject({ method: 'GET', url: urlOf('overview'), headers: { authorization: `Bearer ${bad}` } })).statusCode, 401)
  const other = Fastify()
  await other.register((await import('@fastify/jwt')).default, { secret: 'another-secret-that-is-long-enough-0123456789' })
  await other.ready()
  const forged = other.jwt.sign({ sub: 'client:x', roles: ['regional_analyst'], protection: 'suppressed' }, { expiresIn: '60s' })
  t.equal((await a.inject({ method: 'GET', url: urlOf('overview'), headers: { authorization: `Bearer ${forged}` } })).statusCode, 401)
  await other.close()
  // A listed role cannot step back to suppression with a claim: either setting only switches to perturbed.
  const back = a.jwt.sign({ sub: 'client:y', roles: ['dashboard'], protection: 'suppressed' }, { expiresIn: '60s' })
  t.equal((await ask(a, { authorization: `Bearer ${back}` }, urlOf('overview'))).protection, 'perturbed')
})
