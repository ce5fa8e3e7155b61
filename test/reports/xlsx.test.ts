import t, { type Test } from 'tap'
import { TABLE_NAMES } from '../../src/domain/stats/types.js'
import { auth, build } from '../helper.js'
import { ANALYST, DASHBOARD, expectedSheet, htmlCounts, loadReference, readWorkbook, referenceApp, type SheetValue, smallCounts, type Table } from './helpers.js'

// XLSX exports hold what the JSON tables hold: read back with exceljs, cell by cell; a dashboard's
// workbooks never hold a count of 1–4.

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const urlOf = (table: string, query = 'year=2020') =>
  `/v1/stats/${table}?${query}${table === 'outcomes' ? '&problem=family_relationship' : ''}`

/** Sheet cells against the JSON table's, and the count columns' numbers, for the 1–4 check. */
function compare (t: Test, name: string, sheet: Map<string, Record<string, SheetValue>>, table: Table, lang: 'sv' | 'en' = 'sv') {
  const expected = expectedSheet(table, lang)
  t.same([...sheet.keys()], [...expected.keys()], `${name}: the same rows`)
  for (const [key, cells] of expected) {
    const got = sheet.get(key) ?? {}
    for (const [header, value] of Object.entries(cells)) {
      if (got[header] !== value) t.fail(`${name} ${key} "${header}": sheet ${String(got[header])}, JSON ${String(value)}`)
    }
  }
  t.pass(`${name}: every cell as in JSON`)
}

/** Numbers of 1–4 in the columns that hold counts (a count column is named by its label alone). */
function sheetSmallCounts (sheet: Map<string, Record<string, SheetValue>>, table: Table): string[] {
  const countHeaders = new Set([...table.columns.filter((c) => table.rows.some((r) => r.cells.some((x) => x.column === c.key && !('value' in x)))).map((c) => c.label), 'Totalt'])
  const found: string[] = []
  for (const [key, cells] of sheet) {
    for (const [h, v] of Object.entries(cells)) if (countHeaders.has(h) && typeof v === 'number' && v >= 1 && v <= 4) found.push(`${key}/${h}=${v}`)
  }
  return found
}

t.test('every statistics table as XLSX holds the numbers of its JSON table; a dashboard\'s none of 1–4', async (t) => {
  const app = await referenceApp(t)
  const dash = auth(app, DASHBOARD)
  let compared = 0
  for (const table of TABLE_NAMES) {
    const json = (await app.inject({ method: 'GET', url: urlOf(table), headers: dash })).json() as Table
    const res = await app.inject({ method: 'GET', url: urlOf(table), headers: { ...dash, accept: XLSX } })
    t.equal(res.statusCode, 200, `${table} as XLSX`)
    t.equal(res.headers['content-type'], XLSX)
    t.match(res.headers['content-disposition'], new RegExp(`attachment; filename="${table}\\.xlsx"`))
    const sheets = await readWorkbook(res.rawPayload)
    t.same([...sheets.keys()], [table], 'one sheet, named after the table')
    const tables = sheets.get(table) ?? []
    if (json.withheld) {
      t.same(tables, [], `${table} withheld: no rows in the sheet either`)
      continue
    }
    t.equal(tables.length, 1)
    compare(t, table, tables[0].rows, json)
    t.same(smallCounts(json), [], `${table}: JSON has no count of 1–4`)
    t.same(sheetSmallCounts(tables[0].rows, json), [], `${table}: the sheet has none either`)
    compared++
  }
  t.ok(compared >= 15, `${compared} tables compared`)

  const byParam = await app.inject({ method: 'GET', url: '/v1/stats/manual-methods?year=2020&format=xlsx', headers: dash })
  const sheet = (await readWorkbook(byParam.rawPayload)).get('manual-methods')?.[0]
  t.equal(sheet?.rows.get('A-CRA')?.['Antal ärenden'], '≤4', 'a suppressed count is its marker, as text')
  t.equal(sheet?.rows.get('Krisstöd vid orosanmälan om våld mot barn')?.['Antal ärenden'], 24)
})

