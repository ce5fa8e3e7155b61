import { CODE_LISTS, type CodeListName, codesFor } from './codes.js'
import type { FormVersion, Issue, Lang } from './types.js'

// Messages for the issues that validation reports, in words a registrant understands.

type Params = Record<string, string | number>
type Template = (p: Params) => string

const FIELD_LABELS: Record<string, { sv: string, en: string }> = {
  municipality: { sv: 'Kommun', en: 'Municipality' },
  caseRef: { sv: 'Ärende-id', en: 'Case id' },
  formVersion: { sv: 'Formulärversion', en: 'Form version' },
  ageAtReferral: { sv: 'Barnets ålder vid aktualisering (fråga 1)', en: 'Age at referral (question 1)' },
  gender: { sv: 'Barnets kön (fråga 2)', en: 'Gender (question 2)' },
  background: { sv: 'Var barnet är fött (fråga 3)', en: 'Country of birth (question 3)' },
  referralDate: { sv: 'Datum aktualiserat (fråga 4)', en: 'Referral date (question 4)' },
  startDate: { sv: 'Datum insats påbörjades (fråga 5)', en: 'Start date (question 5)' },
  previouslyKnown: { sv: 'Tidigare aktuell (fråga 6)', en: 'Previously known (question 6)' },
  problems: { sv: 'Huvudsaklig problematik (fråga 7)', en: 'Main problems (question 7)' },
  otherProblem: { sv: 'Annan huvudsaklig problematik', en: 'Other main problem' },
  interventions: { sv: 'Insatser (fråga 8)', en: 'Interventions (question 8)' },
  manualMethods: { sv: 'Manualbaserade metoder', en: 'Manual-based methods' },
  otherIntervention: { sv: 'Annan ej manualbaserad insats', en: 'Other non-manual intervention' },
  closingDate: { sv: 'Datum avslut (fråga 9)', en: 'Closing date (question 9)' },
  closureReason: { sv: 'Avslutsorsak (fråga 10)', en: 'Closure reason (question 10)' },
  closureComment: { sv: 'Förtydligande av avslutsorsak', en: 'Closure comment' },
  comment: { sv: 'Övriga kommentarer', en: 'Comment' }
}

const EXPECTED: Record<string, { sv: string, en: string }> = {
  string: { sv: 'en text', en: 'a string' },
  string_or_null: { sv: 'en text eller null', en: 'a string or null' },
  date_or_null: { sv: 'ett datum (ÅÅÅÅ-MM-DD) eller null', en: 'a date (YYYY-MM-DD) or null' },
  integer: { sv: 'ett heltal', en: 'a whole number' },
  array: { sv: 'en lista', en: 'a list' }
}

function validCodes (p: Params): string {
  const list = p.list as CodeListName
  return codesFor(list, p.version as FormVersion).join(', ') || String(CODE_LISTS[list]?.name)
}

