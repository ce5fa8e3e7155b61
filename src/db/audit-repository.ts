import { and, desc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm'
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

export interface StoredAuditEntry {
  id: number
  at: Date
  subject: string
  action: string
  municipality: string | null
  caseRef: string | null
  requestId: string | null
  detail: Record<string, string | number | boolean | string[]> | null
}

export interface AuditFilter {
  from?: Date
  /** Exclusive. */
  until?: Date
  subject?: string
  action?: string[]
  municipality?: string[]
  caseRef?: string
}

function conditions (f: AuditFilter): Array<SQL | undefined> {
  return [
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.until ? lt(auditLog.at, f.until) : undefined,
    f.subject !== undefined ? eq(auditLog.subject, f.subject) : undefined,
    f.action?.length ? inArray(auditLog.action, f.action) : undefined,
    f.municipality?.length ? inArray(auditLog.municipality, f.municipality) : undefined,
    f.caseRef !== undefined ? eq(auditLog.caseRef, f.caseRef) : undefined
  ]
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
    },

    /** Newest first (by insertion order), entries before the id `beforeId` when given. */
    async list (q: DbOrTx, filter: AuditFilter, limit: number, beforeId: number | null): Promise<StoredAuditEntry[]> {
      return q.select().from(auditLog)
        .where(and(...conditions(filter), beforeId !== null ? lt(auditLog.id, beforeId) : undefined))
        .orderBy(desc(auditLog.id))
        .limit(limit)
    }
  }
}

export type AuditRepository = ReturnType<typeof auditRepository>
