import t from 'tap'
import { TABLE_NAMES } from '../../src/domain/stats/types.js'
import { auth, build, record2021 } from '../helper.js'

// Statistics through the API: who gets exact figures, who gets protected ones, formats, errors.

async function seeded (t: Parameters<typeof build>[0]) {
  const app = await build(t)
  const hudiksvall = auth(app, { sub: 'int-hu', roles: ['integration'], municipalities: ['2184'] })
  const gavle = auth(app, { sub: 'int-gv', roles: ['integration'], municipalities: ['2180'] })
  // Hudiksvall: 9 goals met, 3 discontinued by the guardian; Gävle: 6 goals met, 1 discontinued by the child.
  const posts = [
    ...Array.from({ length: 12 }, (_, i) => ({ headers: hudiksvall, payload: record2021({ caseRef: `HU-${i}`, gender: i % 3 === 0 ? 'boy' : 'girl', closureReason: i < 9 ? 'goals_met' : 'discontinued_by_guardian' }) })),
    ...Array.from({ length: 7 }, (_, i) => ({ headers: gavle, payload: record2021({ municipality: '2180', caseRef: `GV-${i}`, closureReason: i < 6 ? 'goals_met' : 'discontinued_by_child' }) }))
  ]
  for (const p of posts) {
    const res = await app.inject({ method: 'POST', url: '/v1/cases', ...p })
    if (res.statusCode !== 201) throw new Error(res.body)
  }
  return app
}

type Cell = { column: string, count?: number | null, display?: string, suppressed?: string, share?: number | null }
type Row = { key: string, cells: Cell[], total?: number | null }

function cell (body: { rows: Row[] }, row: string, column: string): Cell | undefined {
  return body.rows.find((r) => r.key === row)?.cells.find((c) => c.column === column)
}

t.test('a regional analyst gets exact closure reasons with shares and intervals', async (t) => {
  const app = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons?year=2021', headers: auth(app, { sub: 'fou', roles: ['regional_analyst'] }) })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.protection, 'none')
  t.equal(body.population, 19)
  t.same(body.filters, { year: 2021 })
  t.equal(cell(body, 'goals_met', 'cases')?.count, 15)
  t.equal(cell(body, 'discontinued_by_child', 'cases')?.count, 1, 'exact small counts for the analyst')
  t.equal(body.rows.find((r: Row) => r.key === 'goals_met').label, 'Målet/målen med insatsen har uppnåtts helt eller delvis')
  t.ok(Math.abs((cell(body, 'goals_met', 'cases')?.share ?? 0) - 15 / 19) < 1e-12)
})

t.test('a dashboard never sees a count of 1–4, and cannot recover one from totals', async (t) => {
  const app = await seeded(t)
  const headers = auth(app, { sub: 'dash', roles: ['dashboard'] })
  for (const table of TABLE_NAMES) {
    const url = table === 'outcomes' ? '/v1/stats/outcomes?problem=family_relationship' : `/v1/stats/${table}`
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 200, `${table} answers`)
    const body = res.json()
    t.equal(body.protection, 'suppressed', `${table} is protected`)
    for (const row of body.rows as Row[]) {
      if (typeof row.total === 'number') t.notOk(row.total >= 1 && row.total <= 4, `${table}/${row.key} total`)
      for (const c of row.cells) {
        if (typeof c.count === 'number') t.notOk(c.count >= 1 && c.count <= 4, `${table}/${row.key}/${c.column} = ${c.count}`)
      }
    }
  }
  const closure = (await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons', headers })).json()
  t.equal(cell(closure, 'discontinued_by_child', 'cases')?.display, '≤4')
  const visible = closure.rows.flatMap((r: Row) => r.cells).filter((c: Cell) => typeof c.count === 'number').reduce((s: number, c: Cell) => s + (c.count as number), 0)
  t.not(closure.population - visible, 1, 'the population minus the published counts does not give the small count away')
})

