import * as vega from 'vega'
import * as vl from 'vega-lite'
import type { PublishedCell, PublishedTable } from '../domain/stats/types.js'
import type { Lang } from '../domain/types.js'
import type { ChartPlan, SectionData } from './annual.js'
import { escapeHtml, formatPercent, formatValue } from './format.js'
import { installTextMetrics } from './text-metrics.js'

// Bar charts of the report as SVG, drawn on the server: a vega-lite spec per section, compiled to
// vega and rendered by vega's headless View (no canvas, no browser). A withheld cell is drawn as a
// hollow diamond at zero labelled with its marker ("≤4", "..", "–"), never as a bar: a bar would
// have to guess a height the protection withholds on purpose.

export const FONT = 'Liberation Sans, Arial, Helvetica, sans-serif'
/** The chosen municipality in the report's deep blue, the county beside it in a light steel blue. */
const SCOPE_COLOURS = ['#1d5b8f', '#9bb8d3']
/** Categories (genders, intervention groups, closure reasons): distinguishable, also in greyscale print. */
const CATEGORY_COLOURS = ['#1d5b8f', '#e08a3c', '#5b9a68', '#8c6bb1', '#c9514f', '#7f8c8d']
const BAR_STEP = 13
const PLOT_WIDTH = 330

export interface ChartDatum {
  row: string
  series: string
  panel: string
  /** The bar's length; null for a withheld cell (no bar). */
  x: number | null
  lo: number | null
  hi: number | null
  /** Where the value label goes: past the bar and its interval. */
  labelAt: number | null
  label: string | null
  marker: string | null
}

export interface Chart {
  spec: vl.TopLevelSpec
  data: ChartDatum[]
}

type Measure = 'share' | 'value'

/** One cell as a bar, a marker, or nothing (an empty value). */
function datum (cell: PublishedCell | undefined, measure: Measure, lang: Lang, at: Pick<ChartDatum, 'row' | 'series' | 'panel'>): ChartDatum | null {
  const none = { ...at, x: null, lo: null, hi: null, labelAt: null, label: null }
  if (cell === undefined) return measure === 'share' ? { ...none, x: 0, labelAt: 0, label: formatPercent(0, lang), marker: null } : null
  if (cell.display !== undefined) return { ...none, marker: cell.display }
  if (measure === 'value') {
    if (typeof cell.value !== 'number') return null
    return { ...none, x: cell.value, labelAt: cell.value, label: formatValue(cell.column, cell.value, lang), marker: null }
  }
  if (typeof cell.share === 'number') {
    const [lo, hi] = cell.ci95 ?? [null, null]
    return { ...at, x: cell.share, lo, hi, labelAt: Math.max(cell.share, hi ?? 0), label: formatPercent(cell.share, lang), marker: null }
  }
  // A count without a share: zero (nothing to divide) or a share withheld for a small denominator.
  if (cell.count === 0) return { ...none, x: 0, labelAt: 0, label: '0', marker: null }
  return { ...none, marker: '–' }
}

const visible = (t: PublishedTable): boolean => !t.withheld && t.rows.length > 0

/** Row keys in the county's order, then any only the municipality has. */
function rowKeys (tables: PublishedTable[]): Array<{ key: string, label: string }> {
  const seen = new Map<string, string>()
  for (const t of [...tables].reverse()) for (const r of t.rows) if (!seen.has(r.key)) seen.set(r.key, r.label)
  return [...seen].map(([key, label]) => ({ key, label }))
}

const cellOf = (t: PublishedTable, row: string, column: string): PublishedCell | undefined =>
  t.rows.find((r) => r.key === row)?.cells.find((c) => c.column === column)

/** Something to show: a non-zero count or value, or a marker. */
const informative = (c: PublishedCell | undefined): boolean =>
  c !== undefined && (c.display !== undefined || (typeof c.count === 'number' && c.count > 0) || typeof c.value === 'number')

/** The data of a section's chart, with rows and columns that hold nothing left out. */
export function chartData (section: SectionData, lang: Lang): ChartDatum[] {
  const plan = section.plan.chart as ChartPlan
  const shown = section.tables.filter((s) => visible(s.table))
  const tables = shown.map((s) => s.table)
  const rows = rowKeys(tables)
  const out: ChartDatum[] = []
  if (plan.kind === 'scopes') {
    for (const row of rows) {
      if (!tables.some((t) => informative(cellOf(t, row.key, plan.column)))) continue
      for (const { scope, table } of shown) {
        const d = datum(cellOf(table, row.key, plan.column), plan.measure, lang, { row: row.label, series: scope.label, panel: '' })
        if (d) out.push(d)
      }
    }
    return out
  }
  const columns = (tables[0]?.columns ?? []).filter((c) => rows.some((r) => tables.some((t) => informative(cellOf(t, r.key, c.key)))))
  for (const { scope, table } of shown) {
    for (const row of rows) {
      if (!columns.some((c) => informative(cellOf(table, row.key, c.key)))) continue
      for (const c of columns) {
        const d = datum(cellOf(table, row.key, c.key), 'share', lang, { row: row.label, series: c.label, panel: scope.label })
        if (d) out.push(d)
      }
    }
  }
  return out
}

const unique = (xs: string[]): string[] => [...new Set(xs)]

