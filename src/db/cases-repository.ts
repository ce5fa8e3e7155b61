import { and, asc, eq, exists, gt, gte, inArray, lte, or, type SQL, sql } from 'drizzle-orm'
import type { FieldCipher } from '../crypto/fields.js'
import type { ReadScope } from '../domain/access.js'
import { problemCodesFor } from '../domain/codes.js'
import type { FormVersion, SuxRecord } from '../domain/types.js'
import type { DbOrTx } from './client.js'
import { caseErasures, caseInterventions, caseManualMethods, caseProblems, cases } from './schema/index.js'

export interface StoredCase {
  id: number
  record: SuxRecord
  createdBy: string
  revision: number
  contentHash: string
  createdAt: Date
  updatedAt: Date
}

export interface WriteMeta {
  interventionGroup: string
  contentHash: string
  subject: string
}

/** Filters of SPEC §3 as applied to record lists. */
export interface CaseFilter {
  from?: string
  to?: string
  municipality?: string[]
  gender?: string[]
  ageGroup?: string[]
  background?: string[]
  interventionGroup?: string[]
  problem?: string[]
  previouslyKnown?: string[]
}

type CaseRow = typeof cases.$inferSelect

const AGE_RANGES: Record<string, [number, number]> = { '0-6': [0, 6], '7-12': [7, 12], '13-17': [13, 17], '18-20': [18, 20] }

function columnsOf (r: SuxRecord, meta: WriteMeta, cipher: FieldCipher | null) {
  // The free text goes in encrypted; the content hash (meta) was taken of the plaintext.
  if (cipher) r = cipher.encryptRecord(r)
  return {
    municipality: r.municipality,
    caseRef: r.caseRef,
    formVersion: r.formVersion,
    ageAtReferral: r.ageAtReferral,
    gender: r.gender,
    background: r.background,
    referralDate: r.referralDate,
    startDate: r.startDate,
    previouslyKnown: r.previouslyKnown,
    otherProblem: r.otherProblem,
    otherIntervention: r.otherIntervention,
    closingDate: r.closingDate,
    closureReason: r.closureReason,
    closureComment: r.closureComment,
    comment: r.comment,
    interventionGroup: meta.interventionGroup,
    contentHash: meta.contentHash,
    updatedBy: meta.subject
  }
}

async function insertChildren (q: DbOrTx, caseId: number, r: SuxRecord) {
  if (r.problems.length > 0) {
    await q.insert(caseProblems).values(r.problems.map((problem, position) => ({ caseId, position, problem })))
  }
  if (r.interventions.length > 0) {
    await q.insert(caseInterventions).values(r.interventions.map((intervention, position) => ({ caseId, position, intervention })))
  }
  if (r.manualMethods.length > 0) {
    await q.insert(caseManualMethods).values(r.manualMethods.map((name, position) => ({ caseId, position, name })))
  }
}

/** Rows with their child lists, in the order of `rows`. */
async function hydrate (q: DbOrTx, rows: CaseRow[], cipher: FieldCipher | null): Promise<StoredCase[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  // One after the other: a transaction is one connection, which runs one query at a time anyway.
  const problems = await q.select().from(caseProblems).where(inArray(caseProblems.caseId, ids)).orderBy(caseProblems.caseId, caseProblems.position)
  const interventions = await q.select().from(caseInterventions).where(inArray(caseInterventions.caseId, ids)).orderBy(caseInterventions.caseId, caseInterventions.position)
  const methods = await q.select().from(caseManualMethods).where(inArray(caseManualMethods.caseId, ids)).orderBy(caseManualMethods.caseId, caseManualMethods.position)
  const group = <T extends { caseId: number }, V>(items: T[], pick: (t: T) => V) => {
    const m = new Map<number, V[]>()
    for (const it of items) {
      const list = m.get(it.caseId)
      if (list) list.push(pick(it))
      else m.set(it.caseId, [pick(it)])
    }
    return m
  }
  const p = group(problems, (x) => x.problem)
  const i = group(interventions, (x) => x.intervention)
  const mm = group(methods, (x) => x.name)
  const plain = cipher ? rows.map((row) => cipher.decryptRecord(row)) : rows
  return plain.map((row) => ({
    id: row.id,
    createdBy: row.createdBy,
    revision: row.revision,
    contentHash: row.contentHash,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    record: {
      municipality: row.municipality,
      caseRef: row.caseRef,
      formVersion: row.formVersion as FormVersion,
      ageAtReferral: row.ageAtReferral,
      gender: row.gender,
      background: row.background,
      referralDate: row.referralDate,
      startDate: row.startDate,
      previouslyKnown: row.previouslyKnown,
      problems: p.get(row.id) ?? [],
      otherProblem: row.otherProblem,
      interventions: i.get(row.id) ?? [],
      manualMethods: mm.get(row.id) ?? [],
      otherIntervention: row.otherIntervention,
      closingDate: row.closingDate,
      closureReason: row.closureReason,
      closureComment: row.closureComment,
      comment: row.comment
    }
  }))
}

