import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { CODE_LISTS, findCode } from '../codes.js'
import type { FormVersion, Issue } from '../types.js'
import { compileDateFormat, type DateFormat, ISO_DATE } from './dates.js'
import { FIELD_SPECS, type FieldSpec, isListKind, normalizeKey, pointerSegment, SUX_FIELDS, type SuxField, takesCodes } from './fields.js'

// Import profiles are data (profiles/*.json, or a custom mapping uploaded with the file): which
// column holds which SU-X field, how local code values translate to SU-X codes, date formats,
// separators and encoding. A profile is checked as a whole when it is loaded, with JSON-pointer
// paths into it, so a mistake in it is found before any row is read.

const Name = (description: string) => Type.String({ minLength: 1, maxLength: 200, description })
const Target = Type.String({ minLength: 1, maxLength: 100 })

const CodeTarget = Type.Union([
  Target,
  Type.Object({ 2020: Type.Optional(Target), 2021: Type.Optional(Target) }, { additionalProperties: false })
], { description: 'The SU-X code, or one per form version ({"2020": "manual_method", "2021": "other_manual_method"})' })

const FieldMappingSchema = Type.Object({
  column: Type.Optional(Name('The column (its header) that holds the field')),
  columns: Type.Optional(Type.Array(Name('A column'), {
    minItems: 1, maxItems: 20, description: 'List fields: several columns, each holding one or more values'
  })),
  flags: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Target, {
    description: 'List fields: one column per code; a cell holding one of trueValues adds the code'
  })),
  value: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Integer(), Type.Array(Target, { maxItems: 10 })], {
    description: 'A constant for every row, when the export has no such column (e.g. formVersion "2021")'
  })),
  codes: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), CodeTarget, {
    description: 'Local value → SU-X code, matched without regard to case and blanks. A cell that is already a SU-X code is taken as it is.'
  })),
  dateFormats: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 10 })),
  separator: Type.Optional(Type.String({ minLength: 1, maxLength: 5, description: 'List fields: what separates values in a cell' }))
}, { additionalProperties: false })

const fieldProperties = Object.fromEntries(SUX_FIELDS.map((f) => [f, Type.Optional(FieldMappingSchema)]))

const CheckedProfileSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  encoding: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('utf-8'), Type.Literal('windows-1252')])),
  delimiter: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal(','), Type.Literal(';'), Type.Literal('\t')])),
  dateFormats: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 10 })),
  separator: Type.Optional(Type.String({ minLength: 1, maxLength: 5 })),
  trueValues: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  falseValues: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  fields: Type.Object(fieldProperties, { additionalProperties: false })
}, { additionalProperties: false })
type ProfileJson = Static<typeof CheckedProfileSchema>
type MappingJson = Static<typeof FieldMappingSchema>
const checked = Compile(CheckedProfileSchema)

/** The profile as documented (OpenAPI, README): a field may also be just a column name. */
export const ImportProfileSchema = Type.Object({
  ...CheckedProfileSchema.properties,
  fields: Type.Object(Object.fromEntries(SUX_FIELDS.map((f) => [f, Type.Optional(Type.Union([Name('The column'), FieldMappingSchema]))])), {
    additionalProperties: false,
    description: 'SU-X field name → where it comes from: a column name, or an object'
  })
}, { additionalProperties: false, description: 'An import profile (see profiles/generic.json)' })

export type Encoding = 'auto' | 'utf-8' | 'windows-1252'
export type Delimiter = 'auto' | ',' | ';' | '\t'

export type Source =
  | { kind: 'column', column: string }
  | { kind: 'columns', columns: string[] }
  | { kind: 'flags', flags: Array<{ column: string, code: string }> }
  | { kind: 'value', value: string | number | string[] }

export interface FieldRule {
  field: SuxField
  spec: FieldSpec
  source: Source
  /** Normalised local value → SU-X code, per form version when the profile says so. */
  codes: Map<string, string | Partial<Record<FormVersion, string>>> | null
  /** The local values as the profile spells them (for messages). */
  localCodes: string[]
  dateFormats: DateFormat[]
  separator: string
}

