import t from 'tap'
import { bindColumns, type Binding, type SheetRow } from '../../../src/domain/import/columns.js'
import { parseProfile } from '../../../src/domain/import/profile.js'
import { checkRow, duplicateRows, type RowOutcome } from '../../../src/domain/import/row.js'

// One row of a file → a record, with every problem located by row and column.

const TODAY = '2026-06-30'

const PROFILE = {
  name: 'test',
  dateFormats: ['YYYYMMDD'],
  separator: ',',
  fields: {
    municipality: { column: 'Kommun', codes: { Hudiksvall: '2184', Söderhamn: '2182' } },
    caseRef: 'Ärende',
    formVersion: { column: 'Blankett', codes: { 'SU-X 2020': '2020', 'SU-X 2021': '2021' } },
    ageAtReferral: { column: 'Ålder', codes: { 'Under 1 år': '0' } },
    gender: { column: 'Kön', codes: { Flicka: 'girl', Pojke: 'boy' } },
    background: { column: 'Bakgrund', codes: { Sverige: 'born_se_both_parents_se', Okänt: 'unknown' } },
    referralDate: 'Inkom',
    startDate: 'Start',
    previouslyKnown: { column: 'Känd', codes: { Nej: 'no', Ja: 'once' } },
    problems: { columns: ['Problem 1', 'Problem 2'], codes: { Skola: 'school_problems', Förälder: { 2020: 'parent_mental_health_or_id', 2021: 'parent_mental_health' } } },
    otherProblem: 'Annat problem',
    interventions: { flags: { Familjebehandling: 'traditional_family_treatment', Manual: 'other_manual_method' } },
    manualMethods: { column: 'Metoder', codes: { COS: 'Trygghetscirkeln' } },
    closingDate: 'Slut',
    closureReason: { column: 'Orsak', codes: { Uppnått: 'goals_met', Avbrutet: 'discontinued_by_guardian' } },
    comment: 'Kommentar'
  }
}

const HEADER = ['Kommun', 'Ärende', 'Blankett', 'Ålder', 'Kön', 'Bakgrund', 'Inkom', 'Start', 'Känd', 'Problem 1', 'Problem 2', 'Annat problem',
  'Familjebehandling', 'Manual', 'Metoder', 'Slut', 'Orsak', 'Kommentar', 'Handläggare']

const GOOD: Record<string, string> = {
  Kommun: 'Hudiksvall', Ärende: 'HU-1', Blankett: 'SU-X 2021', Ålder: '9', Kön: 'Flicka', Bakgrund: 'Sverige', Inkom: '20210111', Start: '2021-01-25',
  Känd: 'Nej', 'Problem 1': 'Skola', 'Problem 2': 'Förälder', 'Annat problem': '', Familjebehandling: 'Ja', Manual: 'X', Metoder: 'COS, marte MEO',
  Slut: '20210930', Orsak: 'Uppnått', Kommentar: ' Trappan – extern insats ', Handläggare: 'ignored'
}

function binding (header = HEADER): Binding {
  const p = parseProfile(PROFILE)
  if (!p.ok) throw new Error(JSON.stringify(p.errors))
  const b = bindColumns(p.profile, header)
  if (!b.ok) throw new Error(JSON.stringify(b.issues))
  return b.binding
}

const row = (cells: Record<string, string> = {}, n = 2): SheetRow => ({ row: n, cells: HEADER.map((h) => ({ ...GOOD, ...cells })[h] ?? '') })
const check = (r: SheetRow, options = {}): RowOutcome => checkRow(binding(), r, { today: TODAY, ...options })
const located = (o: RowOutcome) => o.ok ? [] : o.errors.map((e) => `${e.row} ${e.column} ${e.path} ${e.code}`)

