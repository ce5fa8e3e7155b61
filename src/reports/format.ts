import type { Lang } from '../domain/types.js'
import type { PublishedCell } from '../domain/stats/types.js'

// Numbers as the report prints them: Swedish with a decimal comma, a space before "%" and a narrow
// space between thousands; English with the usual signs. Escaping for HTML and SVG text.

const NUMBER = {
  sv: new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 })
}
const ONE_DECIMAL = {
  sv: new Intl.NumberFormat('sv-SE', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
}

export function formatCount (n: number, lang: Lang): string {
  return NUMBER[lang].format(n)
}

/** A share in whole per cent, as the report prints them ("57 %"). */
export function formatPercent (share: number, lang: Lang): string {
  const n = NUMBER[lang].format(Math.round(share * 100))
  return lang === 'sv' ? `${n} %` : `${n}%`
}

/** A 95 % interval as "50–64 %". */
export function formatInterval (ci: readonly [number, number], lang: Lang): string {
  const lo = NUMBER[lang].format(Math.round(ci[0] * 100))
  const hi = NUMBER[lang].format(Math.round(ci[1] * 100))
  return lang === 'sv' ? `${lo}–${hi} %` : `${lo}–${hi}%`
}

/** Columns whose values are ages or ratios read differently from days. */
const AGE_COLUMNS = new Set(['meanAge'])
const WHOLE_COLUMNS = new Set(['minAge', 'maxAge', 'min', 'max'])

export function formatValue (column: string, v: number, lang: Lang): string {
  if (column === 'ratio') return formatPercent(v, lang)
  if (AGE_COLUMNS.has(column)) return ONE_DECIMAL[lang].format(v)
  if (WHOLE_COLUMNS.has(column) || Number.isInteger(v)) return NUMBER[lang].format(v)
  // Means and medians of days: whole days, as the report prints them.
  return NUMBER[lang].format(Math.round(v))
}

/** The text a published cell shows: its marker when withheld, else its number. */
export function cellText (cell: PublishedCell, lang: Lang): string {
  if (cell.display !== undefined) return cell.display
  if (typeof cell.count === 'number') return formatCount(cell.count, lang)
  if (typeof cell.value === 'number') return formatValue(cell.column, cell.value, lang)
  return '–'
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text for HTML or XML content and attribute values. */
export function escapeHtml (s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c])
}
