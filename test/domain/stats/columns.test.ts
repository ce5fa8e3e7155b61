import t from 'tap'
import { NONE, NO_DURATION, PROBLEM_CODES, createSnapshot, dayNumber, keyOfId, methodsOf } from '../../../src/domain/stats/columns.js'
import { computeTable } from '../../../src/domain/stats/tables.js'
import { TEN, cd, counts, record } from './fixtures.js'

t.test('a record is stored as codes, bitmasks and day numbers', async (t) => {
  const s = createSnapshot(TEN)
  const c = s.columns
  t.equal(s.size, 10)
  t.equal(c.end, 10)
  const four = 3 // slots follow insertion order
  t.equal(s.municipalities[c.municipality[four]], '2182')
  t.equal(c.year[four], 2020)
  t.equal(c.background[four], NONE, '2020 has no background')
  t.equal(c.duration[four], 20)
  const bits = [...PROBLEM_CODES.keys()].filter((i) => (c.problems[four] & (1 << i)) !== 0).map((i) => PROBLEM_CODES[i])
  t.same(bits, ['parenting_deficits', 'parent_mental_health'], '2020 parent_mental_health_or_id is harmonised')
  t.equal(c.problems[4], 0, 'a record without problems has an empty mask')
  t.equal(c.duration[2], NO_DURATION, 'never started: no duration')
  t.equal(c.day[0] - c.day[1], 18, 'closing dates are day numbers: 2021-02-21 to 2021-03-11')
  t.equal(dayNumber('1970-01-02'), 1)
})

t.test('the methods a record counts under are normalised, with crisis support ticked in 2021 added', async (t) => {
  t.same(methodsOf(TEN[1].record), ['Krisstöd vid orosanmälan om våld mot barn'])
  t.same(methodsOf(TEN[3].record), ['Krisstöd vid orosanmälan om våld mot barn'], '2020 "krisstöd" is the known method')
  t.same(methodsOf(TEN[4].record), ['I Stunden'], 'I Stunden is crisis support already, nothing is added')
  t.same(methodsOf(TEN[6].record), ['Trygghetscirkeln'])
  t.same(methodsOf(record({ interventions: ['crisis_support', 'other_manual_method'], manualMethods: ['KIBB', 'kibb'] })),
    ['KIBB', 'Krisstöd vid orosanmälan om våld mot barn'], 'duplicates after normalising count once')
})

t.test('upsert of a known id replaces the record in place', async (t) => {
  const s = createSnapshot(TEN)
  s.upsert(1, record({ municipality: '2121', caseRef: 'A1' }), 7)
  t.equal(s.size, 10)
  t.equal(s.columns.end, 10, 'no new slot')
  t.same(counts(computeTable('overview', s)), { 2121: [3, 2, 1, 0], 2182: [3, 2, 1, 0], 2184: [4, 1, 2, 1], all: [10, 5, 4, 1] })
})

t.test('remove makes a record vanish from every table at once', async (t) => {
  const s = createSnapshot(TEN)
  s.remove(2)
  t.equal(s.size, 9)
  t.notOk(s.has(2))
  t.same(cd(computeTable('problems', s), 'violence_abuse', 'children'), [4, 8])
  t.same(cd(computeTable('manual-methods', s), 'Krisstöd vid orosanmälan om våld mot barn', 'cases'), [1, 5])
  t.equal(computeTable('overview', s).population, 9)
  s.remove(2)
  s.remove(999)
  t.equal(s.size, 9, 'removing an unknown id does nothing')
})

t.test('a removed record\'s slot is reused by the next new id', async (t) => {
  const s = createSnapshot(TEN)
  s.remove(5)
  s.upsert(11, record({ caseRef: 'NEW', municipality: '0114' }), 11)
  t.equal(s.columns.end, 10, 'the freed slot was taken')
  t.equal(s.size, 10)
  t.equal(s.municipalities[s.columns.municipality[4]], '0114')
  t.same(computeTable('overview', s).rows.map((r) => r.key), ['0114', '2121', '2182', '2184', 'all'])
})

t.test('capacity doubles and keeps every record', async (t) => {
  const s = createSnapshot([], 16)
  for (let id = 1; id <= 40; id++) s.upsert(id, record({ ageAtReferral: id % 21, closingDate: `20${10 + (id % 12)}-05-05`, startDate: '2009-05-05' }), 1000 + id)
  t.equal(s.columns.live.length, 64)
  t.equal(s.size, 40)
  const tr = computeTable('trends', s)
  t.equal(tr.rows.length, 12)
  t.same(cd(tr, '2010', 'cases'), [3, null], 'ids 12, 24, 36')
  t.equal(s.bounds.minYear, 2010)
  t.equal(s.bounds.maxYear, 2021)
  t.same([...s.columns.cellKey.subarray(0, 40)], Array.from({ length: 40 }, (_, i) => 1001 + i), 'the keys survive the copies')
})

t.test('a record keeps the key it was given; a replacement takes the key passed with it', async (t) => {
  const s = createSnapshot([{ id: 1, record: record({ caseRef: 'K1' }), key: 123_456 }, { id: 2, record: record({ caseRef: 'K2' }) }])
  t.equal(s.columns.cellKey[0], 123_456)
  t.equal(s.columns.cellKey[1], keyOfId(2), 'a record built in memory without a key gets one derived from its id')
  s.upsert(1, record({ caseRef: 'K1', gender: 'boy' }), 123_456)
  t.equal(s.columns.cellKey[0], 123_456)
  t.throws(() => s.upsert(3, record(), 2 ** 31), RangeError, 'a key outside [0, 2^31) is refused')
  t.throws(() => s.upsert(3, record(), -1), RangeError)
  t.notOk(s.has(3), 'and nothing is stored')
})

t.test('keys derived from ids spread over [0, 2^31)', async (t) => {
  const keys = Array.from({ length: 10_000 }, (_, i) => keyOfId(i + 1))
  t.ok(keys.every((k) => Number.isInteger(k) && k >= 0 && k < 2 ** 31))
  t.equal(new Set(keys).size, keys.length, 'no two ids of the first 10,000 share a key')
  const mean = keys.reduce((a, b) => a + b, 0) / keys.length / 2 ** 31
  t.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean.toFixed(3)} near ½`)
})

t.test('rare free-text methods beyond the bitmask are still counted, and forgotten on removal', async (t) => {
  // 18 known methods + 14 free-text names fill the 32 bits; the next names overflow.
  const records = Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    record: record({ interventions: ['other_manual_method'], manualMethods: [`Egen metod ${i + 1}`, 'KIBB'] })
  }))
  records.push({ id: 21, record: record({ interventions: ['other_manual_method'], manualMethods: ['Egen metod 20'] }) })
  const s = createSnapshot(records)
  t.equal(s.methodNames.length, 38)
  t.ok(s.columns.methodsOverflow.size > 0)
  const m = computeTable('manual-methods', s)
  t.same(cd(m, 'Egen metod 20', 'cases'), [2, 21], 'a record with only overflow methods is still a case with a method')
  t.same(cd(m, 'KIBB', 'cases'), [20, 21])
  s.remove(21)
  s.remove(20)
  t.notOk(computeTable('manual-methods', s).rows.some((r) => r.key === 'Egen metod 20'))
  t.same(cd(computeTable('manual-methods', s), 'Egen metod 19', 'cases'), [1, 19])
})
