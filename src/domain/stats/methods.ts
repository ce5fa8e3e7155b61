import { GOALS_MET, type Columns } from './columns.js'
import { keyedCount, populationKeys } from './cells.js'
import type { TableInput } from './context.js'
import { methodBits, methodKeyBits } from './kernels.js'
import type { ExactTable } from './types.js'

// Manual methods: a record may name several, so these counts are multi-response and do not add up
// to anything published (report Tabell 2: denominator = cases with a manual method).

export interface MethodCounts {
  /** Records per method index (snapshot.methodNames). */
  cases: Uint32Array
  /** Records per method index whose goals were met. */
  goalsMet: Uint32Array
  /** Records with at least one manual method. */
  withAny: number
  /** The same as key sums, when the keys were given (cell key method). */
  keys?: { cases: Uint32Array, goalsMet: Uint32Array, withAny: number }
}

export function countMethods (c: Columns, names: number, slots: Uint32Array, keys: Uint32Array | null = null): MethodCounts {
  const cases = new Uint32Array(Math.max(names, 32))
  const goalsMet = new Uint32Array(cases.length)
  let withAny = methodBits(slots, c.methods, c.closure, GOALS_MET, cases, goalsMet)
  const keyed = keys && { cases: new Uint32Array(cases.length), goalsMet: new Uint32Array(cases.length), withAny: 0 }
  if (keys && keyed) keyed.withAny = methodKeyBits(slots, c.methods, c.closure, GOALS_MET, keys, keyed.cases, keyed.goalsMet)
  if (c.methodsOverflow.size > 0) {
    // Rare free-text names beyond the bitmask: mark the selection once rather than look up every row.
    const selected = new Uint8Array(c.end)
    for (let i = 0; i < slots.length; i++) selected[slots[i]] = 1
    for (const [s, extra] of c.methodsOverflow) {
      if (selected[s] === 0) continue
      const key = keys ? keys[s] : 0
      if (c.methods[s] === 0) {
        withAny++
        if (keyed) keyed.withAny = (keyed.withAny + key) >>> 0
      }
      const met = c.closure[s] === GOALS_MET
      for (const k of extra) {
        cases[k]++
        if (met) goalsMet[k]++
        if (keyed) {
          keyed.cases[k] += key
          if (met) keyed.goalsMet[k] += key
        }
      }
    }
  }
  const counts: MethodCounts = { cases: cases.subarray(0, names), goalsMet: goalsMet.subarray(0, names), withAny }
  if (keyed) counts.keys = { cases: keyed.cases.subarray(0, names), goalsMet: keyed.goalsMet.subarray(0, names), withAny: keyed.withAny }
  return counts
}

const collator = new Intl.Collator('sv')

/** Method indices with at least `min` records, ordered by name as in Tabell 2. */
export function methodsWithCases (names: readonly string[], cases: Uint32Array, min: number): number[] {
  const found: number[] = []
  for (let k = 0; k < cases.length; k++) if (cases[k] >= Math.max(1, min)) found.push(k)
  return found.sort((a, b) => collator.compare(names[a], names[b]))
}

export function manualMethods ({ snapshot, columns: c, selection, keys }: TableInput): ExactTable {
  const names = snapshot.methodNames
  const { cases, withAny, keys: keySums } = countMethods(c, names.length, selection, keys)
  return {
    table: 'manual-methods',
    population: selection.length,
    rowKind: 'manual_method',
    columnKind: 'measure',
    columns: ['cases'],
    rows: methodsWithCases(names, cases, 1).map((k) => ({
      key: names[k],
      keyKind: 'manual_method' as const,
      cells: [keyedCount('cases', cases[k], withAny, keySums && { sum: keySums.cases[k], denominator: keySums.withAny })],
      total: null
    })),
    relations: [],
    notes: ['Shares are of the cases with a manual method; a case may use several, so the rows add up to more.'],
    ...populationKeys(selection, keys)
  }
}
