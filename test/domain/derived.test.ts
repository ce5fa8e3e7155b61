import t from 'tap'
import { ageGroup, daysBetween } from '../../src/domain/derived.js'

t.test('age groups follow Webbkollen tabell 3', async (t) => {
  t.equal(ageGroup(0), '0-6')
  t.equal(ageGroup(6), '0-6')
  t.equal(ageGroup(7), '7-12')
  t.equal(ageGroup(12), '7-12')
  t.equal(ageGroup(13), '13-17')
  t.equal(ageGroup(17), '13-17')
  t.equal(ageGroup(18), '18-20')
  t.equal(ageGroup(20), '18-20')
})

t.test('days between dates count calendar days across a leap day', async (t) => {
  t.equal(daysBetween('2020-02-28', '2020-03-01'), 2)
  t.equal(daysBetween('2020-01-01', '2020-01-01'), 0)
  t.equal(daysBetween('2020-03-29', '2020-03-30'), 1)
})
