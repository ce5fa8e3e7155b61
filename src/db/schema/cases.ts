import { sql } from 'drizzle-orm'
import {
  bigint, bigserial, char, date, index, integer, pgSequence, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, varchar
} from 'drizzle-orm/pg-core'

/** Bumped on every write and erasure, so that statistics snapshots can follow changes in order. */
export const caseChangeSeq = pgSequence('case_change_seq')

export const cases = pgTable('cases', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  municipality: char('municipality', { length: 4 }).notNull(),
  caseRef: varchar('case_ref', { length: 64 }).notNull(),
  formVersion: varchar('form_version', { length: 4 }).notNull(),
  ageAtReferral: smallint('age_at_referral').notNull(),
  gender: varchar('gender', { length: 16 }).notNull(),
  background: varchar('background', { length: 40 }),
  referralDate: date('referral_date', { mode: 'string' }).notNull(),
  startDate: date('start_date', { mode: 'string' }),
  previouslyKnown: varchar('previously_known', { length: 16 }).notNull(),
  otherProblem: text('other_problem'),
  otherIntervention: text('other_intervention'),
  closingDate: date('closing_date', { mode: 'string' }).notNull(),
  closureReason: varchar('closure_reason', { length: 40 }).notNull(),
  closureComment: text('closure_comment'),
  comment: text('comment'),
  /** Derived (domain interventionGroup), kept for filtering lists. */
  interventionGroup: varchar('intervention_group', { length: 32 }).notNull(),
  contentHash: varchar('content_hash', { length: 64 }).notNull(),
  revision: integer('revision').notNull().default(1),
  createdBy: text('created_by').notNull(),
  updatedBy: text('updated_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  changeSeq: bigint('change_seq', { mode: 'number' }).notNull().default(sql`nextval('case_change_seq')`),
  /**
   * The record's key for the cell key method (src/domain/stats/ptable.ts): uniform in [0, 2^31),
   * drawn by the database when the row is inserted and never written again, so that a replacement
   * keeps it and every API instance (and every restart) perturbs the same cell the same way.
   */
  cellKey: integer('cell_key').notNull().default(sql`floor(random() * 2147483648)::integer`)
}, (t) => [
  uniqueIndex('cases_municipality_case_ref_uq').on(t.municipality, t.caseRef),
  index('cases_closing_date_idx').on(t.closingDate),
  index('cases_change_seq_idx').on(t.changeSeq),
  index('cases_created_by_idx').on(t.createdBy, t.municipality)
])

export const caseProblems = pgTable('case_problems', {
  caseId: bigint('case_id', { mode: 'number' }).notNull().references(() => cases.id, { onDelete: 'cascade' }),
  position: smallint('position').notNull(),
  problem: varchar('problem', { length: 40 }).notNull()
}, (t) => [primaryKey({ columns: [t.caseId, t.position] }), index('case_problems_problem_idx').on(t.problem)])

export const caseInterventions = pgTable('case_interventions', {
  caseId: bigint('case_id', { mode: 'number' }).notNull().references(() => cases.id, { onDelete: 'cascade' }),
  position: smallint('position').notNull(),
  intervention: varchar('intervention', { length: 40 }).notNull()
}, (t) => [primaryKey({ columns: [t.caseId, t.position] })])

export const caseManualMethods = pgTable('case_manual_methods', {
  caseId: bigint('case_id', { mode: 'number' }).notNull().references(() => cases.id, { onDelete: 'cascade' }),
  position: smallint('position').notNull(),
  name: varchar('name', { length: 100 }).notNull()
}, (t) => [primaryKey({ columns: [t.caseId, t.position] })])

/** Erasures in change order: a snapshot that saw a record learns here that it is gone. No case content. */
export const caseErasures = pgTable('case_erasures', {
  changeSeq: bigint('change_seq', { mode: 'number' }).primaryKey().default(sql`nextval('case_change_seq')`),
  caseId: bigint('case_id', { mode: 'number' }).notNull(),
  erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
})
