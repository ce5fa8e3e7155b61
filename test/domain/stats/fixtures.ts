import type { SuxRecord } from '../../../src/domain/types.js'
import type { ExactCell, ExactTable } from '../../../src/domain/stats/types.js'

// Ten hand-built records whose every table is worked out by hand in the tests. Durations are
// within one month (or one year for id 8) so that they can be checked without a calendar.
//
// id muni ver age gender bg        known    problems (harmonised)   group            closure        days methods
//  1 2184 21   9  girl   se_se     no       FR, CMH                 traditional_only goals_met      60   –
//  2 2184 21  14  boy    europe    once     VA                      manual_only      goals_met      20   Krisstöd (ticked)
//  3 2184 21   4  other  unknown   no       VA, DV                  none             never_started  –    –
//  4 2182 20  12  boy    –         several  PD, PMH (2020 or_id)    manual_only      guardian       20   Krisstöd ("krisstöd")
//  5 2182 20   7  girl   –         no       –                       trad_and_manual  goals_met      30   I Stunden
//  6 2182 21  17  girl   outside   no       PMH, PD, SP             manual_only      not_matching   10   Trygghetscirkeln, Bassamtal
//  7 2121 21   0  boy    se_one    unknown  VA                      trad_and_manual  goals_met       5   Trygghetscirkeln ("circle of security")
//  8 2121 21  20  girl   se_se     once     SP                      other_only       by_child      364   –
//  9 2184 20  10  girl   –         no       VA, FR                  traditional_only other          10   –
// 10 2184 21  13  boy    se_se     no       VA                      manual_only      goals_met       8   Tryggare barn

export function record (overrides: Partial<SuxRecord> = {}): SuxRecord {
  return {
    municipality: '2184',
    caseRef: 'X-1',
    formVersion: '2021',
    ageAtReferral: 9,
    gender: 'girl',
    background: 'born_se_both_parents_se',
    referralDate: '2020-01-01',
    startDate: '2021-01-10',
    previouslyKnown: 'no',
    problems: ['family_relationship'],
    otherProblem: null,
    interventions: ['traditional_family_treatment'],
    manualMethods: [],
    otherIntervention: null,
    closingDate: '2021-03-11',
    closureReason: 'goals_met',
    closureComment: null,
    comment: null,
    ...overrides
  }
}

export const TEN: Array<{ id: number, record: SuxRecord }> = [
  { id: 1, record: record({ caseRef: 'A1', problems: ['family_relationship', 'child_mental_health'] }) },
  {
    id: 2,
    record: record({
      caseRef: 'A2', ageAtReferral: 14, gender: 'boy', background: 'born_europe', previouslyKnown: 'once', problems: ['violence_abuse'],
      interventions: ['crisis_support'], startDate: '2021-02-01', closingDate: '2021-02-21'
    })
  },
  {
    id: 3,
    record: record({
      caseRef: 'A3', ageAtReferral: 4, gender: 'other', background: 'unknown', problems: ['violence_abuse', 'domestic_violence'],
      interventions: [], startDate: null, closingDate: '2021-05-01', closureReason: 'never_started'
    })
  },
  {
    id: 4,
    record: record({
      municipality: '2182', caseRef: 'B4', formVersion: '2020', ageAtReferral: 12, gender: 'boy', background: null, previouslyKnown: 'several',
      problems: ['parenting_deficits', 'parent_mental_health_or_id'], interventions: ['manual_method'], manualMethods: ['krisstöd'],
      startDate: '2020-06-01', closingDate: '2020-06-21', closureReason: 'discontinued_by_guardian'
    })
  },
  {
    id: 5,
    record: record({
      municipality: '2182', caseRef: 'B5', formVersion: '2020', ageAtReferral: 7, background: null, problems: [],
      interventions: ['traditional_family_treatment', 'manual_method'], manualMethods: ['I Stunden'],
      startDate: '2020-03-01', closingDate: '2020-03-31'
    })
  },
  {
    id: 6,
    record: record({
      municipality: '2182', caseRef: 'B6', ageAtReferral: 17, background: 'born_outside_europe',
      problems: ['parent_mental_health', 'parenting_deficits', 'school_problems'], interventions: ['other_manual_method'],
      manualMethods: ['Trygghetscirkeln', 'Bassamtal'], startDate: '2021-04-01', closingDate: '2021-04-11', closureReason: 'not_matching_needs'
    })
  },
  {
    id: 7,
    record: record({
      municipality: '2121', caseRef: 'C7', ageAtReferral: 0, gender: 'boy', background: 'born_se_one_parent_abroad', previouslyKnown: 'unknown',
      problems: ['violence_abuse'], interventions: ['traditional_family_treatment', 'other_manual_method'], manualMethods: ['circle of security'],
      startDate: '2021-06-01', closingDate: '2021-06-06'
    })
  },
  {
    id: 8,
    record: record({
      municipality: '2121', caseRef: 'C8', ageAtReferral: 20, previouslyKnown: 'once', problems: ['school_problems'],
      interventions: ['other_non_manual'], otherIntervention: 'Samtal', startDate: '2021-01-01', closingDate: '2021-12-31',
      closureReason: 'discontinued_by_child'
    })
  },
  {
    id: 9,
    record: record({
      caseRef: 'A9', formVersion: '2020', ageAtReferral: 10, background: null, problems: ['violence_abuse', 'family_relationship'],
      startDate: '2020-10-01', closingDate: '2020-10-11', closureReason: 'other'
    })
  },
  {
    id: 10,
    record: record({
      caseRef: 'A10', ageAtReferral: 13, gender: 'boy', problems: ['violence_abuse'], interventions: ['other_manual_method'],
      manualMethods: ['Tryggare barn'], startDate: '2021-09-01', closingDate: '2021-09-09'
    })
  }
]

/** A cell by row and column key, failing loudly when it is missing. */
export function cell (table: ExactTable, row: string, column: string): ExactCell {
  const r = table.rows.find((x) => x.key === row)
  if (r === undefined) throw new Error(`no row ${row} in ${table.table}`)
  const c = r.cells.find((x) => x.column === column)
  if (c === undefined) throw new Error(`no column ${column} in row ${row} of ${table.table}`)
  return c
}

/** [count, denominator] of a count cell. */
export function cd (table: ExactTable, row: string, column: string): [number, number | null] {
  const c = cell(table, row, column)
  if (c.kind !== 'count') throw new Error(`${row}/${column} is not a count`)
  return [c.count, c.denominator]
}

/** [value, n] of a value cell. */
export function vn (table: ExactTable, row: string, column: string): [number | null, number] {
  const c = cell(table, row, column)
  if (c.kind !== 'value') throw new Error(`${row}/${column} is not a value`)
  return [c.value, c.n]
}

/** Each row as key → the counts of its count cells, in column order. */
export function counts (table: ExactTable): Record<string, number[]> {
  return Object.fromEntries(table.rows.map((r) => [r.key, r.cells.flatMap((c) => (c.kind === 'count' ? [c.count] : []))]))
}

export function totals (table: ExactTable): Record<string, number | null> {
  return Object.fromEntries(table.rows.map((r) => [r.key, r.total]))
}
