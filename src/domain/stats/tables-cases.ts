import { CLOSURE_CODES, GENDER_CODES, GOALS_MET, GROUP_CODES, PREVIOUSLY_KNOWN_CODES, type Columns } from './columns.js'
import { columnRelation, count, ref, rowRelation, rowTotalRelations, shareRows, value } from './cells.js'
import type { TableInput } from './context.js'
import { countBy, crossCount, keyStats } from './kernels.js'
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

interface Summary { n: number, genders: number[], ageSum: number, ageMin: number, ageMax: number, durationSum: number, durationN: number }

function overviewRow (key: string, a: Summary): ExactRow {
  return {
    key,
    cells: [
      count('cases', a.n),
      ...GENDER_CODES.map((g, k) => count(g, a.genders[k], a.n)),
      value('meanAge', a.ageSum / a.n, a.n),
      value('minAge', a.ageMin, a.n),
      value('maxAge', a.ageMax, a.n),
      value('meanDurationDays', a.durationSum / a.durationN, a.durationN)
    ],
    // The `cases` column is the row's number of records; a second copy would be one more cell to protect.
    total: null
  }
}

export function overview ({ snapshot, columns: c, selection }: TableInput): ExactTable {
  const G = GENDER_CODES.length
  const size = snapshot.municipalities.length
  const byGender = crossCount(selection, c.municipality, 0, size, c.gender, G)
  const st = statsBy(c, selection, c.municipality, size)
  const present = presentMunicipalities(snapshot.municipalities, st.n)
  const summaries: Summary[] = present.map((m) => ({
    n: st.n[m],
    genders: GENDER_CODES.map((_, g) => byGender[m * G + g]),
    ageSum: st.ageSum[m],
    ageMin: st.ageMin[m],
    ageMax: st.ageMax[m],
    durationSum: st.durationSum[m],
    durationN: st.durationN[m]
  }))
  const all = summaries.reduce((a, b) => ({
    n: a.n + b.n,
    genders: a.genders.map((x, g) => x + b.genders[g]),
    ageSum: a.ageSum + b.ageSum,
    ageMin: Math.min(a.ageMin, b.ageMin),
    ageMax: Math.max(a.ageMax, b.ageMax),
    durationSum: a.durationSum + b.durationSum,
    durationN: a.durationN + b.durationN
  }), { n: 0, genders: GENDER_CODES.map(() => 0), ageSum: 0, ageMin: 255, ageMax: 0, durationSum: 0, durationN: 0 })
  const keys = present.map((m) => snapshot.municipalities[m])
  return {
    table: 'overview',
    population: selection.length,
    rowKind: 'municipality',
    columnKind: 'mixed',
    columns: OVERVIEW_COLUMNS,
    rows: [...summaries.map((a, i) => overviewRow(keys[i], a)), overviewRow(ALL, all)],
    relations: [
      ...[...keys, ALL].map((r) => rowRelation(r, GENDER_CODES, ref(r, 'cases'))),
      ...OVERVIEW_COUNTS.map((col) => columnRelation(keys, col, ref(ALL, col))),
      columnRelation([ALL], 'cases', 'population')
    ]
  }
}

export function interventionGroups ({ snapshot, columns: c, selection }: TableInput): ExactTable {
  const G = GROUP_CODES.length
  const size = snapshot.municipalities.length
  const counts = crossCount(selection, c.municipality, 0, size, c.group, G)
  const totals = countBy(selection, c.municipality, size)
  const present = presentMunicipalities(snapshot.municipalities, totals)
  const keys = present.map((m) => snapshot.municipalities[m])
  const rowKeys = [...keys, ALL]
  const matrix = present.flatMap((m) => [...counts.subarray(m * G, (m + 1) * G)])
  matrix.push(...GROUP_CODES.map((_, g) => present.reduce((a, m) => a + counts[m * G + g], 0)))
  return {
    table: 'intervention-groups',
    population: selection.length,
    rowKind: 'municipality',
    columnKind: 'intervention_group',
    columns: [...GROUP_CODES],
    rows: shareRows(rowKeys, GROUP_CODES, matrix, [...present.map((m) => totals[m]), selection.length]),
    relations: [
      ...rowTotalRelations(rowKeys, GROUP_CODES),
      ...[...GROUP_CODES, 'total'].map((col) => columnRelation(keys, col, ref(ALL, col))),
      columnRelation([ALL], 'total', 'population')
    ]
  }
}

export function previouslyKnown ({ columns: c, selection }: TableInput): ExactTable {
  const K = PREVIOUSLY_KNOWN_CODES.length
  const st = statsBy(c, selection, c.previouslyKnown, K)
  const total = (a: Iterable<number>): number => {
    let t = 0
    for (const x of a) t += x
    return t
  }
  const row = (key: string, rows: number, ageSum: number, durationSum: number, durationN: number): ExactRow => ({
    key,
    cells: [count('n', rows), value('meanDurationDays', durationSum / durationN, durationN), value('meanAge', ageSum / rows, rows)],
    total: null
  })
  return {
    table: 'previously-known',
    population: selection.length,
    rowKind: 'previously_known',
    columnKind: 'measure',
    columns: ['n', 'meanDurationDays', 'meanAge'],
    rows: [
      ...PREVIOUSLY_KNOWN_CODES.map((key, k) => row(key, st.n[k], st.ageSum[k], st.durationSum[k], st.durationN[k])),
      row(ALL, selection.length, total(st.ageSum), total(st.durationSum), total(st.durationN))
    ],
    relations: [columnRelation(PREVIOUSLY_KNOWN_CODES, 'n', ref(ALL, 'n')), columnRelation([ALL], 'n', 'population')]
  }
}

export function trends ({ snapshot, columns: c, selection }: TableInput): ExactTable {
  const { minYear, maxYear } = snapshot.bounds
  const years = Math.max(0, maxYear - minYear + 1)
  const G = GROUP_CODES.length
  const byGroup = crossCount(selection, c.year, minYear, years, c.group, G)
  const byClosure = crossCount(selection, c.year, minYear, years, c.closure, CLOSURE_CODES.length)
  const rows: ExactRow[] = []
  for (let y = 0; y < years; y++) {
    let cases = 0
    for (let g = 0; g < G; g++) cases += byGroup[y * G + g]
    if (cases === 0) continue
    rows.push({
      key: String(minYear + y),
      cells: [
        count('cases', cases),
        count('goalsMet', byClosure[y * CLOSURE_CODES.length + GOALS_MET], cases),
        ...GROUP_CODES.map((g, k) => count(g, byGroup[y * G + k], cases))
      ],
      total: null
    })
  }
  const keys = rows.map((r) => r.key)
  return {
    table: 'trends',
    population: selection.length,
    rowKind: 'year',
    columnKind: 'mixed',
    columns: ['cases', 'goalsMet', ...GROUP_CODES],
    rows,
    relations: [
      ...keys.map((y) => rowRelation(y, GROUP_CODES, ref(y, 'cases'))),
      columnRelation(keys, 'cases', 'population')
    ]
  }
}
