import { writeFileSync } from 'node:fs'

// What the CLI writes: a rejected-rows CSV beside the input, and one-line summaries.

export interface Rejected {
  row: number | null
  column: string | null
  path: string
  code: string
  message: string
}

/** A cell a spreadsheet would run as a formula is written as text (a leading apostrophe). */
function cell (value: string | number | null): string {
  let s = value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[";\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/**
 * FILE.rejected.csv: one line per problem, `;`-separated UTF-8 with a byte-order mark, which is
 * how Excel set to Swedish opens a CSV without asking.
 */
export function writeRejected (file: string, rejected: Rejected[]): string {
  const target = `${file}.rejected.csv`
  const lines = [['row', 'column', 'path', 'code', 'message'].join(';')]
  for (const r of rejected) lines.push([r.row, r.column, r.path, r.code, r.message].map(cell).join(';'))
  writeFileSync(target, '\uFEFF' + lines.join('\r\n') + '\r\n')
  return target
}

export interface Counts {
  total: number
  created?: number
  updated?: number
  unchanged?: number
  valid?: number
  failed: number
}

export function summary (what: string, c: Counts, lang: 'sv' | 'en'): string {
  const parts = c.valid !== undefined
    ? [lang === 'en' ? `${c.valid} valid` : `${c.valid} godkända`]
    : lang === 'en'
      ? [`${c.created} created`, `${c.updated} updated`, `${c.unchanged} unchanged`]
      : [`${c.created} nya`, `${c.updated} ändrade`, `${c.unchanged} oförändrade`]
  parts.push(lang === 'en' ? `${c.failed} failed` : `${c.failed} underkända`)
  return `${what}: ${c.total} ${lang === 'en' ? 'rows' : 'rader'} — ${parts.join(', ')}`
}

export const rejectedLine = (path: string, lang: 'sv' | 'en') => `${lang === 'en' ? 'Rejected rows written to' : 'Underkända rader finns i'} ${path}\n`
