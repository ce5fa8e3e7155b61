import { createHmac, randomBytes } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { readScope } from '../domain/access.js'
import { isKnownManualMethod } from '../domain/codes.js'
import { derive } from '../domain/derived.js'
import type { SuxRecord } from '../domain/types.js'
import type { AuditRepository } from '../db/audit-repository.js'
import type { CaseFilter, CasesRepository, StoredCase } from '../db/cases-repository.js'
import type { Db } from '../db/client.js'
import type { Caller } from './cases.js'

// Pseudonymised microdata for regional analysts (SPEC §4): the coded fields of every matching
// record and the values derived from them, never free text. Records are read a page at a time and
// written out as they come, so a large export holds one page in memory, not the whole set twice.
//
// The audit log gets an entry before the first byte leaves (who, filters, format; if it cannot be
// written, nothing is exported) and one when the export ends, with the number of rows written and
// whether the client took them all. caseRef may be replaced by an HMAC-SHA256 under a key drawn for
// this export alone and then forgotten: rows of one export can be told apart and joined to each
// other, but not to the register, to another export, or to anything the key would reveal later.

export type ExportFormat = 'csv' | 'xlsx'

export interface ExportDeps {
  db: Db
  cases: CasesRepository
  audit: AuditRepository
  pageSize?: number
  /** Told when the closing audit entry could not be written (the data has gone out by then). */
  auditFailed?: (err: Error) => void
}

export interface ExportQuestion {
  caller: Caller
  filter: CaseFilter
  /** The filters as asked for, for the audit log (codes and dates only). */
  asked: Record<string, string | number | string[]>
  format: ExportFormat
  pseudonymise: boolean
}

/** A manual method name that is not in the known list is free text: it leaves as this code. */
export const UNLISTED_METHOD = 'unlisted'

const COLUMNS = [
  'municipality', 'caseRef', 'formVersion', 'year', 'ageAtReferral', 'ageGroup', 'gender', 'background',
  'referralDate', 'startDate', 'closingDate', 'waitDays', 'durationDays', 'previouslyKnown', 'problems',
  'interventions', 'interventionGroup', 'manualMethods', 'closureReason', 'goalsMet'
] as const

export function exportColumns (pseudonymise: boolean): string[] {
  return COLUMNS.map((c) => (c === 'caseRef' && pseudonymise ? 'pseudonym' : c))
}

type Value = string | number | boolean | null

/** One exported row: coded fields and derived values; lists joined with "|" as the generic import reads them. */
export function exportRow (r: SuxRecord, pseudonym: ((r: SuxRecord) => string) | null): Value[] {
  const d = derive(r)
  const methods = r.manualMethods.map((m) => (isKnownManualMethod(m) ? m : UNLISTED_METHOD))
  const byName: Record<typeof COLUMNS[number], Value> = {
    municipality: r.municipality,
    caseRef: pseudonym ? pseudonym(r) : r.caseRef,
    formVersion: r.formVersion,
    year: d.year,
    ageAtReferral: r.ageAtReferral,
    ageGroup: d.ageGroup,
    gender: r.gender,
    background: r.background,
    referralDate: r.referralDate,
    startDate: r.startDate,
    closingDate: r.closingDate,
    waitDays: d.waitDays,
    durationDays: d.durationDays,
    previouslyKnown: r.previouslyKnown,
    problems: r.problems.join('|'),
    interventions: r.interventions.join('|'),
    interventionGroup: d.interventionGroup,
    manualMethods: [...new Set(methods)].join('|'),
    closureReason: r.closureReason,
    goalsMet: d.goalsMet
  }
  return COLUMNS.map((c) => byName[c])
}

/** A keyed hash of (municipality, caseRef) under a key that lives as long as this function. */
export function pseudonymiser (): (r: Pick<SuxRecord, 'municipality' | 'caseRef'>) => string {
  const key = randomBytes(32)
  return (r) => createHmac('sha256', key).update(`${r.municipality}\u0000${r.caseRef}`).digest('hex').slice(0, 32)
}

function csvLine (values: Value[]): string {
  return values.map((v) => {
    if (v === null) return ''
    const s = String(v)
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }).join(',') + '\r\n'
}

async function * csvChunks (header: string[], pages: AsyncIterable<StoredCase[]>, row: (r: SuxRecord) => Value[]): AsyncGenerator<string> {
  yield csvLine(header)
  for await (const page of pages) yield page.map((s) => csvLine(row(s.record))).join('')
}

/** Waits until `out` wants more, or is gone. */
function drained (out: PassThrough): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => { out.off('drain', done); out.off('close', done); resolve() }
    out.on('drain', done)
    out.on('close', done)
  })
}

function xlsxStream (header: string[], pages: AsyncIterable<StoredCase[]>, row: (r: SuxRecord) => Value[]): Readable {
  const out = new PassThrough()
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  const ws = wb.addWorksheet('cases', { views: [{ state: 'frozen', ySplit: 1 }] })
  const head = ws.addRow(header)
  head.font = { bold: true }
  head.commit()
  void (async () => {
    for await (const page of pages) {
      for (const s of page) ws.addRow(row(s.record)).commit()
      await drained(out)
      // The client went away: stop reading (the loop's exit closes the audit with complete: false).
      if (out.destroyed) return
    }
    ws.commit()
    await wb.commit()
  })().catch((err: Error) => out.destroy(err))
  return out
}

export function exportService (deps: ExportDeps) {
  const { db, cases, audit } = deps
  const pageSize = deps.pageSize ?? 1_000

  return {
    /** The export as a stream; 'forbidden' for anyone but a regional analyst. */
    async start (q: ExportQuestion): Promise<Readable | 'forbidden'> {
      const { actor, requestId } = q.caller
      if (!actor.roles.includes('regional_analyst')) return 'forbidden'
      const detail = { ...q.asked, format: q.format, pseudonymised: q.pseudonymise }
      await audit.append(db, { subject: actor.sub, action: 'case.export', requestId, detail })

      const pseudonym = q.pseudonymise ? pseudonymiser() : null
      const scope = readScope(actor)
      const state = { rows: 0, complete: false }
      async function * pages (): AsyncGenerator<StoredCase[]> {
        try {
          let after: number | null = null
          for (;;) {
            const page = await cases.list(db, scope, q.filter, pageSize, after)
            if (page.length === 0) break
            // Counted when handed to the writer: a page given out may have reached the client.
            state.rows += page.length
            yield page
            if (page.length < pageSize) break
            after = page[page.length - 1].id
          }
          state.complete = true
        } finally {
          await audit.append(db, { subject: actor.sub, action: 'case.export.done', requestId, detail: { rows: state.rows, complete: state.complete } })
            .catch((err: Error) => deps.auditFailed?.(err))
        }
      }
      const header = exportColumns(q.pseudonymise)
      const row = (r: SuxRecord) => exportRow(r, pseudonym)
      return q.format === 'csv' ? Readable.from(csvChunks(header, pages(), row)) : xlsxStream(header, pages(), row)
    }
  }
}

export type ExportService = ReturnType<typeof exportService>