t.test('a lead sees its own municipality exactly and the rest protected', async (t) => {
  const app = await seeded(t)
  const headers = auth(app, { sub: 'lead', roles: ['municipality_lead'], municipalities: ['2180'] })
  const own = (await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons?municipality=2180', headers })).json()
  t.equal(own.protection, 'none')
  t.equal(cell(own, 'discontinued_by_child', 'cases')?.count, 1)
  const all = (await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons', headers })).json()
  t.equal(all.protection, 'suppressed')
  const other = (await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons?municipality=2184&municipality=2180', headers })).json()
  t.equal(other.protection, 'suppressed')
})

t.test('a table of fewer than five records is withheld whole', async (t) => {
  const app = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons?gender=boy', headers: auth(app, { sub: 'dash', roles: ['dashboard'] }) })
  const body = res.json()
  t.equal(body.withheld, true)
  t.same(body.rows, [])
  t.equal(body.population, null)
  t.ok(body.reason)
})

t.test('identical questions get identical answers, and a new record shows at once', async (t) => {
  const app = await seeded(t)
  const headers = auth(app, { sub: 'dash', roles: ['dashboard'] })
  const a = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers })
  const b = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers })
  t.equal(a.body, b.body)
  const writer = auth(app, { sub: 'int-hu', roles: ['integration'], municipalities: ['2184'] })
  await app.inject({ method: 'POST', url: '/v1/cases', headers: writer, payload: record2021({ caseRef: 'HU-NEW' }) })
  const c = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers: auth(app, { sub: 'fou', roles: ['regional_analyst'] }) })
  t.equal(c.json().population, 20, 'a single write is seen by the next question')
  const batch = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: writer, payload: [record2021({ caseRef: 'HU-B1' }), record2021({ caseRef: 'HU-B2' })] })
  t.equal(batch.json().created, 2)
  const d = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers: auth(app, { sub: 'fou', roles: ['regional_analyst'] }) })
  t.equal(d.json().population, 22, 'a batch is seen by the next question')
  await app.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/HU-B1', headers: writer })
  const e = await app.inject({ method: 'GET', url: '/v1/stats/overview', headers: auth(app, { sub: 'fou', roles: ['regional_analyst'] }) })
  t.equal(e.json().population, 21, 'an erasure vanishes from statistics at once')
})

t.test('CSV and English labels on request', async (t) => {
  const app = await seeded(t)
  const headers = { ...auth(app, { sub: 'fou', roles: ['regional_analyst'] }), accept: 'text/csv', 'accept-language': 'en' }
  const res = await app.inject({ method: 'GET', url: '/v1/stats/closure-reasons', headers })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  const lines = res.body.trim().split('\r\n')
  t.equal(lines[0], 'row,rowLabel,column,columnLabel,count,share,ci95Low,ci95High,value,display,suppressed')
  t.ok(lines.some((l) => l.startsWith('goals_met,The goal(s) of the intervention were fully or partly met,cases,Cases,15,')))
})

t.test('bad statistics requests are refused with problem+json', async (t) => {
  const app = await seeded(t)
  const dash = auth(app, { sub: 'dash', roles: ['dashboard'] })
  const cases: Array<[string, Record<string, string> | undefined, number]> = [
    ['/v1/stats/closure-reasons', undefined, 401],
    ['/v1/stats/closure-reasons', auth(app, { sub: 'adm', roles: ['admin'] }), 403],
    ['/v1/stats/no-such-table', dash, 400],
    ['/v1/stats/outcomes', dash, 400],
    ['/v1/stats/closure-reasons?caseRef=HU-1', dash, 400],
    ['/v1/stats/closure-reasons?year=2021&from=2021-01-01', dash, 400],
    ['/v1/stats/closure-reasons?from=2021-13-01', dash, 400],
    ['/v1/stats/closure-reasons?ageGroup=3-5', dash, 400]
  ]
  for (const [url, headers, status] of cases) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, status, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/, url)
  }
})
