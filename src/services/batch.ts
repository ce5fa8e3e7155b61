import { canReplace, canSubmit } from '../domain/access.js'
import { interventionGroup } from '../domain/derived.js'
import { validateRecord } from '../domain/record.js'
import type { Issue } from '../domain/types.js'
import type { AuditEntry, AuditRepository } from '../db/audit-repository.js'
import { type BulkRecord, type BulkRepository, type ExistingCase, keyOf, type Written } from '../db/bulk-repository.js'
import type { Db } from '../db/client.js'
import { type Caller, contentHash } from './cases.js'

// POST /v1/cases/batch: many records upserted by (municipality, caseRef) with the rules of PUT.
// Every item is validated in memory first; the valid ones are then written in chunks, each chunk
// one transaction of a few set-based statements with its audit rows. A chunk that fails on a
// database error fails its own items (storage_error) and no others.

export const BATCH_MAX_ITEMS = 5000
const CHUNK_SIZE = 1000
/** Deadlock and serialisation failures: the chunk is tried again before its items fail. */
const RETRYABLE = new Set(['40P01', '40001'])
/** A key inserted by another writer since the chunk looked: tried again, expecting such races. */
const UNIQUE_VIOLATION = '23505'

export type BatchStatus = 'created' | 'updated' | 'unchanged' | 'failed'

export interface BatchItemResult {
  index: number
  caseRef: string | null
  status: BatchStatus
  errors: Issue[]
}

export interface BatchResult {
  results: BatchItemResult[]
  created: number
  updated: number
  unchanged: number
  failed: number
}

/** An item that could not even be read (a line of NDJSON that is not JSON). */
export class UnreadableItem {
  constructor (readonly issue: Issue) {}
}

export interface BatchDeps {
  db: Db
  bulk: BulkRepository
  audit: AuditRepository
  today: () => string
  /** Told after records changed (statistics follow). */
  changed?: () => void
  /** Told of a database error that failed a chunk (the items say only storage_error). */
  storageError?: (err: Error) => void
  chunkSize?: number
  /** How many chunks are written at once (a server with a pool: several; PGlite: one). */
  parallel?: number
}

interface Candidate extends BulkRecord {
  index: number
  /** keyOf(record), made once: chunks are sorted and looked up by it. */
  key: string
}

type Outcome = { index: number, status: 'created' | 'updated' | 'unchanged' } | { index: number, status: 'failed', errors: Issue[] }

const rawField = (item: unknown, field: string): string | null => {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return null
  const v = (item as Record<string, unknown>)[field]
  return typeof v === 'string' ? v : null
}

/**
 * Indexes of items that name a (municipality, caseRef) another item names too. Both fail: which
 * of two versions of one case a client meant cannot be told, and storing either would hide that.
 */
function duplicates (items: unknown[]): Map<number, number[]> {
  const byKey = new Map<string, number[]>()
  items.forEach((item, index) => {
    const municipality = rawField(item, 'municipality')
    const caseRef = rawField(item, 'caseRef')
    if (municipality === null || caseRef === null) return
    const key = keyOf({ municipality, caseRef })
    const list = byKey.get(key)
    if (list) list.push(index)
    else byKey.set(key, [index])
  })
  const found = new Map<number, number[]>()
  for (const list of byKey.values()) {
    if (list.length > 1) for (const i of list) found.set(i, list.filter((j) => j !== i))
  }
  return found
}