t.test('an analyst\'s XLSX is exact, in English on request', async (t) => {
  const app = await referenceApp(t)
  const headers = { ...auth(app, ANALYST), 'accept-language': 'en' }
  const json = (await app.inject({ method: 'GET', url: urlOf('closure-by-intervention'), headers })).json() as Table
  const res = await app.inject({ method: 'GET', url: `${urlOf('closure-by-intervention')}&format=xlsx`, headers })
  const [table] = (await readWorkbook(res.rawPayload)).get('closure-by-intervention') ?? []
  t.equal(table.header[0], 'Code')
  compare(t, 'closure-by-intervention', table.rows, json, 'en')
  t.equal(json.columns[1].key, 'not_matching_needs')
  t.equal(table.rows.get('traditional_and_manual')?.[json.columns[1].label], 1, 'exact small counts for the analyst')
})

t.test('the report workbook: a sheet per table, each scope\'s numbers as in JSON, none of 1–4 for a dashboard', async (t) => {
  const app = await referenceApp(t)
  const dash = auth(app, DASHBOARD)
  const res = await app.inject({ method: 'GET', url: '/v1/reports/annual?year=2020&municipality=2184&format=xlsx', headers: dash })
  t.equal(res.statusCode, 200)
  const sheets = await readWorkbook(res.rawPayload)
  const names = [...sheets.keys()]
  t.equal(names[0], 'Om rapporten')
  t.same(names.slice(1), ['Tabell 1', 'Diagram 1', 'Diagram 2', 'Diagram 3', 'Diagram 4', 'Diagram 5', 'Diagram 6', 'Diagram 7', 'Diagram 8', 'Diagram 9', 'Tabell 2', 'Diagram 10', 'Tabell 3'])
  const tableOf: Record<string, string> = {
    'Tabell 1': 'overview', 'Diagram 1': 'problems', 'Diagram 2': 'problems-by-gender', 'Diagram 3': 'intervention-groups', 'Diagram 4': 'manual-methods',
    'Diagram 5': 'interventions-by-problem', 'Diagram 6': 'closure-reasons', 'Diagram 7': 'closure-by-intervention', 'Diagram 8': 'durations-by-problem',
    'Diagram 9': 'durations-by-intervention', 'Tabell 2': 'previously-known', 'Diagram 10': 'trends', 'Tabell 3': 'problems-alone'
  }
  const countyOnly = new Set(['overview', 'intervention-groups'])
  for (const [sheet, table] of Object.entries(tableOf)) {
    const blocks = sheets.get(sheet) ?? []
    const period = table === 'trends' ? 'to=2020-12-31' : 'year=2020'
    const scopes = countyOnly.has(table) ? [`${period}`] : [`${period}&municipality=2184`, period]
    t.equal(blocks.length, scopes.length, `${sheet}: a block per scope`)
    for (const [i, query] of scopes.entries()) {
      const json = (await app.inject({ method: 'GET', url: `/v1/stats/${table}?${query}`, headers: dash })).json() as Table
      t.match(blocks[i].heading, i === 0 && scopes.length > 1 ? /^Hudiksvall \(skyddade uppgifter\)$/ : /^Länet \(skyddade uppgifter\)$/)
      compare(t, `${sheet} ${query}`, blocks[i].rows, json)
      t.same(sheetSmallCounts(blocks[i].rows, json), [], `${sheet} ${query}: no count of 1–4`)
    }
  }
})

t.test('a caller on the cell key method gets a perturbed report that holds its perturbed tables, not suppressed ones', async (t) => {
  const app = await build(t, { cellKeyRoles: ['dashboard'] })
  await loadReference(app)
  const dash = auth(app, DASHBOARD)
  const html = (await app.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: dash })).body
  t.match(html, /<dt>Länet:<\/dt><dd>skyddade uppgifter \(med brus\)<\/dd>/)
  t.match(html, /cell key-metoden/)
  t.same(htmlCounts(html).filter((n) => n >= 1 && n <= 4), [], 'no count of 1–4')
  const res = await app.inject({ method: 'GET', url: '/v1/reports/annual?year=2020&format=xlsx', headers: dash })
  const sheets = await readWorkbook(res.rawPayload)
  for (const [sheet, table] of [['Diagram 1', 'problems'], ['Diagram 7', 'closure-by-intervention'], ['Tabell 2', 'previously-known']]) {
    const json = (await app.inject({ method: 'GET', url: `/v1/stats/${table}?year=2020`, headers: dash })).json() as Table
    t.equal(json.protection, 'perturbed')
    const [block] = sheets.get(sheet) ?? []
    t.match(block.heading, /^Länet \(skyddade uppgifter \(med brus\)\)$/)
    compare(t, `${sheet} perturbed`, block.rows, json)
  }
})
