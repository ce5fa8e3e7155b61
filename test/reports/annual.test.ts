import Fastify from 'fastify'
import t from 'tap'
import app from '../../src/app.js'
import reportRoutes from '../../src/routes/v1/reports.js'
import { auth, build, record2021, TODAY, testConfig, testDatabase } from '../helper.js'
import { ANALYST, DASHBOARD, LEAD_HUDIKSVALL, htmlCell, htmlCounts, loadReference, referenceApp } from './helpers.js'

// GET /v1/reports/annual: the FoU report's published figures come out of the reference data, the
// caller's protection applies, and bad requests get problem+json.

const count = (cell: string | null) => Number(cell?.match(/data-count="(\d+)"/)?.[1] ?? NaN)
const pct = (cell: string | null) => cell?.match(/class="pct">([^<]*)</)?.[1]

t.test('the analyst\'s report shows the figures the FoU report publishes', async (t) => {
  const server = await referenceApp(t)
  const res = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: auth(server, ANALYST) })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
  t.equal(res.headers['content-language'], 'sv')
  t.match(res.headers['content-security-policy'], /default-src 'none'/)
  const html = res.body
  t.match(html, /<html lang="sv">/)
  t.notMatch(html, /<script/i, 'no script in the page')
  t.match(html, /Öppenvård för barn och unga 2020/)

  // Tabell 1
  t.equal(count(htmlCell(html, 'county', '2182', 'girl')), 46, 'Söderhamn: 46 girls')
  t.equal(count(htmlCell(html, 'county', '2182', 'boy')), 44)
  t.equal(count(htmlCell(html, 'county', '2121', 'girl')), 22, 'Ovanåker: 22 girls')
  t.equal(count(htmlCell(html, 'county', '2184', 'boy')), 48, 'Hudiksvall: 48 boys')
  t.equal(count(htmlCell(html, 'county', 'all', 'girl')), 100)
  t.equal(count(htmlCell(html, 'county', 'all', 'boy')), 114)
  t.match(htmlCell(html, 'county', '2182', 'meanAge'), />8,9</, 'mean age 8,9 with a decimal comma')
  t.match(htmlCell(html, 'county', '2121', 'meanAge'), />8,6</)
  t.match(htmlCell(html, 'county', '2184', 'meanAge'), />10,5</)
  t.match(htmlCell(html, 'county', '2182', 'meanDurationDays'), />155</)
  t.match(htmlCell(html, 'county', 'all', 'meanDurationDays'), />215</)
  // Diagram 1
  t.equal(count(htmlCell(html, 'county', 'parenting_deficits', 'children')), 122)
  t.match(html, /data-row="parenting_deficits" data-col="children"[^>]*>.*?<\/td><td class="num pct">57 %</, 'Diagram 1: 57 %')
  t.match(html, /data-row="family_relationship" data-col="children"[^>]*>.*?<\/td><td class="num pct">30 %</, 'Diagram 1: 30 %')
  // Diagram 4 (intervention groups), Diagram 6 and 7 (closure)
  t.equal(count(htmlCell(html, 'county', 'all', 'traditional_and_manual')), 25)
  t.equal(pct(htmlCell(html, 'county', 'all', 'traditional_only')), '59 %')
  t.equal(pct(htmlCell(html, 'county', 'all', 'manual_only')), '29 %')
  t.match(html, /data-row="goals_met" data-col="cases"[^>]*>.*?<\/td><td class="num pct">60 %</, 'Diagram 6: 60 %')
  t.match(html, /data-row="discontinued_by_guardian" data-col="cases"[^>]*>.*?<\/td><td class="num pct">17 %</)
  t.equal(pct(htmlCell(html, 'county', 'traditional_and_manual', 'goals_met')), '88 %', 'Diagram 7: 88 %')
  t.equal(pct(htmlCell(html, 'county', 'manual_only', 'discontinued_by_guardian')), '32 %')
  // Tabell 2, Diagram 9, Tabell 3, Bilaga 3 X.1
  t.equal(count(htmlCell(html, 'county', 'Krisstöd vid orosanmälan om våld mot barn', 'cases')), 24)
  t.equal(count(htmlCell(html, 'county', 'Trygghetscirkeln', 'cases')), 19)
  t.equal(count(htmlCell(html, 'county', 'Bassamtal', 'cases')), 11)
  t.match(htmlCell(html, 'county', 'traditional_and_manual', 'median'), />216</, 'Diagram 9: median 216 days')
  t.match(htmlCell(html, 'county', 'traditional_only', 'median'), />162</)
  t.match(htmlCell(html, 'county', 'manual_only', 'median'), />82</)
  t.equal(count(htmlCell(html, 'county', 'no', 'n')), 147, 'Tabell 3')
  t.equal(count(htmlCell(html, 'county', 'several', 'n')), 36)
  t.match(htmlCell(html, 'county', 'several', 'meanDurationDays'), />270</)
  t.equal(count(htmlCell(html, 'county', 'violence_abuse', 'occurrences')), 38, 'Bilaga 3 X.1')
  t.equal(count(htmlCell(html, 'county', 'violence_abuse', 'alone')), 18)
  t.equal(count(htmlCell(html, 'county', 'all', 'occurrences')), 426)

  const charts = [...html.matchAll(/<svg\b[^>]*>/g)].map((m) => m[0])
  t.equal(charts.length, 10, 'ten charts')
  for (const svg of charts) t.match(svg, /role="img" aria-labelledby="chart-([a-z-]+)-title" aria-describedby="chart-\1-desc"/)
  t.match(html, /<title id="chart-problems-title">Diagram 1\. Barnens problemområden<\/title>/)
  t.match(html, /@media print/, 'print CSS')
  t.match(html, /@page \{ size: A4/)
  t.match(html, /Uppgifterna i rapporten är exakta/, 'an exact report says so')
})

