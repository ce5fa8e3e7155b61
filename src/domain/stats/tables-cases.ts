import { CLOSURE_CODES, GENDER_CODES, GOALS_MET, GROUP_CODES, PREVIOUSLY_KNOWN_CODES, type Columns } from './columns.js'
import { addKeys, columnRelation, keyedCount, populationKeys, ref, rowRelation, rowTotalRelations, shareRows, sumKeys, value } from './cells.js'
import type { TableInput } from './context.js'
import { countBy, crossCount, crossKeySum, keySumAll, keySumBy, keyStats } from './kernels.js'
import type { ExactRow, ExactTable } from './types.js'

// Tables with one category per record along the rows (SPEC §3): overview (Tabell 1),
// intervention-groups (Diagram 4), previously-known (Tabell 3) and trends. Their counts add up,
// so each lists the relations that secondary suppression must respect.

const ALL = 'all'
const OVERVIEW_COUNTS = ['cases', ...GENDER_CODES]
const OVERVIEW_COLUMNS = [...OVERVIEW_COUNTS, 'meanAge', 'minAge', 'maxAge', 'meanDurationDays']

/** Municipality indices present in the selection, ordered by code. */
function presentMunicipalities (names: readonly string[], cases: Uint32Array): number[] {
  const present: number[] = []
  for (let m = 0; m < cases.length; m++) if (cases[m] > 0) present.push(m)
  return present.sort((a, b) => (names[a] < names[b] ? -1 : 1))
}

/** Records, ages and durations per value of a one-per-record code. */
function statsBy (c: Columns, selection: Uint32Array, key: Uint16Array, size: number) {
  const st = {
    n: new Uint32Array(size),
    ageSum: new Float64Array(size),
    ageMin: new Uint8Array(size).fill(255),
    ageMax: new Uint8Array(size),
    durationSum: new Float64Array(size),
    durationN: new Uint32Array(size)
  }
  keyStats(selection, key, c.age, c.duration, st.n, st.ageSum, st.ageMin, st.ageMax, st.durationSum, st.durationN)
  return st
}

interface Summary {
  n: number, genders: number[], ageSum: number, ageMin: number, ageMax: number, durationSum: number, durationN: number
  /** Key sums of the records and of each gender (cell key method only). */
  keys?: { n: number, genders: number[] }
}

function overviewRow (key: string, a: Summary): ExactRow {
  const k = a.keys
  return {
    key,
    cells: [
      keyedCount('cases', a.n, null, k && { sum: k.n }),
      ...GENDER_CODES.map((g, i) => keyedCount(g, a.genders[i], a.n, k && { sum: k.genders[i], denominator: k.n })),
      value('meanAge', a.ageSum / a.n, a.n),
      value('minAge', a.ageMin, a.n),
      value('maxAge', a.ageMax, a.n),
      value('meanDurationDays', a.durationSum / a.durationN, a.durationN)
    ],
    // The `cases` column is the row's number of records; a second copy would be one more cell to protect.
    total: null
  }
}

export function overview (input: TableInput): ExactTable {
  const { snapshot, columns: c, selection } = input
  const G = GENDER_CODES.length
  const size = snapshot.municipalities.length
  const byGender = crossCount(selection, c.municipality, 0, size, c.gender, G)
  const st = statsBy(c, selection, c.municipality, size)
  const present = presentMunicipalities(snapshot.municipalities, st.n)
  const keys = input.keys && {
    n: keySumBy(selection, c.municipality, size, input.keys),
    genders: crossKeySum(selection, c.municipality, 0, size, c.gender, G, input.keys)
  }
  const summaries: Summary[] = present.map((m) => ({
    n: st.n[m],
    genders: GENDER_CODES.map((_, g) => byGender[m * G + g]),
    ageSum: st.ageSum[m],
    ageMin: st.ageMin[m],
    ageMax: st.ageMax[m],
    durationSum: st.durationSum[m],
    durationN: st.durationN[m],
    ...(keys ? { keys: { n: keys.n[m], genders: GENDER_CODES.map((_, g) => keys.genders[m * G + g]) } } : {})
  }))
  const all: Summary = summaries.reduce((a, b): Summary => ({
    n: a.n + b.n,
    genders: a.genders.map((x, g) => x + b.genders[g]),
    ageSum: a.ageSum + b.ageSum,
    ageMin: Math.min(a.ageMin, b.ageMin),
    ageMax: Math.max(a.ageMax, b.ageMax),
    durationSum: a.durationSum + b.durationSum,
    durationN: a.durationN + b.durationN
  }), { n: 0, genders: GENDER_CODES.map(() => 0), ageSum: 0, ageMin: 255, ageMax: 0, durationSum: 0, durationN: 0 })
  if (keys) {
    all.keys = {
      n: sumKeys(present.map((m) => keys.n[m])),
      genders: GENDER_CODES.map((_, g) => sumKeys(present.map((m) => keys.genders[m * G + g])))
    }
  }
  const rowKeys = present.map((m) => snapshot.municipalities[m])
  return {
    table: 'overview',
    population: selection.length,
    rowKind: 'municipality',
    columnKind: 'mixed',
    columns: OVERVIEW_COLUMNS,
    rows: [...summaries.map((a, i) => overviewRow(rowKeys[i], a)), overviewRow(ALL, all)],
    relations: [
      ...[...rowKeys, ALL].map((r) => rowRelation(r, GENDER_CODES, ref(r, 'cases'))),
      ...OVERVIEW_COUNTS.map((col) => columnRelation(rowKeys, col, ref(ALL, col))),
      columnRelation([ALL], 'cases', 'population')
    ],
    ...(all.keys ? { populationKeySum: all.keys.n } : {})
  }
}

