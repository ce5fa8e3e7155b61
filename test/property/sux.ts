import fc from 'fast-check'
import type { Test } from 'tap'

// SU-X records for the property tests, built from SPEC §2 as written there, not from the domain
// code: the code lists are copied from the SPEC, and `brokenRules` checks every rule on its own,
// so that a test comparing the two would notice if the domain drifted from the contract.

export const TODAY = '2026-06-30'

const PROBLEMS_COMMON = [
  'violence_abuse', 'domestic_violence', 'honour_violence', 'family_relationship', 'parenting_deficits',
  'parent_substance_abuse', 'child_mental_health', 'behaviour_problems', 'school_problems', 'own_criminality',
  'own_substance_abuse', 'other'
]
export const SPEC_CODES = {
  '2021': {
    problem: [...PROBLEMS_COMMON, 'parent_mental_health'],
    intervention: ['traditional_family_treatment', 'crisis_support', 'other_manual_method', 'other_non_manual'],
    closure: ['goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'never_started', 'other'],
    background: ['born_se_both_parents_se', 'born_se_one_parent_abroad', 'born_se_both_parents_abroad', 'born_europe', 'born_outside_europe', 'unknown'],
    gender: ['girl', 'boy', 'other'],
    known: ['no', 'once', 'several', 'unknown']
  },
  '2020': {
    problem: [...PROBLEMS_COMMON, 'parent_mental_health_or_id'],
    intervention: ['traditional_family_treatment', 'manual_method'],
    closure: ['goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'other'],
    background: [] as string[],
    gender: ['girl', 'boy'],
    known: ['no', 'once', 'several', 'unknown']
  }
} as const

export const KNOWN_METHODS = [
  'A-CRA', 'Bassamtal', 'Föräldraplan', 'Hemflyttssamtal efter placering', 'IHF', 'Jag och min familj', 'KIBB',
  'Krisstöd vid orosanmälan om våld mot barn', 'Marte meo', 'Placeringssamtal', 'PYC', 'Påverkansprogrammet',
  'Samarbetssamtal', 'Tryggare barn', 'Trygghetscirkeln', 'Återfallsprevention', 'I Stunden', 'Efter barnförhöret'
]
export const MUNICIPALITIES = ['2101', '2104', '2121', '2180', '2182', '2184']

// ---------------------------------------------------------------- personal identity numbers

function luhn (nine: string): number {
  let sum = 0
  for (let i = 0; i < 9; i++) {
    const p = Number(nine[i]) * (i % 2 === 0 ? 2 : 1)
    sum += p > 9 ? p - 9 : p
  }
  return (10 - (sum % 10)) % 10
}

/** A day of the calendar PostgreSQL stores: year 1 onwards (there is no year 0 AD). */
function realDate (y: number, m: number, d: number): boolean {
  const t = new Date(0)
  t.setUTCFullYear(y, m - 1, d)
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/** The 10 or 12 digits are a personal identity or coordination number (date, or day + 60; Luhn). */
function identityDigits (digits: string): boolean {
  const ten = digits.slice(-10)
  if (luhn(ten) !== Number(ten[9])) return false
  const yy = Number(ten.slice(0, 2))
  const m = Number(ten.slice(2, 4))
  let d = Number(ten.slice(4, 6))
  if (d > 60) d -= 60
  if (digits.length === 12) return realDate(Number(digits.slice(0, 2)) * 100 + yy, m, d)
  return realDate(1900 + yy, m, d) || realDate(2000 + yy, m, d)
}

/** A whole string that is one (SPEC §2: 10 or 12 digits, with or without `-`/`+`). */
export function isPersonalNumber (s: string): boolean {
  const m = /^(\d{6}|\d{8})[-+]?(\d{4})$/.exec(s.trim())
  return m !== null && identityDigits(m[1] + m[2])
}

/** Some maximal digit run of a text is one (separators `-`/`+` only: a subset of what the service finds). */
export function containsPersonalNumber (s: string): boolean {
  for (const m of s.matchAll(/(?<!\d)(\d{6}|\d{8})[-+]?(\d{4})(?!\d)/g)) if (identityDigits(m[1] + m[2])) return true
  return false
}

/** A valid personal or coordination number in one of its four spellings. */
export const personalNumber = fc.record({
  date: fc.date({ min: new Date('1950-01-01'), max: new Date('2024-12-31'), noInvalidDate: true }),
  serial: fc.integer({ min: 0, max: 999 }),
  coordination: fc.boolean(),
  form: fc.constantFrom('10', '10-', '12', '12-')
}).map(({ date, serial, coordination, form }) => {
  const iso = date.toISOString()
  const day = Number(iso.slice(8, 10)) + (coordination ? 60 : 0)
  const nine = iso.slice(2, 4) + iso.slice(5, 7) + String(day).padStart(2, '0') + String(serial).padStart(3, '0')
  const ten = nine + String(luhn(nine))
  const digits = form.startsWith('12') ? iso.slice(0, 2) + ten : ten
  return form.endsWith('-') ? `${digits.slice(0, -4)}-${digits.slice(-4)}` : digits
})

// ---------------------------------------------------------------- the rules, independently

const FIELDS = [
  'municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'background', 'referralDate', 'startDate',
  'previouslyKnown', 'problems', 'otherProblem', 'interventions', 'manualMethods', 'otherIntervention', 'closingDate',
  'closureReason', 'closureComment', 'comment'
]
const REQUIRED = ['municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'referralDate', 'startDate',
  'previouslyKnown', 'problems', 'interventions', 'closingDate', 'closureReason']
const TEXT_LIMITS: Record<string, number> = { otherProblem: 500, otherIntervention: 500, closureComment: 500, comment: 1000 }

const length = (s: string) => [...s].length
export const isIsoDate = (v: unknown): v is string => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false
  const [y, m, d] = v.split('-').map(Number)
  return realDate(y, m, d)
}
const isString = (v: unknown): v is string => typeof v === 'string'
/** Text PostgreSQL can store (no NUL, no lone surrogate). */
function storable (s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0) return false
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) return false
  }
  return true
}

