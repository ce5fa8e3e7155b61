import type { Columns, StatsSnapshot } from './columns.js'

// What every table function receives: the store, its current arrays, and the selected slots.

export interface TableParams {
  /** For `outcomes`: the (harmonised) problem whose outcomes are shown. */
  problem?: string
}

export interface TableInput {
  snapshot: StatsSnapshot
  columns: Columns
  selection: Uint32Array
  params: TableParams
  /**
   * The records' keys (columns.cellKey) when the table is for the cell key method: each count then
   * carries the key sum of its records. Null otherwise, and no key is read.
   */
  keys: Uint32Array | null
}

/** Thrown when a table is asked for without a parameter it needs (the route validates first). */
export class TableParamError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'TableParamError'
  }
}
