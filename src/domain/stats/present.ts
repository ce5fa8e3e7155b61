import type { Lang } from '../types.js'
import type { Grid, Mark } from './grid.js'
import type { Suppression } from './suppress.js'
import type {
  ExactCountCell, ExactRow, ExactTable, ExactValueCell, KeyKind, PublishedCell, PublishedRow, PublishedTable
} from './types.js'
import { wilson } from './wilson.js'

// An exact table as a caller sees it: labelled, and, when protected, with the counts that
// suppress.ts withholds and every other number that would give one of them away.
//
// Markers: a primary count shows "≤4" (≤ threshold − 1, SPEC §3); a secondary count shows "..",
// the Nordic statistical offices' sign for a figure that is not published (it may be large, so
// "≤4" would be false); a withheld value shows "–" (SPEC §3), primary or secondary alike.
//
// Beyond the counts, an intruder could recover a withheld number from:
//   - a share and its interval: count = share × denominator, and the interval alone gives the
//     denominator away (even at a share of 0). A share is therefore withheld with its count, when
//     its denominator is below the threshold (it is itself a small count), and when its
//     denominator is a withheld count of the same row (denominator = count / share).
//   - a value over n records: a mean times n is a sum, and sums add up across rows just as counts
//     do. A value is withheld when n is below the threshold (rule 1), when n is a withheld count of
//     its row (the records it describes are hidden, and mean × n over the other rows would
//     narrow them), and when value × n is a withheld count of its row (a ratio alone/occurrences
//     gives `alone` away).
// The rows' counts are matched by value, not by name: a table need not say which count a
// denominator or an n is, and a coincidence only withholds a little more than necessary.

export interface PresentOptions {
  filters: Record<string, unknown>
  /** The language of labels come from `label`; this one is for the reason of a withheld table. */
  lang?: Lang
  label: (kind: KeyKind, key: string) => string
}

export const SECONDARY_DISPLAY = '..'
export const VALUE_DISPLAY = '–'
export const primaryDisplay = (threshold: number): string => `≤${threshold - 1}`

/** Why a table is withheld whole, in the caller's language (perturbed tables use the first). */
export const REASONS = {
  population: {
    sv: (t: number) => `Tabellen visas inte: färre än ${t} ärenden matchar urvalet.`,
    en: (t: number) => `Table withheld: fewer than ${t} records match the filters.`
  },
  unprotectable: {
    sv: () => 'Tabellen visas inte: dess små tal kan inte skyddas utan att hela tabellen döljs.',
    en: () => 'Table withheld: its small counts cannot be protected short of withholding it all.'
  }
}

/** The exact share and its Wilson interval; null where there is nothing to divide by. */
function exactShare (cell: ExactCountCell): Pick<PublishedCell, 'share' | 'ci95'> {
  if (cell.denominator === null) return {}
  if (cell.denominator === 0) return { share: null, ci95: null }
  return { share: cell.count / cell.denominator, ci95: wilson(cell.count, cell.denominator) }
}

type RowBody = Pick<PublishedRow, 'cells' | 'total' | 'totalDisplay' | 'totalSuppressed'>

function exactRow (row: ExactRow): RowBody {
  const cells = row.cells.map((cell): PublishedCell => cell.kind === 'count'
    ? { column: cell.column, count: cell.count, ...exactShare(cell) }
    : { column: cell.column, value: cell.value })
  return row.total === null ? { cells } : { cells, total: row.total }
}

/** Protected cells and total of row `r`, given the marks of suppress.ts. */
function protectedRow (row: ExactRow, r: number, s: Suppression): RowBody {
  const { grid: g, marks, threshold } = s
  const markOf = (column: string): Mark | null => marks[g.at({ row: row.key, column }) as number]
  // The withheld counts of this row, by exact value: what a share's denominator or a value's n
  // must not turn out to be.
  const hidden = new Set(rowMembers(g, r).filter((i) => marks[i] !== null).map((i) => g.members[i].value))
  const withheld = (mark: Mark): Pick<PublishedCell, 'display' | 'suppressed'> =>
    ({ display: mark === 'primary' ? primaryDisplay(threshold) : SECONDARY_DISPLAY, suppressed: mark })

  const count = (cell: ExactCountCell): PublishedCell => {
    const mark = markOf(cell.column)
    const noShare = cell.denominator === null ? {} : { share: null, ci95: null }
    if (mark !== null) return { column: cell.column, count: null, ...noShare, ...withheld(mark) }
    const d = cell.denominator
    if (d !== null && (d < threshold || hidden.has(d))) return { column: cell.column, count: cell.count, ...noShare }
    return { column: cell.column, count: cell.count, ...exactShare(cell) }
  }

  const value = (cell: ExactValueCell): PublishedCell => {
    if (cell.value === null || cell.n === 0) return { column: cell.column, value: null }
    const off = (suppressed: Mark): PublishedCell => ({ column: cell.column, value: null, display: VALUE_DISPLAY, suppressed })
    if (cell.n < threshold) return off('primary')
    const product = cell.value * cell.n
    if (hidden.has(cell.n) || [...hidden].some((h) => Math.abs(product - h) < 1e-6 * Math.max(1, h))) return off('secondary')
    return { column: cell.column, value: cell.value }
  }

  const cells = row.cells.map((cell) => (cell.kind === 'count' ? count(cell) : value(cell)))
  if (row.total === null) return { cells }
  const mark = markOf('total')
  if (mark === null) return { cells, total: row.total }
  const { display, suppressed } = withheld(mark)
  return { cells, total: null, totalDisplay: display, totalSuppressed: suppressed }
}

function rowMembers (g: Grid, r: number): number[] {
  return g.members.flatMap((m, i) => (m.row === r ? [i] : []))
}

/**
 * The published form of `table`: exact when `suppression` is null (`protection: 'none'`),
 * otherwise protected by it.
 */
/** What every published form of a table starts with: its name, the filters asked, labelled columns. */
export function tableHead (table: ExactTable, opts: PresentOptions): Pick<PublishedTable, 'table' | 'filters' | 'columns'> {
  return {
    table: table.table,
    filters: opts.filters,
    columns: table.columns.map((key) => ({ key, label: opts.label(table.columnKind, key) }))
  }
}

export function present (table: ExactTable, suppression: Suppression | null, opts: PresentOptions): PublishedTable {
  const head = tableHead(table, opts)
  const notes = table.notes ? { notes: table.notes } : {}
  const label = (row: ExactRow): string => opts.label(row.keyKind ?? table.rowKind, row.key)
  if (suppression === null) {
    const rows = table.rows.map((row) => ({ key: row.key, label: label(row), ...exactRow(row) }))
    return { ...head, population: table.population, protection: 'none', rows, ...notes }
  }
  if (suppression.withheld !== null) {
    const reason = REASONS[suppression.withheld][opts.lang ?? 'sv'](suppression.threshold)
    // Below the threshold the population is itself a small count.
    const population = suppression.withheld === 'population' ? null : table.population
    return { ...head, population, protection: 'suppressed', withheld: true, reason, rows: [], ...notes }
  }
  const rows = table.rows.map((row, r) => ({ key: row.key, label: label(row), ...protectedRow(row, r, suppression) }))
  return { ...head, population: table.population, protection: 'suppressed', rows, ...notes }
}
