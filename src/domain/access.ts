// Who may do what with records (SPEC §1). Pure: the caller's verified claims come in as an Actor.

export const ROLES = ['registrant', 'integration', 'municipality_lead', 'regional_analyst', 'dashboard', 'admin'] as const
export type Role = typeof ROLES[number]

export interface Actor {
  sub: string
  roles: Role[]
  /** Municipality codes the subject acts for (empty for regional and admin roles). */
  municipalities: string[]
  /** An API client's statistics protection (its token's `protection` claim); absent for people. */
  protection?: 'suppressed' | 'perturbed'
}

export interface RecordOwner {
  municipality: string
  createdBy: string
}

const has = (a: Actor, role: Role) => a.roles.includes(role)
const actsFor = (a: Actor, municipality: string) => a.municipalities.includes(municipality)

/** May submit, validate and replace records of this municipality (registrant or integration). */
export function canSubmit (a: Actor, municipality: string): boolean {
  return (has(a, 'registrant') || has(a, 'integration')) && actsFor(a, municipality)
}

export function canSubmitAny (a: Actor): boolean {
  return has(a, 'registrant') || has(a, 'integration')
}

/** May replace this existing record: integrations any of their municipality's, registrants their own. */
export function canReplace (a: Actor, r: RecordOwner): boolean {
  if (!actsFor(a, r.municipality)) return false
  return has(a, 'integration') || (has(a, 'registrant') && r.createdBy === a.sub)
}

export function canRead (a: Actor, r: RecordOwner): boolean {
  if (has(a, 'regional_analyst')) return true
  if (!actsFor(a, r.municipality)) return false
  return has(a, 'integration') || has(a, 'municipality_lead') || (has(a, 'registrant') && r.createdBy === a.sub)
}

/** Erasure (GDPR): the owning registrant, an integration or the lead of the municipality. */
export function canErase (a: Actor, r: RecordOwner): boolean {
  if (!actsFor(a, r.municipality)) return false
  return has(a, 'integration') || has(a, 'municipality_lead') || (has(a, 'registrant') && r.createdBy === a.sub)
}

export function canReadRecords (a: Actor): boolean {
  return a.roles.some((r) => r === 'registrant' || r === 'integration' || r === 'municipality_lead' || r === 'regional_analyst')
}

/**
 * The records a caller may list, as OR-ed clauses: everything, whole municipalities, or the
 * caller's own records within municipalities. An empty list means nothing.
 */
export type ReadScope = { all: true } | { all: false, clauses: Array<{ municipalities: string[], createdBy?: string }> }

export function readScope (a: Actor): ReadScope {
  if (has(a, 'regional_analyst')) return { all: true }
  const clauses: Array<{ municipalities: string[], createdBy?: string }> = []
  if (a.municipalities.length > 0) {
    if (has(a, 'integration') || has(a, 'municipality_lead')) clauses.push({ municipalities: a.municipalities })
    else if (has(a, 'registrant')) clauses.push({ municipalities: a.municipalities, createdBy: a.sub })
  }
  return { all: false, clauses }
}

/** May ask for statistics at all (everyone but the administrator). */
export function canReadStats (a: Actor): boolean {
  return a.roles.some((r) => r !== 'admin')
}

/**
 * Whether a statistics answer may be exact: regional analysts always; a municipal lead when the
 * question is limited to its own municipalities. Everyone else gets protected tables.
 */
export function statsExact (a: Actor, municipalities: string[] | undefined): boolean {
  if (has(a, 'regional_analyst')) return true
  if (!has(a, 'municipality_lead') || !municipalities || municipalities.length === 0) return false
  return municipalities.every((m) => actsFor(a, m))
}

export type StatsProtection = 'none' | 'suppressed' | 'perturbed'

/**
 * How a statistics answer is protected: exact where statsExact allows; otherwise the cell key
 * method when the caller's role is one of `cellKeyRoles` (CELL_KEY_ROLES) or its API client is set
 * to `perturbed`, and ≤4 suppression (the default, as in the users' reports) for everyone else.
 * Either setting switches a caller to perturbed tables and neither switches one back: a caller
 * who could ask both ways could compare a noisy answer with the suppressed one.
 */
export function statsProtection (a: Actor, municipalities: string[] | undefined, cellKeyRoles: readonly Role[] = []): StatsProtection {
  if (statsExact(a, municipalities)) return 'none'
  if (a.protection === 'perturbed' || a.roles.some((r) => cellKeyRoles.includes(r))) return 'perturbed'
  return 'suppressed'
}
