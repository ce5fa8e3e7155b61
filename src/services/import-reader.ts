import { isUtf8 } from 'node:buffer'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { type CsvError, parse } from 'csv-parse'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { ImportIssue, SheetRow } from '../domain/import/columns.js'
import { type Delimiter, type Encoding, type ImportProfile, parseProfile } from '../domain/import/profile.js'

// Reading an uploaded file into rows of text cells: CSV in UTF-8, UTF-16 or Windows-1252 with any
// of the usual delimiters, or the first sheet of an Excel workbook. Problems with the file as a
// whole (its encoding, an unterminated quote, a damaged workbook) are issues, not exceptions.

export interface Table {
  format: 'csv' | 'xlsx'
  /** CSV only: what the text was decoded from and split on. */
  encoding: string | null
  delimiter: string | null
  headerRow: number
  header: string[]
  rows: SheetRow[]
}

export type ReadResult = { ok: true, table: Table } | { ok: false, issues: ImportIssue[] }

export interface ReadOptions {
  encoding: Encoding
  delimiter: Delimiter
  /** An Excel file is a zip: refuse one that unpacks to more than this (a zip bomb). */
  maxUnpackedBytes: number
}

const fileIssue = (code: string, params?: Record<string, string | number>, row: number | null = null): ImportIssue =>
  params ? { row, column: null, path: '', code, params } : { row, column: null, path: '', code }

const startsWith = (buf: Buffer, ...bytes: number[]) => bytes.every((b, i) => buf[i] === b)

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8 (buf: Buffer): number {
  let i = 0
  while (i < buf.length) {
    const b = buf[i]
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1
    if (need < 0) return i
    for (let k = 1; k <= need; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i
    if (need > 0 && !isUtf8(buf.subarray(i, i + need + 1))) return i // overlong forms and surrogates
    i += need + 1
  }
  return -1
}

function lineAt (buf: Buffer, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++
  return line
}

const hasNonAscii = (buf: Buffer) => buf.some((b) => b >= 0x80)

type Decoded = { ok: true, text: string, encoding: string } | { ok: false, issue: ImportIssue }

/**
 * A byte-order mark decides. Otherwise the profile's encoding: `utf-8` must be valid UTF-8;
 * `windows-1252` is taken unless the bytes are valid UTF-8 with letters outside ASCII (Windows-1252
 * text with å, ä or ö is practically never valid UTF-8, so such a file was saved as UTF-8); `auto`
 * is UTF-8 when valid, else Windows-1252.
 */
export function decode (buf: Buffer, encoding: Encoding): Decoded {
  if (startsWith(buf, 0xef, 0xbb, 0xbf)) return decode(buf.subarray(3), 'utf-8')
  if (startsWith(buf, 0xff, 0xfe)) return { ok: true, text: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' }
  if (startsWith(buf, 0xfe, 0xff)) return { ok: true, text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' }
  const utf8 = isUtf8(buf)
  if (encoding === 'utf-8' && !utf8) return { ok: false, issue: fileIssue('invalid_encoding', { line: lineAt(buf, firstInvalidUtf8(buf)) }) }
  if (utf8 && (encoding !== 'windows-1252' || hasNonAscii(buf))) return { ok: true, text: buf.toString('utf8'), encoding: 'utf-8' }
  return { ok: true, text: iconv.decode(buf, 'windows-1252'), encoding: 'windows-1252' }
}

/** The delimiter the header line uses most, outside quotes; a comma when it names none. */
export function detectDelimiter (text: string): string {
  const counts = new Map([[',', 0], [';', 0], ['\t', 0]])
  let quoted = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) break
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1)
  }
  let best = ','
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d
  return best
}

/** Text in slices, so that parsing a large file lets other requests in between. */
function * slices (text: string, size = 64 * 1024): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size)
}

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '')

/** Trailing empty cells beyond the header's width say nothing (a row ending in a delimiter). */
function trimTo (cells: string[], width: number): string[] {
  let end = cells.length
  while (end > width && cells[end - 1].trim() === '') end--
  return end === cells.length ? cells : cells.slice(0, end)
}

