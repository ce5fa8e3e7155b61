import t, { type Test } from 'tap'
import { wilson } from '../../../src/domain/stats/wilson.js'

const close = (t: Test, actual: number, expected: number, msg: string): void => {
  t.ok(Math.abs(actual - expected) < 1e-4, `${msg}: ${actual} ≈ ${expected}`)
}

t.test('0 of 10 gives [0, 0.2775]', async (t) => {
  const [lo, hi] = wilson(0, 10)
  t.equal(lo, 0)
  close(t, hi, 0.27753, 'upper')
})

t.test('10 of 10 gives [0.7225, 1]', async (t) => {
  const [lo, hi] = wilson(10, 10)
  close(t, lo, 0.72247, 'lower')
  t.equal(hi, 1)
})

t.test('122 of 213 gives [0.5056, 0.6349]', async (t) => {
  const [lo, hi] = wilson(122, 213)
  close(t, lo, 0.50563, 'lower')
  close(t, hi, 0.63733, 'upper')
})

t.test('5 of 10 is symmetric around one half', async (t) => {
  const [lo, hi] = wilson(5, 10)
  close(t, lo, 0.23659, 'lower')
  close(t, hi, 0.76341, 'upper')
})

t.test('no observations give the whole interval', async (t) => {
  t.same(wilson(0, 0), [0, 1])
})