export interface ImportProfile {
  name: string
  description: string | null
  encoding: Encoding
  delimiter: Delimiter
  trueValues: Set<string>
  falseValues: Set<string>
  /** As the profile spells them (for messages). */
  flagWords: { true: string[], false: string[] }
  rules: FieldRule[]
  /** The profile as given, shorthands expanded: what a job stores to read its rows again. */
  json: ProfileJson
}

export type ProfileResult = { ok: true, profile: ImportProfile } | { ok: false, errors: Issue[] }

const DEFAULT_TRUE = ['Ja', 'J', 'X', '1', 'true', 'yes']
const DEFAULT_FALSE = ['Nej', 'N', '', '0', 'false', 'no']

/** A field given as a bare string is the name of its column. */
function expandShorthands (input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
  const fields = (input as Record<string, unknown>).fields
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return input
  const expanded = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? { column: v } : v]))
  return { ...input, fields: expanded }
}

function shapeErrors (input: unknown): Issue[] {
  const best = new Map<string, Issue>()
  const offer = (issue: Issue) => { if (!best.has(issue.path)) best.set(issue.path, issue) }
  for (const e of checked.Errors(input)) {
    const params = e.params as Record<string, unknown>
    if (e.keyword === 'required') {
      for (const f of params.requiredProperties as string[]) offer({ path: `${e.instancePath}/${f}`, code: 'required' })
    } else if (e.keyword === 'additionalProperties') {
      for (const f of params.additionalProperties as string[]) offer({ path: `${e.instancePath}/${pointerSegment(f)}`, code: 'unknown_field' })
    } else if (e.keyword === 'maxLength' || e.keyword === 'minLength') {
      offer({ path: e.instancePath, code: e.keyword === 'maxLength' ? 'too_long' : 'too_short', params: { limit: Number(params.limit) } })
    } else if (e.keyword === 'maxItems' || e.keyword === 'minItems') {
      offer({ path: e.instancePath, code: e.keyword === 'maxItems' ? 'too_many' : 'too_few', params: { limit: Number(params.limit) } })
    } else if (e.keyword === 'pattern') {
      offer({ path: e.instancePath, code: 'invalid_profile_name' })
    } else if (e.keyword !== 'boolean') {
      offer({ path: e.instancePath, code: 'invalid_profile_value' })
    }
  }
  if (best.size === 0) best.set('', { path: '', code: 'invalid_profile_value' })
  return [...best.values()]
}

/** Why `target` is no value the field can take, or null. */
function targetIssue (spec: FieldSpec, target: string, path: string): Issue | null {
  switch (spec.kind) {
    case 'municipality': return /^[0-9]{4}$/.test(target) ? null : { path, code: 'invalid_municipality' }
    case 'version': return target === '2020' || target === '2021' ? null : { path, code: 'unknown_version', params: { value: target } }
    case 'integer': return /^[0-9]{1,2}$/.test(target) && Number(target) <= 20 ? null : { path, code: 'out_of_range', params: { min: 0, max: 20 } }
    case 'code':
    case 'codes': {
      const list = spec.list as NonNullable<FieldSpec['list']>
      return findCode(list, target) ? null : { path, code: 'not_a_sux_code', params: { value: target, list, codes: CODE_LISTS[list].codes.map((c) => c.code).join(', ') } }
    }
    default: return null
  }
}

function checkDateFormats (formats: string[], path: string, errors: Issue[]): DateFormat[] {
  const compiled: DateFormat[] = [ISO_DATE]
  formats.forEach((f, i) => {
    const c = compileDateFormat(f)
    if (!c) errors.push({ path: `${path}/${i}`, code: 'invalid_date_pattern', params: { value: f } })
    else compiled.push(c)
  })
  return compiled
}

