// The figures FoU Välfärd's report (seeds/report-fou-2021-su-x.txt, chapter 5 and Bilaga 3)
// publishes for the 214 SU-X records closed in 2020, and a check that a record set reproduces them.
// fixtures/reference-2020.json is generated against this file by scripts/reference-fixture.ts.
//
// Reading of the printed numbers: a printed value matches when the exact value rounds half up to
// it (the report does: Bilaga 3 X.1 prints 8/64 = 12.5 % as 13 %). Medians of an even count are
// the mean of the two middle values. Shares are per cent of the row's cases, problem shares per
// cent of the 213 children with at least one problem. The report's prose claims ("ungefär lika",
// "vanligast", "dominerar") are checked too, with the readings in reference-prose.ts (TEXT).
//
// Published figures that no record set can reproduce, and what the fixture does instead:
// 1. Report 5.5 says 67 % of the children known once before and 76 % of those known several
//    times got traditional family treatment only, "30 respektive 31 barn". Tabell 3 has 31 and
//    36 such children, and neither 67 % of 31 (20/31 = 64.5 %, 21/31 = 67.7 %) nor 76 % of 36
//    (27/36 = 75.0 %, 28/36 = 77.8 %) is a whole number of children; 76 % is not one of 31
//    either. The fixture follows Tabell 3 and takes the nearest counts, 21 of 31 and 27 of 36,
//    with 78 of 147 (53 %) for the new children: 78 + 21 + 27 = 126 traditional-only cases,
//    which is also the count Diagram 4's 59 % gives. The check allows 1 percentage point there.
// 2. Report 5.2 names "krisstöd" among the methods most used in Hudiksvall, but footnote 21 says
//    crisis support was not among the interventions registered in Hudiksvall. The fixture
//    follows the footnote (no crisis support in 2184, some in 2121 as the footnote says); in
//    Hudiksvall, Bassamtal and Placeringssamtal are the most used methods.
// Everything else printed in chapter 5 and Bilaga 3 is reproduced exactly. Diagram 6's shares
// for discontinued_by_child and other are not printed in the text; the fixture picks them.
import type { SuxRecord } from '../src/domain/types.js'
import { checkProse, CRISIS_SUPPORT, duration, groupOf, tally, twiceMedian } from './reference-prose.js'
import { checkRecordRules } from './reference-rules.js'

export { CRISIS_SUPPORT, TEXT } from './reference-prose.js'

export type MunicipalityCode = '2182' | '2121' | '2184'
export type Group = 'traditional_only' | 'manual_only' | 'traditional_and_manual'

