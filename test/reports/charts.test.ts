import { SaxesParser } from 'saxes'
import t from 'tap'
import type { PublishedTable } from '../../src/domain/stats/types.js'
import { type SectionData, SECTIONS } from '../../src/reports/annual.js'
import { chartData, chartOf, renderSvg } from '../../src/reports/charts.js'
import { negotiate } from '../../src/reports/negotiate.js'
import { textWidth } from '../../src/reports/text-metrics.js'

// Charts without a server: the data behind the bars, the SVG vega draws, and its accessibility.

const plan = (id: string) => SECTIONS.find((s) => s.id === id) as SectionData['plan']
const county = { id: 'county' as const, label: 'Länet', protection: 'suppressed' as const, exact: false }
const local = { id: 'municipality' as const, label: 'Hudiksvall', protection: 'none' as const, exact: true }

/** A protected closure-reasons table: goals met 40, one reason withheld as ≤4, one as "..". */
const protectedClosure: PublishedTable = {
  table: 'closure-reasons',
  filters: { year: 2020 },
  population: 60,
  protection: 'suppressed',
  columns: [{ key: 'cases', label: 'Antal ärenden' }],
  rows: [
    { key: 'goals_met', label: 'Målen uppnådda', cells: [{ column: 'cases', count: 40, share: 40 / 60, ci95: [0.54, 0.77] }] },
    { key: 'not_matching_needs', label: 'Svarar inte mot behov', cells: [{ column: 'cases', count: null, share: null, ci95: null, display: '≤4', suppressed: 'primary' }] },
    { key: 'discontinued_by_guardian', label: 'Avbrutet av vårdnadshavare', cells: [{ column: 'cases', count: null, share: null, ci95: null, display: '..', suppressed: 'secondary' }] },
    { key: 'never_started', label: 'Påbörjades aldrig', cells: [{ column: 'cases', count: 0, share: 0, ci95: [0, 0.06] }] },
    { key: 'other', label: 'Andra orsaker', cells: [{ column: 'cases', count: 11, share: 11 / 60, ci95: [0.1, 0.29] }] }
  ]
}
const exactClosure: PublishedTable = {
  ...protectedClosure,
  protection: 'none',
  population: 20,
  rows: protectedClosure.rows.map((r, i) => ({ ...r, cells: [{ column: 'cases', count: [12, 3, 2, 0, 3][i], share: [12, 3, 2, 0, 3][i] / 20, ci95: [0.1, 0.5] as [number, number] }] }))
}
const section: SectionData = { plan: plan('closure-reasons'), number: 'Diagram 6', tables: [{ scope: local, table: exactClosure }, { scope: county, table: protectedClosure }] }

function wellFormed (xml: string): string | null {
  const parser = new SaxesParser({ xmlns: true })
  let error: string | null = null
  parser.on('error', (e) => { error ??= e.message })
  parser.write(xml).close()
  return error
}

t.test('a withheld cell is a marker with its label, never a bar', async (t) => {
  const data = chartData(section, 'sv')
  const countyRows = data.filter((d) => d.series === 'Länet')
  t.same(countyRows.map((d) => [d.row, d.x === null ? null : Math.round(d.x * 100), d.marker]), [
    ['Målen uppnådda', 67, null],
    ['Svarar inte mot behov', null, '≤4'],
    ['Avbrutet av vårdnadshavare', null, '..'],
    ['Andra orsaker', 18, null]
  ], 'the row nobody has (never started) is left out; withheld cells carry their marker and no length')
  t.same(data.filter((d) => d.series === 'Hudiksvall').map((d) => d.x), [0.6, 0.15, 0.1, 0.15], 'the exact scope has every bar')
  t.equal(data.find((d) => d.marker === null && d.series === 'Länet')?.label, '67 %')
})

