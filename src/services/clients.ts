import { randomBytes } from 'node:crypto'
import type { Issue } from '../domain/types.js'
import type { AuditRepository } from '../db/audit-repository.js'
import type { ApiClient, ClientProtection, ClientRole, ClientsRepository } from '../db/clients-repository.js'
import type { Db } from '../db/client.js'
import type { Caller } from './cases.js'
import { hashSecret, newSecret, verifyNothing, verifySecret } from './secrets.js'

// API clients (SPEC §4 "API clients (admin)") and the client-credentials grant. A secret leaves
// this service once, at creation or rotation; the audit log names clients and outcomes, never
// a secret or its hash.

export const TOKEN_LIFETIME_SECONDS = 15 * 60

export interface ClientDeps {
  db: Db
  clients: ClientsRepository
  audit: AuditRepository
  /** Signs an access token with the service's key (app.jwt.sign). */
  sign: (claims: { sub: string, roles: ClientRole[], municipalities: string[], protection: ClientProtection }, expiresInSeconds: number) => string
}

export interface NewClient {
  name: string
  role: ClientRole
  municipalities: string[]
  /** Statistics protection for its tokens: ≤4 suppression unless `perturbed` (cell key method). */
  protection?: ClientProtection
}

/** Where a token request came from, for the audit log. */
export interface RequestContext {
  ip: string
  requestId: string
}

export type DenialReason = 'unknown_client' | 'wrong_secret' | 'revoked' | 'rate_limited'

export type TokenOutcome =
  | { kind: 'issued', accessToken: string, expiresIn: number }
  | { kind: 'denied', reason: DenialReason }

/** `c_` and 16 random characters: opaque, URL-safe, not guessable from a name. */
function newClientId (): string {
  return `c_${randomBytes(12).toString('base64url')}`
}

export const tokenSubject = (clientId: string) => `client:${clientId}`

export function clientService (deps: ClientDeps) {
  const { db, clients, audit } = deps
  const adminEntry = (caller: Caller, action: string, c: Pick<ApiClient, 'clientId' | 'role' | 'municipalities' | 'protection'>) =>
    ({ subject: caller.actor.sub, action, requestId: caller.requestId, detail: { clientId: c.clientId, role: c.role, municipalities: c.municipalities, protection: c.protection } })

  async function denied (clientId: string, reason: DenialReason, ctx: RequestContext): Promise<TokenOutcome> {
    await audit.append(db, { subject: tokenSubject(clientId), action: 'token.denied', requestId: ctx.requestId, detail: { clientId, reason, ip: ctx.ip } })
    return { kind: 'denied', reason }
  }

  return {
    async create (caller: Caller, input: NewClient): Promise<{ client: ApiClient, secret: string } | { kind: 'invalid', errors: Issue[] }> {
      const municipalities = [...new Set(input.municipalities)].sort()
      if (input.role === 'integration' && municipalities.length === 0) {
        return { kind: 'invalid', errors: [{ path: '/municipalities', code: 'municipalities_required' }] }
      }
      const secret = newSecret()
      const secretHash = await hashSecret(secret)
      const client = await db.transaction(async (tx) => {
        const c = await clients.insert(tx, {
          clientId: newClientId(), name: input.name.trim(), role: input.role, municipalities, createdBy: caller.actor.sub, protection: input.protection ?? 'suppressed'
        }, secretHash)
        await audit.append(tx, adminEntry(caller, 'client.create', c))
        return c
      })
      return { client, secret }
    },

    async list (): Promise<ApiClient[]> {
      return clients.list(db)
    },

    /** A new secret; the old one stops working at once. */
    async rotate (caller: Caller, clientId: string): Promise<{ secret: string } | 'not_found' | 'revoked'> {
      const secret = newSecret()
      const secretHash = await hashSecret(secret)
      return db.transaction(async (tx) => {
        const found = await clients.find(tx, clientId, { forUpdate: true })
        if (!found) return 'not_found' as const
        if (found.revokedAt) return 'revoked' as const
        await clients.setSecret(tx, clientId, secretHash)
        await audit.append(tx, adminEntry(caller, 'client.rotate', found))
        return { secret }
      })
    },

    /** Revocation is final; revoking a revoked client changes nothing. */
    async revoke (caller: Caller, clientId: string): Promise<'revoked' | 'not_found'> {
      return db.transaction(async (tx) => {
        const found = await clients.find(tx, clientId, { forUpdate: true })
        if (!found) return 'not_found' as const
        if (found.revokedAt) return 'revoked' as const
        await clients.revoke(tx, clientId)
        await audit.append(tx, adminEntry(caller, 'client.revoke', found))
        return 'revoked' as const
      })
    },

    /**
     * The client-credentials grant. Unknown, revoked and wrong secret take the same time (a hash is
     * always checked) and the caller learns only "denied"; the audit log keeps the reason.
     */
    async issueToken (clientId: string, clientSecret: string, ctx: RequestContext): Promise<TokenOutcome> {
      const found = await clients.find(db, clientId)
      const valid = found ? await verifySecret(clientSecret, found.secretHash) : await verifyNothing(clientSecret)
      if (!found) return denied(clientId, 'unknown_client', ctx)
      if (found.revokedAt) return denied(clientId, 'revoked', ctx)
      if (!valid) return denied(clientId, 'wrong_secret', ctx)
      // The protection travels in the token, so that statistics need no lookup per request.
      const accessToken = deps.sign({ sub: tokenSubject(clientId), roles: [found.role], municipalities: found.municipalities, protection: found.protection }, TOKEN_LIFETIME_SECONDS)
      await audit.append(db, { subject: tokenSubject(clientId), action: 'token.issue', requestId: ctx.requestId, detail: { clientId, role: found.role, ip: ctx.ip } })
      return { kind: 'issued', accessToken, expiresIn: TOKEN_LIFETIME_SECONDS }
    },

    /** An attempt refused before its secret was looked at (too many failures). */
    async refuse (clientId: string, reason: DenialReason, ctx: RequestContext): Promise<TokenOutcome> {
      return denied(clientId, reason, ctx)
    }
  }
}

export type ClientService = ReturnType<typeof clientService>
