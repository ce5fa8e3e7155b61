import type { StatsSnapshot } from '../domain/stats/columns.js'
import type { StatsFilter } from '../domain/stats/filter.js'
import { keyLabel } from '../domain/stats/labels.js'
import { protect } from '../domain/stats/protect.js'
import { computeTable } from '../domain/stats/tables.js'
import type { PublishedTable, TableName } from '../domain/stats/types.js'
import type { Lang } from '../domain/types.js'
import type { RecordSnapshot } from '../stats/snapshot.js'

// Statistics answers: exact tables from the in-memory store, protected for callers who may not
// see exact figures. Answers are kept per snapshot version, so that an identical question gets an
// identical answer without recomputing it, and any change to the records forgets them all.

export interface StatsDeps {
  store: StatsSnapshot
  feed: RecordSnapshot
  threshold: number
  /** How stale the store may be when a question arrives (ms). */
  maxAgeMs?: number
  cacheSize?: number
}

export interface StatsQuestion {
  table: TableName
  filter: StatsFilter
  params: { problem?: string }
  exact: boolean
  /** How a table that is not exact is protected (access.ts statsProtection); ≤4 suppression when absent. */
  protection?: 'suppressed' | 'perturbed'
  lang: Lang
}

export function statsService (deps: StatsDeps) {
  const cacheSize = deps.cacheSize ?? 1_000
  const cache = new Map<string, PublishedTable>()
  let cachedSeq = -1

  return {
    async table (q: StatsQuestion): Promise<PublishedTable> {
      await deps.feed.fresh(deps.maxAgeMs ?? 250)
      const { lastSeq } = deps.feed.status()
      if (lastSeq !== cachedSeq) {
        cache.clear()
        cachedSeq = lastSeq
      }
      const protection = q.exact ? 'none' : q.protection ?? 'suppressed'
      const key = JSON.stringify([q.table, q.filter, q.params, protection, q.lang])
      const hit = cache.get(key)
      if (hit) return hit
      // Key sums cost a second pass over the selection; only the cell key method reads them.
      const exact = computeTable(q.table, deps.store, q.filter, q.params, { keys: protection === 'perturbed' })
      const published = await protect(exact, {
        exact: q.exact,
        protection: protection === 'perturbed' ? 'perturbed' : 'suppressed',
        threshold: deps.threshold,
        filters: { ...q.filter, ...q.params },
        lang: q.lang,
        label: (kind, k) => keyLabel(kind, k, q.lang)
      })
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string)
      cache.set(key, published)
      return published
    }
  }
}

export type StatsService = ReturnType<typeof statsService>

/** The table flat, one line per cell, for spreadsheets and dashboards (RFC 4180). */
export function tableCsv (t: PublishedTable): string {
  const header = ['row', 'rowLabel', 'column', 'columnLabel', 'count', 'share', 'ci95Low', 'ci95High', 'value', 'display', 'suppressed']
  const labels = new Map(t.columns.map((c) => [c.key, c.label]))
  const quote = (v: unknown) => {
    if (v === null || v === undefined) return ''
    const s = String(v)
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  const lines = [header.join(',')]
  for (const row of t.rows) {
    for (const c of row.cells) {
      lines.push([row.key, row.label, c.column, labels.get(c.column) ?? c.column, c.count, c.share, c.ci95?.[0], c.ci95?.[1], c.value, c.display, c.suppressed].map(quote).join(','))
    }
    if (row.total !== undefined) {
      lines.push([row.key, row.label, 'total', 'total', row.total, null, null, null, null, row.totalDisplay, row.totalSuppressed].map(quote).join(','))
    }
  }
  return lines.join('\r\n') + '\r\n'
}
