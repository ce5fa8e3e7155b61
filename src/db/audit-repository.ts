import { sql } from 'drizzle-orm'
import type { DbOrTx } from './client.js'

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
    /** One statement however many entries: a record list or a batch writes one per record. */
    async append (q: DbOrTx, entries: AuditEntry | AuditEntry[]): Promise<void> {
      const list = Array.isArray(entries) ? entries : [entries]
      if (list.length === 0) return
      const rows = list.map((e) => ({
        subject: e.subject,
        action: e.action,
        municipality: e.municipality ?? null,
        case_ref: e.caseRef ?? null,
        request_id: e.requestId ?? null,
        detail: e.detail ?? null
      }))
      await q.execute(sql`
        insert into audit_log (subject, action, municipality, case_ref, request_id, detail)
        select * from json_to_recordset(${sql.param(JSON.stringify(rows))})
          as x(subject text, action varchar(40), municipality char(4), case_ref varchar(64), request_id varchar(64), detail jsonb)`)
    }
  }
}

export type AuditRepository = ReturnType<typeof auditRepository>
