import fc from 'fast-check'
import t from 'tap'
import { validateRecord } from '../../src/domain/record.js'
import { brokenRules, holds, isIsoDate, mutatedRecord, personalNumber, TODAY, validRecord } from './sux.js'

// validateRecord against the SPEC §2 rules as this test writes them down (sux.ts): no input makes
// it throw, it accepts exactly what keeps every rule, and it names the field of every broken rule.

const validate = (input: unknown) => validateRecord(input, { today: TODAY })
const paths = (issues: Array<{ path: string }>) => new Set(issues.map((i) => i.path))

t.test('any JSON value: validation never throws, and nothing it accepts breaks a rule', async (t) => {
  await holds(t, 'arbitrary JSON', fc.property(fc.jsonValue(), (input) => {
    const result = validate(input)
    return result.ok ? brokenRules(input).shape.length + brokenRules(input).rules.length === 0 : result.errors.length > 0
  }), 2000)
  await holds(t, 'arbitrary objects with record field names', fc.property(
    fc.dictionary(fc.constantFrom('municipality', 'caseRef', 'formVersion', 'problems', 'startDate', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 })),
    (input) => { validate(input); return true }), 500)
})

t.test('records built to keep every rule are accepted, and come back as sent (free text trimmed)', async (t) => {
  await holds(t, 'valid records are accepted', fc.property(validRecord(), (input) => {
    const broken = brokenRules(input)
    if (broken.shape.length + broken.rules.length > 0) throw new Error(`the generator made a broken record: ${JSON.stringify(broken)}`)
    const result = validate(input)
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`)
    const v = result.value
    for (const f of ['municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'background', 'referralDate', 'startDate', 'previouslyKnown', 'problems', 'interventions', 'closingDate', 'closureReason'] as const) {
      if (JSON.stringify(v[f]) !== JSON.stringify(input[f])) throw new Error(`${f} changed: ${JSON.stringify(v[f])}`)
    }
    for (const f of ['otherProblem', 'otherIntervention', 'closureComment', 'comment'] as const) {
      const sent = input[f] as string | null
      if (v[f] !== (sent === null ? null : sent.trim())) throw new Error(`${f} not stored trimmed`)
    }
    return v.manualMethods.length <= (input.manualMethods as string[]).length && v.manualMethods.every((m) => m.trim() === m && m !== '')
  }), 1500)
})

t.test('mutated records: accepted exactly when every rule holds, and every broken rule is named by its path', async (t) => {
  const counts = { accepted: 0, shape: 0, rules: 0 }
  await holds(t, 'the validator agrees with the rules', fc.property(mutatedRecord(), (input) => {
    const broken = brokenRules(input)
    const result = validate(input)
    if (broken.shape.length > 0) {
      counts.shape++
      if (result.ok) throw new Error(`accepted a record with bad fields ${broken.shape.join(', ')}`)
      // By field: a list with many bad items may be reported by its first few.
      const field = (p: string) => p.split('/')[1] ?? ''
      const reported = new Set(result.errors.map((e) => field(e.path)))
      const missing = broken.shape.filter((p) => !reported.has(field(p)))
      if (missing.length > 0) throw new Error(`not reported: ${missing.join(', ')}; reported ${[...reported].join(', ')}`)
      return true
    }
    if (broken.rules.length === 0) {
      counts.accepted++
      if (!result.ok) throw new Error(`refused a record that keeps every rule: ${JSON.stringify(result.errors)}`)
      return true
    }
    counts.rules++
    if (result.ok) throw new Error(`accepted a record breaking ${broken.rules.join(', ')}`)
    const reported = paths(result.errors)
    const missing = broken.rules.filter((p) => !reported.has(p))
    if (missing.length > 0) throw new Error(`not reported: ${missing.join(', ')}; reported ${[...reported].join(', ')}`)
    return true
  }), 4000)
  // The generator must reach all three outcomes often, or the property says little.
  t.ok(counts.accepted > 300 && counts.shape > 300 && counts.rules > 300, `outcomes are mixed: ${JSON.stringify(counts)}`)
})

t.test('dates of any year, month and day: accepted only when they are days PostgreSQL can store', async (t) => {
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  const dateish = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 2000, 2020, 2021)), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`)
  await holds(t, 'date fields', fc.property(validRecord(), fc.constantFrom('referralDate', 'startDate', 'closingDate'), dateish, (input, field, date) => {
    const record = { ...input, [field]: date }
    const result = validate(record)
    if (!isIsoDate(date)) return !result.ok && result.errors.some((e) => e.path === `/${field}` && e.code === 'invalid_date')
    return result.ok === (brokenRules(record).rules.length === 0)
  }), 1500)
})

t.test('a personal identity or coordination number is refused as caseRef and in every free-text field', async (t) => {
  await holds(t, 'identity numbers refused', fc.property(validRecord(), personalNumber,
    fc.constantFrom('caseRef', 'comment', 'closureComment', 'manualMethods'), (input, pnr, field) => {
      const record = { ...input }
      if (field === 'caseRef') {
        if (!/^[0-9-]+$/.test(pnr)) return true
        record.caseRef = pnr
      } else if (field === 'comment') {
        record.comment = `Barnet (${pnr}) flyttade`
      } else if (field === 'closureComment') {
        record.closureReason = 'other'
        record.closureComment = pnr
      } else {
        record.formVersion = '2021'
        record.background = 'unknown'
        record.problems = ['school_problems']
        record.closureReason = 'goals_met'
        record.startDate = record.referralDate
        record.interventions = ['other_manual_method']
        record.manualMethods = [`Metod ${pnr}`]
        record.otherProblem = null
        record.otherIntervention = null
        record.closureComment = null
      }
      const result = validate(record)
      return !result.ok && result.errors.some((e) => e.path === (field === 'manualMethods' ? '/manualMethods/0' : `/${field}`) && e.code === 'identity_number')
    }), 1000)
})

t.test('the oracle itself: dates are calendar dates', async (t) => {
  t.ok(isIsoDate('2020-02-29'))
  t.notOk(isIsoDate('2021-02-29'))
  t.notOk(isIsoDate('2021-1-01'))
})
