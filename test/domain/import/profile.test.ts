import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parseProfile } from '../../../src/domain/import/profile.js'
import { SUX_FIELDS } from '../../../src/domain/import/fields.js'

// Import profiles are data, checked when loaded, with JSON-pointer paths into the profile.

const PROFILES = join(import.meta.dirname, '..', '..', '..', 'profiles')

const minimal = (fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: 'mine',
  fields: {
    municipality: 'Kommun', caseRef: 'Id', formVersion: { value: '2021' }, ageAtReferral: 'Ålder', gender: 'Kön', referralDate: 'Inkom',
    startDate: 'Start', previouslyKnown: 'Känd', problems: 'Problem', interventions: 'Insatser', closingDate: 'Slut', closureReason: 'Orsak',
    ...fields
  },
  ...extra
})

const errors = (input: unknown) => {
  const r = parseProfile(input)
  return r.ok ? [] : r.errors.map((e) => `${e.path} ${e.code}`)
}

t.test('the shipped profiles are valid, and generic reads every field from its own name', async (t) => {
  const files = readdirSync(PROFILES).filter((f) => f.endsWith('.json')).sort()
  t.same(files, ['generic.json', 'procapita.json', 'treserva.json'])
  for (const file of files) {
    const r = parseProfile(JSON.parse(readFileSync(join(PROFILES, file), 'utf8')))
    t.ok(r.ok, file)
    if (r.ok) t.equal(r.profile.name, file.replace('.json', ''))
  }
  const generic = parseProfile(JSON.parse(readFileSync(join(PROFILES, 'generic.json'), 'utf8')))
  if (!generic.ok) throw new Error('generic')
  t.same(generic.profile.rules.map((r) => [r.field, r.source]), SUX_FIELDS.map((f) => [f, { kind: 'column', column: f }]))
  t.same(generic.profile.rules.map((r) => r.separator), SUX_FIELDS.map(() => '|'))
  t.equal(generic.profile.encoding, 'utf-8')
  t.equal(generic.profile.delimiter, 'auto')
})

t.test('defaults: auto encoding and delimiter, | between values, ISO dates, Ja/Nej flags', async (t) => {
  const r = parseProfile(minimal())
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  t.equal(r.profile.encoding, 'auto')
  t.equal(r.profile.delimiter, 'auto')
  const problems = r.profile.rules.find((x) => x.field === 'problems')!
  t.equal(problems.separator, '|')
  t.same(r.profile.rules.find((x) => x.field === 'referralDate')!.dateFormats.map((f) => f.pattern), ['YYYY-MM-DD'])
  t.ok(r.profile.trueValues.has('ja') && r.profile.trueValues.has('x'))
  t.ok(r.profile.falseValues.has('nej') && r.profile.falseValues.has(''))
  t.same(r.profile.json.fields.caseRef, { column: 'Id' }, 'a bare column name is kept expanded')
})

t.test('the shape is checked first: unknown keys, wrong types, a bad name', async (t) => {
  t.same(errors(null), [' invalid_profile_value'])
  t.same(errors({ ...minimal(), name: 'Min Profil' }), ['/name invalid_profile_name'])
  t.same(errors(minimal({ colour: 'Färg' })), ['/fields/colour unknown_field'])
  t.same(errors(minimal({ gender: { column: 'Kön', kodes: {} } })), ['/fields/gender/kodes unknown_field'])
  t.same(errors({ ...minimal(), encoding: 'latin1' }), ['/encoding invalid_profile_value'])
  t.same(errors(minimal({ gender: { column: 'Kön', codes: { Flicka: 7 } } })), ['/fields/gender/codes/Flicka invalid_profile_value'])
  t.same(errors(minimal({ caseRef: '' })), ['/fields/caseRef/column too_short'])
})

t.test('every field the form requires must be mapped, and each from exactly one source', async (t) => {
  const p = minimal()
  delete (p.fields as Record<string, unknown>).closingDate
  delete (p.fields as Record<string, unknown>).gender
  t.same(errors(p), ['/fields/gender field_not_mapped', '/fields/closingDate field_not_mapped'])
  t.same(errors(minimal({ gender: {} })), ['/fields/gender source_missing'])
  t.same(errors(minimal({ gender: { column: 'Kön', value: 'girl' } })), ['/fields/gender source_conflict'])
  t.same(errors(minimal({ background: undefined, comment: undefined })), [], 'fields the form does not require may be left out')
})

