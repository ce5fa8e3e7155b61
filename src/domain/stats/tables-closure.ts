import { harmonizeProblem } from '../codes.js'
import { BACKGROUND_CODES, CLOSURE_CODES, GOALS_MET, GROUP_CODES, PROBLEM_CODES } from './columns.js'
import { columnRelation, keyedCount, populationKeys, rowTotalRelations, shareRows } from './cells.js'
import { TableParamError, type TableInput } from './context.js'
import {
  countBy, crossCount, crossKeySum, keySumAll, keySumBy, maskHistogram, maskKeyHistogram, problemCounts, withProblem
} from './kernels.js'
import { countMethods, methodsWithCases } from './methods.js'
import type { ExactRow, ExactTable } from './types.js'

// Closure reasons (Diagram 6, 7, report 5.3, slides) and outcomes ("Utfall vid …"). One closure
// reason per record, so every row adds up to its total.

const CLOSURES = CLOSURE_CODES.length

/** Outcome rows for manual methods need at least this many records (SPEC §3, slides). */
export const OUTCOME_METHOD_MIN = 5

export function closureReasons ({ columns: c, selection, keys }: TableInput): ExactTable {
  const counts = countBy(selection, c.closure, CLOSURES)
  const keySums = keys && keySumBy(selection, c.closure, CLOSURES, keys)
  const population = keys && keySumAll(selection, keys)
  return {
    table: 'closure-reasons',
    population: selection.length,
    rowKind: 'closure_reason',
    columnKind: 'measure',
    columns: ['cases'],
    rows: CLOSURE_CODES.map((key, k) => ({
      key,
      cells: [keyedCount('cases', counts[k], selection.length, keySums && { sum: keySums[k], denominator: population as number })],
      total: null
    })),
    relations: [columnRelation(CLOSURE_CODES, 'cases', 'population')],
    ...(population !== null ? { populationKeySum: population } : {})
  }
}

/** A cross-tabulation of a one-per-record code (the rows) against the closure reason. */
function byClosure ({ columns: c, selection, keys }: TableInput, rowCodes: readonly string[], rowOf: Uint16Array) {
  const counts = crossCount(selection, rowOf, 0, rowCodes.length, c.closure, CLOSURES)
  const totals = countBy(selection, rowOf, rowCodes.length)
  const outside = selection.length - totals.reduce((a, b) => a + b, 0)
  const keySums = keys
    ? { counts: crossKeySum(selection, rowOf, 0, rowCodes.length, c.closure, CLOSURES, keys), totals: keySumBy(selection, rowOf, rowCodes.length, keys) }
    : undefined
  return { rows: shareRows(rowCodes, CLOSURE_CODES, counts, totals, keySums), outside }
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
    relations: [...rowTotalRelations(GROUP_CODES, CLOSURE_CODES), columnRelation(GROUP_CODES, 'total', 'population')],
    ...populationKeys(input.selection, input.keys)
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
    ...(outside > 0 ? { notes: ['Records on the 2020 form have no background and are in no row.'] } : {}),
    ...populationKeys(input.selection, input.keys)
  }
}

/** Problem × closure from per-closure problem counts (or key sums: the arrays wrap as key sums do). */
function problemByClosure (byClosure: Uint32Array, P: number) {
  const counts = new Uint32Array(P * CLOSURES)
  const totals = new Uint32Array(P)
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < CLOSURES; k++) {
      counts[p * CLOSURES + k] = byClosure[k * P + p]
      totals[p] += byClosure[k * P + p]
    }
  }
  return { counts, totals }
}

export function closureByProblem ({ columns: c, selection, keys }: TableInput): ExactTable {
  const P = PROBLEM_CODES.length
  const hist = maskHistogram(selection, c.problems, c.closure, CLOSURES, 1 << P)
  const { counts, totals } = problemByClosure(problemCounts(hist, CLOSURES, P).counts, P)
  const keySums = keys ? problemByClosure(problemCounts(maskKeyHistogram(selection, c.problems, c.closure, CLOSURES, 1 << P, keys), CLOSURES, P).counts, P) : undefined
  // A record is in the row of each of its problems: rows add up, columns do not.
  return {
    table: 'closure-by-problem',
    population: selection.length,
    rowKind: 'problem',
    columnKind: 'closure_reason',
    columns: [...CLOSURE_CODES],
    rows: shareRows(PROBLEM_CODES, CLOSURE_CODES, counts, totals, keySums),
    relations: rowTotalRelations(PROBLEM_CODES, CLOSURE_CODES),
    ...populationKeys(selection, keys)
  }
}

/**
 * Goals met per intervention group, then per manual method used by at least five, among the
 * records with one problem. The population is those records: the problem is what the table is of.
 */
export function outcomes ({ snapshot, columns: c, selection, params, keys }: TableInput): ExactTable {
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
  const methods = countMethods(c, names.length, slots, keys)
  const listed = methodsWithCases(names, methods.cases, OUTCOME_METHOD_MIN)
    .sort((a, b) => methods.cases[b] - methods.cases[a])
  const groupKeys = keys && {
    n: keySumBy(slots, c.group, G, keys),
    met: crossKeySum(slots, c.group, 0, G, c.closure, CLOSURES, keys)
  }
  const row = (key: string, rows: number, met: number, k?: { n: number, met: number }): ExactRow =>
    ({ key, cells: [keyedCount('n', rows, null, k && { sum: k.n }), keyedCount('goalsMet', met, rows, k && { sum: k.met, denominator: k.n })], total: null })
  const groups = new Set<string>(GROUP_CODES)
  const methodKeys = methods.keys
  const rows = [
    ...GROUP_CODES.map((g, k) => row(g, groupN[k], groupMet[k], groupKeys ? { n: groupKeys.n[k], met: groupKeys.met[k * CLOSURES + GOALS_MET] } : undefined)),
    // A free-text method could be spelt like a group code; keep row keys unique for the relations.
    ...listed.map((k) => ({
      ...row(groups.has(names[k]) ? `manual_method:${names[k]}` : names[k], methods.cases[k], methods.goalsMet[k],
        methodKeys ? { n: methodKeys.cases[k], met: methodKeys.goalsMet[k] } : undefined),
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
    ],
    ...populationKeys(slots, keys)
  }
}
