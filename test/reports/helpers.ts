import { readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { auth, build, type TokenClaims } from '../helper.js'

// Shared by the report, export and browser tests: the reference data (214 records of 2020 that
// reproduce the FoU report), callers, and an XLSX reader that turns sheets back into tables.

export const REFERENCE = JSON.parse(readFileSync(new URL('../../fixtures/reference-2020.json', import.meta.url), 'utf8')) as Array<Record<string, unknown>>

export const ANALYST: TokenClaims = { sub: 'fou', roles: ['regional_analyst'] }
export const DASHBOARD: TokenClaims = { sub: 'dash', roles: ['dashboard'] }
export const LEAD_HUDIKSVALL: TokenClaims = { sub: 'lead-hu', roles: ['municipality_lead'], municipalities: ['2184'] }
export const ADMIN: TokenClaims = { sub: 'ada', roles: ['admin'] }

export async function loadReference (app: FastifyInstance): Promise<void> {
  const writer = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2182', '2121', '2184'] })
  const res = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers: writer, payload: REFERENCE })
  if (res.json().created !== REFERENCE.length) throw new Error(`reference data not loaded: ${res.body.slice(0, 300)}`)
}

export async function referenceApp (t: Parameters<typeof build>[0]): Promise<FastifyInstance> {
  const app = await build(t)
  await loadReference(app)
  return app
}

export type Cell = { column: string, count?: number | null, share?: number | null, ci95?: [number, number] | null, value?: number | null, display?: string }
export type Row = { key: string, label: string, cells: Cell[], total?: number | null, totalDisplay?: string }
export type Table = { table: string, population: number | null, protection: string, withheld?: boolean, columns: Array<{ key: string, label: string }>, rows: Row[] }

export type SheetValue = string | number | boolean | null
/** One table of a sheet: the header row ("Kod"/"Code", "Rad"/"Row", …) and the rows under it by key. */
export interface SheetTable { heading: string | null, header: string[], rows: Map<string, Record<string, SheetValue>> }

function plain (v: ExcelJS.CellValue): SheetValue {
  if (v === null || v === undefined) return null
  if (typeof v === 'object') return 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v)
  return v as SheetValue
}

/** Every sheet of a workbook as its tables, in order. */
export async function readWorkbook (buffer: Buffer): Promise<Map<string, SheetTable[]>> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buffer as unknown as ArrayBuffer)
  const out = new Map<string, SheetTable[]>()
  wb.eachSheet((ws) => {
    const lines: SheetValue[][] = []
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r)
      lines.push(Array.from({ length: ws.columnCount }, (_, c) => plain(row.getCell(c + 1).value)))
    }
    const tables: SheetTable[] = []
    let lastHeading: string | null = null
    for (let i = 0; i < lines.length; i++) {
      const first = lines[i][0]
      if (first === 'Kod' || first === 'Code') {
        const header = lines[i].map((h) => String(h ?? ''))
        const rows = new Map<string, Record<string, SheetValue>>()
        for (i++; i < lines.length && lines[i][0] !== null; i++) {
          rows.set(String(lines[i][0]), Object.fromEntries(header.map((h, k) => [h, lines[i][k] ?? null])))
        }
        tables.push({ heading: lastHeading, header, rows })
      } else if (typeof first === 'string' && lines[i].slice(1).every((v) => v === null) && / \((exakta|skyddade|exact|protected)/.test(first)) {
        lastHeading = first
      }
    }
    out.set(ws.name, tables)
  })
  return out
}

/** The numbers a sheet table must hold for a JSON table: count or marker, share, interval, value, total. */
export function expectedSheet (t: Table, lang: 'sv' | 'en' = 'sv'): Map<string, Record<string, SheetValue>> {
  const suffix = lang === 'sv' ? { share: 'andel', low: '95 % KI nedre', high: '95 % KI övre', total: 'Totalt' } : { share: 'share', low: '95% CI lower', high: '95% CI upper', total: 'Total' }
  const out = new Map<string, Record<string, SheetValue>>()
  for (const r of t.rows) {
    const expect: Record<string, SheetValue> = {}
    for (const c of r.cells) {
      const label = t.columns.find((x) => x.key === c.column)?.label as string
      const marker = c.display ?? null
      if ('value' in c) expect[label] = c.value ?? marker
      else {
        expect[label] = c.count ?? marker
        if ('share' in c) expect[`${label}, ${suffix.share}`] = c.share ?? marker
        if ('ci95' in c) {
          expect[`${label}, ${suffix.low}`] = c.ci95?.[0] ?? null
          expect[`${label}, ${suffix.high}`] = c.ci95?.[1] ?? null
        }
      }
    }
    if (r.total !== undefined || r.totalDisplay !== undefined) expect[suffix.total] = r.total ?? r.totalDisplay ?? null
    out.set(r.key, expect)
  }
  return out
}

/** Count cells (and totals) of a JSON table that hold 1–4: none may, for a protected caller. */
export function smallCounts (t: Table): string[] {
  const found: string[] = []
  for (const r of t.rows) {
    if (typeof r.total === 'number' && r.total >= 1 && r.total <= 4) found.push(`${t.table}/${r.key}/total`)
    for (const c of r.cells) if (typeof c.count === 'number' && c.count >= 1 && c.count <= 4) found.push(`${t.table}/${r.key}/${c.column}`)
  }
  return found
}

/** The counts written into report HTML (data-count attributes of table cells and key figures). */
export function htmlCounts (html: string): number[] {
  return [...html.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]))
}

/** The inner HTML of the table cell for (scope, row, column). */
export function htmlCell (html: string, scope: string, row: string, column: string): string | null {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const m = html.match(new RegExp(`<td[^>]*data-scope="${scope}" data-row="${esc(row)}" data-col="${esc(column)}"[^>]*>(.*?)</td>`))
  return m ? m[1] : null
}
