import { readFileSync } from 'node:fs'
import t from 'tap'
import { auth, build } from '../helper.js'

// The reference data set loaded through the API reproduces figures the FoU report publishes.

const records = JSON.parse(readFileSync(new URL('../../fixtures/reference-2020.json', import.meta.url), 'utf8')) as unknown[]

type Cell = { column: string, count?: number | null, value?: number | null, share?: number | null }
type Row = { key: string, cells: Cell[] }
const cellOf = (body: { rows: Row[] }, row: string, column: string) => body.rows.find((r) => r.key === row)?.cells.find((c) => c.column === column)

t.test('the report\'s tables come out of the API for the reference data', async (t) => {
  const app = await build(t)
  const writer = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2182', '2121', '2184'] })
  const batch = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: writer, payload: records })
  t.equal(batch.json().created, 214)
  const analyst = auth(app, { sub: 'fou', roles: ['regional_analyst'] })
  const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: analyst })).json()

  const overview = await get('/v1/stats/overview?year=2020')
  t.equal(overview.population, 214)
  t.equal(cellOf(overview, 'all', 'girl')?.count, 100, 'Tabell 1: 100 girls')
  t.equal(cellOf(overview, 'all', 'boy')?.count, 114, 'Tabell 1: 114 boys')
  t.equal(cellOf(overview, '2182', 'girl')?.count, 46)
  t.equal(cellOf(overview, '2184', 'boy')?.count, 48)
  t.equal(Number(cellOf(overview, '2182', 'meanAge')?.value?.toFixed(1)), 8.9)
  t.equal(Number(cellOf(overview, '2121', 'meanAge')?.value?.toFixed(1)), 8.6)
  t.equal(Number(cellOf(overview, '2184', 'meanAge')?.value?.toFixed(1)), 10.5)
  t.equal(Math.round(cellOf(overview, 'all', 'meanDurationDays')?.value ?? 0), 215, 'mean duration 215 days')
  t.equal(Math.round(cellOf(overview, '2182', 'meanDurationDays')?.value ?? 0), 155)

  const problems = await get('/v1/stats/problems')
  t.equal(cellOf(problems, 'parenting_deficits', 'children')?.count, 122)
  t.equal(Math.round(100 * (cellOf(problems, 'parenting_deficits', 'children')?.share ?? 0)), 57, 'Diagram 1: 57 %')
  t.equal(Math.round(100 * (cellOf(problems, 'family_relationship', 'children')?.share ?? 0)), 30, 'Diagram 1: 30 %')

  const alone = await get('/v1/stats/problems-alone')
  t.equal(cellOf(alone, 'violence_abuse', 'occurrences')?.count, 38, 'Bilaga 3 X.1')
  t.equal(cellOf(alone, 'violence_abuse', 'alone')?.count, 18)
  t.equal(cellOf(alone, 'all', 'occurrences')?.count, 426)
  t.equal(cellOf(alone, 'all', 'alone')?.count, 64)

  const groups = await get('/v1/stats/intervention-groups')
  t.equal(cellOf(groups, 'all', 'traditional_and_manual')?.count, 25, 'Diagram 4: 25 combined')
  t.equal(Math.round(100 * (cellOf(groups, 'all', 'traditional_only')?.share ?? 0)), 59)
  t.equal(Math.round(100 * (cellOf(groups, 'all', 'manual_only')?.share ?? 0)), 29)

  const closure = await get('/v1/stats/closure-reasons')
  t.equal(Math.round(100 * (cellOf(closure, 'goals_met', 'cases')?.share ?? 0)), 60, 'Diagram 6: 60 %')
  t.equal(Math.round(100 * (cellOf(closure, 'discontinued_by_guardian', 'cases')?.share ?? 0)), 17)
  t.equal(Math.round(100 * (cellOf(closure, 'not_matching_needs', 'cases')?.share ?? 0)), 11)

  const byGroup = await get('/v1/stats/closure-by-intervention')
  t.equal(Math.round(100 * (cellOf(byGroup, 'traditional_and_manual', 'goals_met')?.share ?? 0)), 88, 'Diagram 7: 88 %')
  t.equal(Math.round(100 * (cellOf(byGroup, 'manual_only', 'discontinued_by_guardian')?.share ?? 0)), 32)

  const methods = await get('/v1/stats/manual-methods')
  t.equal(cellOf(methods, 'Krisstöd vid orosanmälan om våld mot barn', 'cases')?.count, 24, 'Tabell 2')
  t.equal(cellOf(methods, 'Trygghetscirkeln', 'cases')?.count, 19)
  t.equal(cellOf(methods, 'Bassamtal', 'cases')?.count, 11)
  t.equal(cellOf(methods, 'Tryggare barn', 'cases')?.count, 11)

  const durations = await get('/v1/stats/durations-by-intervention')
  t.equal(cellOf(durations, 'traditional_and_manual', 'median')?.value, 216, 'Diagram 9')
  t.equal(cellOf(durations, 'traditional_only', 'median')?.value, 162)
  t.equal(cellOf(durations, 'manual_only', 'median')?.value, 82)

  const known = await get('/v1/stats/previously-known')
  t.equal(cellOf(known, 'no', 'n')?.count, 147, 'Tabell 3')
  t.equal(cellOf(known, 'once', 'n')?.count, 31)
  t.equal(cellOf(known, 'several', 'n')?.count, 36)
  t.equal(Math.round(cellOf(known, 'several', 'meanDurationDays')?.value ?? 0), 270)

  const dashboard = await app.inject({ method: 'GET', url: '/v1/stats/manual-methods', headers: auth(app, { sub: 'dash', roles: ['dashboard'] }) })
  const small = dashboard.json().rows.flatMap((r: Row) => r.cells).filter((c: Cell) => typeof c.count === 'number' && c.count >= 1 && c.count <= 4)
  t.same(small, [], 'the dashboard\'s Tabell 2 shows no count of 1–4')
})
