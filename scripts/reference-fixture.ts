// Generates fixtures/reference-2020.json: 214 synthetic SU-X records (form 2020, closed in 2020)
// whose statistics reproduce FoU Välfärd's published figures (scripts/reference-figures.ts).
//   npx tsx scripts/reference-fixture.ts           write the fixture
//   npx tsx scripts/reference-fixture.ts --check   regenerate and fail if the committed file differs
// Deterministic: a seeded generator, four annealed stages (problem sets; municipality, gender,
// previously known, interventions and closure reason; durations; ages), then dates and texts.
// A seed whose annealing leaves a figure missed is skipped for the next one.
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { codesFor } from '../src/domain/codes.js'
import type { SuxRecord } from '../src/domain/types.js'
import { int, logNormal, pick, rng, type Rng } from './reference-anneal.js'
import { categories } from './reference-categories.js'
import { checkReferenceFixture, CRISIS_SUPPORT, PUBLISHED, type MunicipalityCode } from './reference-figures.js'
import { ages, durations, type Record3 } from './reference-numbers.js'
import { problemSets } from './reference-problems.js'

export const FIXTURE = new URL('../fixtures/reference-2020.json', import.meta.url)
const FIRST_SEED = 2020
const MAX_SEEDS = 20

const PREFIX: Record<MunicipalityCode, string> = { 2182: 'SH', 2121: 'OV', 2184: 'HU' }
const PROBLEM_ORDER = codesFor('problem', '2020')

// Footnote 33 and Bilaga 2 (Fråga 10) give the kinds of reasons written in the comment.
const CLOSURE_COMMENTS: Record<string, string[]> = {
  not_matching_needs: [
    'Barnet behöver placeras utanför hemmet.',
    'BUP har tagit över behandlingen.',
    'Barnhabiliteringen tar över efter utredning.',
    'Barnet har beviljats insats enligt LSS efter diagnos.',
    'Föräldrarna är inte motiverade till behandling.',
    'Föräldern behöver först stöd för egna problem.',
    'Barnets situation har försämrats, ny utredning behövs.'
  ],
  other: [
    'Familjen har flyttat från kommunen.',
    'Familjen har flyttat till en annan kommun.',
    'Ungdomen har flyttat till eget boende.',
    'Ärendet har förts över till en annan enhet.'
  ]
}

const DAY_MS = 86_400_000
const toDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS

/** A closing day in the year, moved off a weekend (closures are registered on working days). */
function closingDay (random: Rng): number {
  const first = dayOf(`${PUBLISHED.year}-01-01`)
  const day = first + int(random, 0, dayOf(`${PUBLISHED.year}-12-31`) - first)
  const weekday = new Date(day * DAY_MS).getUTCDay()
  return weekday === 6 ? day - 1 : weekday === 0 ? day + 1 : day
}

function attempt (seed: number): SuxRecord[] {
  const random = rng(seed)
  const problems = problemSets(random)
  const records: Record3[] = categories(random, problems).map((c, i) => ({ ...c, problems: problems[i] }))
  const days = durations(random, records)
  const years = ages(random, records)
  const out = records.map((r, i) => {
    const closing = closingDay(random)
    const start = closing - days[i]
    // crisis support starts within days of the report; other cases wait some weeks
    const wait = r.methods.includes(CRISIS_SUPPORT) ? int(random, 0, 7) : logNormal(random, 21, 0.8, 0, 120)
    const comments = CLOSURE_COMMENTS[r.closureReason]
    const record: SuxRecord = {
      municipality: r.municipality,
      caseRef: '',
      formVersion: PUBLISHED.formVersion,
      ageAtReferral: years[i],
      gender: r.gender,
      background: null,
      referralDate: toDate(start - wait),
      startDate: toDate(start),
      previouslyKnown: r.previouslyKnown,
      problems: PROBLEM_ORDER.filter((p) => r.problems.includes(p)),
      otherProblem: null,
      interventions: r.group === 'traditional_only'
        ? ['traditional_family_treatment']
        : r.group === 'manual_only' ? ['manual_method'] : ['traditional_family_treatment', 'manual_method'],
      manualMethods: r.methods,
      otherIntervention: null,
      closingDate: toDate(closing),
      closureReason: r.closureReason,
      closureComment: comments ? pick(random, comments) : null,
      comment: null
    }
    return record
  })
  // case references numbered per municipality in the order the cases closed
  const order = Object.keys(PUBLISHED.municipalities)
  out.sort((a, b) => order.indexOf(a.municipality) - order.indexOf(b.municipality) ||
    a.closingDate.localeCompare(b.closingDate) || a.startDate!.localeCompare(b.startDate!))
  const seq = new Map<string, number>()
  for (const r of out) {
    const n = (seq.get(r.municipality) ?? 0) + 1
    seq.set(r.municipality, n)
    r.caseRef = `${PREFIX[r.municipality as MunicipalityCode]}-${PUBLISHED.year}-${String(n).padStart(3, '0')}`
  }
  return out
}

/** The reference records: the first seed from FIRST_SEED whose records reproduce every figure. */
export function generate (log: (line: string) => void = () => {}): SuxRecord[] {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + MAX_SEEDS; seed++) {
    try {
      const records = attempt(seed)
      const missed = checkReferenceFixture(records)
      if (missed.length === 0) {
        log(`seed ${seed}: every figure reproduced`)
        return records
      }
      log(`seed ${seed}: ${missed.length} figures missed, e.g. ${missed.slice(0, 3).join('; ')}`)
    } catch (e) {
      log(`seed ${seed}: ${(e as Error).message}`)
    }
  }
  throw new Error(`no seed in ${FIRST_SEED}–${FIRST_SEED + MAX_SEEDS - 1} reproduces every figure`)
}

/** One record a line: readable diffs when the generator changes. */
export const serialize = (records: SuxRecord[]) => `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } })
  const started = Date.now()
  const text = serialize(generate((line) => process.stderr.write(`${line}\n`)))
  if (values.check) {
    let committed = ''
    try { committed = readFileSync(FIXTURE, 'utf8') } catch {}
    if (committed !== text) {
      process.stderr.write(`${FIXTURE.pathname} differs from what the generator makes; run npx tsx scripts/reference-fixture.ts\n`)
      process.exit(1)
    }
    process.stderr.write(`${FIXTURE.pathname} is up to date (${Date.now() - started} ms)\n`)
  } else {
    writeFileSync(FIXTURE, text)
    process.stderr.write(`wrote ${FIXTURE.pathname} (${Date.now() - started} ms)\n`)
  }
}