t.test('a row of local values becomes the record SU-X stores', async (t) => {
  const o = check(row())
  t.same(o, {
    ok: true,
    row: 2,
    record: {
      municipality: '2184', caseRef: 'HU-1', formVersion: '2021', ageAtReferral: 9, gender: 'girl', background: 'born_se_both_parents_se',
      referralDate: '2021-01-11', startDate: '2021-01-25', previouslyKnown: 'no', problems: ['school_problems', 'parent_mental_health'],
      otherProblem: null, interventions: ['traditional_family_treatment', 'other_manual_method'], manualMethods: ['Trygghetscirkeln', 'Marte meo'],
      otherIntervention: null, closingDate: '2021-09-30', closureReason: 'goals_met', closureComment: null, comment: 'Trappan – extern insats'
    }
  })
})

t.test('local codes match without regard to case and blanks; SU-X codes pass as they are', async (t) => {
  const o = check(row({ Kön: '  fLICKA ', Orsak: 'discontinued_by_guardian', Kommun: '2182', Bakgrund: 'born_europe' }))
  t.match(o, { ok: true, record: { gender: 'girl', closureReason: 'discontinued_by_guardian', municipality: '2182', background: 'born_europe' } })
  t.match(check(row({ Kommun: '114' })), { ok: true, record: { municipality: '0114' } }, 'a number cell that lost its leading zero')
  t.match(check(row({ Ålder: 'under 1 år' })), { ok: true, record: { ageAtReferral: 0 } })
  t.match(check(row({ Ålder: '12.0' })), { ok: true, record: { ageAtReferral: 12 } }, 'a whole number written as a decimal')
})

t.test('a code may depend on the form version of the row', async (t) => {
  const o2020 = check(row({ Blankett: 'SU-X 2020', Bakgrund: '', Manual: 'Nej', Metoder: '' }))
  t.match(o2020, { ok: true, record: { formVersion: '2020', problems: ['school_problems', 'parent_mental_health_or_id'], background: null } })
  t.same(located(check(row({ Blankett: 'SU-X 2022' }))), ['2 Problem 2 /problems no_code_for_version', '2 Blankett /formVersion unknown_version'])
})

t.test('unknown local values fail with the column and the profile\'s known values', async (t) => {
  const o = check(row({ Kön: 'Tjej', 'Problem 2': 'Mobbning' }))
  t.same(located(o), ['2 Kön /gender unknown_local_code', '2 Problem 2 /problems unknown_local_code'])
  if (!o.ok) t.same(o.errors[0].params, { known: 'Flicka, Pojke' })
})

t.test('flags add their code for a true word, nothing for a false or empty one, and fail otherwise', async (t) => {
  t.match(check(row({ Familjebehandling: 'nej', Manual: 'x' })), { ok: true, record: { interventions: ['other_manual_method'] } })
  t.same(located(check(row({ Familjebehandling: 'Kanske' }))), ['2 Familjebehandling /interventions invalid_flag'])
})

t.test('empty cells: null for fields that may be null, an empty list, or a missing required value', async (t) => {
  const o = check(row({ Start: '', Orsak: 'Avbrutet', Kommentar: '', Metoder: '', Manual: '' }))
  t.same(located(o), ['2 Start /startDate start_required'])
  t.same(located(check(row({ Kön: '' }))), ['2 Kön /gender required'])
  t.same(located(check(row({ 'Problem 1': '', 'Problem 2': '' }))), ['2 Problem 1, Problem 2 /problems too_few'])
})

t.test('dates in none of the profile\'s formats fail at their column', async (t) => {
  const o = check(row({ Inkom: '11/01/2021' }))
  t.same(located(o), ['2 Inkom /referralDate invalid_date_format'])
  if (!o.ok) t.same(o.errors[0].params, { formats: 'YYYY-MM-DD / YYYYMMDD' })
  t.same(located(check(row({ Ålder: 'nio' }))), ['2 Ålder /ageAtReferral wrong_type'])
})

t.test('a cell that could be a formula is refused, whatever the field', async (t) => {
  for (const formula of ['=1+1', '+46701234567', '-2', '@SUM(A1:A2)', '\t=1', '  =cmd|calc']) {
    t.same(located(check(row({ Kommentar: formula }))), ['2 Kommentar /comment formula'], JSON.stringify(formula))
  }
  t.same(located(check(row({ 'Problem 2': '=Skola' }))), ['2 Problem 2 /problems formula'])
  t.match(check(row({ Kommentar: 'Möte 2021-03-01 - uppföljning' })), { ok: true }, 'a dash inside text is text')
})