function fieldRule (field: SuxField, m: MappingJson, profile: ProfileJson, profileDates: DateFormat[], errors: Issue[]): FieldRule | null {
  const spec = FIELD_SPECS[field]
  const path = `/fields/${field}`
  const sources = (['column', 'columns', 'flags', 'value'] as const).filter((k) => m[k] !== undefined)
  if (sources.length === 0) errors.push({ path, code: 'source_missing' })
  if (sources.length > 1) errors.push({ path, code: 'source_conflict', params: { keys: sources.join(', ') } })
  const list = isListKind(spec.kind)
  const misplaced = (key: keyof MappingJson, allowed: boolean) => {
    if (m[key] !== undefined && !allowed) errors.push({ path: `${path}/${key}`, code: 'not_allowed_here' })
  }
  misplaced('columns', list)
  misplaced('flags', list)
  misplaced('separator', list)
  misplaced('codes', takesCodes(spec.kind))
  misplaced('dateFormats', spec.kind === 'date')
  misplaced('value', spec.kind !== 'caseRef')
  if (m.value !== undefined && Array.isArray(m.value) !== list) {
    errors.push({ path: `${path}/value`, code: 'wrong_type', params: { expected: list ? 'array' : 'string' } })
  } else if (m.value !== undefined) {
    const values = Array.isArray(m.value) ? m.value.map((v, i) => [`${path}/value/${i}`, v]) : [[`${path}/value`, String(m.value)]]
    for (const [p, v] of values) {
      const issue = targetIssue(spec, v, p)
      if (issue) errors.push(issue)
    }
  }

  const codes = new Map<string, string | Partial<Record<FormVersion, string>>>()
  for (const [local, target] of Object.entries(m.codes ?? {})) {
    const at = `${path}/codes/${pointerSegment(local)}`
    const key = normalizeKey(local)
    const targets = typeof target === 'string' ? [[at, target]] : Object.entries(target).map(([v, t]) => [`${at}/${v}`, t as string])
    for (const [p, t] of targets) {
      const issue = targetIssue(spec, t, p)
      if (issue) errors.push(issue)
    }
    const known = codes.get(key)
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(target)) errors.push({ path: at, code: 'ambiguous_local_code' })
    codes.set(key, target)
  }
  const flags = Object.entries(m.flags ?? {}).map(([column, code]) => {
    const issue = targetIssue(spec, code, `${path}/flags/${pointerSegment(column)}`)
    if (issue) errors.push(issue)
    return { column, code }
  })
  const dateFormats = m.dateFormats ? checkDateFormats(m.dateFormats, `${path}/dateFormats`, errors) : profileDates
  if (sources.length !== 1) return null
  const source: Source = m.column !== undefined
    ? { kind: 'column', column: m.column }
    : m.columns !== undefined
      ? { kind: 'columns', columns: m.columns }
      : m.flags !== undefined ? { kind: 'flags', flags } : { kind: 'value', value: m.value as string | number | string[] }
  return {
    field,
    spec,
    source,
    codes: codes.size > 0 ? codes : null,
    localCodes: Object.keys(m.codes ?? {}),
    dateFormats,
    separator: m.separator ?? profile.separator ?? '|'
  }
}

/** Checks a profile (parsed JSON) and prepares it for reading rows. */
export function parseProfile (input: unknown): ProfileResult {
  const expanded = expandShorthands(input)
  if (!checked.Check(expanded)) return { ok: false, errors: shapeErrors(expanded) }
  const json = expanded
  const errors: Issue[] = []
  const rules: FieldRule[] = []
  const profileDates = checkDateFormats(json.dateFormats ?? [], '/dateFormats', errors)
  for (const field of SUX_FIELDS) {
    const m = json.fields[field]
    if (m === undefined) {
      if (FIELD_SPECS[field].required) errors.push({ path: `/fields/${field}`, code: 'field_not_mapped' })
      continue
    }
    const rule = fieldRule(field, m, json, profileDates, errors)
    if (rule) rules.push(rule)
  }
  const flagWords = { true: json.trueValues ?? DEFAULT_TRUE, false: json.falseValues ?? DEFAULT_FALSE }
  const trueValues = new Set(flagWords.true.map(normalizeKey))
  const falseValues = new Set(flagWords.false.map(normalizeKey))
  flagWords.true.forEach((w, i) => {
    if (falseValues.has(normalizeKey(w))) errors.push({ path: `/trueValues/${i}`, code: 'ambiguous_flag_value' })
  })
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    profile: {
      name: json.name,
      description: json.description ?? null,
      encoding: json.encoding ?? 'auto',
      delimiter: json.delimiter ?? 'auto',
      trueValues,
      falseValues,
      flagWords,
      rules,
      json
    }
  }
}
