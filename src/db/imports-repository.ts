import { and, asc, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from './client.js'
import { importErrors, importJobs } from './schema/index.js'

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed'

export interface NewImportJob {
  id: string
  createdBy: string
  roles: string[]
  municipalities: string[]
  requestId: string | null
  profileName: string
  profile: unknown
  format: string
  total: number
  chunkSize: number
  rows: string
}

export interface ImportJobRow {
  id: string
  createdBy: string
  profileName: string
  status: ImportStatus
  total: number
  processed: number
  created: number
  updated: number
  unchanged: number
  failed: number
  errorCount: number
  errorsOmitted: number
  failureCode: string | null
  createdAt: Date
  finishedAt: Date | null
}

/** A job taken by a runner: everything it needs to write the chunks not done yet. */
export interface ClaimedJob extends ImportJobRow {
  roles: string[]
  municipalities: string[]
  requestId: string | null
  profile: unknown
  rows: string | null
  attempts: number
  chunkSize: number
  doneChunks: number[]
}

export interface StoredImportError {
  row: number | null
  column: string | null
  path: string
  code: string
  params: Record<string, string | number> | null
}

export interface ChunkProgress {
  /** The chunk's number: rows chunk × chunkSize onwards. */
  chunk: number
  rows: number
  created: number
  updated: number
  unchanged: number
  failed: number
  errors: StoredImportError[]
  errorsOmitted: number
}

const summary = {
  id: importJobs.id,
  createdBy: importJobs.createdBy,
  profileName: importJobs.profileName,
  status: importJobs.status,
  total: importJobs.total,
  processed: importJobs.processed,
  created: importJobs.created,
  updated: importJobs.updated,
  unchanged: importJobs.unchanged,
  failed: importJobs.failed,
  errorCount: importJobs.errorCount,
  errorsOmitted: importJobs.errorsOmitted,
  failureCode: importJobs.failureCode,
  createdAt: importJobs.createdAt,
  finishedAt: importJobs.finishedAt
}

async function rows<T> (q: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows
}

export function importsRepository () {
  return {
    async insert (q: DbOrTx, job: NewImportJob): Promise<void> {
      await q.insert(importJobs).values({ ...job, status: 'queued' })
    },

    async find (q: DbOrTx, id: string): Promise<ImportJobRow | null> {
      const [row] = await q.select(summary).from(importJobs).where(eq(importJobs.id, id))
      return row ? row as ImportJobRow : null
    },

    async errors (q: DbOrTx, id: string): Promise<StoredImportError[]> {
      return q.select({
        row: importErrors.rowNumber,
        column: importErrors.columnName,
        path: importErrors.path,
        code: importErrors.code,
        params: importErrors.params
      }).from(importErrors)
        .where(eq(importErrors.jobId, id))
        .orderBy(sql`${importErrors.rowNumber} asc nulls first`, asc(importErrors.id))
    },

    /**
     * Takes the oldest job that is queued, or running under a lease that ran out (its runner
     * stopped or died), for `leaseMs`. Skips jobs another runner is taking at the same moment.
     */
    async claim (q: DbOrTx, token: string, leaseMs: number): Promise<ClaimedJob | null> {
      const [row] = await rows<Record<string, unknown>>(q, sql`
        update import_jobs set status = 'running', lease_token = ${token}, attempts = attempts + 1,
          lease_until = now() + ${leaseMs} * interval '1 millisecond', started_at = coalesce(started_at, now())
        where id = (
          select id from import_jobs
          where status in ('queued', 'running') and (lease_until is null or lease_until < now())
          order by created_at limit 1 for update skip locked)
        returning id`)
      if (!row) return null
      const [job] = await q.select({
        ...summary,
        roles: importJobs.roles,
        municipalities: importJobs.municipalities,
        requestId: importJobs.requestId,
        profile: importJobs.profile,
        rows: importJobs.rows,
        attempts: importJobs.attempts,
        chunkSize: importJobs.chunkSize,
        doneChunks: importJobs.doneChunks
      }).from(importJobs).where(eq(importJobs.id, String(row.id)))
      return job as ClaimedJob
    },

    /**
     * A chunk's counters and errors, in the transaction of its records. False when the job is no
     * longer this runner's, or the chunk was recorded already: the caller must then roll back.
     */
    async recordChunk (q: DbOrTx, id: string, token: string, leaseMs: number, p: ChunkProgress): Promise<boolean> {
      const moved = await q.update(importJobs).set({
        processed: sql`${importJobs.processed} + ${p.rows}`,
        doneChunks: sql`array_append(${importJobs.doneChunks}, ${p.chunk}::integer)`,
        created: sql`${importJobs.created} + ${p.created}`,
        updated: sql`${importJobs.updated} + ${p.updated}`,
        unchanged: sql`${importJobs.unchanged} + ${p.unchanged}`,
        failed: sql`${importJobs.failed} + ${p.failed}`,
        errorCount: sql`${importJobs.errorCount} + ${p.errors.length}`,
        errorsOmitted: sql`${importJobs.errorsOmitted} + ${p.errorsOmitted}`,
        leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`
      }).where(and(eq(importJobs.id, id), eq(importJobs.leaseToken, token), sql`not (${p.chunk}::integer = any(${importJobs.doneChunks}))`))
        .returning({ id: importJobs.id })
      if (moved.length !== 1) return false
      if (p.errors.length > 0) {
        const list = p.errors.map((e) => ({ job_id: id, row_number: e.row, column_name: e.column, path: e.path, code: e.code, params: e.params }))
        await q.execute(sql`
          insert into import_errors (job_id, row_number, column_name, path, code, params)
          select * from json_to_recordset(${sql.param(JSON.stringify(list))})
            as x(job_id uuid, row_number integer, column_name text, path varchar(200), code varchar(40), params jsonb)`)
      }
      return true
    },

    /** The job is done: its rows are erased, only the counters and errors stay. */
    async finish (q: DbOrTx, id: string, token: string, status: 'done' | 'failed', failureCode: string | null = null): Promise<void> {
      await q.update(importJobs)
        .set({ status, failureCode, rows: null, leaseToken: null, leaseUntil: null, finishedAt: sql`now()` })
        .where(and(eq(importJobs.id, id), eq(importJobs.leaseToken, token)))
    },

    /** Gives a job up without finishing it, for the next runner to take at once. */
    async release (q: DbOrTx, id: string, token: string): Promise<void> {
      await q.update(importJobs).set({ leaseToken: null, leaseUntil: null })
        .where(and(eq(importJobs.id, id), eq(importJobs.leaseToken, token)))
    }
  }
}

export type ImportsRepository = ReturnType<typeof importsRepository>