export const PUBLISHED = {
  // 5.1: "ärenden som avslutades under 2020", all on the 2020 form
  year: 2020,
  formVersion: '2020' as const,
  // 5.1 text and Tabell 1 (Bakgrundsinformation dataunderlaget)
  total: { cases: 214, girls: 100, boys: 114, meanAge: 9, meanDurationDays: 215 },
  // Tabell 1; meanAge printed with one decimal, meanDurationDays in whole days
  municipalities: {
    2182: { name: 'Söderhamn', girls: 46, boys: 44, meanAge: 8.9, minAge: 0, maxAge: 18, meanDurationDays: 155 },
    2121: { name: 'Ovanåker', girls: 22, boys: 22, meanAge: 8.6, minAge: 0, maxAge: 19, meanDurationDays: 257 },
    2184: { name: 'Hudiksvall', girls: 32, boys: 48, meanAge: 10.5, minAge: 0, maxAge: 17, meanDurationDays: 260 }
  } as Record<MunicipalityCode, { name: string, girls: number, boys: number, meanAge: number, minAge: number, maxAge: number, meanDurationDays: number }>,
  // 5.1.1 and footnote 23: 426 problems for 213 children, one record without problems; "därmed 2"
  childrenWithProblems: 213,
  problemOccurrences: 426,
  meanProblemsPerChild: 2,
  // Diagram 1 (per cent of the 213 children), as the 5.1.1 text quotes it
  problemShares: { parenting_deficits: 57, family_relationship: 30 } as Record<string, number>,
  // Bilaga 3 Tabell X.1: occurrences, occurrences as the only problem, ratio (per cent)
  problemsAlone: {
    violence_abuse: { occurrences: 38, alone: 18, ratio: 47 },
    domestic_violence: { occurrences: 34, alone: 8, ratio: 24 },
    own_substance_abuse: { occurrences: 17, alone: 4, ratio: 24 },
    parent_substance_abuse: { occurrences: 42, alone: 8, ratio: 19 },
    family_relationship: { occurrences: 64, alone: 8, ratio: 13 },
    parenting_deficits: { occurrences: 122, alone: 14, ratio: 11 },
    child_mental_health: { occurrences: 33, alone: 2, ratio: 6 },
    behaviour_problems: { occurrences: 17, alone: 1, ratio: 6 },
    parent_mental_health_or_id: { occurrences: 25, alone: 1, ratio: 4 },
    school_problems: { occurrences: 27, alone: 0, ratio: null },
    own_criminality: { occurrences: 6, alone: 0, ratio: null },
    honour_violence: { occurrences: 1, alone: 0, ratio: null }
  } as Record<string, { occurrences: number, alone: number, ratio: number | null }>,
  // Tabell X.1, row Summa
  problemsAloneTotal: { occurrences: 426, alone: 64, ratio: 15 },
  // 5.1.3: parenting deficits occur "89 % av gångerna i kombination med något annat problem"
  parentingCombinedShare: 89,
  // Bilaga 3 Tabell X.2 (and Diagram 8's medians): duration in days per problem
  durationsByProblem: {
    behaviour_problems: { n: 17, mean: 269, median: 174, max: 713, min: 33 },
    parenting_deficits: { n: 122, mean: 231, median: 149, max: 1081, min: 0 },
    parent_substance_abuse: { n: 42, mean: 233, median: 149, max: 882, min: 12 },
    parent_mental_health_or_id: { n: 25, mean: 340, median: 323, max: 1081, min: 4 },
    own_criminality: { n: 6, mean: 96, median: 95, max: 161, min: 37 },
    own_substance_abuse: { n: 17, mean: 181, median: 145, max: 568, min: 19 },
    honour_violence: { n: 1, mean: 217, median: 217, max: 217, min: 217 },
    child_mental_health: { n: 33, mean: 257, median: 212, max: 1081, min: 23 },
    family_relationship: { n: 64, mean: 199, median: 162, max: 678, min: 19 },
    school_problems: { n: 27, mean: 235, median: 192, max: 685, min: 0 },
    violence_abuse: { n: 38, mean: 107, median: 68, max: 520, min: 0 },
    domestic_violence: { n: 34, mean: 138, median: 117, max: 469, min: 0 }
  } as Record<string, { n: number, mean: number, median: number, max: number, min: number }>,
  // Diagram 4 and the 5.2 text (per cent of 214); "endast 25 stycken ärenden" (5.3)
  interventionGroupShares: { traditional_only: 59, manual_only: 29, traditional_and_manual: 12 } as Record<Group, number>,
  traditionalAndManualCases: 25,
  // Tabell 2: cases per manual method; '≤4' is a count of 1 to 4
  manualMethods: {
    'A-CRA': '≤4',
    Bassamtal: 11,
    Föräldraplan: '≤4',
    'Hemflyttssamtal efter placering': '≤4',
    IHF: '≤4',
    'Jag och min familj': '≤4',
    KIBB: '≤4',
    [CRISIS_SUPPORT]: 24,
    'Marte meo': '≤4',
    Placeringssamtal: '≤4',
    PYC: '≤4',
    Påverkansprogrammet: '≤4',
    Samarbetssamtal: '≤4',
    'Tryggare barn': 11,
    Trygghetscirkeln: 19,
    Återfallsprevention: '≤4'
  } as Record<string, number | '≤4'>,
  // Diagram 6 as the 5.3 text quotes it (per cent of 214)
  closureShares: { goals_met: 60, discontinued_by_guardian: 17, not_matching_needs: 11 } as Record<string, number>,
  // Diagram 7 and 5.3 text: goals met with traditional + manual, guardian discontinuation with manual only
  goalsMetShareTraditionalAndManual: 88,
  guardianShareManualOnly: 32,
  // 5.3: "Vid Relationsproblem i familjen avslutades vart fjärde ärende" by the guardian
  guardianShareFamilyRelationship: 25,
  // Diagram 9 and the 5.4 text: median duration in days
  medianDurationByGroup: { traditional_and_manual: 216, traditional_only: 162, manual_only: 82 } as Record<Group, number>,
  // Tabell 3 (previously known): count, mean duration in days, mean age, all in whole numbers
  previouslyKnown: {
    no: { n: 147, meanDurationDays: 190, meanAge: 9 },
    once: { n: 31, meanDurationDays: 273, meanAge: 9 },
    several: { n: 36, meanDurationDays: 270, meanAge: 11 }
  } as Record<string, { n: number, meanDurationDays: number, meanAge: number }>,
  // 5.5 text: per cent with traditional family treatment only (see note 1 at the top)
  traditionalOnlyShareByPreviouslyKnown: { no: 53, once: 67, several: 76 } as Record<string, number>
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

/** num/den rounded half up to `decimals` decimals, exactly for whole numbers num and den > 0. */
export function roundRatio (num: number, den: number, decimals = 0): number {
  const scale = 10 ** decimals
  return Math.floor((2 * num * scale + den) / (2 * den)) / scale
}

/** The list of published figures the records do not reproduce (empty when all match). */
export function checkReferenceFixture (records: SuxRecord[]): string[] {
  const out: string[] = [...checkRecordRules(records)]
  const expect = (what: string, actual: number | string | boolean, published: number | string | boolean) => {
    if (actual !== published) out.push(`${what}: ${actual}, published ${published}`)
  }
  const P = PUBLISHED
  const pct = (k: number, n: number) => n === 0 ? Number.NaN : roundRatio(100 * k, n)
  const exactPct = (k: number, n: number) => 100 * k / n

  expect('number of records', records.length, P.total.cases)
  expect('records on another form version', records.filter((r) => r.formVersion !== P.formVersion).length, 0)
  expect('records closed outside 2020', records.filter((r) => !r.closingDate.startsWith(`${P.year}-`)).length, 0)
  const munis = Object.keys(P.municipalities) as MunicipalityCode[]
  expect('records of other municipalities', records.filter((r) => !(munis as string[]).includes(r.municipality)).length, 0)

  const ages = (rs: SuxRecord[]) => rs.map((r) => r.ageAtReferral)
  const durations = (rs: SuxRecord[]) => rs.map(duration)

  // Tabell 1
  for (const m of munis) {
    const p = P.municipalities[m]
    const rs = records.filter((r) => r.municipality === m)
    const label = `Tabell 1 ${p.name}`
    expect(`${label} girls`, rs.filter((r) => r.gender === 'girl').length, p.girls)
    expect(`${label} boys`, rs.filter((r) => r.gender === 'boy').length, p.boys)
    expect(`${label} mean age`, roundRatio(sum(ages(rs)), rs.length, 1), p.meanAge)
    expect(`${label} min age`, Math.min(...ages(rs)), p.minAge)
    expect(`${label} max age`, Math.max(...ages(rs)), p.maxAge)
    expect(`${label} mean duration`, roundRatio(sum(durations(rs)), rs.length), p.meanDurationDays)
  }
  expect('5.1 girls', records.filter((r) => r.gender === 'girl').length, P.total.girls)
  expect('5.1 boys', records.filter((r) => r.gender === 'boy').length, P.total.boys)
  expect('5.1 mean age', roundRatio(sum(ages(records)), records.length), P.total.meanAge)
  expect('5.1 mean duration', roundRatio(sum(durations(records)), records.length), P.total.meanDurationDays)

  // 5.1.1, Diagram 1, Tabell X.1
  const withProblems = records.filter((r) => r.problems.length > 0)
  const occurrences = sum(records.map((r) => r.problems.length))
  expect('5.1.1 children with a problem', withProblems.length, P.childrenWithProblems)
  expect('5.1.1 problem occurrences', occurrences, P.problemOccurrences)
  expect('5.1.1 problems per child', roundRatio(occurrences, withProblems.length), P.meanProblemsPerChild)
  const has = (p: string) => records.filter((r) => r.problems.includes(p))
  for (const [p, share] of Object.entries(P.problemShares)) {
    expect(`Diagram 1 ${p} share`, pct(has(p).length, withProblems.length), share)
  }
  const knownProblems = Object.keys(P.problemsAlone)
  expect('problems outside Tabell X.1', records.flatMap((r) => r.problems).filter((p) => !knownProblems.includes(p)).length, 0)
  let aloneTotal = 0
  for (const [p, x] of Object.entries(P.problemsAlone)) {
    const rs = has(p)
    const alone = rs.filter((r) => r.problems.length === 1).length
    aloneTotal += alone
    expect(`Tabell X.1 ${p} occurrences`, rs.length, x.occurrences)
    expect(`Tabell X.1 ${p} alone`, alone, x.alone)
    if (x.ratio !== null) expect(`Tabell X.1 ${p} ratio`, pct(alone, rs.length), x.ratio)
  }
  expect('Tabell X.1 Summa alone', aloneTotal, P.problemsAloneTotal.alone)
  expect('Tabell X.1 Summa ratio', pct(aloneTotal, occurrences), P.problemsAloneTotal.ratio)
  const parenting = has('parenting_deficits')
  expect('5.1.3 parenting deficits in combination', pct(parenting.filter((r) => r.problems.length > 1).length, parenting.length), P.parentingCombinedShare)

  // Tabell X.2
  for (const [p, x] of Object.entries(P.durationsByProblem)) {
    const d = durations(has(p))
    expect(`Tabell X.2 ${p} n`, d.length, x.n)
    expect(`Tabell X.2 ${p} mean`, roundRatio(sum(d), d.length), x.mean)
    expect(`Tabell X.2 ${p} median`, roundRatio(twiceMedian(d), 2), x.median)
    expect(`Tabell X.2 ${p} max`, Math.max(...d), x.max)
    expect(`Tabell X.2 ${p} min`, Math.min(...d), x.min)
  }

  // Diagram 4, Tabell 2
  const inGroup = (g: string) => records.filter((r) => groupOf(r) === g)
  for (const [g, share] of Object.entries(P.interventionGroupShares)) {
    expect(`Diagram 4 ${g} share`, pct(inGroup(g).length, records.length), share)
  }
  expect('Diagram 4 records in other groups', records.filter((r) => !(groupOf(r) in P.interventionGroupShares)).length, 0)
  expect('5.3 traditional + manual cases', inGroup('traditional_and_manual').length, P.traditionalAndManualCases)
  const methodCounts = tally(records.flatMap((r) => r.manualMethods))
  for (const [m, n] of Object.entries(P.manualMethods)) {
    const c = methodCounts.get(m) ?? 0
    if (n === '≤4') expect(`Tabell 2 ${m} is 1–4`, c >= 1 && c <= 4, true)
    else expect(`Tabell 2 ${m}`, c, n)
  }
  expect('methods outside Tabell 2', [...methodCounts.keys()].filter((m) => !(m in P.manualMethods)).join(', '), '')

  // Diagram 6, Diagram 7, 5.3
  const reason = (rs: SuxRecord[], c: string) => rs.filter((r) => r.closureReason === c).length
  for (const [c, share] of Object.entries(P.closureShares)) {
    expect(`Diagram 6 ${c} share`, pct(reason(records, c), records.length), share)
  }
  const both = inGroup('traditional_and_manual')
  const manualOnly = inGroup('manual_only')
  const traditionalOnly = inGroup('traditional_only')
  expect('Diagram 7 traditional + manual goals met', pct(reason(both, 'goals_met'), both.length), P.goalsMetShareTraditionalAndManual)
  expect('Diagram 7 manual only discontinued by guardian', pct(reason(manualOnly, 'discontinued_by_guardian'), manualOnly.length), P.guardianShareManualOnly)
  const family = has('family_relationship')
  expect('5.3 family relationship discontinued by guardian', pct(reason(family, 'discontinued_by_guardian'), family.length), P.guardianShareFamilyRelationship)

  // Diagram 9
  for (const [g, median] of Object.entries(P.medianDurationByGroup)) {
    expect(`Diagram 9 ${g} median`, roundRatio(twiceMedian(durations(inGroup(g))), 2), median)
  }

  // Tabell 3 and the 5.5 text
  for (const [k, x] of Object.entries(P.previouslyKnown)) {
    const rs = records.filter((r) => r.previouslyKnown === k)
    expect(`Tabell 3 ${k} n`, rs.length, x.n)
    expect(`Tabell 3 ${k} mean duration`, roundRatio(sum(durations(rs)), rs.length), x.meanDurationDays)
    expect(`Tabell 3 ${k} mean age`, roundRatio(sum(ages(rs)), rs.length), x.meanAge)
    const trad = rs.filter((r) => groupOf(r) === 'traditional_only').length
    const printed = P.traditionalOnlyShareByPreviouslyKnown[k]
    // note 1 at the top: only 'no' can be met exactly, the others within a point
    if (k === 'no') expect(`5.5 ${k} traditional only share`, pct(trad, rs.length), printed)
    else expect(`5.5 ${k} traditional only share ${exactPct(trad, rs.length).toFixed(1)} % within 1 point of ${printed} %`, Math.abs(exactPct(trad, rs.length) - printed) <= 1, true)
  }

  checkProse(records, expect, {
    has, reason, withProblems, traditionalOnly, manualOnly,
    problems: knownProblems, municipalities: munis, groups: Object.keys(P.interventionGroupShares)
  })
  return out
}
