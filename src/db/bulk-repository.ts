import { type SQL, sql } from 'drizzle-orm'
import type { FieldCipher } from '../crypto/fields.js'
import type { SuxRecord } from '../domain/types.js'
import type { DbOrTx } from './client.js'
import type { WriteMeta } from './cases-repository.js'

// Set-based writes for batches: each statement handles a whole chunk of records, passed as one
// array parameter per column and expanded by unnest(). Measured on PostgreSQL 15 (server CPU per
// 50,000 records): the case rows through unnest cost ~20% less than through json_to_recordset,
// and the list rows of new records as plain inserts (they cannot exist yet) ~25% less than as
// JSON upserts. Both drivers (pg, PGlite) pass a JavaScript array as an array parameter.

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

/** The lists a replaced record had before, as the replacement's RETURNING read them. */
export interface Replaced extends Written {
  before: Lists
}

export type Lists = Pick<SuxRecord, 'problems' | 'interventions' | 'manualMethods'>

export const keyOf = (k: Key) => `${k.municipality}/${k.caseRef}`

/**
 * An array literal (`{"a","b\\"c",NULL,3}`): every string quoted, backslash and quote escaped.
 * Built here rather than by the driver (pg escapes each element with two regular expressions),
 * which halves the time spent turning a chunk into parameters; PGlite takes the same text.
 */
export function arrayLiteral (values: ReadonlyArray<string | number | null>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (i > 0) out += ','
    if (v === null) out += 'NULL'
    else if (typeof v === 'number') out += String(v)
    else out += '"' + (v.includes('\\') || v.includes('"') ? v.replace(/[\\"]/g, '\\$&') : v) + '"'
  }
  return out + '}'
}

/** One array parameter, cast to its element type on the server. */
const array = (values: ReadonlyArray<string | number | null>, type: string) => sql`${sql.param(arrayLiteral(values))}::${sql.raw(type)}[]`

async function rows<T> (q: DbOrTx, query: SQL): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows
}

// Columns of `cases` written from a record, with the element type of each array parameter. The
// municipality is bpchar so that comparisons with the char(4) column keep using its index.
const RECORD_COLUMNS: Array<[column: string, type: string, value: (r: BulkRecord) => string | number | null]> = [
  ['municipality', 'bpchar', ({ record: r }) => r.municipality],
  ['case_ref', 'text', ({ record: r }) => r.caseRef],
  ['form_version', 'text', ({ record: r }) => r.formVersion],
  ['age_at_referral', 'int2', ({ record: r }) => r.ageAtReferral],
  ['gender', 'text', ({ record: r }) => r.gender],
  ['background', 'text', ({ record: r }) => r.background],
  ['referral_date', 'date', ({ record: r }) => r.referralDate],
  ['start_date', 'date', ({ record: r }) => r.startDate],
  ['previously_known', 'text', ({ record: r }) => r.previouslyKnown],
  ['other_problem', 'text', ({ record: r }) => r.otherProblem],
  ['other_intervention', 'text', ({ record: r }) => r.otherIntervention],
  ['closing_date', 'date', ({ record: r }) => r.closingDate],
  ['closure_reason', 'text', ({ record: r }) => r.closureReason],
  ['closure_comment', 'text', ({ record: r }) => r.closureComment],
  ['comment', 'text', ({ record: r }) => r.comment],
  ['intervention_group', 'text', ({ meta }) => meta.interventionGroup],
  ['content_hash', 'text', ({ meta }) => meta.contentHash]
]
const COLUMN_NAMES = sql.raw(RECORD_COLUMNS.map(([c]) => c).join(', '))

/** `unnest($1::bpchar[], $2::text[], …) as x(municipality, case_ref, …)`, one array per column. */
function recordsTable (records: BulkRecord[], extra: Array<[column: string, type: string, values: number[]]> = []): SQL {
  const columns = [...RECORD_COLUMNS.map(([c, type, value]): [string, string, Array<string | number | null>] => [c, type, records.map(value)]), ...extra]
  return sql`unnest(${sql.join(columns.map(([, type, values]) => array(values, type)), sql`, `)}) as x(${sql.raw(columns.map(([c]) => c).join(', '))})`
}

const LISTS = [
  { table: 'case_problems', column: 'problem', field: 'problems' },
  { table: 'case_interventions', column: 'intervention', field: 'interventions' },
  { table: 'case_manual_methods', column: 'name', field: 'manualMethods' }
] as const

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i])

