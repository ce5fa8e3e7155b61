import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { type Actor, canSubmit, type Role } from '../domain/access.js'
import { bindColumns, type ImportIssue } from '../domain/import/columns.js'
import { type ImportProfile, parseProfile } from '../domain/import/profile.js'
import { checkRow, duplicateRows } from '../domain/import/row.js'
import type { Issue, SuxRecord } from '../domain/types.js'
import type { AuditRepository } from '../db/audit-repository.js'
import type { BulkRepository } from '../db/bulk-repository.js'
import type { Db } from '../db/client.js'
import type { ChunkProgress, ClaimedJob, ImportJobRow, ImportsRepository, StoredImportError } from '../db/imports-repository.js'
import type { Caller } from './cases.js'
import { chunkWriter, deserializeRows, serializeRows } from './import-chunks.js'
import { readTable } from './import-reader.js'

// POST /v1/imports and the jobs behind it. The upload is read and checked as a whole at once (the
// profile, the encoding, the CSV structure, the header) so that a file that cannot be imported is
// refused before anything is stored; its rows are then written in the background in chunks
// through the batch service, each chunk's counters and errors committed in the transaction of its
// records (import-chunks.ts). A job interrupted anywhere is finished by writing the chunks not
// committed, and since every write is an upsert by (municipality, caseRef), importing a file
// again changes nothing.

export interface ImportLimits {
  maxFileBytes: number
  /** An Excel file unpacked (a zip bomb guard). */
  maxUnpackedBytes: number
  chunkSize: number
  /** Errors kept per job; the rest are counted (errorsOmitted). */
  maxErrors: number
  /** How long a runner holds a job without reporting progress before another may take it. */
  leaseMs: number
  /** Chunks written at once (a server with a pool: several; PGlite: one). */
  parallel: number
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxUnpackedBytes: 200 * 1024 * 1024,
  chunkSize: 1000,
  maxErrors: 10_000,
  leaseMs: 120_000,
  parallel: 1
}

/** A job that fails this many times in a row (a crash, a bug) is given up as failed. */
const MAX_ATTEMPTS = 3

export interface ImportDeps {
  db: Db
  jobs: ImportsRepository
  bulk: BulkRepository
  audit: AuditRepository
  profiles: ReadonlyMap<string, ImportProfile>
  today: () => string
  changed?: () => void
  /** Told of an error that stopped a job, or a database error that failed a chunk. */
  failure: (err: Error, context: { importId: string }) => void
  limits?: Partial<ImportLimits>
}

export interface Upload {
  profile?: string
  mapping?: string
  file: Buffer
}

/** What is wrong with an upload: `at` is where in the request (/profile, /mapping/…, /file). */
export interface UploadIssue {
  at: string
  issue: Issue
}

export type StartOutcome = { kind: 'queued', id: string } | { kind: 'invalid', errors: UploadIssue[] }

export interface ImportJobView {
  job: ImportJobRow
  errors: StoredImportError[]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function importService (deps: ImportDeps) {
  const { db, jobs, audit } = deps
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...deps.limits }
  const events = new EventEmitter()
  const writeChunk = chunkWriter({ ...deps, leaseMs: limits.leaseMs })
  let worker: Promise<void> | null = null
  let again = false
  let stopping = false

  function resolveProfile (upload: Upload): ImportProfile | UploadIssue[] {
    if ((upload.profile === undefined) === (upload.mapping === undefined)) return [{ at: '/profile', issue: { path: '', code: 'profile_or_mapping' } }]
    if (upload.profile !== undefined) {
      return deps.profiles.get(upload.profile) ??
        [{ at: '/profile', issue: { path: '', code: 'unknown_profile', params: { known: [...deps.profiles.keys()].join(', ') } } }]
    }
    let json: unknown
    try {
      json = JSON.parse(upload.mapping as string)
    } catch {
      return [{ at: '/mapping', issue: { path: '', code: 'invalid_profile_json' } }]
    }
    const parsed = parseProfile(json)
    return parsed.ok ? parsed.profile : parsed.errors.map((issue) => ({ at: `/mapping${issue.path}`, issue }))
  }

