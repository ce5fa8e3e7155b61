import ExcelJS from 'exceljs'
import type { PublishedCell, PublishedTable } from '../domain/stats/types.js'
import type { Lang } from '../domain/types.js'
import type { AnnualReport } from './annual.js'
import { reportTitle } from './html.js'
import { scopeStatus, TEXTS } from './texts.js'

// Statistics tables as Excel workbooks (exceljs): one header row a table, a row per table row,
// numbers as numbers (shares formatted as per cent) and withheld cells as their marker text, so a
// sheet holds exactly what the JSON table holds, in a form Excel can sort, filter and chart.

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const SUFFIX = {
  share: { sv: 'andel', en: 'share' },
  low: { sv: '95 % KI nedre', en: '95% CI lower' },
  high: { sv: '95 % KI övre', en: '95% CI upper' }
}

interface Part { header: string, pick: (c: PublishedCell | undefined) => ExcelJS.CellValue, numFmt?: string }

/** The sheet columns of one table column: the count (or value), and its share and interval where it has them. */
function partsOf (t: PublishedTable, key: string, label: string, lang: Lang): Part[] {
  const cells = t.rows.map((r) => r.cells.find((c) => c.column === key)).filter((c): c is PublishedCell => c !== undefined)
  const marker = (c: PublishedCell | undefined) => c?.display ?? null
  if (cells.some((c) => 'value' in c)) {
    return [{ header: label, pick: (c) => (typeof c?.value === 'number' ? c.value : marker(c)), numFmt: key === 'ratio' ? '0.0%' : '#,##0.0' }]
  }
  const parts: Part[] = [{ header: label, pick: (c) => (typeof c?.count === 'number' ? c.count : marker(c)), numFmt: '#,##0' }]
  if (cells.some((c) => 'share' in c)) {
    parts.push({ header: `${label}, ${SUFFIX.share[lang]}`, pick: (c) => (typeof c?.share === 'number' ? c.share : marker(c)), numFmt: '0.0%' })
  }
  if (cells.some((c) => 'ci95' in c)) {
    parts.push({ header: `${label}, ${SUFFIX.low[lang]}`, pick: (c) => c?.ci95?.[0] ?? null, numFmt: '0.0%' })
    parts.push({ header: `${label}, ${SUFFIX.high[lang]}`, pick: (c) => c?.ci95?.[1] ?? null, numFmt: '0.0%' })
  }
  return parts
}

const BOLD = { bold: true }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } }

/**
 * Writes `t` from row `at` on: heading lines, one header row (Kod, Rad, …), the data rows.
 * Returns the next free row and the header's row number.
 */