export interface Broken {
  /** JSON pointers of fields with the wrong type, length or format (the shape of the record). */
  shape: string[]
  /** JSON pointers of fields breaking a rule of content (only meaningful when `shape` is empty). */
  rules: string[]
}

/** Every SPEC §2 rule that `input` breaks, by the JSON pointer of the offending field. */
export function brokenRules (input: unknown, today = TODAY): Broken {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { shape: [''], rules: [] }
  const r = input as Record<string, unknown>
  const shape: string[] = []
  for (const k of Object.keys(r)) if (!FIELDS.includes(k)) shape.push(`/${k}`)
  for (const k of REQUIRED) if (r[k] === undefined) shape.push(`/${k}`)
  const bad = (field: string, ok: (v: unknown) => boolean) => { if (r[field] !== undefined && !ok(r[field])) shape.push(`/${field}`) }
  bad('municipality', (v) => isString(v) && /^[0-9]{4}$/.test(v))
  bad('caseRef', (v) => isString(v) && /^[A-Za-z0-9._-]{1,64}$/.test(v))
  bad('formVersion', (v) => v === '2020' || v === '2021')
  bad('ageAtReferral', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 20)
  for (const f of ['gender', 'previouslyKnown', 'closureReason']) bad(f, isString)
  bad('background', (v) => v === null || isString(v))
  bad('referralDate', isIsoDate)
  bad('closingDate', isIsoDate)
  bad('startDate', (v) => v === null || isIsoDate(v))
  for (const [f, max] of Object.entries(TEXT_LIMITS)) bad(f, (v) => v === null || (isString(v) && length(v) <= max))
  for (const f of ['problems', 'interventions', 'manualMethods']) {
    const v = r[f]
    if (v === undefined) continue
    if (!Array.isArray(v)) {
      shape.push(`/${f}`)
      continue
    }
    if (f === 'manualMethods' && v.length > 10) shape.push(`/${f}`)
    v.forEach((item, i) => { if (!isString(item) || (f === 'manualMethods' && length(item) > 100)) shape.push(`/${f}/${i}`) })
  }
  if (shape.length > 0) return { shape, rules: [] }

  const rules: string[] = []
  const version = r.formVersion as '2020' | '2021'
  const codes = SPEC_CODES[version]
  const problems = r.problems as string[]
  const interventions = r.interventions as string[]
  const methods = (r.manualMethods ?? []) as string[]
  const text = (f: string): string | null => {
    const v = r[f] as string | null | undefined
    return v === undefined || v === null || v.trim() === '' ? null : v.trim()
  }
  const closure = r.closureReason as string
  const neverStarted = closure === 'never_started'

  if (isPersonalNumber(r.caseRef as string)) rules.push('/caseRef')
  if (!(codes.gender as readonly string[]).includes(r.gender as string)) rules.push('/gender')
  const background = r.background ?? null
  if (version === '2021' ? !(codes.background as readonly string[]).includes(background as string) : background !== null) rules.push('/background')
  if (!(codes.known as readonly string[]).includes(r.previouslyKnown as string)) rules.push('/previouslyKnown')
  problems.forEach((p, i) => {
    if (problems.indexOf(p) !== i || !(codes.problem as readonly string[]).includes(p)) rules.push(`/problems/${i}`)
  })
  if (problems.length > 3 || problems.length < (version === '2021' ? 1 : 0)) rules.push('/problems')
  if (problems.includes('other') !== (text('otherProblem') !== null)) rules.push('/otherProblem')
  interventions.forEach((v, i) => {
    if (interventions.indexOf(v) !== i || !(codes.intervention as readonly string[]).includes(v)) rules.push(`/interventions/${i}`)
  })
  if (neverStarted !== (interventions.length === 0)) rules.push('/interventions')
  const manualChosen = interventions.includes(version === '2021' ? 'other_manual_method' : 'manual_method')
  if (manualChosen !== (methods.length > 0)) rules.push('/manualMethods')
  methods.forEach((m, i) => { if (m.trim() === '' || !storable(m) || containsPersonalNumber(m)) rules.push(`/manualMethods/${i}`) })
  if (interventions.includes('other_non_manual') !== (text('otherIntervention') !== null)) rules.push('/otherIntervention')
  if (!(codes.closure as readonly string[]).includes(closure)) rules.push('/closureReason')
  if ((closure === 'not_matching_needs' || closure === 'other') && text('closureComment') === null) rules.push('/closureComment')
  for (const f of Object.keys(TEXT_LIMITS)) {
    const v = text(f)
    if (v !== null && (!storable(v) || containsPersonalNumber(v))) rules.push(`/${f}`)
  }
  const referral = r.referralDate as string
  const start = r.startDate as string | null
  const closing = r.closingDate as string
  if (start === null && !neverStarted) rules.push('/startDate')
  if (start !== null && start < referral) rules.push('/startDate')
  if (start !== null && closing < start) rules.push('/closingDate')
  if (closing < referral) rules.push('/closingDate')
  if (closing > today) rules.push('/closingDate')
  return { shape, rules: [...new Set(rules)] }
}

