import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { type Actor, ROLES, type Role } from '../domain/access.js'
import { HttpProblem } from '../http/problem.js'

// Bearer JWTs signed with the service's secret (HS256), claims as SPEC §1. A token without a valid
// signature, expiry or claims is refused with 401; a valid token without the role with 403.

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
    payload: { sub: string, roles: Role[], municipalities?: string[] }
    user: { sub: string, roles: Role[], municipalities?: string[], iat: number, exp: number }
  }
}

export const ClaimsSchema = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 200 }),
  roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, maxItems: ROLES.length }),
  municipalities: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{4}$' }), { maxItems: 300 })),
  iat: Type.Optional(Type.Number()),
  exp: Type.Number()
})
const claimsValid = Compile(ClaimsSchema)

export interface AuthPluginOptions {
  secret: string
  issuer: string | null
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="isu-register", error="invalid_token"' }

function unauthorized (detail: string) {
  return new HttpProblem(401, detail, { headers: CHALLENGE })
}

export default fp<AuthPluginOptions>(async (app, opts) => {
  await app.register(fastifyJwt, {
    secret: opts.secret,
    sign: { algorithm: 'HS256', ...(opts.issuer ? { iss: opts.issuer } : {}) },
    verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'], ...(opts.issuer ? { allowedIss: opts.issuer } : {}) }
  })

  app.decorateRequest('actor', null as unknown as Actor)

  async function authenticate (request: FastifyRequest) {
    if (!request.headers.authorization) throw unauthorized('A bearer token is required (Authorization: Bearer <JWT>)')
    let claims: unknown
    try {
      claims = await request.jwtVerify()
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      throw unauthorized(code.includes('EXPIRED') ? 'The token has expired' : 'The token is not valid')
    }
    if (!claimsValid.Check(claims)) throw unauthorized('The token does not carry valid claims (sub, roles, municipalities, exp)')
    request.actor = { sub: claims.sub, roles: claims.roles, municipalities: claims.municipalities ?? [] }
  }

  app.decorate('authenticate', async (request: FastifyRequest) => authenticate(request))
  app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest) => {
    await authenticate(request)
    if (!request.actor.roles.some((r) => roles.includes(r))) {
      throw new HttpProblem(403, `This needs one of the roles: ${roles.join(', ')}`)
    }
  })
}, { name: 'auth' })
