import { findCode } from '../codes.js'
import { containsIdentityNumber } from '../identity-number.js'
import { validateRecord } from '../record.js'
import type { FormVersion, Issue, SuxRecord } from '../types.js'
import type { Binding, BoundRule, ImportIssue, SheetRow } from './columns.js'
import { parseDate } from './dates.js'
import { normalizeKey } from './fields.js'

// One row of an import file → a record input, then the rules of SU-X (validateRecord). Every
// problem is located by row and column, so a registrant can find it in the file; the JSON-pointer
// paths of the record rules are mapped back to the column the value came from.

/**
 * Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
 * Such a cell is refused rather than stored: an export of it could run in someone's Excel.
 */
const FORMULA_START = /^[\t\r]|^\s*[=+\-@]/

export interface RowCheckOptions {
  /** Today's date (YYYY-MM-DD) in Sweden. */
  today: string
  /** Whether the caller may write records of this municipality; not checked when absent. */
  mayWrite?: (municipality: string) => boolean
  /** Row numbers of other rows naming the same municipality and caseRef. */
  duplicateOf?: number[]
}

export type RowOutcome =
  | { ok: true, row: number, record: SuxRecord }
  | { ok: false, row: number, errors: ImportIssue[] }

interface Mapped {
  input: Record<string, unknown>
  errors: ImportIssue[]
  /** Fields whose cells were refused: the record rules' complaints about them would only repeat it. */
  refused: Set<string>
  /** For list fields, the column each item came from. */
  itemColumns: Map<string, string[]>
  /** The row's cells do not line up with the header; nothing else is said about it. */
  broken: boolean
}


type Translated = { ok: true, value: string } | { ok: false, issue: Issue }

/**
 * A local value through the profile's code map. A value the map does not know passes as it is when
 * it is already a SU-X code, and for fields that are no code list (a number, a municipality code),
 * whose own rules then judge it; for a code list it is an unknown local code.
 */
function translate (rule: BoundRule, value: string, version: FormVersion | null): Translated {
  if (!rule.codes) return { ok: true, value }
  const target = rule.codes.get(normalizeKey(value))
  if (target !== undefined) {
    const code = typeof target === 'string' ? target : version ? target[version] : undefined
    if (code !== undefined) return { ok: true, value: code }
    return { ok: false, issue: { path: `/${rule.field}`, code: 'no_code_for_version', params: { version: version ?? '?' } } }
  }
  const list = rule.spec.kind === 'code' || rule.spec.kind === 'codes' ? rule.spec.list : undefined
  if (!list || findCode(list, value) !== undefined) return { ok: true, value }
  return { ok: false, issue: { path: `/${rule.field}`, code: 'unknown_local_code', params: { known: rule.localCodes.join(', ') } } }
}

function columnLabel (rule: BoundRule): string | null {
  return rule.at.length > 0 ? rule.at.map((a) => a.column).join(', ') : null
}

function mapCells (binding: Binding, r: SheetRow, only?: ReadonlySet<string>): Mapped {
  const m: Mapped = { input: {}, errors: [], refused: new Set(), itemColumns: new Map(), broken: false }
  const width = binding.header.length
  if (r.cells.length !== width) {
    const short = r.cells.length < width
    m.errors.push({
      row: r.row,
      column: short ? binding.header[r.cells.length] : null,
      path: '',
      code: short ? 'incomplete_row' : 'extra_cells',
      params: { cells: r.cells.length, expected: width }
    })
    m.broken = true
    return m
  }
  let version: FormVersion | null = null
  const refuse = (rule: BoundRule, column: string | null, issue: Issue) => {
    m.errors.push({ ...issue, row: r.row, column })
    m.refused.add(rule.field)
  }
  /** The cell's text, or null when it may not be read at all (a formula, an identity number). */
  const cell = (rule: BoundRule, index: number, column: string): string | null => {
    const raw = r.cells[index]
    if (FORMULA_START.test(raw)) refuse(rule, column, { path: `/${rule.field}`, code: 'formula' })
    else if (containsIdentityNumber(raw)) refuse(rule, column, { path: `/${rule.field}`, code: 'identity_number' })
    else return raw.trim()
    return null
  }

  for (const rule of binding.rules) {
    if (only && !only.has(rule.field)) continue
    const { field, spec, source } = rule
    if (source.kind === 'value') {
      m.input[field] = spec.kind === 'integer' ? Number(source.value) : source.value
      if (field === 'formVersion') version = source.value === '2020' || source.value === '2021' ? source.value : null
      continue
    }
    if (spec.kind === 'codes' || spec.kind === 'names') {
      const items: string[] = []
      const columns: string[] = []
      for (const at of rule.at) {
        const text = cell(rule, at.index, at.column)
        if (text === null) continue
        if (at.code !== undefined) {
          const key = normalizeKey(text)
          if (binding.profile.trueValues.has(key)) {
            items.push(at.code)
            columns.push(at.column)
          } else if (!binding.profile.falseValues.has(key)) {
            refuse(rule, at.column, { path: `/${field}`, code: 'invalid_flag', params: { trueValues: binding.profile.flagWords.true.join(', '), falseValues: binding.profile.flagWords.false.filter(Boolean).join(', ') } })
          }
          continue
        }
        for (const part of text.split(rule.separator)) {
          const item = part.trim()
          if (item === '') continue
          const t = translate(rule, item, version)
          if (!t.ok) {
            refuse(rule, at.column, t.issue)
            continue
          }
          items.push(t.value)
          columns.push(at.column)
        }
      }
      m.input[field] = items
      m.itemColumns.set(field, columns)
      continue
    }
    const at = rule.at[0]
    const text = cell(rule, at.index, at.column)
    if (text === null) continue
    if (text === '') {
      if (spec.nullable) m.input[field] = null
      continue
    }
    if (spec.kind === 'text' || spec.kind === 'caseRef') {
      m.input[field] = text
      continue
    }
    if (spec.kind === 'date') {
      const iso = parseDate(text, rule.dateFormats)
      if (iso === null) refuse(rule, at.column, { path: `/${field}`, code: 'invalid_date_format', params: { formats: rule.dateFormats.map((f) => f.pattern).join(' / ') } })
      else m.input[field] = iso
      continue
    }
    const t = translate(rule, text, version)
    if (!t.ok) {
      refuse(rule, at.column, t.issue)
      continue
    }
    let value: string | number = t.value
    if (spec.kind === 'municipality' && /^[0-9]{1,3}$/.test(value)) value = value.padStart(4, '0') // a number cell lost its zeros
    if (spec.kind === 'integer') {
      const whole = /^([0-9]+)(?:[.,]0+)?$/.exec(String(value))
      if (!whole) {
        refuse(rule, at.column, { path: `/${field}`, code: 'wrong_type', params: { expected: 'integer' } })
        continue
      }
      value = Number(whole[1])
    }
    if (spec.kind === 'version') version = value === '2020' || value === '2021' ? value : null
    m.input[field] = value
  }
  return m
}

