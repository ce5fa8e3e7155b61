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

const CHILD_LISTS = [
  { table: 'case_problems', column: 'problem', width: 40, values: (r: SuxRecord) => r.problems },
  { table: 'case_interventions', column: 'intervention', width: 40, values: (r: SuxRecord) => r.interventions },
  { table: 'case_manual_methods', column: 'name', width: 100, values: (r: SuxRecord) => r.manualMethods }
]

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
     * Problems, interventions and manual methods of the given records, in their order. A list row
     * that is already as given is left alone, so a replacement that changes only a comment writes
     * no list row: each list is upserted by (case, position), and for the records in `replacing`
     * the positions beyond its new length are deleted.
     */
    async writeChildren (q: DbOrTx, records: Array<{ id: number, record: SuxRecord }>, replacing: number[]): Promise<void> {
      const stored = new Set(replacing)
      for (const list of CHILD_LISTS) {
        const rows: Array<[number, number, string]> = []
        const lengths: Array<[number, number]> = []
        for (const { id, record } of records) {
          const values = list.values(record)
          values.forEach((v, i) => rows.push([id, i, v]))
          if (stored.has(id)) lengths.push([id, values.length])
        }
        const table = sql.raw(list.table)
        const column = sql.raw(list.column)
        // Arrays of [case_id, position, value]: a third of the JSON of objects with names.
        if (rows.length > 0) {
          await q.execute(sql`
            insert into ${table} (case_id, position, ${column})
            select (e->>0)::bigint, (e->>1)::smallint, (e->>2)::varchar(${sql.raw(String(list.width))})
            from json_array_elements(${json(rows)}) as e
            on conflict (case_id, position) do update set ${column} = excluded.${column}
              where ${table}.${column} <> excluded.${column}`)
        }
        if (lengths.length > 0) {
          await q.execute(sql`
            delete from ${table} t using json_array_elements(${json(lengths)}) as e
            where t.case_id = (e->>0)::bigint and t.position >= (e->>1)::int`)
        }
      }
    }
  }
}

export type BulkRepository = ReturnType<typeof bulkRepository>