/** The present municipalities' rows of a municipality × group matrix, then the `all` row; sums wrap as key sums do. */
function withAllRow (present: number[], matrix: Uint32Array, G: number): number[] {
  const rows = present.flatMap((m) => [...matrix.subarray(m * G, (m + 1) * G)])
  rows.push(...Array.from({ length: G }, (_, g) => present.reduce((a, m) => addKeys(a, matrix[m * G + g]), 0)))
  return rows
}

export function interventionGroups ({ snapshot, columns: c, selection, keys }: TableInput): ExactTable {
  const G = GROUP_CODES.length
  const size = snapshot.municipalities.length
  const counts = crossCount(selection, c.municipality, 0, size, c.group, G)
  const totals = countBy(selection, c.municipality, size)
  const present = presentMunicipalities(snapshot.municipalities, totals)
  const names = present.map((m) => snapshot.municipalities[m])
  const rowKeys = [...names, ALL]
  let keySums: { counts: number[], totals: number[] } | undefined
  if (keys) {
    const totalKeys = keySumBy(selection, c.municipality, size, keys)
    keySums = {
      counts: withAllRow(present, crossKeySum(selection, c.municipality, 0, size, c.group, G, keys), G),
      totals: [...present.map((m) => totalKeys[m]), keySumAll(selection, keys)]
    }
  }
  return {
    table: 'intervention-groups',
    population: selection.length,
    rowKind: 'municipality',
    columnKind: 'intervention_group',
    columns: [...GROUP_CODES],
    rows: shareRows(rowKeys, GROUP_CODES, withAllRow(present, counts, G), [...present.map((m) => totals[m]), selection.length], keySums),
    relations: [
      ...rowTotalRelations(rowKeys, GROUP_CODES),
      ...[...GROUP_CODES, 'total'].map((col) => columnRelation(names, col, ref(ALL, col))),
      columnRelation([ALL], 'total', 'population')
    ],
    ...(keySums ? { populationKeySum: keySums.totals[keySums.totals.length - 1] } : {})
  }
}

export function previouslyKnown ({ columns: c, selection, keys }: TableInput): ExactTable {
  const K = PREVIOUSLY_KNOWN_CODES.length
  const st = statsBy(c, selection, c.previouslyKnown, K)
  const keySums = keys && keySumBy(selection, c.previouslyKnown, K, keys)
  const population = keys && keySumAll(selection, keys)
  const total = (a: Iterable<number>): number => {
    let t = 0
    for (const x of a) t += x
    return t
  }
  const row = (key: string, rows: number, ageSum: number, durationSum: number, durationN: number, keySum?: number | null): ExactRow => ({
    key,
    cells: [
      keyedCount('n', rows, null, keySum == null ? undefined : { sum: keySum }),
      value('meanDurationDays', durationSum / durationN, durationN),
      value('meanAge', ageSum / rows, rows)
    ],
    total: null
  })
  return {
    table: 'previously-known',
    population: selection.length,
    rowKind: 'previously_known',
    columnKind: 'measure',
    columns: ['n', 'meanDurationDays', 'meanAge'],
    rows: [
      ...PREVIOUSLY_KNOWN_CODES.map((key, k) => row(key, st.n[k], st.ageSum[k], st.durationSum[k], st.durationN[k], keySums?.[k])),
      row(ALL, selection.length, total(st.ageSum), total(st.durationSum), total(st.durationN), population)
    ],
    relations: [columnRelation(PREVIOUSLY_KNOWN_CODES, 'n', ref(ALL, 'n')), columnRelation([ALL], 'n', 'population')],
    ...(population !== null ? { populationKeySum: population } : {})
  }
}

export function trends ({ snapshot, columns: c, selection, keys }: TableInput): ExactTable {
  const { minYear, maxYear } = snapshot.bounds
  const years = Math.max(0, maxYear - minYear + 1)
  const G = GROUP_CODES.length
  const C = CLOSURE_CODES.length
  const byGroup = crossCount(selection, c.year, minYear, years, c.group, G)
  const byClosure = crossCount(selection, c.year, minYear, years, c.closure, C)
  const keySums = keys && {
    byGroup: crossKeySum(selection, c.year, minYear, years, c.group, G, keys),
    byClosure: crossKeySum(selection, c.year, minYear, years, c.closure, C, keys)
  }
  const rows: ExactRow[] = []
  for (let y = 0; y < years; y++) {
    let cases = 0
    for (let g = 0; g < G; g++) cases += byGroup[y * G + g]
    if (cases === 0) continue
    // Every record has an intervention group, so a year's records are the union of its groups'.
    const k = keySums && { cases: sumKeys(keySums.byGroup.subarray(y * G, (y + 1) * G)), met: keySums.byClosure[y * C + GOALS_MET] }
    rows.push({
      key: String(minYear + y),
      cells: [
        keyedCount('cases', cases, null, k && { sum: k.cases }),
        keyedCount('goalsMet', byClosure[y * C + GOALS_MET], cases, k && { sum: k.met, denominator: k.cases }),
        ...GROUP_CODES.map((g, i) => keyedCount(g, byGroup[y * G + i], cases, k && keySums && { sum: keySums.byGroup[y * G + i], denominator: k.cases }))
      ],
      total: null
    })
  }
  const yearKeys = rows.map((r) => r.key)
  return {
    table: 'trends',
    population: selection.length,
    rowKind: 'year',
    columnKind: 'mixed',
    columns: ['cases', 'goalsMet', ...GROUP_CODES],
    rows,
    relations: [
      ...yearKeys.map((y) => rowRelation(y, GROUP_CODES, ref(y, 'cases'))),
      columnRelation(yearKeys, 'cases', 'population')
    ],
    ...populationKeys(selection, keys)
  }
}
