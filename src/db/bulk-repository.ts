import { type SQL, sql } from 'drizzle-orm'
import type { SuxRecord } from '../domain/types.js'
import type { DbOrTx } from './client.js'
import type { WriteMeta } from './cases-repository.js'

// Set-based writes for batches: each statement handles a whole chunk of records, passed as one
// JSON parameter and expanded by json_to_recordset. One parameter keeps the statement the same
// for every chunk size, and both drivers (pg, PGlite) pass a string the same way.

export interface Key {
  municipality: string
  caseRef: string
}

export interface ExistingCase extends Key {
  id: number
  contentHash: string
  createdBy: string
}

export interface BulkRecord {
  record: SuxRecord
  meta: Omit<WriteMeta, 'subject'>
}

export interface Written extends Key {
  id: number
  revision: number
}

export const keyOf = (k: Key) => `${k.municipality}/${k.caseRef}`

const json = (value: unknown) => sql.param(JSON.stringify(value))

async function rows<T> (q: DbOrTx, query: SQL): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows
}

const RECORD_COLUMNS = sql.raw(`municipality char(4), case_ref varchar(64), form_version varchar(4), age_at_referral smallint,
  gender varchar(16), background varchar(40), referral_date date, start_date date, previously_known varchar(16),
  other_problem text, other_intervention text, closing_date date, closure_reason varchar(40), closure_comment text,
  comment text, intervention_group varchar(32), content_hash varchar(64)`)

function recordRow ({ record: r, meta }: BulkRecord) {
  return {
    municipality: r.municipality,
    case_ref: r.caseRef,
    form_version: r.formVersion,
    age_at_referral: r.ageAtReferral,
    gender: r.gender,
    background: r.background,
    referral_date: r.referralDate,
    start_date: r.startDate,
    previously_known: r.previouslyKnown,
    other_problem: r.otherProblem,
    other_intervention: r.otherIntervention,
    closing_date: r.closingDate,
    closure_reason: r.closureReason,
    closure_comment: r.closureComment,
    comment: r.comment,
    intervention_group: meta.interventionGroup,
    content_hash: meta.contentHash
  }
}

interface WrittenRow { id: string | number, municipality: string, case_ref: string, revision: number }
const written = (r: WrittenRow): Written => ({ id: Number(r.id), municipality: r.municipality, caseRef: r.case_ref, revision: r.revision })

export function bulkRepository () {
  return {
    /** The stored records among the keys, locked for update in id order (one order for every writer). */
    async findExisting (q: DbOrTx, keys: Key[]): Promise<ExistingCase[]> {
      if (keys.length === 0) return []
      const found = await rows<{ id: string | number, municipality: string, case_ref: string, content_hash: string, created_by: string }>(q, sql`
        select c.id, c.municipality, c.case_ref, c.content_hash, c.created_by
        from json_to_recordset(${json(keys.map((k) => ({ municipality: k.municipality, case_ref: k.caseRef })))})
          as k(municipality char(4), case_ref varchar(64))
        join cases c on c.municipality = k.municipality and c.case_ref = k.case_ref
        order by c.id
        for update of c`)
      return found.map((r) => ({ id: Number(r.id), municipality: r.municipality, caseRef: r.case_ref, contentHash: r.content_hash, createdBy: r.created_by }))
    },

    /** Inserts the records that do not exist; a key another writer took meanwhile is left out of the answer. */
    async insertNew (q: DbOrTx, records: BulkRecord[], subject: string): Promise<Written[]> {
      if (records.length === 0) return []
      const inserted = await rows<WrittenRow>(q, sql`
        insert into cases (municipality, case_ref, form_version, age_at_referral, gender, background, referral_date,
          start_date, previously_known, other_problem, other_intervention, closing_date, closure_reason, closure_comment,
          comment, intervention_group, content_hash, created_by, updated_by)
        select x.*, ${subject}, ${subject}
        from json_to_recordset(${json(records.map(recordRow))}) as x(${RECORD_COLUMNS})
        on conflict (municipality, case_ref) do nothing
        returning id, municipality, case_ref, revision`)
      return inserted.map(written)
    },

    /** Replaces stored records by id: new content, next revision and change number. */
    async replaceAll (q: DbOrTx, records: Array<BulkRecord & { id: number }>, subject: string): Promise<Written[]> {
      if (records.length === 0) return []
      const updated = await rows<WrittenRow>(q, sql`
        update cases c set
          form_version = x.form_version, age_at_referral = x.age_at_referral, gender = x.gender,
          background = x.background, referral_date = x.referral_date, start_date = x.start_date,
          previously_known = x.previously_known, other_problem = x.other_problem,
          other_intervention = x.other_intervention, closing_date = x.closing_date,
          closure_reason = x.closure_reason, closure_comment = x.closure_comment, comment = x.comment,
          intervention_group = x.intervention_group, content_hash = x.content_hash, updated_by = ${subject},
          revision = c.revision + 1, updated_at = now(), change_seq = nextval('case_change_seq')
        from json_to_recordset(${json(records.map((r) => ({ id: r.id, ...recordRow(r) })))}) as x(id bigint, ${RECORD_COLUMNS})
        where c.id = x.id
        returning c.id, c.municipality, c.case_ref, c.revision`)
      return updated.map(written)
    },

    /**
     * Problems, interventions and manual methods of the given records, in their order. `replacing`
     * names the records whose old lists go first.
     */
    async writeChildren (q: DbOrTx, records: Array<{ id: number, record: SuxRecord }>, replacing: number[]): Promise<void> {
      if (replacing.length > 0) {
        const ids = json(replacing)
        await q.execute(sql`
          with ids as (select value::bigint as id from json_array_elements_text(${ids})),
            p as (delete from case_problems where case_id in (select id from ids)),
            i as (delete from case_interventions where case_id in (select id from ids))
          delete from case_manual_methods where case_id in (select id from ids)`)
      }
      const problems: Array<[number, number, string]> = []
      const interventions: Array<[number, number, string]> = []
      const methods: Array<[number, number, string]> = []
      for (const { id, record: r } of records) {
        r.problems.forEach((v, i) => problems.push([id, i, v]))
        r.interventions.forEach((v, i) => interventions.push([id, i, v]))
        r.manualMethods.forEach((v, i) => methods.push([id, i, v]))
      }
      // Arrays of [case_id, position, value]: a third of the JSON of objects with names.
      const expand = (list: Array<[number, number, string]>, width: number) => sql`
        select (e->>0)::bigint, (e->>1)::smallint, (e->>2)::varchar(${sql.raw(String(width))})
        from json_array_elements(${json(list)}) as e`
      if (problems.length > 0) await q.execute(sql`insert into case_problems (case_id, position, problem) ${expand(problems, 40)}`)
      if (interventions.length > 0) await q.execute(sql`insert into case_interventions (case_id, position, intervention) ${expand(interventions, 40)}`)
      if (methods.length > 0) await q.execute(sql`insert into case_manual_methods (case_id, position, name) ${expand(methods, 100)}`)
    }
  }
}

export type BulkRepository = ReturnType<typeof bulkRepository>