interface WrittenRow { id: string | number, municipality: string, case_ref: string, revision: number }
const written = (r: WrittenRow): Written => ({ id: Number(r.id), municipality: r.municipality, caseRef: r.case_ref, revision: r.revision })

/** With a cipher, the free text of every record is written encrypted (the content hash is of the plaintext). */
export function bulkRepository (cipher: FieldCipher | null = null) {
  const sealed = <T extends BulkRecord>(records: T[]): T[] =>
    cipher ? records.map((b) => ({ ...b, record: cipher.encryptRecord(b.record) })) : records
  return {
    /**
     * For the rest of the transaction, joins are nested loops over indexes. Every join here looks
     * up at most a chunk of keys by a unique index; the planner, knowing the chunk's size (unnest)
     * but seeing a small or freshly grown table, would otherwise hash the whole table for each
     * chunk: measured at 100,000 records, that tripled the server's time for the lookups. JIT
     * compilation is off too: with statistics that lag a fast-growing table the planner's cost
     * estimates pass jit_above_cost, and compiling then takes longer than running a statement of
     * 1,000 rows (measured on the change feed's read of such records: 200-500 ms a statement).
     */
    async keyLookups (q: DbOrTx): Promise<void> {
      await q.execute(sql`select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true), set_config('jit', 'off', true)`)
    },

    /** The stored records among the keys, locked for update in id order (one order for every writer). */
    async findExisting (q: DbOrTx, keys: Key[]): Promise<ExistingCase[]> {
      if (keys.length === 0) return []
      const found = await rows<{ id: string | number, municipality: string, case_ref: string, content_hash: string, created_by: string }>(q, sql`
        select c.id, c.municipality, c.case_ref, c.content_hash, c.created_by
        from unnest(${array(keys.map((k) => k.municipality), 'bpchar')}, ${array(keys.map((k) => k.caseRef), 'text')})
          as k(municipality, case_ref)
        join cases c on c.municipality = k.municipality and c.case_ref = k.case_ref
        order by c.id
        for update of c`)
      return found.map((r) => ({ id: Number(r.id), municipality: r.municipality, caseRef: r.case_ref, contentHash: r.content_hash, createdBy: r.created_by }))
    },

    /**
     * Inserts records that were not stored when looked for. `raced: false` is a plain insert, which
     * costs the server ~15% less than one with ON CONFLICT but fails (unique_violation, 23505) when
     * another writer took a key meanwhile; `raced: true` leaves such keys out of the answer instead.
     */
    async insertNew (q: DbOrTx, records: BulkRecord[], subject: string, raced: boolean): Promise<Written[]> {
      if (records.length === 0) return []
      const inserted = await rows<WrittenRow>(q, sql`
        insert into cases (${COLUMN_NAMES}, created_by, updated_by)
        select x.*, ${subject}, ${subject} from ${recordsTable(sealed(records))}
        ${raced ? sql`on conflict (municipality, case_ref) do nothing` : sql``}
        returning id, municipality, case_ref, revision`)
      return inserted.map(written)
    },

    /**
     * Replaces stored records by id: new content, next revision and change number. Answers with
     * the lists each record had before, read in the same statement, so that only lists that
     * changed are written.
     */
    async replaceAll (q: DbOrTx, records: Array<BulkRecord & { id: number }>, subject: string): Promise<Replaced[]> {
      if (records.length === 0) return []
      const updated = await rows<WrittenRow & { problems: string[], interventions: string[], manual_methods: string[] }>(q, sql`
        update cases c set
          form_version = x.form_version, age_at_referral = x.age_at_referral, gender = x.gender,
          background = x.background, referral_date = x.referral_date, start_date = x.start_date,
          previously_known = x.previously_known, other_problem = x.other_problem,
          other_intervention = x.other_intervention, closing_date = x.closing_date,
          closure_reason = x.closure_reason, closure_comment = x.closure_comment, comment = x.comment,
          intervention_group = x.intervention_group, content_hash = x.content_hash, updated_by = ${subject},
          revision = c.revision + 1, updated_at = now(), change_seq = nextval('case_change_seq')
        from ${recordsTable(sealed(records), [['id', 'int8', records.map((r) => r.id)]])}
        where c.id = x.id
        returning c.id, c.municipality, c.case_ref, c.revision,
          array(select p.problem::text from case_problems p where p.case_id = c.id order by p.position) as problems,
          array(select i.intervention::text from case_interventions i where i.case_id = c.id order by i.position) as interventions,
          array(select m.name::text from case_manual_methods m where m.case_id = c.id order by m.position) as manual_methods`)
      return updated.map((r) => ({ ...written(r), before: { problems: r.problems, interventions: r.interventions, manualMethods: r.manual_methods } }))
    },

    /**
     * The lists of created and replaced records, in one statement of data-modifying CTEs. Lists of
     * created records are plain inserts. Of a replaced record only a list that differs from
     * `before` is written: upserted by (case, position), leaving rows that are already as given
     * alone, with the positions past its new length deleted. A replacement that changes only a
     * comment writes no list row.
     */
    async writeLists (
      q: DbOrTx,
      created: Array<{ id: number, record: SuxRecord }>,
      replaced: Array<{ id: number, record: SuxRecord, before: Lists }>
    ): Promise<void> {
      const parts: SQL[] = []
      const part = (statement: SQL) => parts.push(sql`w${sql.raw(String(parts.length))} as (${statement})`)
      for (const list of LISTS) {
        const table = sql.raw(list.table)
        const column = sql.raw(list.column)
        const fresh = { ids: [] as number[], positions: [] as number[], values: [] as string[] }
        const changed = { ids: [] as number[], positions: [] as number[], values: [] as string[] }
        const lengths = { ids: [] as number[], lengths: [] as number[] }
        const push = (into: typeof fresh, id: number, values: string[]) => values.forEach((v, i) => {
          into.ids.push(id)
          into.positions.push(i)
          into.values.push(v)
        })
        for (const { id, record } of created) push(fresh, id, record[list.field])
        for (const { id, record, before } of replaced) {
          const values = record[list.field]
          if (sameList(values, before[list.field])) continue
          push(changed, id, values)
          if (before[list.field].length > values.length) {
            lengths.ids.push(id)
            lengths.lengths.push(values.length)
          }
        }
        if (fresh.ids.length > 0) {
          part(sql`insert into ${table} (case_id, position, ${column})
            select * from unnest(${array(fresh.ids, 'int8')}, ${array(fresh.positions, 'int2')}, ${array(fresh.values, 'text')})`)
        }
        // The upsert and the delete of one table touch disjoint positions, so one statement holds both.
        if (changed.ids.length > 0) {
          part(sql`insert into ${table} (case_id, position, ${column})
            select * from unnest(${array(changed.ids, 'int8')}, ${array(changed.positions, 'int2')}, ${array(changed.values, 'text')})
            on conflict (case_id, position) do update set ${column} = excluded.${column}
              where ${table}.${column} <> excluded.${column}`)
        }
        if (lengths.ids.length > 0) {
          part(sql`delete from ${table} t using unnest(${array(lengths.ids, 'int8')}, ${array(lengths.lengths, 'int2')}) as e(case_id, length)
            where t.case_id = e.case_id and t.position >= e.length`)
        }
      }
      if (parts.length === 0) return
      await q.execute(sql`with ${sql.join(parts, sql`, `)} select 1`)
    }
  }
}

export type BulkRepository = ReturnType<typeof bulkRepository>
