import type { Issue } from '../types.js'
import { normalizeKey } from './fields.js'
import type { FieldRule, ImportProfile } from './profile.js'

// Binding a profile to a file's header row: every column the profile reads must be there, once.

/** An issue located in the file: `row` as a spreadsheet numbers it (the header is usually 1). */
export interface ImportIssue extends Issue {
  row: number | null
  column: string | null
}

/** One row of a file: its number and its cells as text. */
export interface SheetRow {
  row: number
  cells: string[]
}

export interface BoundRule extends FieldRule {
  /** Column indexes the rule reads, with the header's own spelling of each. */
  at: Array<{ index: number, column: string, code?: string }>
}

export interface Binding {
  profile: ImportProfile
  header: string[]
  rules: BoundRule[]
}

export type BindResult = { ok: true, binding: Binding } | { ok: false, issues: ImportIssue[] }

function columnsOf (rule: FieldRule): Array<{ column: string, code?: string }> {
  switch (rule.source.kind) {
    case 'column': return [{ column: rule.source.column }]
    case 'columns': return rule.source.columns.map((column) => ({ column }))
    case 'flags': return rule.source.flags
    case 'value': return []
  }
}

export function bindColumns (profile: ImportProfile, header: string[], headerRow = 1): BindResult {
  const positions = new Map<string, number[]>()
  header.forEach((name, index) => {
    const key = normalizeKey(name)
    if (key === '') return
    const list = positions.get(key)
    if (list) list.push(index)
    else positions.set(key, [index])
  })
  const issues: ImportIssue[] = []
  const reported = new Set<string>()
  const rules = profile.rules.map((rule): BoundRule => {
    const at: BoundRule['at'] = []
    for (const { column, code } of columnsOf(rule)) {
      const key = normalizeKey(column)
      const found = positions.get(key)
      if (reported.has(key)) continue
      // A field the form does not require may be left out of a file altogether: it is then empty.
      if (!found && !rule.spec.required) continue
      if (!found) {
        reported.add(key)
        issues.push({ row: headerRow, column, path: `/${rule.field}`, code: 'missing_column', params: { column, profile: profile.name } })
      } else if (found.length > 1) {
        reported.add(key)
        issues.push({ row: headerRow, column, path: `/${rule.field}`, code: 'duplicate_column', params: { column } })
      } else {
        at.push(code === undefined ? { index: found[0], column: header[found[0]].trim() } : { index: found[0], column: header[found[0]].trim(), code })
      }
    }
    return { ...rule, at }
  })
  if (issues.length > 0) return { ok: false, issues }
  const read = rules.filter((r) => r.source.kind === 'value' || r.at.length > 0)
  return { ok: true, binding: { profile, header, rules: read } }
}
