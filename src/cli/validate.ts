import { readFileSync } from 'node:fs'
import { bindColumns, type ImportIssue } from '../domain/import/columns.js'
import { describeImportIssue } from '../domain/import/messages.js'
import { type ImportProfile, parseProfile } from '../domain/import/profile.js'
import { checkRow, duplicateRows } from '../domain/import/row.js'
import type { Lang } from '../domain/types.js'
import { swedishToday } from '../services/cases.js'
import { PROFILES_DIR, readProfiles, readTable } from '../services/import-reader.js'
import { DEFAULT_IMPORT_LIMITS } from '../services/imports.js'
import { type Rejected, rejectedLine, summary, writeRejected } from './output.js'

// `isu validate FILE --profile P`: the server's reading and rules, offline. Nothing is sent; who
// may write which municipality is the server's to say and is not checked here.

export class UsageError extends Error {}

/** A shipped profile by name, or a profile file (--mapping). */
export function loadProfile (options: { profile?: string, mapping?: string }, lang: Lang): ImportProfile {
  if ((options.profile === undefined) === (options.mapping === undefined)) throw new UsageError('give --profile NAME or --mapping FILE.json')
  if (options.profile !== undefined) {
    const profiles = readProfiles(PROFILES_DIR)
    const found = profiles.get(options.profile)
    if (!found) throw new UsageError(`unknown profile ${options.profile}; known: ${[...profiles.keys()].join(', ')}`)
    return found
  }
  let json: unknown
  try {
    json = JSON.parse(readFileSync(options.mapping as string, 'utf8'))
  } catch (err) {
    throw new UsageError(`${options.mapping}: ${(err as Error).message}`)
  }
  const parsed = parseProfile(json)
  if (!parsed.ok) {
    throw new UsageError(parsed.errors.map((e) => `${options.mapping}${e.path ? ` ${e.path}` : ''}: ${describeImportIssue(e, lang)}`).join('\n'))
  }
  return parsed.profile
}

const rejectedOf = (issues: ImportIssue[], lang: Lang): Rejected[] =>
  issues.map((i) => ({ row: i.row, column: i.column, path: i.path, code: i.code, message: describeImportIssue(i, lang) }))

export async function validate (file: string, options: { profile?: string, mapping?: string, today?: string }, lang: Lang): Promise<number> {
  const profile = loadProfile(options, lang)
  const read = await readTable(readFileSync(file), { encoding: profile.encoding, delimiter: profile.delimiter, maxUnpackedBytes: DEFAULT_IMPORT_LIMITS.maxUnpackedBytes })
  const bound = read.ok ? bindColumns(profile, read.table.header, read.table.headerRow) : null
  const fileIssues = !read.ok ? read.issues : bound && !bound.ok ? bound.issues : null
  if (fileIssues || !read.ok || !bound?.ok) {
    const rejected = rejectedOf(fileIssues ?? [], lang)
    for (const r of rejected) process.stderr.write(`${file}: ${r.message}\n`)
    process.stderr.write(rejectedLine(writeRejected(file, rejected), lang))
    return 1
  }
  const today = options.today ?? swedishToday()
  const duplicates = duplicateRows(bound.binding, read.table.rows)
  const issues: ImportIssue[] = []
  let failed = 0
  read.table.rows.forEach((row, i) => {
    const o = checkRow(bound.binding, row, { today, duplicateOf: duplicates.get(i) })
    if (!o.ok) {
      failed++
      issues.push(...o.errors)
    }
  })
  const total = read.table.rows.length
  process.stdout.write(summary(`${file} (${profile.name})`, { total, valid: total - failed, failed }, lang) + '\n')
  if (failed === 0) return 0
  process.stdout.write(rejectedLine(writeRejected(file, rejectedOf(issues, lang)), lang))
  return 1
}