function readCsv (buf: Buffer, options: ReadOptions): Promise<ReadResult> {
  const decoded = decode(buf, options.encoding)
  if (!decoded.ok) return Promise.resolve({ ok: false, issues: [decoded.issue] })
  const text = decoded.text.replace(/^\uFEFF/, '')
  const delimiter = options.delimiter === 'auto' ? detectDelimiter(text) : options.delimiter
  // Rows are numbered by the line they start on, counted here: csv-parse's per-record info would
  // double the time it takes. A record spans one line and one more per line break in its cells.
  const newline = text.includes('\n') ? '\n' : '\r'
  return new Promise((resolve) => {
    const records: SheetRow[] = []
    let line = 1
    const parser = parse({ delimiter, relax_quotes: true, relax_column_count: true })
    parser.on('data', (record: string[]) => {
      const start = line
      line++
      for (const cell of record) {
        for (let at = cell.indexOf(newline); at >= 0; at = cell.indexOf(newline, at + 1)) line++
      }
      if (!isBlank(record)) records.push({ row: start, cells: record })
    })
    parser.on('error', (err: CsvError) => {
      const issue = err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? fileIssue('unterminated_quote', { line }, line)
        : fileIssue('malformed_csv', { line, reason: err.code }, line)
      resolve({ ok: false, issues: [issue] })
    })
    parser.on('end', () => resolve(table('csv', decoded.encoding, delimiter, records)))
    Readable.from(slices(text)).pipe(parser)
  })
}

function table (format: 'csv' | 'xlsx', encoding: string | null, delimiter: string | null, records: SheetRow[]): ReadResult {
  if (records.length === 0) return { ok: false, issues: [fileIssue('empty_file')] }
  const [first, ...rest] = records
  const header = trimTo(first.cells, 0).map((c) => c.replace(/^\uFEFF/, '').trim())
  if (rest.length === 0) return { ok: false, issues: [fileIssue('no_rows', undefined, first.row)] }
  const rows = rest.map((r) => ({ row: r.row, cells: trimTo(r.cells, header.length) }))
  return { ok: true, table: { format, encoding, delimiter, headerRow: first.row, header, rows } }
}

/** Sum of the uncompressed sizes in a zip's central directory; null when there is no readable directory. */
export function unpackedSize (buf: Buffer): number | null {
  const min = Math.max(0, buf.length - 65_557)
  let eocd = -1
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break }
  }
  if (eocd < 0) return null
  const entries = buf.readUInt16LE(eocd + 10)
  let at = buf.readUInt32LE(eocd + 16)
  let total = 0
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null
    const size = buf.readUInt32LE(at + 24)
    if (size === 0xffffffff) return Infinity // zip64: far beyond any limit here
    total += size
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32)
  }
  return total
}

/** A cell as the text a person sees (dates as YYYY-MM-DD); a formula as "=…" so that it is refused. */
function cellText (v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if ('formula' in v || 'sharedFormula' in v) return `=${(v as { formula?: string }).formula ?? ''}`
  if ('richText' in v) return v.richText.map((t) => t.text).join('')
  if ('text' in v) return String(v.text)
  if ('error' in v) return String(v.error)
  return ''
}

async function readXlsx (buf: Buffer, options: ReadOptions): Promise<ReadResult> {
  const size = unpackedSize(buf)
  if (size === null) return { ok: false, issues: [fileIssue('unreadable_xlsx')] }
  if (size > options.maxUnpackedBytes) {
    return { ok: false, issues: [fileIssue('xlsx_too_large', { limit: Math.round(options.maxUnpackedBytes / 1024 / 1024) })] }
  }
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(buf as unknown as ExcelJS.Buffer)
  } catch {
    return { ok: false, issues: [fileIssue('unreadable_xlsx')] }
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) return { ok: false, issues: [fileIssue('empty_file')] }
  const records: SheetRow[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[]
    const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]).trim())
    if (!isBlank(cells)) records.push({ row: rowNumber, cells })
  })
  const result = table('xlsx', null, null, records)
  // A sheet leaves out the empty cells at the end of a row; they are empty, not missing.
  if (result.ok) for (const r of result.table.rows) while (r.cells.length < result.table.header.length) r.cells.push('')
  return result
}

export async function readTable (buf: Buffer, options: ReadOptions): Promise<ReadResult> {
  if (buf.length === 0) return { ok: false, issues: [fileIssue('empty_file')] }
  if (startsWith(buf, 0x50, 0x4b, 0x03, 0x04)) return readXlsx(buf, options)
  if (startsWith(buf, 0xd0, 0xcf, 0x11, 0xe0)) return { ok: false, issues: [fileIssue('unsupported_format', { format: 'xls' })] }
  return readCsv(buf, options)
}

/** The shipped profiles (profiles/*.json), each checked; a broken one stops the start. */
export function readProfiles (dir: string): Map<string, ImportProfile> {
  const profiles = new Map<string, ImportProfile>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const result = parseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')))
    if (!result.ok) throw new Error(`profile ${file} is not valid: ${JSON.stringify(result.errors)}`)
    profiles.set(result.profile.name, result.profile)
  }
  return profiles
}

export const PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url))