const MESSAGES: Record<string, { sv: Template, en: Template }> = {
  not_an_object: { sv: () => 'Posten ska vara ett JSON-objekt', en: () => 'The record must be a JSON object' },
  required: { sv: () => 'Uppgiften saknas', en: () => 'This field is required' },
  unknown_field: { sv: () => 'Okänt fält; det finns inte i SU-X', en: () => 'Unknown field; it is not part of SU-X' },
  wrong_type: {
    sv: (p) => `Fel typ: ska vara ${EXPECTED[p.expected]?.sv ?? p.expected}`,
    en: (p) => `Wrong type: must be ${EXPECTED[p.expected]?.en ?? p.expected}`
  },
  invalid_date: { sv: () => 'Ogiltigt datum; skriv det som ÅÅÅÅ-MM-DD', en: () => 'Not a valid date; write it as YYYY-MM-DD' },
  invalid_municipality: { sv: () => 'Kommunkoden ska vara fyra siffror (SCB:s kommunkod)', en: () => 'The municipality code must be four digits (SCB code)' },
  invalid_case_ref: {
    sv: () => 'Ärende-id får bara innehålla A–Z, a–z, 0–9, punkt, bindestreck och understreck (högst 64 tecken)',
    en: () => 'The case id may only contain A–Z, a–z, 0–9, dot, hyphen and underscore (at most 64 characters)'
  },
  invalid_format: { sv: () => 'Ogiltigt format', en: () => 'Invalid format' },
  invalid_character: {
    sv: () => 'Innehåller ett tecken som inte kan sparas (NUL eller ogiltig Unicode)',
    en: () => 'Holds a character that cannot be stored (NUL or invalid Unicode)'
  },
  too_short: { sv: (p) => `Minst ${p.limit} tecken`, en: (p) => `At least ${p.limit} characters` },
  too_long: { sv: (p) => `Högst ${p.limit} tecken`, en: (p) => `At most ${p.limit} characters` },
  out_of_range: { sv: (p) => `Ska vara ett heltal från ${p.min} till ${p.max}`, en: (p) => `Must be a whole number from ${p.min} to ${p.max}` },
  too_many: { sv: (p) => `Högst ${p.limit} val`, en: (p) => `At most ${p.limit} choices` },
  too_few: { sv: (p) => `Minst ${p.limit} val`, en: (p) => `At least ${p.limit} choice(s)` },
  duplicate: { sv: (p) => `${p.value} är redan vald`, en: (p) => `${p.value} is already chosen` },
  unknown_version: { sv: (p) => `Okänd formulärversion ${p.value}; giltiga är 2020 och 2021`, en: (p) => `Unknown form version ${p.value}; valid are 2020 and 2021` },
  unknown_code: {
    sv: (p) => `${p.value} är ingen giltig kod i formulärversion ${p.version}; giltiga: ${validCodes(p)}`,
    en: (p) => `${p.value} is not a valid code in form version ${p.version}; valid: ${validCodes(p)}`
  },
  identity_number: {
    sv: () => 'Får inte innehålla ett personnummer eller samordningsnummer',
    en: () => 'Must not contain a personal identity number or coordination number'
  },
  background_required: { sv: () => 'Frågan om var barnet är fött ska besvaras i 2021 års formulär', en: () => 'Country of birth is required in the 2021 form' },
  background_not_allowed: { sv: () => 'Frågan om var barnet är fött finns inte i 2020 års formulär; lämna tom', en: () => 'The 2020 form has no country-of-birth question; leave it empty' },
  other_problem_required: { sv: () => 'Ange vilken annan huvudsaklig problematik', en: () => 'Say which other main problem' },
  other_problem_not_allowed: { sv: () => 'Fylls bara i när "Annan huvudsaklig problematik" är vald', en: () => 'Only filled in when "Other main problem" is chosen' },
  interventions_required: { sv: () => 'Ange minst en insats', en: () => 'Choose at least one intervention' },
  interventions_must_be_empty: { sv: () => 'När insatsen aldrig påbörjades markeras ingen insats', en: () => 'When the intervention never started, no intervention is chosen' },
  manual_methods_required: { sv: () => 'Ange vilken eller vilka manualbaserade metoder', en: () => 'Name the manual-based method(s)' },
  manual_methods_not_allowed: {
    sv: () => 'Metoder anges bara när en manualbaserad metod är vald bland insatserna',
    en: () => 'Methods are only given when a manual-based method is chosen among the interventions'
  },
  other_intervention_required: { sv: () => 'Ange vilken annan ej manualbaserad insats', en: () => 'Say which other non-manual intervention' },
  other_intervention_not_allowed: { sv: () => 'Fylls bara i när "Annan ej manualbaserad insats" är vald', en: () => 'Only filled in when "Other non-manual intervention" is chosen' },
  closure_comment_required: { sv: () => 'Förtydliga avslutsorsaken', en: () => 'Explain the closure reason' },
  start_required: { sv: () => 'Datum då insatsen påbörjades saknas; det får bara saknas när insatsen aldrig påbörjades', en: () => 'The start date is missing; it may only be missing when the intervention never started' },
  start_before_referral: { sv: (p) => `Insatsen kan inte påbörjas (${p.startDate}) före aktualiseringen (${p.referralDate})`, en: (p) => `The start (${p.startDate}) cannot be before the referral (${p.referralDate})` },
  closing_before_start: { sv: (p) => `Avslutet (${p.closingDate}) kan inte vara före starten (${p.startDate})`, en: (p) => `The closing date (${p.closingDate}) cannot be before the start (${p.startDate})` },
  closing_before_referral: { sv: (p) => `Avslutet (${p.closingDate}) kan inte vara före aktualiseringen (${p.referralDate})`, en: (p) => `The closing date (${p.closingDate}) cannot be before the referral (${p.referralDate})` },
  closing_in_future: { sv: (p) => `Avslutsdatum ${p.closingDate} ligger i framtiden`, en: (p) => `The closing date ${p.closingDate} is in the future` },
  long_duration: { sv: (p) => `Insatsen varade ${p.days} dagar, mer än ${p.limit}; stämmer datumen?`, en: (p) => `The intervention lasted ${p.days} days, more than ${p.limit}; are the dates right?` },
  long_wait: { sv: (p) => `Det gick ${p.days} dagar från aktualisering till start, mer än ${p.limit}; stämmer datumen?`, en: (p) => `${p.days} days passed from referral to start, more than ${p.limit}; are the dates right?` },
  start_with_never_started: { sv: () => 'Insatsen påbörjades aldrig men ett startdatum är angivet; stämmer det?', en: () => 'The intervention never started, yet a start date is given; is it right?' },
  age_over_18: { sv: (p) => `Åldern ${p.age} är över 18; stämmer den?`, en: (p) => `The age ${p.age} is over 18; is it right?` },
  url_mismatch: { sv: () => 'Stämmer inte med adressen (URL:en) som posten skickades till', en: () => 'Does not match the address (URL) the record was sent to' },
  municipality_not_allowed: { sv: (p) => `Du registrerar inte för kommun ${p.value}`, en: (p) => `You do not act for municipality ${p.value}` },
  invalid_json: { sv: (p) => `Rad ${p.line} är inte giltig JSON`, en: (p) => `Line ${p.line} is not valid JSON` },
  duplicate_in_batch: {
    sv: (p) => `Samma ärende-id finns också på plats ${p.indexes} i samma omgång; inget av dem sparades`,
    en: (p) => `The same case id is also at index ${p.indexes} of this batch; none of them was stored`
  },
  not_owner: {
    sv: () => 'Posten registrerades av någon annan; bara den som registrerade den eller kommunens integration får ersätta den',
    en: () => 'The record was registered by someone else; only they or an integration of the municipality may replace it'
  },
  storage_error: {
    sv: () => 'Posten kunde inte sparas just nu (databasfel); skicka den igen',
    en: () => 'The record could not be stored just now (database error); send it again'
  },
  municipalities_required: { sv: () => 'En integration ska ha minst en kommun', en: () => 'An integration needs at least one municipality' }
}

export function fieldLabel (path: string, lang: Lang): string | null {
  const field = path.split('/')[1]
  return field ? FIELD_LABELS[field]?.[lang] ?? null : null
}

/** The message for an issue, prefixed with the field's name as the form says it. */
export function describeIssue (issue: Issue, lang: Lang): string {
  const template = MESSAGES[issue.code]?.[lang]
  const text = template ? template(issue.params ?? {}) : issue.code
  const field = fieldLabel(issue.path, lang)
  return field ? `${field}: ${text}` : text
}

export function knownIssueCodes (): string[] {
  return Object.keys(MESSAGES)
}