export function batchService (deps: BatchDeps) {
  const { db, bulk, audit } = deps
  const chunkSize = deps.chunkSize ?? CHUNK_SIZE

  /**
   * One chunk in one transaction; the outcomes count only once it has committed. New records are
   * inserted plainly unless `raced` (the chunk failed on a key another writer inserted meanwhile).
   */
  async function writeChunk (caller: Caller, chunk: Candidate[], raced = false): Promise<Outcome[]> {
    const subject = caller.actor.sub
    return db.transaction(async (tx) => {
      const outcomes: Outcome[] = []
      const toUpdate: Array<Candidate & { id: number }> = []

      const classify = (items: Candidate[], existing: ExistingCase[]): Candidate[] => {
        const stored = new Map(existing.map((e) => [keyOf(e), e]))
        const absent: Candidate[] = []
        for (const c of items) {
          const e = stored.get(c.key)
          if (!e) absent.push(c)
          else if (!canReplace(caller.actor, { municipality: e.municipality, createdBy: e.createdBy })) {
            outcomes.push({ index: c.index, status: 'failed', errors: [{ path: '/caseRef', code: 'not_owner' }] })
          } else if (e.contentHash === c.meta.contentHash) outcomes.push({ index: c.index, status: 'unchanged' })
          else toUpdate.push({ ...c, id: e.id })
        }
        return absent
      }

      await bulk.keyLookups(tx)
      const absent = classify(chunk, await bulk.findExisting(tx, chunk.map((c) => c.record)))
      const inserted = await bulk.insertNew(tx, absent, subject, raced)
      // Taken by another writer between our look and our insert: now visible, so treat as stored.
      if (inserted.length < absent.length) {
        const insertedKeys = new Set(inserted.map(keyOf))
        const taken = absent.filter((c) => !insertedKeys.has(c.key))
        const left = classify(taken, await bulk.findExisting(tx, taken.map((c) => c.record)))
        if (left.length > 0) throw new Error('records vanished during a batch upsert')
      }
      const updated = await bulk.replaceAll(tx, toUpdate, subject)

      const byKey = new Map(chunk.map((c) => [c.key, c]))
      const entries: AuditEntry[] = []
      const note = (w: Written, status: 'created' | 'updated') => {
        const c = byKey.get(keyOf(w)) as Candidate
        outcomes.push({ index: c.index, status })
        entries.push({
          subject,
          action: status === 'created' ? 'case.create' : 'case.update',
          municipality: w.municipality,
          caseRef: w.caseRef,
          requestId: caller.requestId,
          detail: { revision: w.revision }
        })
        return c.record
      }
      const created = inserted.map((w) => ({ id: w.id, record: note(w, 'created') }))
      const replaced = updated.map((w) => ({ id: w.id, record: note(w, 'updated'), before: w.before }))
      await bulk.writeLists(tx, created, replaced)
      await audit.append(tx, entries)
      return outcomes
    })
  }

  /** Up to two more tries: after a raced key, a deadlock or a serialisation failure. */
  async function writeChunkRetrying (caller: Caller, chunk: Candidate[]): Promise<Outcome[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await writeChunk(caller, chunk, attempt > 0)
      } catch (err) {
        const code = (err as { code?: string }).code ?? ((err as Error).cause as { code?: string } | undefined)?.code
        if (attempt >= 2 || !code || (code !== UNIQUE_VIOLATION && !RETRYABLE.has(code))) throw err
      }
    }
  }

  return {
    async submit (caller: Caller, items: unknown[]): Promise<BatchResult> {
      const today = deps.today()
      const results: BatchItemResult[] = items.map((item, index) => ({ index, caseRef: rawField(item, 'caseRef'), status: 'failed', errors: [] }))
      const dups = duplicates(items)
      const candidates: Candidate[] = []
      items.forEach((item, index) => {
        const errors = results[index].errors
        const others = dups.get(index)
        if (others) errors.push({ path: '/caseRef', code: 'duplicate_in_batch', params: { indexes: others.join(', ') } })
        if (item instanceof UnreadableItem) {
          errors.push(item.issue)
          return
        }
        const v = validateRecord(item, { today })
        if (!v.ok) errors.push(...v.errors)
        else if (!canSubmit(caller.actor, v.value.municipality)) {
          errors.push({ path: '/municipality', code: 'municipality_not_allowed', params: { value: v.value.municipality } })
        }
        if (errors.length > 0 || !v.ok) return
        candidates.push({ index, key: keyOf(v.value), record: v.value, meta: { interventionGroup: interventionGroup(v.value), contentHash: contentHash(v.value) } })
      })

      const chunks: Candidate[][] = []
      // Chunks in the order sent, each sorted by key: concurrent writers then insert in one order.
      for (let start = 0; start < candidates.length; start += chunkSize) {
        chunks.push(candidates.slice(start, start + chunkSize).sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      }
      // Chunks hold distinct keys, so they may be written side by side on a server.
      let next = 0
      const worker = async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++]
          let outcomes: Outcome[]
          try {
            outcomes = await writeChunkRetrying(caller, chunk)
          } catch (err) {
            deps.storageError?.(err as Error)
            outcomes = chunk.map((c) => ({ index: c.index, status: 'failed', errors: [{ path: '', code: 'storage_error' }] }))
          }
          for (const o of outcomes) {
            results[o.index].status = o.status
            if (o.status === 'failed') results[o.index].errors = o.errors
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(deps.parallel ?? 1, chunks.length) }, worker))

      const count = (s: BatchStatus) => results.filter((r) => r.status === s).length
      const summary = { results, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), failed: count('failed') }
      if (summary.created + summary.updated > 0) deps.changed?.()
      return summary
    }
  }
}

export type BatchService = ReturnType<typeof batchService>