  async function run (job: ClaimedJob, token: string): Promise<'done' | 'stopped' | 'lost'> {
    const parsed = parseProfile(job.profile)
    let table: ReturnType<typeof deserializeRows> | null = null
    try {
      table = job.rows === null ? null : deserializeRows(job.rows)
    } catch {
      // Not rethrown: a JSON error message quotes the text, which holds case contents.
    }
    const bound = parsed.ok && table ? bindColumns(parsed.profile, table.header) : null
    if (!bound?.ok || !table) {
      await jobs.finish(db, job.id, token, 'failed', 'unreadable_job')
      return 'done'
    }
    const binding = bound.binding
    const actor: Actor = { sub: job.createdBy, roles: job.roles as Role[], municipalities: job.municipalities }
    const caller: Caller = { actor, requestId: job.requestId ?? job.id }
    const duplicates = duplicateRows(binding, table.rows)
    const today = deps.today()
    const total = table.rows.length
    const size = job.chunkSize
    const done = new Set(job.doneChunks)
    const pending: number[] = []
    for (let k = 0; k * size < total; k++) if (!done.has(k)) pending.push(k)
    const budget = { left: Math.max(0, limits.maxErrors - job.errorCount) }
    let processed = job.processed
    let next = 0
    let written = 0
    let lost = false

    /** Checks a chunk's rows, then writes it; several workers overlap checking with writing. */
    const worker = async () => {
      while (next < pending.length && !stopping && !lost) {
        const k = pending[next++]
        const from = k * size
        const end = Math.min(total, from + size)
        const base: ChunkProgress = { chunk: k, rows: end - from, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [], errorsOmitted: 0 }
        const rowErrors: ImportIssue[] = []
        const records: SuxRecord[] = []
        const validRows: number[] = []
        for (let i = from; i < end; i++) {
          const o = checkRow(binding, table.rows[i], { today, mayWrite: (m) => canSubmit(actor, m), duplicateOf: duplicates.get(i) })
          if (o.ok) {
            records.push(o.record)
            validRows.push(o.row)
          } else {
            base.failed++
            rowErrors.push(...o.errors)
          }
        }
        if (!await writeChunk(job.id, token, caller, binding, { base, rowErrors, records, validRows, budget })) {
          lost = true
          return
        }
        written++
        processed += end - from
        events.emit('chunk', { id: job.id, processed, total })
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limits.parallel, pending.length)) }, worker))
    if (lost) return 'lost'
    if (written < pending.length) return 'stopped'
    await jobs.finish(db, job.id, token, 'done')
    events.emit('done', { id: job.id })
    return 'done'
  }

  async function runClaimed (job: ClaimedJob, token: string): Promise<void> {
    try {
      if ((await run(job, token)) === 'stopped') await jobs.release(db, job.id, token)
    } catch (err) {
      deps.failure(err as Error, { importId: job.id })
      const giveUp = job.attempts >= MAX_ATTEMPTS
      await (giveUp ? jobs.finish(db, job.id, token, 'failed', 'internal') : jobs.release(db, job.id, token)).catch(() => {})
      if (!giveUp) await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }

  /** Runs waiting jobs one after the other until none is left (or the service stops). */
  function kick (): void {
    if (stopping) return
    if (worker) {
      again = true
      return
    }
    worker = (async () => {
      do {
        again = false
        while (!stopping) {
          const token = randomUUID()
          let job: ClaimedJob | null
          try {
            job = await jobs.claim(db, token, limits.leaseMs)
          } catch (err) {
            deps.failure(err as Error, { importId: '' })
            break
          }
          if (!job) break
          await runClaimed(job, token)
        }
      } while (again && !stopping)
    })().finally(() => { worker = null })
  }

  return {
    limits,
    /** 'chunk' ({id, processed, total}) after each committed chunk, 'done' ({id}) when a job ends. */
    events,

    async start (caller: Caller, upload: Upload): Promise<StartOutcome> {
      const profile = resolveProfile(upload)
      if (Array.isArray(profile)) return { kind: 'invalid', errors: profile }
      const read = await readTable(upload.file, { encoding: profile.encoding, delimiter: profile.delimiter, maxUnpackedBytes: limits.maxUnpackedBytes })
      if (!read.ok) return { kind: 'invalid', errors: read.issues.map((issue) => ({ at: '/file', issue })) }
      const bound = bindColumns(profile, read.table.header, read.table.headerRow)
      if (!bound.ok) return { kind: 'invalid', errors: bound.issues.map((issue) => ({ at: '/file', issue })) }
      const id = randomUUID()
      const { actor } = caller
      await db.transaction(async (tx) => {
        await jobs.insert(tx, {
          id,
          createdBy: actor.sub,
          roles: actor.roles,
          municipalities: actor.municipalities,
          requestId: caller.requestId,
          profileName: upload.profile ?? 'custom',
          profile: profile.json,
          format: read.table.format,
          total: read.table.rows.length,
          chunkSize: limits.chunkSize,
          rows: serializeRows(read.table)
        })
        await audit.append(tx, {
          subject: actor.sub,
          action: 'import.create',
          requestId: caller.requestId,
          detail: { importId: id, profile: upload.profile ?? 'custom', format: read.table.format, rows: read.table.rows.length }
        })
      })
      kick()
      return { kind: 'queued', id }
    },

    /** The job with its errors, or null when there is none or it is someone else's. */
    async get (actor: Actor, id: string): Promise<ImportJobView | null> {
      if (!UUID.test(id)) return null
      const job = await jobs.find(db, id)
      if (!job || job.createdBy !== actor.sub) return null
      return { job, errors: await jobs.errors(db, id) }
    },

    /** Takes up waiting and abandoned jobs (at start, and now and then). */
    resume: kick,

    /** Stops after the chunk being written; the job stays for the next start to finish. */
    async stop (): Promise<void> {
      stopping = true
      await worker
    }
  }
}

export type ImportService = ReturnType<typeof importService>
