import type { PublishedCell, PublishedRow, PublishedTable } from '../domain/stats/types.js'
import type { Lang } from '../domain/types.js'
import type { Scope } from './annual.js'
import { cellText, escapeHtml as e, formatCount, formatInterval, formatPercent } from './format.js'
import { TEXTS } from './texts.js'

// The tables of the report as HTML. Every number is a published cell of the caller's table,
// written with data attributes (scope, row, column, count) so that tests and screen readers can
// find it; a withheld cell shows its marker and nothing else.

export interface ScopedTable { scope: Scope, table: PublishedTable }

type ColumnKind = 'countShare' | 'count' | 'value'

interface Column { key: string, label: string, kind: ColumnKind }

const cellOf = (row: PublishedRow | undefined, column: string): PublishedCell | undefined => row?.cells.find((c) => c.column === column)

/** Something worth a line: a non-zero count or a value, or a marker. */
const informative = (c: PublishedCell | undefined): boolean =>
  c !== undefined && (c.display !== undefined || (typeof c.count === 'number' && c.count > 0) || typeof c.value === 'number')

function columnsOf (tables: PublishedTable[]): Column[] {
  const first = tables[0]
  return first.columns.map(({ key, label }) => {
    const cells = tables.flatMap((t) => t.rows.map((r) => cellOf(r, key))).filter((c): c is PublishedCell => c !== undefined)
    const kind: ColumnKind = cells.some((c) => 'value' in c) ? 'value' : cells.some((c) => 'share' in c) ? 'countShare' : 'count'
    return { key, label, kind }
  })
}

/** The table's rows in the county's order, then any only the municipality has. */
function rowList (tables: PublishedTable[]): Array<{ key: string, label: string }> {
  const seen = new Map<string, string>()
  for (const t of [...tables].reverse()) for (const r of t.rows) if (!seen.has(r.key)) seen.set(r.key, r.label)
  return [...seen].map(([key, label]) => ({ key, label }))
}

function countSpan (cell: PublishedCell, lang: Lang): string {
  if (cell.display !== undefined) return `<span class="marker" data-suppressed="${e(cell.suppressed ?? '')}">${e(cell.display)}</span>`
  if (typeof cell.count === 'number') return `<span class="n" data-count="${cell.count}">${e(formatCount(cell.count, lang))}</span>`
  return '<span class="n">–</span>'
}

function attrs (scope: Scope, row: string, column: string): string {
  return `data-scope="${scope.id}" data-row="${e(row)}" data-col="${e(column)}"`
}

/** One cell, compact: the count, its share and interval beneath. */
function compactCell (scope: Scope, row: string, col: Column, cell: PublishedCell | undefined, lang: Lang): string {
  const at = attrs(scope, row, col.key)
  if (cell === undefined) return `<td class="num" ${at}><span class="n" data-count="0">0</span></td>`
  if (col.kind === 'value') {
    const cls = cell.display !== undefined ? 'num withheld' : 'num'
    return `<td class="${cls}" ${at}><span class="v">${e(cellText(cell, lang))}</span></td>`
  }
  const share = typeof cell.share === 'number' ? ` <span class="pct">${e(formatPercent(cell.share, lang))}</span>` : ''
  const ci = cell.ci95 ? `<span class="ci">${e(formatInterval(cell.ci95, lang))}</span>` : ''
  return `<td class="num${cell.display !== undefined ? ' withheld' : ''}" ${at}>${countSpan(cell, lang)}${share}${ci}</td>`
}

/** One cell spread over count, share and interval columns. */
function wideCells (scope: Scope, row: string, col: Column, cell: PublishedCell | undefined, lang: Lang): string {
  const at = attrs(scope, row, col.key)
  if (cell === undefined) return `<td class="num" ${at}><span class="n" data-count="0">0</span></td><td class="num"></td><td class="num"></td>`
  const share = typeof cell.share === 'number' ? e(formatPercent(cell.share, lang)) : ''
  const ci = cell.ci95 ? e(formatInterval(cell.ci95, lang)) : ''
  return `<td class="num${cell.display !== undefined ? ' withheld' : ''}" ${at}>${countSpan(cell, lang)}</td><td class="num pct">${share}</td><td class="num ci-col">${ci}</td>`
}

