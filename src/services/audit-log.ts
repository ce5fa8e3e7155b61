import type { AuditFilter, AuditRepository, StoredAuditEntry } from '../db/audit-repository.js'
import type { Db } from '../db/client.js'
import type { Caller } from './cases.js'

// Reading the audit log (administrators). Each read is itself audited, with the filters asked
// for, so that watching the log leaves a trace too.

export interface AuditLogDeps {
  db: Db
  audit: AuditRepository
}

export function auditLogService (deps: AuditLogDeps) {
  const { db, audit } = deps
  return {
    async read (caller: Caller, filter: AuditFilter, limit: number, beforeId: number | null): Promise<StoredAuditEntry[]> {
      return db.transaction(async (tx) => {
        const items = await audit.list(tx, filter, limit, beforeId)
        const asked = Object.fromEntries(Object.entries({
          from: filter.from?.toISOString(),
          until: filter.until?.toISOString(),
          subject: filter.subject,
          action: filter.action,
          municipality: filter.municipality,
          caseRef: filter.caseRef
        }).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>
        await audit.append(tx, { subject: caller.actor.sub, action: 'audit.read', requestId: caller.requestId, detail: { ...asked, returned: items.length } })
        return items
      })
    }
  }
}

export type AuditLogService = ReturnType<typeof auditLogService>
