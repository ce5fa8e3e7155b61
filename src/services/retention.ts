import type { AuditEntry, AuditRepository } from '../db/audit-repository.js'
import type { CasesRepository } from '../db/cases-repository.js'
import type { Db } from '../db/client.js'

// Retention: a record is kept for RETENTION_YEARS after its closingDate and then erased by the
// same path as an erasure asked for by a user (the record and its lists deleted, a tombstone for
// the statistics snapshots, a `case.erase` audit row without contents), plus one
// `retention.purge` row with the count. A dry run reads and counts, and writes nothing.

export const RETENTION_SUBJECT = 'system:retention'

export interface RetentionDeps {
  db: Db
  cases: CasesRepository
  audit: AuditRepository
  /** Told after erasures have committed. */
  changed?: () => void
}

export interface RetentionRun {
  /** Today's date in Sweden, YYYY-MM-DD. */
  today: string
  years: number
  dryRun: boolean
  /** Names the run in the audit log (its request id). */
  runId: string
  batchSize?: number
}

export interface RetentionResult {
  /** Records that closed before this date are due. */
  cutoff: string
  years: number
  dryRun: boolean
  /** Records due (erased, or that a real run would erase). */
  due: number
  erased: number
  /** Due records per municipality: counts only. */
  byMunicipality: Record<string, number>
}

/** The first closingDate still kept: today less `years` (29 February gives 28 February). */
export function retentionCutoff (today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number)
  const year = y - years
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const day = m === 2 && d === 29 && !leap ? 28 : d
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function dayBefore (date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
}

export function retentionService (deps: RetentionDeps) {
  const { db, cases, audit } = deps
  return {
    async purge (run: RetentionRun): Promise<RetentionResult> {
      const cutoff = retentionCutoff(run.today, run.years)
      const filter = { to: dayBefore(cutoff) }
      const batchSize = run.batchSize ?? 500
      const byMunicipality: Record<string, number> = {}
      let due = 0
      let erased = 0
      let afterId: number | null = null
      for (;;) {
        const page = await db.transaction(async (tx) => {
          const items = await cases.list(tx, { all: true }, filter, batchSize, afterId)
          const entries: AuditEntry[] = []
          for (const s of items) {
            byMunicipality[s.record.municipality] = (byMunicipality[s.record.municipality] ?? 0) + 1
            if (run.dryRun) continue
            // Locked and checked again: a record replaced meanwhile with a later closingDate stays.
            const locked = await cases.findByKey(tx, s.record.municipality, s.record.caseRef, { forUpdate: true })
            if (!locked || locked.record.closingDate >= cutoff) continue
            await cases.erase(tx, locked.id)
            entries.push({ subject: RETENTION_SUBJECT, action: 'case.erase', municipality: s.record.municipality, caseRef: s.record.caseRef, requestId: run.runId, detail: { reason: 'retention' } })
          }
          await audit.append(tx, entries)
          return { count: items.length, erased: entries.length, lastId: items.at(-1)?.id ?? null }
        })
        due += page.count
        erased += page.erased
        if (page.count < batchSize || page.lastId === null) break
        afterId = page.lastId
      }
      if (!run.dryRun) {
        await audit.append(db, { subject: RETENTION_SUBJECT, action: 'retention.purge', requestId: run.runId, detail: { cutoff, years: run.years, erased } })
        if (erased > 0) deps.changed?.()
      }
      return { cutoff, years: run.years, dryRun: run.dryRun, due, erased, byMunicipality }
    }
  }
}

export type RetentionService = ReturnType<typeof retentionService>
