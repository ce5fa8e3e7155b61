import { bigserial, char, index, jsonb, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core'

/**
 * Append-only (a trigger refuses UPDATE and DELETE): who did what, when, to which record.
 * Never free text or case contents; `detail` holds codes and counts only.
 */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  subject: text('subject').notNull(),
  action: varchar('action', { length: 40 }).notNull(),
  municipality: char('municipality', { length: 4 }),
  caseRef: varchar('case_ref', { length: 64 }),
  requestId: varchar('request_id', { length: 64 }),
  detail: jsonb('detail').$type<Record<string, string | number | boolean | string[]>>()
}, (t) => [
  index('audit_log_at_idx').on(t.at),
  index('audit_log_subject_idx').on(t.subject, t.at)
])
