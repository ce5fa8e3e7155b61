import { sql } from 'drizzle-orm'
import type { AuditRepository } from '../db/audit-repository.js'
import type { Db } from '../db/client.js'
import { FREE_TEXT_FIELDS, type FreeTextField } from '../domain/types.js'
import { ENVELOPE_PREFIX, type FieldCipher, keyIdOf } from './fields.js'

// Key rotation: every free-text value that is plain (written before encryption) or under another
// key than the current one is decrypted and written again under the current key. Pages of rows in
// id order, each in its own transaction with the rows locked, so a concurrent write to a record
// waits for its page; a re-run finds only what is still left (idempotent, resumable). The change
// number is not bumped: the content, and so the statistics, did not change.

export const REENCRYPT_SUBJECT = 'system:reencrypt'

const COLUMNS: Record<FreeTextField, string> = {
  otherProblem: 'other_problem',
  otherIntervention: 'other_intervention',
  closureComment: 'closure_comment',
  comment: 'comment'
}

export interface ReencryptResult {
  keyId: string
  /** Records with at least one value rewritten. */
  records: number
  /** Values rewritten, in all. */
  values: number
  /** Values rewritten by where they came from: `plain` or the old key id. */
  fromKey: Record<string, number>
}

interface Row { id: string | number, municipality: string, case_ref: string, other_problem: string | null, other_intervention: string | null, closure_comment: string | null, comment: string | null }

export function reencryptService (deps: { db: Db, cipher: FieldCipher, audit: AuditRepository, batchSize?: number }) {
  const { db, cipher, audit } = deps
  const batchSize = deps.batchSize ?? 500
  // A value is current when it starts with exactly this prefix (the key id is followed by ':');
  // '_' may be in a key id and is a LIKE wildcard, so it is escaped.
  const current = `${ENVELOPE_PREFIX}${cipher.currentKeyId.replace(/_/g, '\\_')}:%`
  const stale = sql.join(Object.values(COLUMNS).map((c) => sql`(${sql.raw(c)} is not null and ${sql.raw(c)} not like ${current})`), sql` or `)

  return {
    /** How many records still hold a value not under the current key. */
    async pending (): Promise<number> {
      const res = await db.execute(sql`select count(*)::int as n from cases where ${stale}`) as unknown as { rows: Array<{ n: number }> }
      return res.rows[0].n
    },

    async run (opts: { runId?: string, onPage?: (done: number) => void } = {}): Promise<ReencryptResult> {
      const result: ReencryptResult = { keyId: cipher.currentKeyId, records: 0, values: 0, fromKey: {} }
      let afterId = 0
      for (;;) {
        const page = await db.transaction(async (tx) => {
          const res = await tx.execute(sql`
            select id, municipality, case_ref, other_problem, other_intervention, closure_comment, comment
            from cases where id > ${afterId} and (${stale})
            order by id limit ${batchSize} for update`) as unknown as { rows: Row[] }
          for (const row of res.rows) {
            const ctx = { municipality: row.municipality, caseRef: row.case_ref }
            const sets = []
            for (const field of FREE_TEXT_FIELDS) {
              const stored = row[COLUMNS[field] as keyof Row] as string | null
              if (!cipher.needsRewrite(stored)) continue
              // Throws FieldDecryptionError (field and key id only) for a value no key reads.
              const plain = cipher.decrypt(field, stored, ctx)
              sets.push(sql`${sql.raw(COLUMNS[field])} = ${cipher.encrypt(field, plain, ctx)}`)
              const from = keyIdOf(stored) ?? 'plain'
              result.fromKey[from] = (result.fromKey[from] ?? 0) + 1
              result.values++
            }
            if (sets.length === 0) continue
            await tx.execute(sql`update cases set ${sql.join(sets, sql`, `)} where id = ${row.id}`)
            result.records++
          }
          return res.rows
        })
        if (page.length === 0) break
        afterId = Number(page[page.length - 1].id)
        opts.onPage?.(result.records)
        if (page.length < batchSize) break
      }
      await audit.append(db, {
        subject: REENCRYPT_SUBJECT,
        action: 'encryption.rotate',
        requestId: opts.runId ?? null,
        detail: { keyId: result.keyId, records: result.records, values: result.values, ...Object.fromEntries(Object.entries(result.fromKey).map(([k, n]) => [`from_${k}`, n])) }
      })
      return result
    }
  }
}