// ---------------------------------------------------------------- generators

const DAY = 86_400_000
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** Free text that is never a personal number, trimmed to something. */
const plainText = fc.oneof(
  fc.constantFrom('Trappan – extern insats', 'Flyttade', 'Familjen tackade nej', 'ärende 12', '  med mellanslag  ', 'Åäö ÅÄÖ'),
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !/\d{6}/.test(s))
)

/**
 * A record that keeps every rule (by construction from SPEC §2), in either form version, as a
 * client would send it. `refs` gives its caseRef so that sets of records can keep them unique.
 */
export function validRecord (opts: { municipalities?: string[], caseRef?: fc.Arbitrary<string> } = {}): fc.Arbitrary<Record<string, unknown>> {
  const municipalities = opts.municipalities ?? MUNICIPALITIES
  const caseRef = opts.caseRef ?? fc.stringMatching(/^[A-Z][A-Za-z0-9._-]{0,15}$/)
  return fc.constantFrom('2020' as const, '2021' as const).chain((version) => {
    const c = SPEC_CODES[version]
    const manualCode = version === '2021' ? 'other_manual_method' : 'manual_method'
    return fc.record({
      municipality: fc.constantFrom(...municipalities),
      caseRef,
      ageAtReferral: fc.integer({ min: 0, max: 20 }),
      gender: fc.constantFrom(...c.gender),
      background: version === '2021' ? fc.constantFrom(...c.background) : fc.constant(null),
      referral: fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2026, 5, 1) }).map((ms) => Math.floor(ms / DAY) * DAY),
      wait: fc.integer({ min: 0, max: 400 }),
      duration: fc.integer({ min: 0, max: 1200 }),
      previouslyKnown: fc.constantFrom(...c.known),
      problems: fc.shuffledSubarray([...c.problem], { minLength: version === '2021' ? 1 : 0, maxLength: 3 }),
      closureReason: fc.constantFrom(...c.closure),
      interventions: fc.shuffledSubarray([...c.intervention], { minLength: 1, maxLength: c.intervention.length }),
      methods: fc.uniqueArray(fc.oneof(fc.constantFrom(...KNOWN_METHODS), fc.constantFrom('circle of security', 'pyc', 'Egen metod X')), { minLength: 1, maxLength: 3 }),
      texts: fc.tuple(plainText, plainText, plainText),
      comment: fc.option(plainText, { nil: null }),
      startedAnyway: fc.boolean()
    }).map((g) => {
      const neverStarted = g.closureReason === 'never_started'
      let closing = g.referral + (g.wait + g.duration) * DAY
      const today = Date.parse(TODAY)
      const shift = closing > today ? closing - today : 0
      closing -= shift
      const interventions = neverStarted ? [] : g.interventions
      return {
        municipality: g.municipality,
        caseRef: g.caseRef,
        formVersion: version,
        ageAtReferral: g.ageAtReferral,
        gender: g.gender,
        background: g.background,
        referralDate: isoOf(g.referral - shift),
        startDate: neverStarted && !g.startedAnyway ? null : isoOf(g.referral - shift + g.wait * DAY),
        previouslyKnown: g.previouslyKnown,
        problems: g.problems,
        otherProblem: g.problems.includes('other') ? g.texts[0] : null,
        interventions,
        manualMethods: interventions.includes(manualCode) ? g.methods : [],
        otherIntervention: interventions.includes('other_non_manual') ? g.texts[1] : null,
        closingDate: isoOf(closing),
        closureReason: g.closureReason,
        closureComment: g.closureReason === 'not_matching_needs' || g.closureReason === 'other' ? g.texts[2] : null,
        comment: g.comment
      }
    })
  })
}

