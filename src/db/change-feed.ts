import { sql } from 'drizzle-orm'
import type { FormVersion, SuxRecord } from '../domain/types.js'
import type { DbOrTx } from './client.js'

// Records and erasures in change-sequence order, for the in-memory statistics snapshot. Free
// text is never read here: statistics do not need it.

export interface ChangedRecord {
  id: number
  seq: number
  record: SuxRecord
  /** cases.cell_key: the record's random key for the cell key method, drawn at insert, never changed. */
  key: number
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
  cell_key: string | number
}

const asDate = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))

function toRecord (r: Row): ChangedRecord {
  return {
    id: Number(r.id),
    seq: Number(r.change_seq),
    key: Number(r.cell_key),
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
           c.closing_date::text as closing_date, c.closure_reason, c.cell_key,
           (select array_agg(p.problem order by p.position) from case_problems p where p.case_id = c.id) as problems,
           (select array_agg(i.intervention order by i.position) from case_interventions i where i.case_id = c.id) as interventions,
           (select array_agg(m.name order by m.position) from case_manual_methods m where m.case_id = c.id) as manual_methods
    from cases c
    where c.change_seq > ${afterSeq} ${ids ? sql`and c.id = any(${`{${ids.join(',')}}`}::bigint[])` : sql``}
    order by c.change_seq
    limit ${limit}`)
  return result.map(toRecord)
}

/**
 * Up to `limit` records with ids above `afterId`, in id order: the cold load of a snapshot. At a
 * million records the cost is in the driver turning fields into JavaScript values, so the coded
 * fields come as one tab-separated line per record (codes and dates never hold a tab or a comma;
 * an empty field is null), the child rows of the page's id range are aggregated by a merge join
 * over the primary keys, and only the manual methods (free names) come as an array.
 */
export async function recordsPage (q: DbOrTx, afterId: number, limit: number): Promise<ChangedRecord[]> {
  const [bounds] = await rows<{ hi: string | number | null }>(q,
    sql`select max(id) as hi from (select id from cases where id > ${afterId} order by id limit ${limit}) page`)
  if (bounds?.hi === null || bounds?.hi === undefined) return []
  const lo = afterId + 1
  const hi = Number(bounds.hi)
  const list = await rows<{ line: string, manual_methods: string[] | null }>(q, sql`
    select concat_ws(E'\t', c.id, c.change_seq, c.municipality, c.case_ref, c.form_version, c.age_at_referral, c.gender,
             coalesce(c.background, ''), c.referral_date, coalesce(c.start_date::text, ''), c.previously_known,
             c.closing_date, c.closure_reason, coalesce(p.v, ''), coalesce(i.v, ''), c.cell_key) as line,
           m.v as manual_methods
    from cases c
    left join (select case_id, string_agg(problem, ',' order by position) as v from case_problems
               where case_id between ${lo} and ${hi} group by case_id) p on p.case_id = c.id
    left join (select case_id, string_agg(intervention, ',' order by position) as v from case_interventions
               where case_id between ${lo} and ${hi} group by case_id) i on i.case_id = c.id
    left join (select case_id, array_agg(name order by position) as v from case_manual_methods
               where case_id between ${lo} and ${hi} group by case_id) m on m.case_id = c.id
    where c.id between ${lo} and ${hi}
    order by c.id`)
  return list.map(({ line, manual_methods: methods }) => {
    const f = line.split('\t')
    return toRecord({
      id: f[0], change_seq: f[1], municipality: f[2], case_ref: f[3], form_version: f[4], age_at_referral: Number(f[5]),
      gender: f[6], background: f[7] || null, referral_date: f[8], start_date: f[9] || null, previously_known: f[10],
      closing_date: f[11], closure_reason: f[12], problems: f[13] ? f[13].split(',') : null,
      interventions: f[14] ? f[14].split(',') : null, manual_methods: methods, cell_key: f[15]
    })
  })
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
