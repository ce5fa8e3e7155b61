import type { StatsSnapshot } from './columns.js'
import type { TableInput, TableParams } from './context.js'
import { select, type StatsFilter } from './filter.js'
import { manualMethods } from './methods.js'
import { interventionGroups, overview, previouslyKnown, trends } from './tables-cases.js'
import { closureByBackground, closureByIntervention, closureByProblem, closureReasons, outcomes } from './tables-closure.js'
import { durationsByIntervention, durationsByProblem } from './tables-durations.js'
import {
  interventionsByProblem, problemPairs, problems, problemsAlone, problemsByGender
} from './tables-problems.js'
import type { ExactTable, TableName } from './types.js'

// Every table of SPEC §3, computed exactly from the records that match the filter. Protection
// (protect.ts) turns the result into what a caller may see.

const TABLES: Record<TableName, (input: TableInput) => ExactTable> = {
  overview,
  problems,
  'problems-by-gender': problemsByGender,
  'problems-alone': problemsAlone,
  'problem-pairs': problemPairs,
  'intervention-groups': interventionGroups,
  'manual-methods': manualMethods,
  'interventions-by-problem': interventionsByProblem,
  'closure-reasons': closureReasons,
  'closure-by-intervention': closureByIntervention,
  'closure-by-problem': closureByProblem,
  'closure-by-background': closureByBackground,
  outcomes,
  'durations-by-problem': durationsByProblem,
  'durations-by-intervention': durationsByIntervention,
  'previously-known': previouslyKnown,
  trends
}

export interface ComputeOptions {
  /** Also the key sum of every count, for the cell key method (costs a second pass over the selection). */
  keys?: boolean
}

/** The selected slots can be reused for several tables with the same filter. */
export function computeTableFor (name: TableName, snapshot: StatsSnapshot, selection: Uint32Array, params: TableParams = {}, opts: ComputeOptions = {}): ExactTable {
  const columns = snapshot.columns
  return TABLES[name]({ snapshot, columns, selection, params, keys: opts.keys === true ? columns.cellKey : null })
}

/** Throws TableParamError when `outcomes` lacks a known `params.problem`, RangeError for a malformed date. */
export function computeTable (name: TableName, snapshot: StatsSnapshot, filter: StatsFilter = {}, params: TableParams = {}, opts: ComputeOptions = {}): ExactTable {
  return computeTableFor(name, snapshot, select(snapshot, filter), params, opts)
}
