import type { Binding, ImportIssue, SheetRow } from '../domain/import/columns.js'
import { storableParams } from '../domain/import/messages.js'
import { fieldColumn } from '../domain/import/row.js'
import type { Issue, SuxRecord } from '../domain/types.js'
import type { AuditRepository } from '../db/audit-repository.js'
import type { BulkRepository } from '../db/bulk-repository.js'
import type { Db } from '../db/client.js'
import type { ChunkProgress, ImportsRepository, StoredImportError } from '../db/imports-repository.js'
import { type BatchResult, batchService } from './batch.js'
import type { Caller } from './cases.js'
import type { Table } from './import-reader.js'

// An import job's rows as it keeps them, and writing one chunk of them: through the batch service,
// in a transaction that also records the chunk's progress.

/** The rows as a job keeps them: one JSON array a line, the header first. */
export function serializeRows (table: Table): string {
  const lines = [JSON.stringify({ headerRow: table.headerRow, header: table.header })]
  for (const r of table.rows) lines.push(JSON.stringify([r.row, ...r.cells]))
  return lines.join('\n')
}

export function deserializeRows (text: string): { header: string[], rows: SheetRow[] } {
  const [first, ...lines] = text.split('\n')
  const { header } = JSON.parse(first) as { header: string[] }
  return { header, rows: lines.map((l) => { const [row, ...cells] = JSON.parse(l) as [number, ...string[]]; return { row, cells } }) }
}

export interface ChunkDeps {
  db: Db
  jobs: ImportsRepository
  bulk: BulkRepository
  audit: AuditRepository
  today: () => string
  changed?: () => void
  failure: (err: Error, context: { importId: string }) => void
  leaseMs: number
}

export interface Chunk {
  /** Its number and size, with the rows that failed before any write counted in. */
  base: ChunkProgress
  rowErrors: ImportIssue[]
  records: SuxRecord[]
  /** The row number of each record. */
  validRows: number[]
  /** Errors the job may still keep, shared by the chunks being written. */
  budget: { left: number }
}

class LeaseLost extends Error {}

const stored = (e: ImportIssue): StoredImportError => ({ row: e.row, column: e.column, path: e.path, code: e.code, params: storableParams(e.params) ?? null })

/** A chunk's counters and errors, with the batch's outcomes for its records; errors beyond the budget are only counted. */
function progressOf (chunk: Chunk, binding: Binding, result?: BatchResult): ChunkProgress {
  const p: ChunkProgress = { ...chunk.base, errors: [], errorsOmitted: 0 }
  const errors = [...chunk.rowErrors]
  for (const r of result?.results ?? []) {
    if (r.status !== 'failed') p[r.status]++
    else {
      p.failed++
      for (const e of r.errors) errors.push({ ...e, row: chunk.validRows[r.index], column: e.path === '' ? null : fieldColumn(binding, e.path) })
    }
  }
  for (const e of errors) {
    if (chunk.budget.left > 0) {
      p.errors.push(stored(e))
      chunk.budget.left--
    } else {
      p.errorsOmitted++
    }
  }
  return p
}

/**
 * Writes a chunk and records its progress in the same transaction: the batch service is given a
 * database whose transactions end by recording the chunk. Answers the progress recorded, or null
 * when the job is no longer this runner's (nothing of the chunk is then written).
 */
export function chunkWriter (deps: ChunkDeps) {
  const { db, jobs } = deps
  return async function writeChunk (jobId: string, token: string, caller: Caller, binding: Binding, chunk: Chunk): Promise<ChunkProgress | null> {
    let recorded: ChunkProgress | null = null
    let lost = false
    let result: BatchResult | undefined
    if (chunk.records.length > 0) {
      const recording = {
        transaction: (fn: (tx: unknown) => Promise<unknown>) => db.transaction(async (tx) => {
          const outcomes = await fn(tx) as Array<{ index: number, status: string, errors?: Issue[] }>
          const partial: BatchResult = { results: [], created: 0, updated: 0, unchanged: 0, failed: 0 }
          for (const o of outcomes) partial.results.push({ index: o.index, caseRef: null, status: o.status as 'created', errors: o.errors ?? [] })
          const p = progressOf(chunk, binding, partial)
          if (!await jobs.recordChunk(tx, jobId, token, deps.leaseMs, p)) {
            lost = true
            throw new LeaseLost()
          }
          recorded = p
          return outcomes
        })
      } as unknown as Db
      const batch = batchService({
        db: recording,
        bulk: deps.bulk,
        audit: deps.audit,
        today: deps.today,
        changed: deps.changed,
        chunkSize: chunk.records.length,
        parallel: 1,
        storageError: (err) => { if (!(err instanceof LeaseLost)) deps.failure(err, { importId: jobId }) }
      })
      result = await batch.submit(caller, chunk.records)
      if (lost) return null
      const unstored = result.results.some((r) => r.errors.some((e) => e.code === 'storage_error'))
      if (recorded && !unstored) return recorded
    }
    // No record to write, or the write failed (storage_error: importing the file again retries them).
    const p = progressOf(chunk, binding, result)
    const ok = await db.transaction(async (tx) => jobs.recordChunk(tx, jobId, token, deps.leaseMs, p))
    return ok ? p : null
  }
}
