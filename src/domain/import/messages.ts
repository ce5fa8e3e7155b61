import { CODE_LISTS, type CodeListName, codesFor } from '../codes.js'
import { describeIssue, fieldLabel } from '../messages.js'
import type { FormVersion, Issue, Lang } from '../types.js'
import type { ImportIssue } from './columns.js'

// Messages for import problems in Swedish and English. Import errors are kept with the job, so
// they never hold a cell's contents: their params are codes, counts, column names and the
// profile's own words, and the record rules' messages that would quote a value are said here
// without it.

type Params = Record<string, string | number>
type Template = (p: Params) => string

const list = (p: Params) => codesFor(p.list as CodeListName, p.version as FormVersion).join(', ') || String(CODE_LISTS[p.list as CodeListName]?.name)

const MESSAGES: Record<string, { sv: Template, en: Template }> = {
  // The file as a whole
  empty_file: { sv: () => 'Filen är tom', en: () => 'The file is empty' },
  no_rows: { sv: () => 'Filen har en rubrikrad men inga rader med ärenden', en: () => 'The file has a header row but no rows of cases' },
  invalid_encoding: {
    sv: (p) => `Filen är inte giltig UTF-8 (första felet på rad ${p.line}); spara den som UTF-8 eller välj en profil med "encoding": "windows-1252"`,
    en: (p) => `The file is not valid UTF-8 (first error on line ${p.line}); save it as UTF-8 or use a profile with "encoding": "windows-1252"`
  },
  unterminated_quote: {
    sv: (p) => `Raden som börjar på rad ${p.line} har ett citattecken som aldrig avslutas; filen är troligen avklippt`,
    en: (p) => `The row starting on line ${p.line} opens a quote that is never closed; the file is probably cut short`
  },
  malformed_csv: {
    sv: (p) => `Filen kan inte läsas som CSV på rad ${p.line} (${p.reason})`,
    en: (p) => `The file cannot be read as CSV on line ${p.line} (${p.reason})`
  },
  unsupported_format: {
    sv: (p) => `Filformatet ${p.format} stöds inte; spara filen som CSV eller Excel (.xlsx)`,
    en: (p) => `The ${p.format} format is not supported; save the file as CSV or Excel (.xlsx)`
  },
  unreadable_xlsx: { sv: () => 'Excelfilen kan inte läsas (skadad eller inte en .xlsx-fil)', en: () => 'The Excel file cannot be read (damaged, or not an .xlsx file)' },
  xlsx_too_large: {
    sv: (p) => `Excelfilen blir mer än ${p.limit} MB uppackad; dela upp den`,
    en: (p) => `The Excel file unpacks to more than ${p.limit} MB; split it`
  },
  missing_column: {
    sv: (p) => `Kolumnen "${p.column}" saknas i rubrikraden (profilen ${p.profile} läser fältet därifrån)`,
    en: (p) => `The column "${p.column}" is missing from the header row (profile ${p.profile} reads the field from it)`
  },
  duplicate_column: { sv: (p) => `Kolumnen "${p.column}" finns mer än en gång i rubrikraden`, en: (p) => `The column "${p.column}" appears more than once in the header row` },
  // A row
  incomplete_row: {
    sv: (p) => `Raden har ${p.cells} celler men rubrikraden ${p.expected}; raden är ofullständig (avklippt?) och lästes inte`,
    en: (p) => `The row has ${p.cells} cells but the header row ${p.expected}; the row is incomplete (cut short?) and was not read`
  },
  extra_cells: {
    sv: (p) => `Raden har ${p.cells} celler men rubrikraden bara ${p.expected}; kolumnerna stämmer inte och raden lästes inte`,
    en: (p) => `The row has ${p.cells} cells but the header row only ${p.expected}; the columns do not line up and the row was not read`
  },
  formula: {
    sv: () => 'Cellen börjar med =, +, - eller @ och kan vara en formel; sådana värden tas inte emot',
    en: () => 'The cell starts with =, +, - or @ and may be a formula; such values are not accepted'
  },
  unknown_local_code: {
    sv: (p) => p.known ? `Värdet finns inte bland profilens koder; kända: ${p.known}` : 'Värdet är ingen SU-X-kod',
    en: (p) => p.known ? `The value is not among the profile's codes; known: ${p.known}` : 'The value is not a SU-X code'
  },
  no_code_for_version: {
    sv: (p) => `Profilen har ingen kod för värdet i formulärversion ${p.version}`,
    en: (p) => `The profile has no code for the value in form version ${p.version}`
  },
  invalid_date_format: { sv: (p) => `Ogiltigt datum; profilen läser datum som ${p.formats}`, en: (p) => `Not a valid date; the profile reads dates as ${p.formats}` },
  invalid_flag: { sv: (p) => `Ska vara ${p.trueValues} (ja) eller ${p.falseValues} (nej) eller tom`, en: (p) => `Must be ${p.trueValues} (yes), ${p.falseValues} (no) or empty` },
  duplicate_in_file: {
    sv: (p) => `Samma ärende-id i samma kommun finns också på rad ${p.rows}; ingen av raderna sparades`,
    en: (p) => `The same case id in the same municipality is also on row ${p.rows}; none of the rows was stored`
  },
  // Record rules said without the value
  unknown_code: {
    sv: (p) => `Ingen giltig kod i formulärversion ${p.version}; giltiga: ${list(p)}`,
    en: (p) => `Not a valid code in form version ${p.version}; valid: ${list(p)}`
  },
  duplicate: { sv: () => 'Samma kod finns två gånger', en: () => 'The same code appears twice' },
  unknown_version: { sv: () => 'Okänd formulärversion; giltiga är 2020 och 2021', en: () => 'Unknown form version; valid are 2020 and 2021' },
  municipality_not_allowed: { sv: () => 'Du registrerar inte för kommunen på den här raden', en: () => 'You do not act for the municipality on this row' },
  start_before_referral: { sv: () => 'Insatsen kan inte påbörjas före aktualiseringen', en: () => 'The start cannot be before the referral' },
  closing_before_start: { sv: () => 'Avslutet kan inte vara före starten', en: () => 'The closing date cannot be before the start' },
  closing_before_referral: { sv: () => 'Avslutet kan inte vara före aktualiseringen', en: () => 'The closing date cannot be before the referral' },
  closing_in_future: { sv: () => 'Avslutsdatum ligger i framtiden', en: () => 'The closing date is in the future' },
  // Profiles
  profile_or_mapping: { sv: () => 'Ange antingen profile (ett profilnamn) eller mapping (en profil som JSON)', en: () => 'Give either profile (a profile name) or mapping (a profile as JSON)' },
  unknown_profile: { sv: (p) => `Okänd profil; kända: ${p.known}`, en: (p) => `Unknown profile; known: ${p.known}` },
  invalid_profile_json: { sv: () => 'Profilen är inte giltig JSON', en: () => 'The profile is not valid JSON' },
  invalid_profile_name: { sv: () => 'Namnet får bara innehålla a–z, 0–9, - och _ (högst 64 tecken)', en: () => 'The name may only hold a–z, 0–9, - and _ (at most 64 characters)' },
  invalid_profile_value: { sv: () => 'Ogiltigt värde här; se profilformatet i README', en: () => 'Not a valid value here; see the profile format in the README' },
  field_not_mapped: { sv: () => 'Profilen måste ange var fältet finns', en: () => 'The profile must say where this field comes from' },
  source_missing: { sv: () => 'Ange column, columns, flags eller value', en: () => 'Give column, columns, flags or value' },
  source_conflict: { sv: (p) => `Ange bara ett av ${p.keys}`, en: (p) => `Give only one of ${p.keys}` },
  not_allowed_here: { sv: () => 'Inställningen gäller inte det här fältet', en: () => 'The setting does not apply to this field' },
  not_a_sux_code: {
    sv: (p) => `${p.value} är ingen kod i kodlistan ${p.list}; giltiga: ${p.codes}`,
    en: (p) => `${p.value} is not a code of the list ${p.list}; valid: ${p.codes}`
  },
  invalid_date_pattern: {
    sv: (p) => `Datumformatet ${p.value} ska ha YYYY, M eller MM eller MMM, och D eller DD en gång var`,
    en: (p) => `The date format ${p.value} must hold YYYY, M or MM or MMM, and D or DD once each`
  },
  ambiguous_local_code: { sv: () => 'Samma lokala kod (utan hänsyn till versaler) leder till olika SU-X-koder', en: () => 'The same local code (case aside) leads to different SU-X codes' },
  ambiguous_flag_value: { sv: () => 'Samma ord står både bland trueValues och falseValues', en: () => 'The same word is among both trueValues and falseValues' }
}

const STORABLE_PARAMS = new Set(['limit', 'min', 'max', 'expected', 'list', 'version', 'formats', 'cells', 'known', 'rows', 'trueValues', 'falseValues', 'column', 'profile', 'line', 'reason'])

/** The params an import error may keep: never a value read from a cell. */
export function storableParams (params: Issue['params']): Record<string, string | number> | undefined {
  if (!params) return undefined
  const kept = Object.entries(params).filter(([k]) => STORABLE_PARAMS.has(k))
  return kept.length > 0 ? Object.fromEntries(kept) : undefined
}

/** The message for an issue of an import or a profile, with the field's name as the form says it. */
export function describeImportIssue (issue: Issue | ImportIssue, lang: Lang): string {
  const template = MESSAGES[issue.code]?.[lang]
  if (!template) return describeIssue(issue, lang)
  const text = template(issue.params ?? {})
  const field = issue.path.startsWith('/fields/') ? null : fieldLabel(issue.path, lang)
  return field ? `${field}: ${text}` : text
}

export function importIssueCodes (): string[] {
  return Object.keys(MESSAGES)
}