t.test('settings only where they apply', async (t) => {
  t.same(errors(minimal({ gender: { columns: ['Kön', 'Kön 2'] } })), ['/fields/gender/columns not_allowed_here'])
  t.same(errors(minimal({ comment: { column: 'Text', codes: { a: 'b' } } })), ['/fields/comment/codes not_allowed_here'])
  t.same(errors(minimal({ closingDate: { column: 'Slut', separator: ',' } })), ['/fields/closingDate/separator not_allowed_here'])
  t.same(errors(minimal({ gender: { column: 'Kön', dateFormats: ['YYYYMMDD'] } })), ['/fields/gender/dateFormats not_allowed_here'])
  t.same(errors(minimal({ caseRef: { value: 'X-1' } })), ['/fields/caseRef/value not_allowed_here'], 'every row would be the same case')
  t.same(errors(minimal({ problems: { value: 'school_problems' } })), ['/fields/problems/value wrong_type'])
  t.same(errors(minimal({ gender: { value: ['girl'] } })), ['/fields/gender/value wrong_type'])
})

t.test('local codes must lead to SU-X codes of the field, per form version when given so', async (t) => {
  t.same(errors(minimal({ gender: { column: 'Kön', codes: { Flicka: 'female', Pojke: 'boy' } } })), ['/fields/gender/codes/Flicka not_a_sux_code'])
  t.same(errors(minimal({ interventions: { column: 'Insatser', codes: { Manual: { 2020: 'manual_method', 2021: 'other_manual' } } } })),
    ['/fields/interventions/codes/Manual/2021 not_a_sux_code'])
  t.same(errors(minimal({ municipality: { column: 'Kommun', codes: { Hudiksvall: '2184', Gävle: '218' } } })), ['/fields/municipality/codes/Gävle invalid_municipality'])
  t.same(errors(minimal({ formVersion: { value: '2022' } })), ['/fields/formVersion/value unknown_version'])
  t.same(errors(minimal({ ageAtReferral: { column: 'Ålder', codes: { Spädbarn: '0', Vuxen: '21' } } })), ['/fields/ageAtReferral/codes/Vuxen out_of_range'])
  t.same(errors(minimal({ gender: { column: 'Kön', codes: { 'a/b~c': 'x' } } })), ['/fields/gender/codes/a~1b~0c not_a_sux_code'], 'keys are escaped as pointer segments')
  t.same(errors(minimal({ gender: { column: 'Kön', codes: { Flicka: 'girl', ' FLICKA ': 'boy' } } })), ['/fields/gender/codes/ FLICKA  ambiguous_local_code'])
  t.same(errors(minimal({ gender: { column: 'Kön', codes: { Flicka: 'girl', flicka: 'girl' } } })), [], 'the same code twice is no conflict')
  t.same(errors(minimal({ interventions: { flags: { Trad: 'traditional_family_treatment', Fel: 'traditional' } } })), ['/fields/interventions/flags/Fel not_a_sux_code'])
  t.same(errors(minimal({ manualMethods: { column: 'Metod', codes: { COS: 'Trygghetscirkeln', X: 'Vad som helst' } } })), [], 'method names are free')
})

t.test('date formats and flag words are checked', async (t) => {
  t.same(errors(minimal({}, { dateFormats: ['YYYYMMDD', 'DD.MM.YY'] })), ['/dateFormats/1 invalid_date_pattern'])
  t.same(errors(minimal({ referralDate: { column: 'Inkom', dateFormats: ['MM-YYYY'] } })), ['/fields/referralDate/dateFormats/0 invalid_date_pattern'])
  t.same(errors(minimal({}, { trueValues: ['Ja', 'X'], falseValues: ['Nej', 'x'] })), ['/trueValues/1 ambiguous_flag_value'])
})