const percentAxis = (lang: Lang) => ({ labelExpr: lang === 'sv' ? "format(datum.value * 100, 'd') + ' %'" : "format(datum.value * 100, 'd') + '%'", tickCount: 5 })

function layers (measure: Measure, axisTitle: string, lang: Lang) {
  const x = (field: string) => ({ field, type: 'quantitative' as const, title: axisTitle })
  const ink = { value: '#222222' }
  return [
    { mark: { type: 'bar' as const, height: { band: 0.86 } }, encoding: { x: { ...x('x'), axis: measure === 'share' ? percentAxis(lang) : { format: 'd', tickCount: 5 } } } },
    { transform: [{ filter: 'datum.lo != null' }], mark: { type: 'rule' as const, strokeWidth: 1 }, encoding: { x: x('lo'), x2: { field: 'hi' }, color: { value: '#3a3a3a' } } },
    { transform: [{ filter: 'datum.label != null' }], mark: { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, dx: 4, fontSize: 9.5 }, encoding: { x: x('labelAt'), text: { field: 'label' }, color: ink } },
    { transform: [{ filter: 'datum.marker != null' }], mark: { type: 'point' as const, shape: 'diamond', filled: false, size: 46, strokeWidth: 1.5 }, encoding: { x: { datum: 0 }, color: { value: '#3a3a3a' } } },
    { transform: [{ filter: 'datum.marker != null' }], mark: { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, dx: 7, fontSize: 9.5, fontWeight: 'bold' as const }, encoding: { x: { datum: 0 }, text: { field: 'marker' }, color: ink } }
  ]
}

const CONFIG = {
  font: FONT,
  aria: false,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 10.5, titleFontSize: 10.5, titleFontWeight: 'normal' as const, labelColor: '#2b2b2b', titleColor: '#4a4a4a', domainColor: '#9aa3ab', tickColor: '#9aa3ab', gridColor: '#e4e8ec' },
  axisY: { labelLimit: 290, ticks: false, domain: false, labelPadding: 6 },
  legend: { orient: 'top' as const, labelFontSize: 10.5, symbolType: 'square', title: null, columnPadding: 14, labelLimit: 320 },
  header: { labelFontSize: 11.5, labelFontWeight: 'bold' as const, labelColor: '#1b3550', title: null }
}

/** The vega-lite spec of a section's chart; null when there is nothing to draw. */
export function chartOf (section: SectionData, lang: Lang): Chart | null {
  const plan = section.plan.chart
  if (!plan) return null
  const data = chartData(section, lang)
  if (data.length === 0) return null
  const measure: Measure = plan.kind === 'scopes' ? plan.measure : 'share'
  const series = unique(data.map((d) => d.series))
  const panels = unique(data.map((d) => d.panel))
  const present = new Set(data.map((d) => d.row))
  const rows = rowKeys(section.tables.map((s) => s.table)).map((r) => r.label).filter((l) => present.has(l))
  const colours = plan.kind === 'scopes' ? SCOPE_COLOURS : CATEGORY_COLOURS
  const axisTitle = measure === 'share' ? (lang === 'sv' ? 'Andel' : 'Share') : (lang === 'sv' ? 'Dagar' : 'Days')
  const inner = {
    height: Math.max(rows.length * series.length * BAR_STEP, 40),
    encoding: {
      y: { field: 'row', type: 'nominal' as const, sort: rows, title: null, axis: { labelLimit: 290 } },
      yOffset: { field: 'series', type: 'nominal' as const, sort: series },
      color: { field: 'series', type: 'nominal' as const, sort: series, scale: { domain: series, range: colours.slice(0, Math.max(series.length, 1)) }, legend: series.length > 1 ? { columns: series.length > 3 ? 2 : series.length } : null }
    },
    layer: layers(measure, axisTitle, lang)
  }
  const spec = panels.length > 1
    ? { data: { values: data }, facet: { column: { field: 'panel', type: 'nominal' as const, sort: panels, header: { title: null } } }, spec: { width: Math.round(PLOT_WIDTH * 0.62), ...inner }, resolve: { scale: { x: 'shared' as const } }, config: CONFIG }
    : { data: { values: data }, width: PLOT_WIDTH, ...inner, config: CONFIG }
  return { spec: spec as unknown as vl.TopLevelSpec, data }
}

export interface SvgMeta {
  id: string
  title: string
  description: string
}

/**
 * The chart as an SVG document that names itself to assistive technology: role="img" named by its
 * <title> and described by its <desc>, ids made unique per chart so several fit in one page.
 */
export async function renderSvg (spec: vl.TopLevelSpec, meta: SvgMeta): Promise<string> {
  installTextMetrics()
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' })
  try {
    const svg = await view.toSVG()
    return accessible(svg, meta)
  } finally {
    view.finalize()
  }
}

function accessible (svg: string, meta: SvgMeta): string {
  const id = meta.id.replace(/[^A-Za-z0-9_-]/g, '-')
  const body = svg
    .replace(/\bid="([^"]+)"/g, `id="${id}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${id}-$1)`)
  return body.replace(/^<svg\b([^>]*)>/, (_all, attrs: string) =>
    `<svg${attrs.replace(/\sclass="([^"]*)"/, ' class="$1 chart"')} role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeHtml(meta.title)}</title><desc id="${id}-desc">${escapeHtml(meta.description)}</desc>`)
}
