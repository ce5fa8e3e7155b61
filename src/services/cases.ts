import { createHash } from 'node:crypto'
import { type Actor, canErase, canRead, canReadRecords, canReplace, canSubmit, canSubmitAny, readScope } from '../domain/access.js'
import { interventionGroup } from '../domain/derived.js'
import { validateRecord } from '../domain/record.js'
import type { Issue, SuxRecord } from '../domain/types.js'
import type { AuditRepository } from '../db/audit-repository.js'
import type { CaseFilter, CasesRepository, StoredCase } from '../db/cases-repository.js'
import type { Db } from '../db/client.js'

// The record use cases: each opens its own transaction, checks access, writes the audit log in
// the same transaction as the change, and reports an outcome that the route maps to HTTP.
// Refused access to a record by its address is audited too (`case.refused`, with the operation
// and the status answered), so that someone enumerating caseRefs shows in the log; validation
// failures are not, since they reveal nothing.

export interface CaseDeps {
  db: Db
  cases: CasesRepository
  audit: AuditRepository
  /** Today's date in Sweden, YYYY-MM-DD. */
  today: () => string
  /** Told after a change to records has committed. */
  changed?: () => void
}

export interface Caller {
  actor: Actor
  requestId: string
}

export type WriteOutcome =
  | { kind: 'created' | 'updated' | 'unchanged', stored: StoredCase, warnings: Issue[] }
  | { kind: 'invalid', errors: Issue[], warnings: Issue[] }
  | { kind: 'forbidden', errors: Issue[] }
  | { kind: 'exists' }
  | { kind: 'not_owner' }
  | { kind: 'precondition_failed' }

export interface Preconditions {
  /** Entity tags of If-Match, or ['*']. */
  ifMatch?: string[]
  ifNoneMatch?: string[]
}

// Made once: building a DateTimeFormat took 4 % of the CPU of a single-record write.
const stockholmDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' })

export function swedishToday (now = new Date()): string {
  return stockholmDate.format(now)
}

/** A strong entity tag from the record's content, so an identical resubmission is recognised. */
export function contentHash (r: SuxRecord): string {
  const canonical = JSON.stringify([
    r.municipality, r.caseRef, r.formVersion, r.ageAtReferral, r.gender, r.background, r.referralDate, r.startDate,
    r.previouslyKnown, r.problems, r.otherProblem, r.interventions, r.manualMethods, r.otherIntervention,
    r.closingDate, r.closureReason, r.closureComment, r.comment
  ])
  return createHash('sha256').update(canonical).digest('base64url')
}

export function etagOf (stored: Pick<StoredCase, 'contentHash'>): string {
  return `"${stored.contentHash}"`
}

function matches (tags: string[], stored: StoredCase): boolean {
  const etag = etagOf(stored)
  return tags.some((t) => t === '*' || t === etag || t === `W/${etag}`)
}

