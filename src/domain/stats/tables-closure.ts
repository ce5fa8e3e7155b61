import { harmonizeProblem } from '../codes.js'
import { BACKGROUND_CODES, CLOSURE_CODES, GOALS_MET, GROUP_CODES, PROBLEM_CODES } from './columns.js'
import { columnRelation, count, rowTotalRelations, shareRows } from './cells.js'
import { TableParamError, type TableInput } from './context.js'
import { countBy, crossCount, maskHistogram, problemCounts, withProblem } from './kernels.js'
import { countMethods, methodsWithCases } from './methods.js'
import type { ExactRow, ExactTable } from './types.js'

// Closure reasons (Diagram 6, 7, report 5.3, slides) and outcomes ("Utfall vid …"). One closure
// reason per record, so every row adds up to its total.

const CLOSURES = CLOSURE_CODES.length

/** Outcome rows for manual methods need at least this many records (SPEC §3, slides). */
export const OUTCOME_METHOD_MIN = 5

export function closureReasons ({ columns: c, selection }: TableInput): ExactTable {
  const counts = countBy(selection, c.closure, CLOSURES)
  return {
    table: 'closure-reasons',
    population: selection.length,
    rowKind: 'closure_reason',
    columnKind: 'measure',
    columns: ['cases'],
    rows: CLOSURE_CODES.map((key, k) => ({ key, cells: [count('cases', counts[k], selection.length)], total: null })),
    relations: [columnRelation(CLOSURE_CODES, 'cases', 'population')]
  }
}

/** A cross-tabulation of a one-per-record code (the rows) against the closure reason. */
function byClosure ({ columns: c, selection }: TableInput, rowCodes: readonly string[], rowOf: Uint16Array) {
  const counts = crossCount(selection, rowOf, 0, rowCodes.length, c.closure, CLOSURES)
  const totals = countBy(selection, rowOf, rowCodes.length)
  const outside = selection.length - totals.reduce((a, b) => a + b, 0)
  return { rows: shareRows(rowCodes, CLOSURE_CODES, counts, totals), outside }
}

export function closureByIntervention (input: TableInput): ExactTable {
  const { rows } = byClosure(input, GROUP_CODES, input.columns.group)
  return {
    table: 'closure-by-intervention',
    population: input.selection.length,
    rowKind: 'intervention_group',
    columnKind: 'closure_reason',
    columns: [...CLOSURE_CODES],
    rows,
    relations: [...rowTotalRelations(GROUP_CODES, CLOSURE_CODES), columnRelation(GROUP_CODES, 'total', 'population')]
  }
}

export function closureByBackground (input: TableInput): ExactTable {
  const { rows, outside } = byClosure(input, BACKGROUND_CODES, input.columns.background)
  // 2020 records have no background: they are in the population but in no row, so the row totals
  // add up to the population only when there are none.
  return {
    table: 'closure-by-background',
    population: input.selection.length,
    rowKind: 'background',
    columnKind: 'closure_reason',
    columns: [...CLOSURE_CODES],
    rows,
    relations: [
      ...rowTotalRelations(BACKGROUND_CODES, CLOSURE_CODES),
      ...(outside === 0 ? [columnRelation(BACKGROUND_CODES, 'total', 'population')] : [])
    ],
    ...(outside > 0 ? { notes: ['Records on the 2020 form have no background and are in no row.'] } : {})
  }
}

export function closureByProblem ({ columns: c, selection }: TableInput): ExactTable {
  const P = PROBLEM_CODES.length
  const hist = maskHistogram(selection, c.problems, c.closure, CLOSURES, 1 << P)
  const { counts: byClosure } = problemCounts(hist, CLOSURES, P)
  const counts = new Uint32Array(P * CLOSURES)
  const totals = new Uint32Array(P)
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < CLOSURES; k++) {
      counts[p * CLOSURES + k] = byClosure[k * P + p]
      totals[p] += byClosure[k * P + p]
    }
  }
  // A record is in the row of each of its problems: rows add up, columns do not.
  return {
    table: 'closure-by-problem',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'closure_reason',
    columns: [...CLOSURE_CODES],
    rows: shareRows(PROBLEM_CODES, CLOSURE_CODES, counts, totals),
    relations: rowTotalRelations(PROBLEM_CODES, CLOSURE_CODES)
  }
}

/**
 * Goals met per intervention group, then per manual method used by at least five, among the
 * records with one problem. The population is those records: the problem is what the table is of.
 */
export function outcomes ({ snapshot, columns: c, selection, params }: TableInput): ExactTable {
  if (params.problem === undefined) throw new TableParamError('outcomes needs a problem')
  const p = PROBLEM_CODES.indexOf(harmonizeProblem(params.problem))
  if (p < 0) throw new TableParamError(`unknown problem: ${params.problem}`)
  const slots = withProblem(selection, c.problems, 1 << p)
  const n = slots.length
  const G = GROUP_CODES.length
  const groupN = countBy(slots, c.group, G)
  const byClosure = crossCount(slots, c.group, 0, G, c.closure, CLOSURES)
  const groupMet = GROUP_CODES.map((_, g) => byClosure[g * CLOSURES + GOALS_MET])
  const names = snapshot.methodNames
  const methods = countMethods(c, names.length, slots)
  const listed = methodsWithCases(names, methods.cases, OUTCOME_METHOD_MIN)
    .sort((a, b) => methods.cases[b] - methods.cases[a])
  const row = (key: string, rows: number, met: number): ExactRow =>
    ({ key, cells: [count('n', rows), count('goalsMet', met, rows)], total: null })
  const groups = new Set<string>(GROUP_CODES)
  const rows = [
    ...GROUP_CODES.map((g, k) => row(g, groupN[k], groupMet[k])),
    // A free-text method could be spelt like a group code; keep row keys unique for the relations.
    ...listed.map((k) => ({
      ...row(groups.has(names[k]) ? `manual_method:${names[k]}` : names[k], methods.cases[k], methods.goalsMet[k]),
      keyKind: 'manual_method' as const
    }))
  ]
  return {
    table: 'outcomes',
    population: n,
    rowKind: 'mixed',
    columnKind: 'measure',
    columns: ['n', 'goalsMet'],
    rows,
    relations: [columnRelation(GROUP_CODES, 'n', 'population')],
    notes: [
      `Records with the problem ${PROBLEM_CODES[p]}.`,
      'Manual-method rows overlap the intervention-group rows and each other.'
    ]
  }
}