/** The column(s) a field is read from, as the header spells them; null for a constant. */
export function fieldColumn (binding: Binding, path: string): string | null {
  const rule = binding.rules.find((r) => r.field === path.split('/')[1])
  return rule ? columnLabel(rule) : null
}

/** The column a record rule's JSON pointer refers to. */
function locate (binding: Binding, m: Mapped, path: string): string | null {
  const [, field, index] = path.split('/')
  const rule = binding.rules.find((r) => r.field === field)
  if (!rule) return null
  if (index !== undefined) {
    const column = m.itemColumns.get(field)?.[Number(index)]
    if (column !== undefined) return column
  }
  return columnLabel(rule)
}

export function checkRow (binding: Binding, r: SheetRow, options: RowCheckOptions): RowOutcome {
  const m = mapCells(binding, r)
  const errors = [...m.errors]
  if (m.broken) return { ok: false, row: r.row, errors }
  if (options.duplicateOf && options.duplicateOf.length > 0) {
    errors.push({ row: r.row, column: locate(binding, m, '/caseRef'), path: '/caseRef', code: 'duplicate_in_file', params: { rows: options.duplicateOf.join(', ') } })
  }
  const v = validateRecord(m.input, { today: options.today })
  if (!v.ok) {
    for (const e of v.errors) {
      if (!m.refused.has(e.path.split('/')[1])) errors.push({ ...e, row: r.row, column: locate(binding, m, e.path) })
    }
  } else if (options.mayWrite && !options.mayWrite(v.value.municipality)) {
    errors.push({ row: r.row, column: locate(binding, m, '/municipality'), path: '/municipality', code: 'municipality_not_allowed', params: { value: v.value.municipality } })
  }
  if (errors.length > 0 || !v.ok) return { ok: false, row: r.row, errors }
  return { ok: true, row: r.row, record: v.value }
}

const KEY_FIELDS = new Set(['municipality', 'caseRef', 'formVersion'])

/**
 * For each row (by position) that names the same municipality and caseRef as other rows, those
 * rows' numbers. All of them fail: which version of a case the file meant cannot be told, and
 * storing one would hide that (the same rule as a batch's duplicate_in_batch).
 */
export function duplicateRows (binding: Binding, rows: readonly SheetRow[]): Map<number, number[]> {
  const byKey = new Map<string, number[]>()
  rows.forEach((r, i) => {
    const { input } = mapCells(binding, r, KEY_FIELDS)
    if (typeof input.municipality !== 'string' || typeof input.caseRef !== 'string') return
    const key = `${input.municipality}/${input.caseRef}`
    const list = byKey.get(key)
    if (list) list.push(i)
    else byKey.set(key, [i])
  })
  const found = new Map<number, number[]>()
  for (const list of byKey.values()) {
    if (list.length < 2) continue
    for (const i of list) found.set(i, list.filter((j) => j !== i).map((j) => rows[j].row))
  }
  return found
}