export function caseService (deps: CaseDeps) {
  const { db, cases, audit } = deps
  const changed = <T extends { kind: string } | string>(outcome: T): T => {
    const kind = typeof outcome === 'string' ? outcome : outcome.kind
    if (kind === 'created' || kind === 'updated' || kind === 'erased') deps.changed?.()
    return outcome
  }

  function check (caller: Caller, input: unknown): { ok: true, record: SuxRecord, warnings: Issue[] } | WriteOutcome {
    const result = validateRecord(input, { today: deps.today() })
    if (!result.ok) return { kind: 'invalid', errors: result.errors, warnings: result.warnings }
    if (!canSubmit(caller.actor, result.value.municipality)) {
      return { kind: 'forbidden', errors: [{ path: '/municipality', code: 'municipality_not_allowed', params: { value: result.value.municipality } }] }
    }
    return { ok: true, record: result.value, warnings: result.warnings }
  }

  const meta = (caller: Caller, r: SuxRecord) => ({ interventionGroup: interventionGroup(r), contentHash: contentHash(r), subject: caller.actor.sub })
  const auditOf = (caller: Caller, action: string, r: { municipality: string, caseRef: string }, detail?: Record<string, string | number>) =>
    ({ subject: caller.actor.sub, action, municipality: r.municipality, caseRef: r.caseRef, requestId: caller.requestId, detail })
  const refusal = (caller: Caller, op: 'read' | 'erase' | 'create' | 'replace', r: { municipality: string, caseRef: string }, status: number) =>
    auditOf(caller, 'case.refused', r, { op, status })

  return {
    /** Validation only: the same checks as a submission, nothing written. */
    validate (caller: Caller, input: unknown): { valid: boolean, errors: Issue[], warnings: Issue[] } {
      const c = check(caller, input)
      if ('ok' in c) return { valid: true, errors: [], warnings: c.warnings }
      if (c.kind === 'invalid') return { valid: false, errors: c.errors, warnings: c.warnings }
      return { valid: false, errors: c.kind === 'forbidden' ? c.errors : [], warnings: [] }
    },

    async create (caller: Caller, input: unknown): Promise<WriteOutcome> {
      const c = check(caller, input)
      if (!('ok' in c)) return c
      return changed(await db.transaction(async (tx) => {
        const stored = await cases.insert(tx, c.record, meta(caller, c.record))
        if (!stored) {
          await audit.append(tx, refusal(caller, 'create', c.record, 409))
          return { kind: 'exists' } as const
        }
        await audit.append(tx, auditOf(caller, 'case.create', c.record, { revision: stored.revision }))
        return { kind: 'created', stored, warnings: c.warnings } as const
      }))
    },

    /** Create or replace at a known address (idempotent), honouring If-Match / If-None-Match. */
    async put (caller: Caller, input: unknown, pre: Preconditions): Promise<WriteOutcome> {
      const c = check(caller, input)
      if (!('ok' in c)) return c
      const r = c.record
      return changed(await db.transaction(async (tx): Promise<WriteOutcome> => {
        let existing = await cases.findByKey(tx, r.municipality, r.caseRef, { forUpdate: true })
        if (!existing) {
          if (pre.ifMatch) return { kind: 'precondition_failed' }
          const stored = await cases.insert(tx, r, meta(caller, r))
          if (stored) {
            await audit.append(tx, auditOf(caller, 'case.create', r, { revision: stored.revision }))
            return { kind: 'created', stored, warnings: c.warnings }
          }
          // Another request created it meanwhile; its commit is visible now, so replace it.
          existing = await cases.findByKey(tx, r.municipality, r.caseRef, { forUpdate: true })
          if (!existing) throw new Error('record vanished during upsert')
        }
        if (!canReplace(caller.actor, { municipality: r.municipality, createdBy: existing.createdBy })) {
          await audit.append(tx, refusal(caller, 'replace', r, 403))
          return { kind: 'not_owner' }
        }
        if (pre.ifNoneMatch && matches(pre.ifNoneMatch, existing)) return { kind: 'precondition_failed' }
        if (pre.ifMatch && !matches(pre.ifMatch, existing)) return { kind: 'precondition_failed' }
        const m = meta(caller, r)
        if (m.contentHash === existing.contentHash) return { kind: 'unchanged', stored: existing, warnings: c.warnings }
        const stored = await cases.replace(tx, existing.id, r, m)
        await audit.append(tx, auditOf(caller, 'case.update', r, { revision: stored.revision }))
        return { kind: 'updated', stored, warnings: c.warnings }
      }))
    },

    async get (caller: Caller, municipality: string, caseRef: string): Promise<StoredCase | 'forbidden' | 'not_found'> {
      const access = municipalityAccess(caller.actor, municipality)
      if (access) {
        await audit.append(db, refusal(caller, 'read', { municipality, caseRef }, 403))
        return access
      }
      return db.transaction(async (tx) => {
        const found = await cases.findByKey(tx, municipality, caseRef, ownOnly(caller.actor, municipality))
        if (!found || !canRead(caller.actor, { municipality, createdBy: found.createdBy })) {
          await audit.append(tx, refusal(caller, 'read', { municipality, caseRef }, 404))
          return 'not_found'
        }
        await audit.append(tx, auditOf(caller, 'case.read', found.record))
        return found
      })
    },

    async list (caller: Caller, filter: CaseFilter, limit: number, afterId: number | null): Promise<StoredCase[] | 'forbidden'> {
      if (!canReadRecords(caller.actor)) return 'forbidden'
      return db.transaction(async (tx) => {
        const items = await cases.list(tx, readScope(caller.actor), filter, limit, afterId)
        // One row per record listed; a list that found nothing leaves one row too, so every query shows.
        await audit.append(tx, items.length > 0
          ? items.map((s) => auditOf(caller, 'case.list', s.record))
          : { subject: caller.actor.sub, action: 'case.list', requestId: caller.requestId, detail: { returned: 0 } })
        return items
      })
    },

    async erase (caller: Caller, municipality: string, caseRef: string): Promise<'erased' | 'forbidden' | 'not_found'> {
      if ((!canSubmitAny(caller.actor) && !caller.actor.roles.includes('municipality_lead')) || !caller.actor.municipalities.includes(municipality)) {
        await audit.append(db, refusal(caller, 'erase', { municipality, caseRef }, 403))
        return 'forbidden'
      }
      return changed(await db.transaction(async (tx) => {
        const found = await cases.findByKey(tx, municipality, caseRef, { forUpdate: true, ...ownOnly(caller.actor, municipality) })
        if (!found || !canErase(caller.actor, { municipality, createdBy: found.createdBy })) {
          await audit.append(tx, refusal(caller, 'erase', { municipality, caseRef }, 404))
          return 'not_found' as const
        }
        await cases.erase(tx, found.id)
        await audit.append(tx, auditOf(caller, 'case.erase', found.record))
        return 'erased' as const
      }))
    }
  }
}

/**
 * The owner a lookup must match when the caller sees this municipality's records only as their
 * registrant. Filtering in the query, rather than reading the record and then checking its owner,
 * makes someone else's record cost what a missing one costs: no timing tells them apart.
 */
function ownOnly (a: Actor, municipality: string): { createdBy?: string } {
  const scope = readScope(a)
  if (scope.all) return {}
  const clauses = scope.clauses.filter((c) => c.municipalities.includes(municipality))
  if (clauses.length === 0 || clauses.some((c) => c.createdBy === undefined)) return {}
  return { createdBy: a.sub }
}

/** 'forbidden' when the caller may not read records of this municipality at all. */
function municipalityAccess (a: Actor, municipality: string): 'forbidden' | null {
  if (!canReadRecords(a)) return 'forbidden'
  if (a.roles.includes('regional_analyst') || a.municipalities.includes(municipality)) return null
  return 'forbidden'
}

export type CaseService = ReturnType<typeof caseService>
