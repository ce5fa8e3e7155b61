import { GROUP_CODES, PROBLEM_CODES } from './columns.js'
import { keyedCount, populationKeys, summarise, value, type DurationSummary } from './cells.js'
import type { TableInput } from './context.js'
import { durationHistogram, durationKeySums } from './kernels.js'
import type { ExactRow, ExactTable } from './types.js'

// How long interventions lasted (Diagram 8, 9, Bilaga 3 X.2): closingDate − startDate in days over
// the records that started. The report prefers the median, since a record with several problems
// is in several rows and one long case moves every mean it is in.

const COLUMNS = ['n', 'mean', 'median', 'min', 'max']

function row (key: string, d: DurationSummary, keySum?: number): ExactRow {
  return {
    key,
    cells: [keyedCount('n', d.n, null, keySum === undefined ? undefined : { sum: keySum }), value('mean', d.mean, d.n), value('median', d.median, d.n), value('min', d.min, d.n), value('max', d.max, d.n)],
    total: null
  }
}

function durations (input: TableInput, codes: readonly string[], byProblem: boolean): ExactRow[] {
  const { snapshot, columns: c, selection } = input
  const { minDuration, maxDuration } = snapshot.bounds
  const width = Math.max(1, maxDuration - minDuration + 1)
  const G = codes.length
  const h = { counts: new Uint32Array(G * width), sum: new Float64Array(G), n: new Uint32Array(G) }
  durationHistogram(selection, c.duration, byProblem ? null : c.group, c.problems, minDuration, width, h.counts, h.sum, h.n)
  let keySums: Uint32Array | undefined
  if (input.keys) {
    keySums = new Uint32Array(G)
    durationKeySums(selection, c.duration, byProblem ? null : c.group, c.problems, input.keys, keySums)
  }
  return codes.map((key, g) => row(key, summarise(h, g, width, minDuration), keySums?.[g]))
}

export function durationsByProblem (input: TableInput): ExactTable {
  return {
    table: 'durations-by-problem',
    population: input.selection.length,
    rowKind: 'problem',
    columnKind: 'measure',
    columns: COLUMNS,
    rows: durations(input, PROBLEM_CODES, true),
    relations: [],
    notes: ['Records that never started have no duration; a record with several problems is in several rows.'],
    ...populationKeys(input.selection, input.keys)
  }
}

export function durationsByIntervention (input: TableInput): ExactTable {
  return {
    table: 'durations-by-intervention',
    population: input.selection.length,
    rowKind: 'intervention_group',
    columnKind: 'measure',
    columns: COLUMNS,
    rows: durations(input, GROUP_CODES, false),
    relations: [],
    notes: ['Records that never started have no duration.'],
    ...populationKeys(input.selection, input.keys)
  }
}
