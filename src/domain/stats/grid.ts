import type { CellRef, ExactTable } from './types.js'

// The counts of an exact table that protection reasons about, the cells and the row totals, in
// one fixed order (row by row, the table's columns in order, the total last). Every choice that
// protection makes breaks ties by this order, so that the same question gets the same answer.

export type Mark = 'primary' | 'secondary'

export interface Member {
  row: number
  /** The column's index in `table.columns`; `table.columns.length` for the row's total. */
  col: number
  ref: CellRef
  value: number
}

/** sum(parts) = whole over member indices; the population is always published. */
export interface GridRelation {
  parts: number[]
  whole: number | 'population'
}

export interface Grid {
  members: Member[]
  relations: GridRelation[]
  population: number
  /** The member index of a (row key, column key or 'total'), if it is a count. */
  at: (ref: CellRef) => number | undefined
}

const keyOf = (row: string, column: string): string => `${row}\u0000${column}`

export function grid (table: ExactTable): Grid {
  const columnIndex = new Map(table.columns.map((c, i) => [c, i]))
  const found: Member[] = []
  table.rows.forEach((row, r) => {
    for (const cell of row.cells) {
      if (cell.kind !== 'count') continue
      const col = columnIndex.get(cell.column)
      if (col === undefined) throw new Error(`${table.table}: cell column ${cell.column} is not in columns`)
      found.push({ row: r, col, ref: { row: row.key, column: cell.column }, value: cell.count })
    }
    if (row.total !== null) {
      found.push({ row: r, col: table.columns.length, ref: { row: row.key, column: 'total' }, value: row.total })
    }
  })
  const members = found.sort((a, b) => a.row - b.row || a.col - b.col)
  const index = new Map(members.map((m, i) => [keyOf(m.ref.row, m.ref.column), i]))
  const at = (ref: CellRef): number | undefined => index.get(keyOf(ref.row, ref.column))
  const resolve = (ref: CellRef): number => {
    const i = at(ref)
    // A relation over a value or a missing cell is a bug in the table, not something to publish around.
    if (i === undefined) throw new Error(`${table.table}: relation names ${ref.row}/${ref.column}, which is not a count`)
    return i
  }
  const relations = table.relations.map((rel) => ({
    parts: rel.parts.map(resolve),
    whole: rel.whole === 'population' ? 'population' as const : resolve(rel.whole)
  }))
  return { members, relations, population: table.population, at }
}

/** Members of a relation, parts first, the whole last (absent when it is the population). */
export function membersOf (rel: GridRelation): number[] {
  return rel.whole === 'population' ? rel.parts : [...rel.parts, rel.whole]
}
