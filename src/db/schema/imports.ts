import { sql } from 'drizzle-orm'
import { bigserial, check, index, integer, json, jsonb, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'

/**
 * CSV and Excel imports (POST /v1/imports), run as jobs in the background. `rows` holds the file
 * as read (one JSON array of cells a line, the header first) until the job ends, then it is
 * erased: only counters and located errors stay. A chunk's progress (`done_chunks`, the counters,
 * its errors) commits with its records, so a resumed job writes exactly the chunks not listed.
 * A runner holds a job through `lease_token` until `lease_until`; a job whose lease ran out is
 * taken over.
 */
export const importJobs = pgTable('import_jobs', {
  id: uuid('id').primaryKey(),
  createdBy: text('created_by').notNull(),
  /** The creator's roles and municipalities at upload: the rows are written with these rights. */
  roles: text('roles').array().notNull(),
  municipalities: text('municipalities').array().notNull().default(sql`'{}'::text[]`),
  requestId: varchar('request_id', { length: 64 }),
  profileName: varchar('profile_name', { length: 64 }).notNull(),
  /** json, not jsonb: the order of a profile's keys is the order of list items (flags, columns). */
  profile: json('profile').notNull(),
  format: varchar('format', { length: 8 }).notNull(),
  status: varchar('status', { length: 16 }).notNull().default('queued'),
  total: integer('total').notNull(),
  processed: integer('processed').notNull().default(0),
  /** Rows are written in chunks of this many, several at a time; the ones committed are listed. */
  chunkSize: integer('chunk_size').notNull().default(1000),
  doneChunks: integer('done_chunks').array().notNull().default(sql`'{}'::integer[]`),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  errorCount: integer('error_count').notNull().default(0),
  errorsOmitted: integer('errors_omitted').notNull().default(0),
  attempts: integer('attempts').notNull().default(0),
  failureCode: varchar('failure_code', { length: 40 }),
  rows: text('rows'),
  leaseToken: uuid('lease_token'),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' })
}, (t) => [
  check('import_jobs_status_check', sql`${t.status} in ('queued', 'running', 'done', 'failed')`),
  index('import_jobs_pending_idx').on(t.createdAt).where(sql`${t.status} in ('queued', 'running')`),
  index('import_jobs_created_by_idx').on(t.createdBy, t.createdAt)
])

/** Located problems of an import's rows: codes, paths and safe params, never a cell's contents. */
export const importErrors = pgTable('import_errors', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  jobId: uuid('job_id').notNull().references(() => importJobs.id, { onDelete: 'cascade' }),
  rowNumber: integer('row_number'),
  columnName: text('column_name'),
  path: varchar('path', { length: 200 }).notNull(),
  code: varchar('code', { length: 40 }).notNull(),
  params: jsonb('params').$type<Record<string, string | number>>()
}, (t) => [
  index('import_errors_job_idx').on(t.jobId, t.rowNumber)
])