t.test('a municipal lead gets its own municipality exact beside the protected county', async (t) => {
  const server = await referenceApp(t)
  const res = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: auth(server, LEAD_HUDIKSVALL) })
  t.equal(res.statusCode, 200)
  const html = res.body
  t.match(html, /Hudiksvall jämfört med länet/, 'the lead\'s own municipality by default')
  t.match(html, /<dt>Hudiksvall:<\/dt><dd>exakta uppgifter<\/dd>/)
  t.match(html, /<dt>Länet:<\/dt><dd>skyddade uppgifter<\/dd>/)
  // Hudiksvall has 3 children with own criminality: exact for its lead; the county's 6 is 6, Ovanåker's cells protected.
  t.equal(count(htmlCell(html, 'municipality', 'own_criminality', 'children')), 3, 'exact small count for the own municipality')
  t.equal(count(htmlCell(html, 'county', 'own_criminality', 'children')), 6)
  t.match(htmlCell(html, 'county', 'honour_violence', 'children'), /class="marker"[^>]*>≤4</, 'the county\'s small count is protected')
  t.match(htmlCell(html, 'county', '2121', 'traditional_and_manual'), /≤4/, 'other municipalities protected in Diagram 4')
  t.match(html, /Skydd av små tal/)
  t.match(html, /<tr class="chosen"><th scope="row">Hudiksvall<\/th>/, 'the chosen municipality is set off in Tabell 1')
})

