import { sql } from 'drizzle-orm'
import type { FormVersion, SuxRecord } from '../domain/types.js'
import type { DbOrTx } from './client.js'

// Records and erasures in change-sequence order, for the in-memory statistics snapshot. Free
// text is never read here: statistics do not need it.

export interface ChangedRecord {
  id: number
  seq: number
  record: SuxRecord
}

export interface Erasure {
  id: number
  seq: number
}

interface Row {
  id: string | number
  change_seq: string | number
  municipality: string
  case_ref: string
  form_version: string
  age_at_referral: number
  gender: string
  background: string | null
  referral_date: string
  start_date: string | null
  previously_known: string
  closing_date: string
  closure_reason: string
  problems: string[] | null
  interventions: string[] | null
  manual_methods: string[] | null
}

const asDate = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))

function toRecord (r: Row): ChangedRecord {
  return {
    id: Number(r.id),
    seq: Number(r.change_seq),
    record: {
      municipality: r.municipality,
      caseRef: r.case_ref,
      formVersion: r.form_version as FormVersion,
      ageAtReferral: r.age_at_referral,
      gender: r.gender,
      background: r.background,
      referralDate: asDate(r.referral_date),
      startDate: r.start_date === null ? null : asDate(r.start_date),
      previouslyKnown: r.previously_known,
      problems: r.problems ?? [],
      otherProblem: null,
      interventions: r.interventions ?? [],
      manualMethods: r.manual_methods ?? [],
      otherIntervention: null,
      closingDate: asDate(r.closing_date),
      closureReason: r.closure_reason,
      closureComment: null,
      comment: null
    }
  }
}

async function rows<T> (q: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows
}

/** Up to `limit` records changed after `afterSeq` (only those with the given ids, if any), in sequence order. */
export async function changedRecords (q: DbOrTx, afterSeq: number, limit: number, ids?: number[]): Promise<ChangedRecord[]> {
  const result = await rows<Row>(q, sql`
    select c.id, c.change_seq, c.municipality, c.case_ref, c.form_version, c.age_at_referral, c.gender, c.background,
           c.referral_date::text as referral_date, c.start_date::text as start_date, c.previously_known,
           c.closing_date::text as closing_date, c.closure_reason,
           (select array_agg(p.problem order by p.position) from case_problems p where p.case_id = c.id) as problems,
           (select array_agg(i.intervention order by i.position) from case_interventions i where i.case_id = c.id) as interventions,
           (select array_agg(m.name order by m.position) from case_manual_methods m where m.case_id = c.id) as manual_methods
    from cases c
    where c.change_seq > ${afterSeq} ${ids ? sql`and c.id = any(${`{${ids.join(',')}}`}::bigint[])` : sql``}
    order by c.change_seq
    limit ${limit}`)
  return result.map(toRecord)
}

export async function erasuresAfter (q: DbOrTx, afterSeq: number): Promise<Erasure[]> {
  const result = await rows<{ case_id: string | number, change_seq: string | number }>(q,
    sql`select case_id, change_seq from case_erasures where change_seq > ${afterSeq} order by change_seq`)
  return result.map((r) => ({ id: Number(r.case_id), seq: Number(r.change_seq) }))
}

/** The highest change number handed out so far (0 before the first write). */
export async function lastSeq (q: DbOrTx): Promise<number> {
  const [r] = await rows<{ last: string | number | null }>(q,
    sql`select greatest((select max(change_seq) from cases), (select max(change_seq) from case_erasures)) as last`)
  return Number(r?.last ?? 0)
}