export function writeTable (ws: ExcelJS.Worksheet, at: number, t: PublishedTable, lang: Lang, heading: string[]): { next: number, header: number | null } {
  let row = at
  heading.forEach((line, i) => {
    const r = ws.getRow(row++)
    r.getCell(1).value = line
    if (i === 0) r.getCell(1).font = BOLD
  })
  const filters = Object.entries(t.filters).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`).join(', ')
  ws.getRow(row++).getCell(1).value = `${TEXTS.filters[lang]}: ${filters || '–'}`
  ws.getRow(row++).getCell(1).value = `${TEXTS.population[lang]}: ${t.population ?? '<5'}`
  const level = { none: TEXTS.protectionNone, suppressed: TEXTS.protectionSuppressed, perturbed: TEXTS.protectionPerturbed }[t.protection] ?? TEXTS.protectionSuppressed
  ws.getRow(row++).getCell(1).value = `${TEXTS.protectionLevel[lang]}: ${level[lang]}`
  if (t.withheld) {
    ws.getRow(row++).getCell(1).value = t.reason ?? TEXTS.withheld[lang]
    return { next: row + 1, header: null }
  }
  const parts = t.columns.flatMap((c) => partsOf(t, c.key, c.label, lang).map((p) => ({ ...p, column: c.key })))
  const hasTotal = t.rows.some((r) => r.total !== undefined || r.totalDisplay !== undefined)
  const headerRow = ws.getRow(row)
  const headers = [TEXTS.code[lang], TEXTS.row[lang], ...parts.map((p) => p.header), ...(hasTotal ? [TEXTS.total[lang]] : [])]
  headers.forEach((h, i) => {
    const c = headerRow.getCell(i + 1)
    c.value = h
    c.font = BOLD
    c.fill = HEADER_FILL
    c.alignment = { wrapText: true, vertical: 'top' }
  })
  const header = row++
  for (const r of t.rows) {
    const out = ws.getRow(row++)
    out.getCell(1).value = r.key
    out.getCell(2).value = r.label
    parts.forEach((p, i) => {
      const c = out.getCell(i + 3)
      c.value = p.pick(r.cells.find((x) => x.column === p.column))
      if (typeof c.value === 'number' && p.numFmt) c.numFmt = p.numFmt
      else if (typeof c.value === 'string') c.alignment = { horizontal: 'right' }
    })
    if (hasTotal) {
      const c = out.getCell(parts.length + 3)
      c.value = typeof r.total === 'number' ? r.total : r.totalDisplay ?? null
      if (typeof c.value === 'number') c.numFmt = '#,##0'
    }
    if (r.key === 'all') out.font = BOLD
  }
  return { next: row + 1, header }
}

function setWidths (ws: ExcelJS.Worksheet, columns: number) {
  ws.getColumn(1).width = 22
  ws.getColumn(2).width = 46
  for (let i = 3; i <= columns + 2; i++) ws.getColumn(i).width = 14
}

function legend (ws: ExcelJS.Worksheet, at: number, lang: Lang, notes: string[] = []): void {
  let row = at
  for (const n of notes) ws.getRow(row++).getCell(1).value = n
  ws.getRow(row).getCell(1).value = TEXTS.markerLegend[lang].replaceAll('◇ ', '')
}

const workbook = () => {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'ISU Register'
  return wb
}

const asBuffer = async (wb: ExcelJS.Workbook): Promise<Buffer> => Buffer.from(await wb.xlsx.writeBuffer())

/** One statistics table (GET /v1/stats/{table} as XLSX). */
export async function tableWorkbook (t: PublishedTable, lang: Lang): Promise<Buffer> {
  const wb = workbook()
  const ws = wb.addWorksheet(t.table.slice(0, 31))
  const { next, header } = writeTable(ws, 1, t, lang, [`${lang === 'sv' ? 'Statistik' : 'Statistics'}: ${t.table}`])
  if (header !== null) ws.views = [{ state: 'frozen', xSplit: 2, ySplit: header }]
  setWidths(ws, ws.columnCount)
  legend(ws, next, lang, t.notes)
  return asBuffer(wb)
}

/** Excel forbids []:*?/\ in sheet names and allows 31 characters. */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, '-').slice(0, 31)

/** The annual report: an "about" sheet, then one sheet per table of the report. */
export async function reportWorkbook (r: AnnualReport): Promise<Buffer> {
  const { lang } = r
  const wb = workbook()
  const about = wb.addWorksheet(TEXTS.about[lang])
  const lines = [
    reportTitle(r),
    `${TEXTS.year[lang]}: ${r.year}`,
    ...r.scopes.map((s) => `${s.label}: ${scopeStatus(s, lang)}`),
    `${TEXTS.generated[lang]}: ${r.generated}`,
    ...(r.scopes.some((s) => s.protection === 'suppressed') ? [TEXTS.protectionText[lang]] : []),
    ...(r.scopes.some((s) => s.protection === 'perturbed') ? [TEXTS.perturbationText[lang]] : []),
    ...(r.scopes.every((s) => s.exact) ? [TEXTS.exactNotice[lang]] : []),
    TEXTS.methodText[lang]
  ]
  lines.forEach((l, i) => {
    const c = about.getRow(i + 1).getCell(1)
    c.value = l
    if (i === 0) c.font = { bold: true, size: 14 }
  })
  about.getColumn(1).width = 120
  for (const s of r.sections) {
    const ws = wb.addWorksheet(sheetName(s.number))
    ws.getRow(1).getCell(1).value = `${s.number}. ${s.plan.title[lang]}`
    ws.getRow(1).getCell(1).font = { bold: true, size: 13 }
    ws.getRow(2).getCell(1).value = s.plan.caption[lang]
    let row = 4
    for (const { scope, table } of s.tables) {
      row = writeTable(ws, row, table, lang, [`${scope.label} (${scopeStatus(scope, lang)})`]).next
    }
    setWidths(ws, ws.columnCount)
    legend(ws, row, lang)
  }
  return asBuffer(wb)
}
