// The contract between the statistics tables (exact figures) and their protection (SPEC §3).
// An exact table is computed from records; `protect` turns it into what a caller may see.

export const TABLE_NAMES = [
  'overview', 'problems', 'problems-by-gender', 'problems-alone', 'problem-pairs', 'intervention-groups',
  'manual-methods', 'interventions-by-problem', 'closure-reasons', 'closure-by-intervention',
  'closure-by-problem', 'closure-by-background', 'outcomes', 'durations-by-problem',
  'durations-by-intervention', 'previously-known', 'trends'
] as const
export type TableName = typeof TABLE_NAMES[number]

/** What the keys of rows or columns are, so that the presentation layer can label them. */
export type KeyKind =
  | 'municipality' | 'problem' | 'intervention_group' | 'manual_method' | 'closure_reason'
  | 'background' | 'gender' | 'previously_known' | 'year' | 'measure' | 'mixed'

/** A count; `denominator` is set where the table names one, and the share is count/denominator. */
export interface ExactCountCell {
  kind: 'count'
  column: string
  count: number
  denominator: number | null
  /**
   * Only when computed for the cell key method: the sum of the counted records' keys modulo 2^32
   * (a record counted twice, as a mention, adds its key twice), and the same for the denominator.
   */
  keySum?: number
  denominatorKeySum?: number
}

/** A mean, median, minimum, maximum or ratio, computed from `n` records (null when n is 0). */
export interface ExactValueCell {
  kind: 'value'
  column: string
  value: number | null
  n: number
  /** A ratio of two count columns of the same row, which a perturbed table recomputes from their published counts. */
  ratio?: { numerator: string, denominator: string }
}

export type ExactCell = ExactCountCell | ExactValueCell

export interface ExactRow {
  key: string
  /** For a row whose key is not a code (a manual method), how to label it. */
  keyKind?: KeyKind
  cells: ExactCell[]
  /** The number of records in the row, where the table publishes it. */
  total: number | null
  /** Only for the cell key method: the key sum of the row's records. */
  totalKeySum?: number
}

export interface ExactTable {
  table: TableName
  /** Records that matched the filters. */
  population: number
  rowKind: KeyKind
  columnKind: KeyKind
  columns: string[]
  rows: ExactRow[]
  /**
   * Linear relations between published counts that protection must respect: each lists the cells
   * (by row key and column key, or `total` for a row's total) whose sum equals a published number
   * (another cell, a row total, or the population). Secondary suppression keeps every suppressed
   * cell unrecoverable under all of them.
   */
  relations: Relation[]
  notes?: string[]
  /** Only for the cell key method: the key sum of the records that matched the filters. */
  populationKeySum?: number
}

export interface CellRef { row: string, column: string | 'total' }

/** sum(parts) = whole, where whole is a cell reference or the table's population. */
export interface Relation {
  parts: CellRef[]
  whole: CellRef | 'population'
}

/**
 * `none`: exact; `suppressed`: small counts withheld (SPEC §3, the default); `perturbed`: every
 * count with the cell key method's noise (ptable.ts, cellkey.ts).
 */
export type Protection = 'none' | 'suppressed' | 'perturbed'

export interface PublishedCell {
  column: string
  count?: number | null
  share?: number | null
  ci95?: [number, number] | null
  value?: number | null
  display?: string
  suppressed?: 'primary' | 'secondary'
}

export interface PublishedRow {
  key: string
  label: string
  cells: PublishedCell[]
  total?: number | null
  totalDisplay?: string
  totalSuppressed?: 'primary' | 'secondary'
}

export interface PublishedTable {
  table: TableName
  filters: Record<string, unknown>
  population: number | null
  protection: Protection
  withheld?: true
  reason?: string
  columns: Array<{ key: string, label: string }>
  rows: PublishedRow[]
  notes?: string[]
}