/** A row just written from `r`, with r's lists. */
function stored (row: CaseRow, r: SuxRecord): StoredCase {
  return {
    id: row.id,
    createdBy: row.createdBy,
    revision: row.revision,
    contentHash: row.contentHash,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    record: { ...r, problems: [...r.problems], interventions: [...r.interventions], manualMethods: [...r.manualMethods] }
  }
}

function scopeCondition (scope: ReadScope): SQL | undefined {
  if (scope.all) return undefined
  if (scope.clauses.length === 0) return sql`false`
  return or(...scope.clauses.map((c) => c.createdBy === undefined
    ? inArray(cases.municipality, c.municipalities)
    : and(inArray(cases.municipality, c.municipalities), eq(cases.createdBy, c.createdBy))))
}

function filterConditions (f: CaseFilter): Array<SQL | undefined> {
  const list = (values: string[] | undefined, column: Parameters<typeof inArray>[0]) =>
    values && values.length > 0 ? inArray(column, values) : undefined
  const ages = f.ageGroup?.length
    ? or(...f.ageGroup.map((g) => and(gte(cases.ageAtReferral, AGE_RANGES[g][0]), lte(cases.ageAtReferral, AGE_RANGES[g][1]))))
    : undefined
  const problems = f.problem?.length
    ? exists(sql`(select 1 from ${caseProblems} where ${caseProblems.caseId} = ${cases.id} and ${inArray(caseProblems.problem, f.problem.flatMap(problemCodesFor))})`)
    : undefined
  return [
    f.from ? gte(cases.closingDate, f.from) : undefined,
    f.to ? lte(cases.closingDate, f.to) : undefined,
    list(f.municipality, cases.municipality),
    list(f.gender, cases.gender),
    list(f.background, cases.background),
    list(f.interventionGroup, cases.interventionGroup),
    list(f.previouslyKnown, cases.previouslyKnown),
    ages,
    problems
  ]
}

/**
 * With a cipher, free text is encrypted on write and decrypted on read. Without one (callers that
 * only erase, or read no free text: exports, retention) values pass as stored.
 */
export function casesRepository (cipher: FieldCipher | null = null) {
  return {
    /** With `createdBy`, only that subject's record: someone else's answers as a missing one, in one query. */
    async findByKey (q: DbOrTx, municipality: string, caseRef: string, opts: { forUpdate?: boolean, createdBy?: string } = {}): Promise<StoredCase | null> {
      const base = q.select().from(cases).where(and(eq(cases.municipality, municipality), eq(cases.caseRef, caseRef),
        opts.createdBy !== undefined ? eq(cases.createdBy, opts.createdBy) : undefined))
      const rows = opts.forUpdate ? await base.for('update') : await base
      const [found] = await hydrate(q, rows, cipher)
      return found ?? null
    },

    /** Inserts a new record; null when (municipality, caseRef) already exists. */
    async insert (q: DbOrTx, r: SuxRecord, meta: WriteMeta): Promise<StoredCase | null> {
      const rows = await q.insert(cases).values({ ...columnsOf(r, meta, cipher), createdBy: meta.subject })
        .onConflictDoNothing({ target: [cases.municipality, cases.caseRef] }).returning()
      if (rows.length === 0) return null
      await insertChildren(q, rows[0].id, r)
      // The lists are r's, just written in its order: no need to read them back.
      return stored(rows[0], r)
    },

    async replace (q: DbOrTx, id: number, r: SuxRecord, meta: WriteMeta): Promise<StoredCase> {
      const rows = await q.update(cases).set({
        ...columnsOf(r, meta, cipher),
        revision: sql`${cases.revision} + 1`,
        updatedAt: sql`now()`,
        changeSeq: sql`nextval('case_change_seq')`
      }).where(eq(cases.id, id)).returning()
      await q.delete(caseProblems).where(eq(caseProblems.caseId, id))
      await q.delete(caseInterventions).where(eq(caseInterventions.caseId, id))
      await q.delete(caseManualMethods).where(eq(caseManualMethods.caseId, id))
      await insertChildren(q, id, r)
      return stored(rows[0], r)
    },

    /** Removes the record and its children at once, leaving a tombstone with no content. */
    async erase (q: DbOrTx, id: number): Promise<void> {
      await q.delete(cases).where(eq(cases.id, id))
      await q.insert(caseErasures).values({ caseId: id })
    },

    async list (q: DbOrTx, scope: ReadScope, filter: CaseFilter, limit: number, afterId: number | null): Promise<StoredCase[]> {
      const rows = await q.select().from(cases)
        .where(and(scopeCondition(scope), ...filterConditions(filter), afterId !== null ? gt(cases.id, afterId) : undefined))
        .orderBy(asc(cases.id))
        .limit(limit)
      return hydrate(q, rows, cipher)
    }
  }
}

export type CasesRepository = ReturnType<typeof casesRepository>
