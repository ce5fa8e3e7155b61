import t from 'tap'
import { GENDER_CODES, BACKGROUND_CODES, GROUP_CODES, PREVIOUSLY_KNOWN_CODES, createSnapshot } from '../../../src/domain/stats/columns.js'
import type { StatsFilter } from '../../../src/domain/stats/filter.js'
import { protect } from '../../../src/domain/stats/protect.js'
import { PTABLE_CAP, PTABLE_DENOMINATOR, ptableRow } from '../../../src/domain/stats/ptable.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import type { TableName } from '../../../src/domain/stats/types.js'
import { MUNICIPALITIES, exactCounts, keyedRecords, label, publishedCounts, revealProbability } from './cellkey-helpers.js'
import { prng } from './protect-helpers.js'

// The attack suppression cannot stop (issue 6): a dashboard asks for year A, then for year A minus
// one filter value, and subtracts. Under the cell key method the difference of two published
// counts is the true difference plus two independent noises, so it names a true count of 1–4 only
// when both noises happen to be equal and neither count is shown as "≤4". Measured here over many
// random data sets and every such pair of questions, and compared with that probability computed
// from the perturbation table alone.

const T = 5
const TABLES: TableName[] = ['closure-reasons', 'overview', 'intervention-groups']
const AGE_GROUPS = ['0-6', '7-12', '13-17', '18-20']

/** Year 2021, then year 2021 without each value of each filter (the rest of its values). */
function series (): Array<[StatsFilter, StatsFilter]> {
  const pairs: Array<[StatsFilter, StatsFilter]> = []
  const base: StatsFilter = { year: 2021 }
  const without = <K extends keyof StatsFilter>(field: K, values: readonly string[]) => {
    for (const v of values) pairs.push([base, { ...base, [field]: values.filter((x) => x !== v) }])
  }
  without('gender', GENDER_CODES)
  without('ageGroup', AGE_GROUPS)
  without('background', BACKGROUND_CODES)
  without('interventionGroup', GROUP_CODES)
  without('previouslyKnown', PREVIOUSLY_KNOWN_CODES)
  without('municipality', MUNICIPALITIES)
  return pairs
}

interface Tally { attempts: number, revealed: number, expected: number }

async function published (store: ReturnType<typeof createSnapshot>, name: TableName, filter: StatsFilter, protection: 'perturbed' | 'suppressed') {
  const exact = computeTable(name, store, filter, {}, { keys: protection === 'perturbed' })
  const p = await protect(exact, { exact: false, protection, threshold: T, filters: { ...filter }, label })
  return { truth: exactCounts(exact), shown: publishedCounts(p) }
}

/** Runs the differencing series on one data set, adding to the tally: pairs whose true difference is 1–4. */
async function attack (store: ReturnType<typeof createSnapshot>, protection: 'perturbed' | 'suppressed', tally: Tally): Promise<void> {
  for (const name of TABLES) {
    const whole = await published(store, name, { year: 2021 }, protection)
    for (const [, minus] of series()) {
      const part = await published(store, name, minus, protection)
      for (const [key, a] of whole.truth) {
        const b = part.truth.get(key) ?? 0
        const d = a - b
        if (d < 1 || d > 4) continue
        tally.attempts++
        tally.expected += revealProbability(a, b, T)
        const pa = whole.shown.get(key)
        // A row absent from the smaller table is published there as nothing, which an intruder reads as 0.
        const pb = part.truth.has(key) ? part.shown.get(key) : 0
        if (typeof pa === 'number' && typeof pb === 'number' && pa - pb === d) tally.revealed++
      }
    }
  }
}

/** The worst case over every pair of true counts a, b with a − b in 1–4: what the table allows. */
function bound (): number {
  let worst = 0
  for (let b = 0; b <= 200; b++) for (let d = 1; d <= 4; d++) worst = Math.max(worst, revealProbability(b + d, b, T))
  return worst
}

t.test('the bound from the perturbation table is below the table\'s own chance of zero noise', async (t) => {
  const zero = ptableRow(PTABLE_CAP).weights[ptableRow(PTABLE_CAP).noise.indexOf(0)] / PTABLE_DENOMINATOR
  t.equal(zero, 6 / 16)
  t.equal(bound(), 70 / 256, 'Σ p(v)² of the cap row: two large counts with equal noise')
  t.ok(bound() <= zero)
})

