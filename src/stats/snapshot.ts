import type { SuxRecord } from '../domain/types.js'
import { changedRecords, erasuresAfter, recordsPage, type ChangedRecord } from '../db/change-feed.js'
import type { Db } from '../db/client.js'
import { sql } from 'drizzle-orm'

// Keeps an in-memory store of every record in step with the database by following the change
// sequence (cases.change_seq, case_erasures.change_seq), so that several API instances on one
// PostgreSQL answer the same statistics.
//
// Sequence numbers are taken when a row is written but become visible when its transaction
// commits, so a lower number can appear after a higher one has been read. Each refresh therefore
// re-reads the (id, change_seq) pairs of a trailing window — everything after the highest number
// seen at least `settleMs` ago — and fetches only the records it has not seen in that version.
// With PGlite one transaction runs at a time, commit order is sequence order and no window is needed.

export interface RecordStore {
  /** `key` is the record's stored cell key, which a replacement keeps. */
  upsert: (id: number, record: SuxRecord, key: number) => void
  remove: (id: number) => void
}

export interface SnapshotOptions {
  db: Db
  store: RecordStore
  /** How long a write transaction may take at most between taking its number and committing. */
  settleMs: number
  now?: () => number
  pageSize?: number
}

export interface SnapshotStatus {
  records: number
  /** Highest change number applied. */
  lastSeq: number
  /** When the last refresh finished (ms since the epoch), 0 before the first. */
  refreshedAt: number
  loadMs: number
}

type Pair = { id: string | number, change_seq: string | number }

export function recordSnapshot (opts: SnapshotOptions) {
  const { db, store, settleMs } = opts
  const now = opts.now ?? Date.now
  const pageSize = opts.pageSize ?? 20_000
  const coldPageSize = opts.pageSize ?? 50_000
  /** The version (change number) of each record held. */
  const versions = new Map<number, number>()
  const erased = new Set<number>()
  /** (time, highest number seen) of recent refreshes, to find the settled watermark. */
  let history: Array<{ at: number, maxSeq: number }> = []
  let settled = 0
  let maxSeq = 0
  let refreshedAt = 0
  let loadMs = 0
  let running: Promise<void> | null = null
  let stale = false

  function apply (changes: ChangedRecord[]) {
    for (const c of changes) {
      if (erased.has(c.id) || (versions.get(c.id) ?? -1) >= c.seq) continue
      store.upsert(c.id, c.record, c.key)
      versions.set(c.id, c.seq)
      if (c.seq > maxSeq) maxSeq = c.seq
    }
  }

  // In id order, not change order: a record changed while the load runs is read again by the
  // next refresh, which looks at every change above the settled watermark (still 0 here).
  async function coldLoad () {
    let after = 0
    for (;;) {
      const page = await recordsPage(db, after, coldPageSize)
      apply(page)
      if (page.length < coldPageSize) break
      after = page[page.length - 1].id
    }
  }

  async function incremental () {
    const pairs = ((await db.execute(sql`select id, change_seq from cases where change_seq > ${settled}`)) as unknown as { rows: Pair[] }).rows
    const wanted: number[] = []
    for (const p of pairs) {
      const id = Number(p.id)
      if ((versions.get(id) ?? -1) < Number(p.change_seq)) wanted.push(id)
    }
    for (let i = 0; i < wanted.length; i += pageSize) {
      const ids = wanted.slice(i, i + pageSize)
      const changes = await changedRecordsByIds(db, ids)
      apply(changes)
    }
  }

  async function refreshOnce () {
    const started = now()
    if (refreshedAt === 0) await coldLoad()
    else await incremental()
    for (const e of await erasuresAfter(db, settled)) {
      if (versions.has(e.id)) {
        store.remove(e.id)
        versions.delete(e.id)
      }
      erased.add(e.id)
      if (e.seq > maxSeq) maxSeq = e.seq
    }
    const t = now()
    history.push({ at: started, maxSeq })
    // Everything up to the highest number seen at a refresh at least settleMs ago has committed.
    const old = history.filter((h) => t - h.at >= settleMs)
    if (old.length > 0) settled = Math.max(settled, ...old.map((h) => h.maxSeq))
    history = history.filter((h) => t - h.at < settleMs).concat(old.length > 0 ? [old[old.length - 1]] : [])
    if (refreshedAt === 0) loadMs = t - started
    refreshedAt = t
  }

  return {
    /** Brings the store up to date; concurrent callers share one refresh. */
    refresh (): Promise<void> {
      running ??= refreshOnce().finally(() => { running = null })
      return running
    },
    /** Refreshes when the last refresh is older than `maxAgeMs`, or a write here made it stale. */
    async fresh (maxAgeMs: number): Promise<void> {
      if (stale || now() - refreshedAt >= maxAgeMs) {
        stale = false
        await this.refresh()
      }
    },
    /** This instance wrote: the next question refreshes first, so a writer reads its own writes. */
    markStale (): void {
      stale = true
    },
    status (): SnapshotStatus {
      return { records: versions.size, lastSeq: maxSeq, refreshedAt, loadMs }
    }
  }
}

async function changedRecordsByIds (db: Db, ids: number[]): Promise<ChangedRecord[]> {
  return changedRecords(db, 0, ids.length, ids)
}

export type RecordSnapshot = ReturnType<typeof recordSnapshot>
