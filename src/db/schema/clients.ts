import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core'

/**
 * Machine clients of case systems and dashboards, which trade their id and secret for a short-lived
 * token (POST /v1/auth/token). The secret itself is never stored: `secret_hash` is an scrypt hash
 * with its parameters and salt (src/services/secrets.ts). A revoked client stays listed.
 */
export const apiClients = pgTable('api_clients', {
  clientId: varchar('client_id', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  role: varchar('role', { length: 32 }).notNull(),
  municipalities: text('municipalities').array().notNull().default(sql`'{}'::text[]`),
  secretHash: text('secret_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  createdBy: text('created_by').notNull(),
  secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true, mode: 'date' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  /** How its statistics are protected when they are not exact: `suppressed` (≤4, SPEC §3) or `perturbed` (cell key method). */
  protection: varchar('protection', { length: 16 }).notNull().default('suppressed')
}, (t) => [
  check('api_clients_role_check', sql`${t.role} in ('integration', 'dashboard')`),
  check('api_clients_protection_check', sql`${t.protection} in ('suppressed', 'perturbed')`),
  index('api_clients_created_at_idx').on(t.createdAt)
])
