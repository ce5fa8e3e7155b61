// Date formats of import profiles. Case systems export dates as ISO, as compact YYYYMMDD or in a
// day-first Swedish style, sometimes with a time of day or a Swedish month name; a profile names
// the formats its export uses. Tokens: YYYY, MM/M (month), MMM (month name, Swedish or English,
// full or abbreviated), DD/D (day), hh, mm, ss (a time of day, ignored). Anything else is literal.

export interface DateFormat {
  pattern: string
  regex: RegExp
  /** Capture group of year, month and day; `monthName` when the month is spelled out. */
  groups: { year: number, month: number, day: number }
  monthName: boolean
}

const TOKEN = /YYYY|MMM|MM|M|DD|D|hh|mm|ss/g

const MONTHS: Record<string, number> = {}
const NAMES: Array<[number, string[]]> = [
  [1, ['januari', 'january']], [2, ['februari', 'february']], [3, ['mars', 'march']], [4, ['april']],
  [5, ['maj', 'may']], [6, ['juni', 'june']], [7, ['juli', 'july']], [8, ['augusti', 'august']],
  [9, ['september', 'sept']], [10, ['oktober', 'october']], [11, ['november']], [12, ['december']]
]
for (const [n, names] of NAMES) {
  for (const name of names) {
    MONTHS[name] = n
    MONTHS[name.slice(0, 3)] = n
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The format compiled, or null when it does not name exactly one year, month and day. */
export function compileDateFormat (pattern: string): DateFormat | null {
  let source = ''
  let last = 0
  let group = 0
  const groups = { year: 0, month: 0, day: 0 }
  let monthName = false
  const seen = { year: 0, month: 0, day: 0 }
  for (const m of pattern.matchAll(TOKEN)) {
    source += escape(pattern.slice(last, m.index))
    last = m.index + m[0].length
    group++
    switch (m[0]) {
      case 'YYYY': source += '(\\d{4})'; groups.year = group; seen.year++; break
      case 'MMM': source += '(\\p{L}{3,9}\\.?)'; groups.month = group; seen.month++; monthName = true; break
      case 'MM': source += '(\\d{2})'; groups.month = group; seen.month++; break
      case 'M': source += '(\\d{1,2})'; groups.month = group; seen.month++; break
      case 'DD': source += '(\\d{2})'; groups.day = group; seen.day++; break
      case 'D': source += '(\\d{1,2})'; groups.day = group; seen.day++; break
      default: source += '(\\d{1,2})'
    }
  }
  source += escape(pattern.slice(last))
  if (seen.year !== 1 || seen.month !== 1 || seen.day !== 1) return null
  return { pattern, regex: new RegExp(`^${source}$`, 'iu'), groups, monthName }
}

export const ISO_DATE = compileDateFormat('YYYY-MM-DD') as DateFormat

function isoIfValid (year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null
  const d = new Date(Date.UTC(year, month - 1, day))
  if (d.getUTCMonth() !== month - 1) return null
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** The date as YYYY-MM-DD, read with the first format that fits and names a real day; else null. */
export function parseDate (text: string, formats: readonly DateFormat[]): string | null {
  const t = text.trim()
  for (const f of formats) {
    const m = f.regex.exec(t)
    if (!m) continue
    const month = f.monthName ? MONTHS[m[f.groups.month].replace('.', '').toLowerCase()] : Number(m[f.groups.month])
    if (month === undefined) continue
    const iso = isoIfValid(Number(m[f.groups.year]), month, Number(m[f.groups.day]))
    if (iso) return iso
  }
  return null
}