t.test('a dashboard\'s report holds no count of 1–4 and draws withheld cells as markers', async (t) => {
  const server = await referenceApp(t)
  const res = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020&municipality=2182', headers: auth(server, DASHBOARD) })
  t.equal(res.statusCode, 200)
  const html = res.body
  const counts = htmlCounts(html)
  t.ok(counts.length > 200, `many counts (${counts.length})`)
  t.same(counts.filter((n) => n >= 1 && n <= 4), [], 'no count of 1–4')
  t.same([...html.matchAll(/<span class="n"[^>]*>(\d+)<\/span>/g)].map((m) => Number(m[1])).filter((n) => n >= 1 && n <= 4), [])
  t.match(htmlCell(html, 'county', 'A-CRA', 'cases'), /≤4/, 'Tabell 2: A-CRA ≤4, as the FoU report prints it')
  const markers = html.match(/<text[^>]*>≤4<\/text>/g) ?? []
  t.ok(markers.length >= 10, `charts label withheld cells "≤4" (${markers.length})`)
  t.match(html, /Söderhamn jämfört med länet/)
  t.notMatch(html, /exakta uppgifter<\/dd>/, 'nothing is exact for a dashboard')
})

t.test('English on request, by lang or Accept-Language', async (t) => {
  const server = await referenceApp(t)
  const byParam = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020&lang=en', headers: auth(server, ANALYST) })
  const byHeader = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: { ...auth(server, ANALYST), 'accept-language': 'en-GB,en;q=0.9' } })
  for (const res of [byParam, byHeader]) {
    t.equal(res.headers['content-language'], 'en')
    t.match(res.body, /<html lang="en">/)
    t.match(res.body, /Outpatient services for children and young people 2020/)
    t.match(res.body, /Figure 1\./)
    t.match(res.body, /The goal\(s\) of the intervention were fully or partly met/)
    t.match(htmlCell(res.body, 'county', '2182', 'meanAge'), />8\.9</, 'a decimal point in English')
  }
})

t.test('labels are escaped in HTML and in the charts', async (t) => {
  const server = await build(t)
  const headers = auth(server, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  const evil = '<img src=x onerror=alert(1)>'
  for (let i = 0; i < 6; i++) {
    const res = await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: `X-${i}`, manualMethods: [evil] }) })
    t.equal(res.statusCode, 201)
  }
  const res = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2021', headers: auth(server, ANALYST) })
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, /<img/, 'no markup from a method name')
  t.match(res.body, /&lt;img src=x onerror=alert\(1\)&gt;/)
})

t.test('bad requests get problem+json', async (t) => {
  const server = await referenceApp(t)
  const analyst = auth(server, ANALYST)
  const get = (url: string, headers: Record<string, string> = analyst) => server.inject({ method: 'GET', url, headers })

  const noData = await get('/v1/reports/annual?year=2019')
  t.equal(noData.statusCode, 404)
  t.match(noData.headers['content-type'], /^application\/problem\+json/)
  t.match(noData.json().detail, /2019/)
  const noMunicipality = await get('/v1/reports/annual?year=2020&municipality=2180')
  t.equal(noMunicipality.statusCode, 404, 'a municipality without records in the year')

  const notYours = await get('/v1/reports/annual?year=2020&municipality=2182', auth(server, LEAD_HUDIKSVALL))
  t.equal(notYours.statusCode, 403)
  t.same(notYours.json().errors.map((e: { path: string, code: string }) => [e.path, e.code]), [['/query/municipality', 'municipality_not_allowed']])

  const missingYear = await get('/v1/reports/annual')
  t.equal(missingYear.statusCode, 400)
  t.match(missingYear.json().errors[0].path, /\/querystring\/year|\/query/)
  const badFormat = await get('/v1/reports/annual?year=2020&format=docx')
  t.equal(badFormat.statusCode, 400)
  t.match(badFormat.json().errors[0].path, /format/)
  const unacceptable = await get('/v1/reports/annual?year=2020', { ...analyst, accept: 'application/json' })
  t.equal(unacceptable.statusCode, 406)
  t.match(unacceptable.json().detail, /Rapporten finns som text\/html, application\/pdf/)
  const unknownParam = await get('/v1/reports/annual?year=2020&caseRef=X')
  t.equal(unknownParam.statusCode, 400, 'no case reference, nor any other unknown parameter')

  t.equal((await get('/v1/reports/annual?year=2020', {})).statusCode, 401)
  for (const roles of [['registrant'], ['integration'], ['admin']] as const) {
    const res = await get('/v1/reports/annual?year=2020', auth(server, { sub: 'x', roles: [...roles], municipalities: ['2184'] }))
    t.equal(res.statusCode, 403, `${roles[0]} may not read the report`)
  }

  const unknownTable = await get('/v1/stats/nonsense?format=xlsx')
  t.equal(unknownTable.statusCode, 400)
  t.match(unknownTable.headers['content-type'], /^application\/problem\+json/)
  const statsFormat = await get('/v1/stats/problems', { ...analyst, accept: 'application/pdf' })
  t.equal(statsFormat.statusCode, 406)
})

