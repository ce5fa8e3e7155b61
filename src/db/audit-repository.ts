import type { DbOrTx } from './client.js'
import { auditLog } from './schema/index.js'

export interface AuditEntry {
  subject: string
  action: string
  municipality?: string | null
  caseRef?: string | null
  requestId?: string | null
  /** Codes and counts only: never free text or case contents. */
  detail?: Record<string, string | number | boolean | string[]>
}

export function auditRepository () {
  return {
    async append (q: DbOrTx, entries: AuditEntry | AuditEntry[]): Promise<void> {
      const list = Array.isArray(entries) ? entries : [entries]
      if (list.length === 0) return
      await q.insert(auditLog).values(list.map((e) => ({
        subject: e.subject,
        action: e.action,
        municipality: e.municipality ?? null,
        caseRef: e.caseRef ?? null,
        requestId: e.requestId ?? null,
        detail: e.detail ?? null
      })))
    }
  }
}

export type AuditRepository = ReturnType<typeof auditRepository>