t.test('a personal identity or coordination number is refused in any mapped cell, never quoted', async (t) => {
  t.same(located(check(row({ Ärende: '850709-9805' }))), ['2 Ärende /caseRef identity_number'])
  t.same(located(check(row({ Kommentar: 'Mamma 19850709-9805 ringde' }))), ['2 Kommentar /comment identity_number'])
  t.same(located(check(row({ Metoder: 'COS, 8507699802' }))), ['2 Metoder /manualMethods identity_number'], 'a coordination number (day + 60)')
  t.match(check(row({ Handläggare: '850709-9805' })), { ok: true }, 'a column the profile does not read is not read')
  const o = check(row({ Ärende: '850709-9805' }))
  t.notMatch(JSON.stringify(o), /9805/)
})

t.test('the record rules apply, their paths mapped back to columns (list items to the column they came from)', async (t) => {
  t.same(located(check(row({ 'Problem 2': 'Skola' }))), ['2 Problem 2 /problems/1 duplicate'])
  t.same(located(check(row({ 'Problem 2': 'other' }))), ['2 Annat problem /otherProblem other_problem_required'])
  t.same(located(check(row({ Slut: '20300101', Start: '20200101' }))), ['2 Start /startDate start_before_referral', '2 Slut /closingDate closing_in_future'])
  t.same(located(check(row({ Manual: 'Nej' }))), ['2 Metoder /manualMethods manual_methods_not_allowed'])
})

t.test('who may write the municipality is asked once the row is valid', async (t) => {
  t.same(located(check(row(), { mayWrite: (m: string) => m === '2182' })), ['2 Kommun /municipality municipality_not_allowed'])
  t.match(check(row(), { mayWrite: (m: string) => m === '2184' }), { ok: true })
})

t.test('a row with fewer or more cells than the header is not read at all', async (t) => {
  const short = { row: 7, cells: row().cells.slice(0, 5) }
  t.same(located(check(short)), ['7 Bakgrund  incomplete_row'])
  const long = { row: 8, cells: [...row().cells, 'x'] }
  t.same(located(check(long)), ['8 null  extra_cells'])
})

t.test('rows naming the same municipality and caseRef all fail, whatever spelling of the municipality', async (t) => {
  const rows = [row({}, 2), row({ Ärende: 'HU-2' }, 3), row({ Kommun: '2184' }, 4), row({ Kommun: 'Söderhamn' }, 5), row({ Ärende: ' HU-2 ' }, 6), row({ Ärende: '' }, 7)]
  const dups = duplicateRows(binding(), rows)
  t.same([...dups.entries()].sort((a, b) => a[0] - b[0]), [[0, [4]], [1, [6]], [2, [2]], [4, [3]]])
  t.same(located(check(rows[0], { duplicateOf: dups.get(0) })), ['2 Ärende /caseRef duplicate_in_file'])
})

t.test('a header without the columns of a required field does not bind; optional ones may be missing', async (t) => {
  const p = parseProfile(PROFILE)
  if (!p.ok) throw new Error('profile')
  const b = bindColumns(p.profile, HEADER.filter((h) => h !== 'Kön' && h !== 'Problem 2' && h !== 'Kommentar'), 3)
  t.same(b.ok ? [] : b.issues.map((i) => `${i.row} ${i.column} ${i.path} ${i.code}`), ['3 Kön /gender missing_column', '3 Problem 2 /problems missing_column'])
  const twice = bindColumns(p.profile, [...HEADER, ' kön '])
  t.same(twice.ok ? [] : twice.issues.map((i) => `${i.column} ${i.code}`), ['Kön duplicate_column'], 'header names match as local codes do')
  const noComment = bindColumns(p.profile, HEADER.filter((h) => h !== 'Kommentar'))
  t.ok(noComment.ok && !noComment.binding.rules.some((r) => r.field === 'comment'), 'a missing optional column leaves its field empty')
})