t.test('the report as an XLSX workbook and as HTML by Accept', async (t) => {
  const server = await referenceApp(t)
  const headers = auth(server, ANALYST)
  const xlsx = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: { ...headers, accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } })
  t.equal(xlsx.statusCode, 200)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.match(xlsx.headers['content-disposition'], /attachment; filename="su-x-2020\.xlsx"/)
  t.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK', 'a zip container')
  const html = await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: { ...headers, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
  t.match(html.headers['content-type'], /^text\/html/)
})

t.test('without Chromium, PDF is a 503 problem, not a crash', async (t) => {
  const { database, drop } = await testDatabase()
  const server = Fastify()
  await server.register(app, { config: testConfig(), database, today: () => TODAY })
  await server.register(reportRoutes, { prefix: '/no-chromium', chromiumPath: '/nonexistent/chromium' })
  await server.ready()
  t.teardown(async () => { await server.close(); await drop() })
  await loadReference(server)
  const res = await server.inject({ method: 'GET', url: '/no-chromium/reports/annual?year=2020&format=pdf', headers: auth(server, ANALYST) })
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json().detail, /Chromium/)
  const html = await server.inject({ method: 'GET', url: '/no-chromium/reports/annual?year=2020', headers: auth(server, ANALYST) })
  t.equal(html.statusCode, 200, 'HTML still works')
})

t.test('the trend runs over every year up to the report\'s, and a new record shows in the next report', async (t) => {
  const server = await build(t)
  const headers = auth(server, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  for (let i = 0; i < 6; i++) {
    await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: `Y21-${i}`, closureReason: i < 4 ? 'goals_met' : 'other', closureComment: i < 4 ? null : 'flytt' }) })
    await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: `Y20-${i}`, formVersion: '2020', background: null, problems: ['family_relationship'], interventions: ['traditional_family_treatment'], manualMethods: [], referralDate: '2020-01-10', startDate: '2020-01-20', closingDate: '2020-10-01' }) })
  }
  const analyst = auth(server, ANALYST)
  const y2021 = (await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2021', headers: analyst })).body
  t.equal(count(htmlCell(y2021, 'county', '2020', 'cases')), 6)
  t.equal(count(htmlCell(y2021, 'county', '2021', 'cases')), 6)
  t.equal(pct(htmlCell(y2021, 'county', '2021', 'goalsMet')), '67 %')
  const y2020 = (await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: analyst })).body
  t.equal(htmlCell(y2020, 'county', '2021', 'cases'), null, 'a report does not look past its year')
  t.equal(count(htmlCell(y2020, 'county', 'all', 'cases')), 6)

  await server.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'Y20-new', formVersion: '2020', background: null, problems: ['family_relationship'], interventions: ['traditional_family_treatment'], manualMethods: [], referralDate: '2020-01-10', startDate: '2020-01-20', closingDate: '2020-11-01' }) })
  const after = (await server.inject({ method: 'GET', url: '/v1/reports/annual?year=2020', headers: analyst })).body
  t.equal(count(htmlCell(after, 'county', 'all', 'cases')), 7, 'the rendered report is not served from before the write')
})