t.test('the SVG is well-formed, titled, and draws exactly one bar per published share', async (t) => {
  const chart = chartOf(section, 'sv')
  if (!chart) throw new Error('no chart')
  const svg = await renderSvg(chart.spec, { id: 'chart-closure', title: 'Diagram 6. Avslutsorsaker', description: 'Andel av samtliga ärenden & mer.' })
  t.equal(wellFormed(svg), null, 'well-formed XML')
  t.match(svg, /^<svg [^>]*role="img" aria-labelledby="chart-closure-title" aria-describedby="chart-closure-desc"/)
  t.match(svg, /<title id="chart-closure-title">Diagram 6\. Avslutsorsaker<\/title><desc id="chart-closure-desc">Andel av samtliga ärenden &amp; mer\.<\/desc>/)
  const bars = svg.match(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/)?.[1] ?? ''
  t.equal((bars.match(/<path/g) ?? []).length, 6, '4 bars for Hudiksvall, 2 for the county: none for ≤4 or ..')
  const markers = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/)?.[1] ?? ''
  t.equal((markers.match(/<path/g) ?? []).length, 2, 'two diamonds')
  t.match(svg, />≤4<\/text>/)
  t.match(svg, />\.\.<\/text>/)
  t.match(svg, />Svarar inte mot behov<\/text>/, 'axis labels whole, not cut')
})

t.test('charts in one page have ids of their own', async (t) => {
  const chart = chartOf(section, 'sv')
  if (!chart) throw new Error('no chart')
  const a = await renderSvg(chart.spec, { id: 'a', title: 'A', description: 'A' })
  const b = await renderSvg(chart.spec, { id: 'b', title: 'B', description: 'B' })
  const ids = [...(a + b).matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
  t.equal(new Set(ids).size, ids.length, 'no id twice')
})

t.test('a chart by columns has a panel per scope; nothing to draw gives no chart', async (t) => {
  const empty: PublishedTable = { ...protectedClosure, withheld: true, reason: 'för få', rows: [], population: null }
  t.equal(chartOf({ ...section, tables: [{ scope: county, table: empty }] }, 'sv'), null)
  const byGroup: PublishedTable = {
    table: 'closure-by-intervention', filters: {}, population: 30, protection: 'none',
    columns: [{ key: 'goals_met', label: 'Mål' }, { key: 'other', label: 'Annat' }],
    rows: [{ key: 'traditional_only', label: 'Traditionell', total: 30, cells: [{ column: 'goals_met', count: 20, share: 2 / 3, ci95: [0.5, 0.8] }, { column: 'other', count: 10, share: 1 / 3, ci95: [0.2, 0.5] }] }]
  }
  const two = chartOf({ plan: plan('closure-by-intervention'), number: 'Diagram 7', tables: [{ scope: local, table: byGroup }, { scope: county, table: byGroup }] }, 'en')
  t.ok(two && 'facet' in (two.spec as object), 'faceted by scope')
  t.same([...new Set(two?.data.map((d) => d.panel))], ['Hudiksvall', 'Länet'])
  t.same(two?.data.map((d) => d.label), ['67%', '33%', '67%', '33%'], 'English per cent')
})

t.test('content negotiation: format by q-value, then header order, then the route\'s default', async (t) => {
  const offered = ['html', 'pdf', 'xlsx'] as const
  t.equal(negotiate(undefined, offered), 'html')
  t.equal(negotiate('*/*', offered), 'html')
  t.equal(negotiate('application/pdf', offered), 'pdf')
  t.equal(negotiate('text/html;q=0.5, application/pdf', offered), 'pdf')
  t.equal(negotiate('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/html', offered), 'xlsx')
  t.equal(negotiate('application/*', offered), 'pdf')
  t.equal(negotiate('application/json', offered), null)
  t.equal(negotiate('application/pdf;q=0', offered), null)
  t.equal(negotiate('text/csv, application/json', ['json', 'csv'] as const), 'csv', 'the header\'s order breaks a tie')
})

t.test('text widths follow the font, so labels are measured, not guessed', async (t) => {
  t.equal(textWidth('iii', 10), 6.66)
  t.equal(textWidth('MMM', 10), 24.99)
  t.ok(textWidth('Brister i hemmiljön, pga. psykisk ohälsa hos förälder', 10.5) < 280, 'the longest problem label fits the label column')
})