t.test('a differencing series reveals a true 1–4 no more often than the perturbation table allows', async (t) => {
  const tally: Tally = { attempts: 0, revealed: 0, expected: 0 }
  const random = prng(2025)
  const sets = 150
  for (let s = 0; s < sets; s++) {
    const n = 40 + Math.floor(random() * 400)
    await attack(createSnapshot(keyedRecords(n, 1000 + s, { years: [2020, 2021] })), 'perturbed', tally)
  }
  const rate = tally.revealed / tally.attempts
  const expected = tally.expected / tally.attempts
  // Each attempt is a Bernoulli trial with its own probability; the spread of their sum is at most this.
  const se = Math.sqrt(expected * (1 - expected) / tally.attempts)
  t.comment(`cell key: ${tally.revealed} of ${tally.attempts} differences of 1–4 revealed (${(100 * rate).toFixed(1)} %); ` +
    `the table predicts ${(100 * expected).toFixed(1)} % for these pairs, at most ${(100 * bound()).toFixed(1)} % for any`)
  t.ok(tally.attempts > 3000, `${tally.attempts} differences of 1–4 attempted over ${sets} data sets`)
  t.ok(rate <= bound() + 4 * se, `revealed ${(100 * rate).toFixed(1)} % ≤ the bound ${(100 * bound()).toFixed(1)} %`)
  t.ok(Math.abs(rate - expected) <= 4 * se, `and as often as the table predicts for these pairs (${(100 * expected).toFixed(1)} % ± ${(400 * se).toFixed(1)}): the noises are independent`)
})

t.test('the same series against ≤4 suppression reveals far more (why the second mode exists)', async (t) => {
  const tally: Tally = { attempts: 0, revealed: 0, expected: 0 }
  for (let s = 0; s < 12; s++) await attack(createSnapshot(keyedRecords(200 + 20 * s, 1000 + s, { years: [2020, 2021] })), 'suppressed', tally)
  const rate = tally.revealed / tally.attempts
  t.comment(`suppression: ${tally.revealed} of ${tally.attempts} differences of 1–4 revealed (${(100 * rate).toFixed(1)} %)`)
  // And here the intruder knows which differences are right: both counts are exact.
  t.ok(rate > bound(), `suppression reveals ${(100 * rate).toFixed(1)} %, above the cell key bound`)
})

t.test('known limit: averaging many overlapping windows recovers the count (README "Cell key method")', async (t) => {
  // The records of gender `other` closed in 2021 are the target; 2020 has none. Each window runs
  // from a different week of 2020 to the end of 2021, so it holds the same targets and different
  // others: 52 pairs, 52 independent noises around the same difference.
  let recovered = 0
  const sets = 60
  for (let s = 0; s < sets; s++) {
    const target = 1 + (s % 4)
    const others = keyedRecords(400, 5000 + s, { years: [2020, 2021], other: 0 })
    const targets = keyedRecords(target, 9000 + s, { years: [2021], other: 1, firstId: 10_000 })
    const store = createSnapshot([...others, ...targets])
    const diffs: number[] = []
    for (let week = 0; week < 52; week++) {
      const from = new Date(Date.UTC(2020, 0, 1 + 7 * week)).toISOString().slice(0, 10)
      const all = await published(store, 'closure-reasons', { from, to: '2021-12-31' }, 'perturbed')
      const two = await published(store, 'closure-reasons', { from, to: '2021-12-31', gender: ['girl', 'boy'] }, 'perturbed')
      const a = all.shown.get('population')
      const b = two.shown.get('population')
      if (typeof a === 'number' && typeof b === 'number') diffs.push(a - b)
    }
    const guess = Math.round(diffs.reduce((x, y) => x + y, 0) / diffs.length)
    if (guess === target) recovered++
  }
  t.comment(`averaging 52 windows recovers the true 1–4 in ${recovered} of ${sets} data sets`)
  t.ok(recovered / sets > bound(), 'the cell key method alone does not stop an intruder who can vary the question freely')
})