function totalCell (scope: Scope, row: PublishedRow | undefined, lang: Lang): string {
  const at = attrs(scope, row?.key ?? '', 'total')
  if (!row) return `<td class="num total" ${at}><span class="n" data-count="0">0</span></td>`
  if (row.totalDisplay !== undefined) return `<td class="num total withheld" ${at}><span class="marker">${e(row.totalDisplay)}</span></td>`
  if (typeof row.total === 'number') return `<td class="num total" ${at}><span class="n" data-count="${row.total}">${e(formatCount(row.total, lang))}</span></td>`
  return `<td class="num total" ${at}></td>`
}

export interface TableOptions {
  lang: Lang
  /** A row to set off (the chosen municipality in Tabell 1). */
  highlight?: string | null
  caption: string
}

/**
 * The section's table(s): the scopes side by side when they fit on a page's width, otherwise one
 * table per scope. Rows and columns without a single case in any scope are left out, and named.
 */
export function sectionTables (scoped: ScopedTable[], opts: TableOptions): string {
  const { lang } = opts
  const withheld = scoped.filter((s) => s.table.withheld || s.table.rows.length === 0)
  const shown = scoped.filter((s) => !withheld.includes(s))
  const notes = withheld.map((s) => `<p class="withheld-note">${e(s.scope.label)}: ${e(s.table.reason ?? TEXTS.withheld[lang])}</p>`)
  if (shown.length === 0) return notes.join('')
  const tables = shown.map((s) => s.table)
  const allColumns = columnsOf(tables)
  const allRows = rowList(tables)
  const rowsIn = (s: ScopedTable, key: string) => s.table.rows.find((r) => r.key === key)
  const columns = allColumns.filter((c) => allRows.some((r) => shown.some((s) => informative(cellOf(rowsIn(s, r.key), c.key)))))
  const hasTotal = tables.some((t) => t.rows.some((r) => r.total !== undefined || r.totalDisplay !== undefined))
  const rows = allRows.filter((r) => shown.some((s) => {
    const row = rowsIn(s, r.key)
    return columns.some((c) => informative(cellOf(row, c.key))) || (typeof row?.total === 'number' && row.total > 0) || row?.totalDisplay !== undefined
  }))
  const left = [
    ...allRows.filter((r) => !rows.includes(r)).map((r) => r.label),
    ...allColumns.filter((c) => !columns.includes(c)).map((c) => c.label)
  ]
  if (left.length > 0) notes.push(`<p class="omitted">${e(TEXTS.omittedRows[lang])}: ${e(left.join(', '))}.</p>`)

  const wide = columns.length === 1 && columns[0].kind === 'countShare'
  const perScope = columns.length + (hasTotal ? 1 : 0)
  const together = wide || shown.length * perScope <= 6
  const groups = together ? [shown] : shown.map((s) => [s])
  const html = groups.map((group) => {
    const span = wide ? 3 : perScope
    const scopeHead = group.length > 1
      ? `<tr><th scope="col" class="corner"></th>${group.map((s) => `<th scope="colgroup" colspan="${span}" class="scope scope-${s.scope.id}">${e(s.scope.label)}</th>`).join('')}</tr>`
      : ''
    const columnHead = group.map(() => wide
      ? `<th scope="col">${e(TEXTS.count[lang])}</th><th scope="col">${e(TEXTS.share[lang])}</th><th scope="col">${e(TEXTS.interval[lang])}</th>`
      : columns.map((c) => `<th scope="col">${e(c.label)}</th>`).join('') + (hasTotal ? `<th scope="col">${e(TEXTS.total[lang])}</th>` : '')).join('')
    const body = rows.map((r) => {
      const cls = [r.key === 'all' ? 'sum' : '', r.key === opts.highlight ? 'chosen' : ''].filter(Boolean).join(' ')
      const cells = group.map((s) => {
        const row = rowsIn(s, r.key)
        const data = columns.map((c) => (wide ? wideCells : compactCell)(s.scope, r.key, c, cellOf(row, c.key), lang)).join('')
        return data + (hasTotal ? totalCell(s.scope, row, lang) : '')
      }).join('')
      return `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${e(r.label)}</th>${cells}</tr>`
    }).join('')
    const caption = together || shown.length === 1 ? opts.caption : `${opts.caption} – ${group[0].scope.label}`
    return `<table class="data${wide ? ' wide' : ''}"><caption>${e(caption)}</caption><thead>${scopeHead}<tr><th scope="col" class="corner"></th>${columnHead}</tr></thead><tbody>${body}</tbody></table>`
  })
  return html.join('') + notes.join('')
}