/** Values a field might wrongly (or rightly) hold: other codes, wrong types, edge dates and lengths. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null, '', ' ', 0, -1, 21, 9.5, '9', true, [], {}, ['other'], ['other', 'other'], [''], ['  '], [1],
    'girl', 'boy', 'other', 'unknown', 'never_started', 'goals_met', 'manual_method', 'other_manual_method',
    'parent_mental_health', 'parent_mental_health_or_id', 'born_europe', '2020', '2021', '2019',
    '2021-02-29', '2020-02-29', '2021-13-01', '0000-01-01', '0001-01-01', '9999-12-31', '2027-01-01', '2026-06-30',
    '2026-07-01', '1999-12-31', '2021-01-01T00:00:00Z', 'x'.repeat(101), 'x'.repeat(501), 'x'.repeat(1001), '\u0000', '\ud800',
    '2184', '218', 'HU-1', 'a b', '199001011239', '19900101-1239', '900101-1239', '9001011239', '900161-1234'
  ),
  personalNumber,
  personalNumber.map((n) => `Kontakt med barnet ${n} via skolan`),
  fc.array(fc.constantFrom('violence_abuse', 'other', 'crisis_support', 'traditional_family_treatment', 'other_non_manual', 'manual_method', 'PYC', 'bullying', ''), { maxLength: 5 }),
  fc.array(fc.constantFrom('PYC', 'pyc', 'COS', 'Trygghetscirkeln', ' ', 'x'.repeat(101)), { maxLength: 12 }),
  fc.jsonValue({ maxDepth: 2 })
)

/** A valid record with one to three fields replaced, removed or added. */
export function mutatedRecord (base = validRecord()): fc.Arbitrary<Record<string, unknown>> {
  const change = fc.record({
    field: fc.constantFrom(...FIELDS, 'extra'),
    action: fc.constantFrom('set', 'swap', 'swap', 'swap', 'delete'),
    value: fieldValue
  })
  // `swap` takes the field from another valid record: well-formed, but perhaps of the other form
  // version, out of date order or without the text its codes require.
  return fc.tuple(base, validRecord(), fc.array(change, { minLength: 1, maxLength: 3 })).map(([record, other, changes]) => {
    const out: Record<string, unknown> = { ...record }
    for (const c of changes) {
      if (c.action === 'delete') delete out[c.field]
      else if (c.action === 'swap') out[c.field] = other[c.field]
      else out[c.field] = c.value
    }
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
    return out
  })
}

// ---------------------------------------------------------------- running

/** The seed every property runs with (FC_SEED overrides), printed with any failure. */
export const SEED = Number(process.env.FC_SEED ?? 20260630)

/** Runs a property with a fixed seed; a failure shows the seed, the path and the shrunk example. */
export async function holds<T> (t: Test, name: string, property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>, numRuns: number): Promise<void> {
  const result = await fc.check(property as fc.IAsyncProperty<T>, { seed: SEED, numRuns })
  const why = result.failed ? `${name}\n${fc.defaultReportMessage(result)}\n${String(result.errorInstance)}` : `${name} (${numRuns} runs, seed ${SEED})`
  t.ok(!result.failed, why)
}
