import t from 'tap'
import {
  KEY_RANGE, MAX_NOISE, NOISE_VARIANCE, PTABLE, PTABLE_CAP, PTABLE_DENOMINATOR, cellKey, noiseFor, perturbCount, ptableRow
} from '../../../src/domain/stats/ptable.js'
import { prng } from './protect-helpers.js'

// The perturbation table's published properties, checked exactly: its probabilities are whole
// sixteenths, so sums, means and variances are computed in integers.

t.test('the published parameters are D = 2 and V = 1', async (t) => {
  t.equal(MAX_NOISE, 2)
  t.equal(NOISE_VARIANCE, 1)
  t.same(PTABLE.map((r) => r.count), [1, 2], 'a row for 1, and the cap row for 2 and above')
  t.equal(PTABLE_CAP, 2)
})

for (const row of PTABLE) {
  t.test(`row ${row.count}${row.count === PTABLE_CAP ? '+' : ''}: a distribution with mean 0, variance ${NOISE_VARIANCE}, within ±${MAX_NOISE}, never below 0`, async (t) => {
    const w = row.weights
    t.equal(w.length, row.noise.length)
    t.ok(w.every((x) => Number.isInteger(x) && x > 0), 'whole sixteenths, none zero')
    t.equal(w.reduce((a, b) => a + b, 0), PTABLE_DENOMINATOR, 'probabilities sum to 1 exactly')
    t.equal(row.noise.reduce((a, v, i) => a + v * w[i], 0), 0, 'mean 0 exactly')
    t.equal(row.noise.reduce((a, v, i) => a + v * v * w[i], 0), NOISE_VARIANCE * PTABLE_DENOMINATOR, 'variance exactly V')
    t.ok(row.noise.every((v) => Math.abs(v) <= MAX_NOISE), 'no noise beyond D')
    t.ok(row.noise.every((v) => row.count + v >= 0), 'no count is published below zero')
    t.same([...row.noise].sort((a, b) => a - b), row.noise, 'noise ascending, so cumulative probability picks in order')
  })
}

t.test('every count from 1 to 10,000 has a row that keeps it non-negative', async (t) => {
  for (let i = 1; i <= 10_000; i++) {
    const row = ptableRow(i)
    if (!row.noise.every((v) => i + v >= 0)) t.fail(`count ${i}`)
  }
  t.equal(ptableRow(1).count, 1)
  t.equal(ptableRow(2).count, 2)
  t.equal(ptableRow(9999).count, 2)
})

t.test('the cell key picks the noise by cumulative probability: each sixteenth of [0, 1) to its value', async (t) => {
  for (const row of PTABLE) {
    const picked: number[] = []
    // The middle and both ends of every sixteenth.
    for (let j = 0; j < PTABLE_DENOMINATOR; j++) {
      const inside = [j / 16, (j + 0.5) / 16, (j + 1) / 16 - 2 ** -31].map((k) => noiseFor(row.count, k))
      t.equal(new Set(inside).size, 1, `row ${row.count}: sixteenth ${j} gives one value`)
      picked.push(inside[0])
    }
    const expected = row.noise.flatMap((v, i) => Array<number>(row.weights[i]).fill(v))
    t.same(picked, expected, `row ${row.count}: ${row.weights.join('/')} sixteenths in noise order`)
  }
})

t.test('zero stays zero whatever the key', async (t) => {
  for (const sum of [0, 1, 2 ** 31 - 1, 2 ** 32 - 1, 123_456_789]) t.equal(perturbCount(0, sum), 0)
})

t.test('a cell key is the key sum modulo 2^31 over 2^31, so sums kept modulo 2^32 give the same key', async (t) => {
  t.equal(KEY_RANGE, 2 ** 31)
  t.equal(cellKey(0), 0)
  t.equal(cellKey(2 ** 30), 0.5)
  t.equal(cellKey(2 ** 31 + 5), cellKey(5))
  const random = prng(7)
  for (let i = 0; i < 1000; i++) {
    const keys = Array.from({ length: 1 + Math.floor(random() * 50) }, () => Math.floor(random() * 2 ** 31))
    const exact = keys.reduce((a, b) => a + b, 0)
    const wrapped = keys.reduce((a, b) => (a + b) >>> 0, 0)
    if (cellKey(exact) !== cellKey(wrapped)) t.fail(`sum ${exact}`)
    const k = cellKey(exact)
    if (!(k >= 0 && k < 1)) t.fail(`key ${k} outside [0, 1)`)
  }
})

t.test('perturbed counts stay within ±D and at or above 0 for every count and key', async (t) => {
  const random = prng(11)
  let worst = 0
  for (let n = 0; n <= 60; n++) {
    for (let i = 0; i < 500; i++) {
      const p = perturbCount(n, Math.floor(random() * 2 ** 32))
      worst = Math.max(worst, Math.abs(p - n))
      if (p < 0 || Math.abs(p - n) > MAX_NOISE || !Number.isInteger(p)) t.fail(`${n} → ${p}`)
    }
  }
  t.equal(worst, MAX_NOISE, 'the bound is reached, not just respected')
})

t.test('over uniform keys the noise follows the table (200,000 draws per row)', async (t) => {
  const random = prng(3)
  for (const row of PTABLE) {
    const seen = new Map<number, number>()
    const draws = 200_000
    for (let i = 0; i < draws; i++) {
      const v = perturbCount(row.count + (row.count === PTABLE_CAP ? 10 : 0), Math.floor(random() * 2 ** 31)) - row.count - (row.count === PTABLE_CAP ? 10 : 0)
      seen.set(v, (seen.get(v) ?? 0) + 1)
    }
    row.noise.forEach((v, i) => {
      const p = row.weights[i] / 16
      const sd = Math.sqrt(p * (1 - p) / draws)
      const got = (seen.get(v) ?? 0) / draws
      t.ok(Math.abs(got - p) < 5 * sd, `row ${row.count}, noise ${v}: ${got.toFixed(4)} vs ${p.toFixed(4)}`)
    })
  }
})
