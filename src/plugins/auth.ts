import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { auditRepository } from '../db/audit-repository.js'
import { type Actor, ROLES, type Role } from '../domain/access.js'
import type { Lang } from '../domain/types.js'
import { negotiateLang } from '../http/lang.js'
import { type OidcIssuer, type OidcRefusal, oidcVerifier, seenTokens } from '../http/oidc.js'
import { HttpProblem } from '../http/problem.js'

// Bearer JWTs, claims as SPEC §1: signed with the service's secret (HS256), or by a configured
// external identity provider (OIDC, src/http/oidc.ts) whose token names it in `iss`. A token
// without a valid signature, expiry or claims is refused with 401; a valid token without the role
// with 403. The first use of each external token is audited (`token.accept`, with the roles and
// municipalities it was mapped to), as issuing a local token is.

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor
  }
  interface FastifyInstance {
    /** preHandler: verifies the token and sets request.actor (401 otherwise). */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** preHandler factory: authenticate, then require one of the roles (403 otherwise). */
    requireRole: (...roles: Role[]) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string, roles: Role[], municipalities?: string[], protection?: 'suppressed' | 'perturbed' }
    user: { sub: string, roles: Role[], municipalities?: string[], protection?: 'suppressed' | 'perturbed', iat: number, exp: number }
  }
}

export const ClaimsSchema = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 200 }),
  roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, maxItems: ROLES.length }),
  municipalities: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{4}$' }), { maxItems: 300 })),
  // An API client's statistics protection (src/domain/access.ts statsProtection), set by the token route.
  protection: Type.Optional(Type.Union([Type.Literal('suppressed'), Type.Literal('perturbed')])),
  iat: Type.Optional(Type.Number()),
  exp: Type.Number()
})
const claimsValid = Compile(ClaimsSchema)

export interface AuthPluginOptions {
  secret: string
  issuer: string | null
  /** External identity providers (OIDC_ISSUERS). */
  oidcIssuers?: OidcIssuer[]
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="isu-register", error="invalid_token"' }

type Denial = 'missing' | 'claims' | OidcRefusal

const MESSAGES: Record<Denial, Record<Lang, string>> = {
  missing: { sv: 'En bearer-token krävs (Authorization: Bearer <JWT>)', en: 'A bearer token is required (Authorization: Bearer <JWT>)' },
  expired: { sv: 'Token har gått ut', en: 'The token has expired' },
  not_yet_valid: { sv: 'Token gäller inte ännu', en: 'The token is not valid yet' },
  wrong_audience: { sv: 'Token är utfärdad för en annan mottagare (aud)', en: 'The token was issued for another audience (aud)' },
  invalid: { sv: 'Token är inte giltig', en: 'The token is not valid' },
  claims: { sv: 'Token saknar giltiga claims (sub, roles, municipalities, exp)', en: 'The token does not carry valid claims (sub, roles, municipalities, exp)' },
  bad_subject: { sv: 'Token saknar ett giltigt subjekt', en: 'The token does not name a valid subject' },
  no_role: { sv: 'Din inloggning ger ingen roll i ISU-registret', en: 'Your login grants no role in ISU Register' },
  no_municipality: { sv: 'Din inloggning anger ingen kommun som du företräder', en: 'Your login names no municipality you act for' },
  keys_unavailable: { sv: 'Identitetsleverantörens nycklar kan inte hämtas just nu; försök igen om en stund', en: 'The identity provider\'s keys cannot be fetched right now; try again shortly' }
}

function denied (request: FastifyRequest, reason: Denial): HttpProblem {
  const detail = MESSAGES[reason][negotiateLang(request.headers['accept-language'])]
  if (reason === 'no_role' || reason === 'no_municipality') return new HttpProblem(403, detail)
  if (reason === 'keys_unavailable') return new HttpProblem(503, detail, { headers: { 'retry-after': '30' } })
  return new HttpProblem(401, detail, { headers: CHALLENGE })
}

/** The token of `Authorization: Bearer <token>`, or null. */
function bearerToken (header: string): string | null {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header)
  return match ? match[1] : null
}

export default fp<AuthPluginOptions>(async (app, opts) => {
  await app.register(fastifyJwt, {
    secret: opts.secret,
    sign: { algorithm: 'HS256', ...(opts.issuer ? { iss: opts.issuer } : {}) },
    verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'], ...(opts.issuer ? { allowedIss: opts.issuer } : {}) }
  })

  app.decorateRequest('actor', null as unknown as Actor)

  const oidc = opts.oidcIssuers?.length ? oidcVerifier(opts.oidcIssuers) : null
  const seen = seenTokens()
  const audit = auditRepository()

  async function external (request: FastifyRequest, token: string, issuer: OidcIssuer): Promise<Actor> {
    const outcome = await (oidc as NonNullable<typeof oidc>).verify(token, issuer)
    if (!outcome.ok) {
      request.log.info({ issuer: outcome.issuer, reason: outcome.reason }, 'external token refused')
      throw denied(request, outcome.reason)
    }
    if (seen.first(token, outcome.exp)) {
      const { sub, roles, municipalities } = outcome.actor
      await audit.append(app.database.db, { subject: sub, action: 'token.accept', requestId: String(request.id), detail: { issuer: outcome.issuer, roles, municipalities } })
    }
    return outcome.actor
  }

  async function authenticate (request: FastifyRequest) {
    const header = request.headers.authorization
    if (!header) throw denied(request, 'missing')
    const token = oidc ? bearerToken(header) : null
    const issuer = token ? oidc?.issuerOf(token) : null
    if (token && issuer) {
      request.actor = await external(request, token, issuer)
      return
    }
    let claims: unknown
    try {
      claims = await request.jwtVerify()
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      throw denied(request, code.includes('EXPIRED') ? 'expired' : 'invalid')
    }
    if (!claimsValid.Check(claims)) throw denied(request, 'claims')
    request.actor = { sub: claims.sub, roles: claims.roles, municipalities: claims.municipalities ?? [], ...(claims.protection ? { protection: claims.protection } : {}) }
  }

  app.decorate('authenticate', async (request: FastifyRequest) => authenticate(request))
  app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest) => {
    await authenticate(request)
    if (!request.actor.roles.some((r) => roles.includes(r))) {
      const lang = negotiateLang(request.headers['accept-language'])
      throw new HttpProblem(403, `${lang === 'en' ? 'This needs one of the roles' : 'Det här kräver en av rollerna'}: ${roles.join(', ')}`)
    }
  })
}, { name: 'auth', dependencies: ['database'] })
