import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { HttpProblem, issuesOut, problemRef } from '../../http/problem.js'
import { callerOf, langOf } from './respond.js'

// API clients (SPEC §4 "API clients (admin)"): administrators create, list, rotate and revoke the
// credentials case systems and dashboards use at POST /v1/auth/token.

const denials = { 401: problemRef, 403: problemRef }

const ClientIdParams = Type.Object({
  clientId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The client id given at creation', examples: ['c_3q2-9xYbT0aKfW1L'] })
})

const Protection = Type.Union([Type.Literal('suppressed'), Type.Literal('perturbed')], {
  default: 'suppressed',
  description: 'How its statistics are protected: `suppressed` (≤4, the default) or `perturbed` (the cell key method: every count with a small fixed noise; README "Cell key method"). Carried in its tokens; CELL_KEY_ROLES can also switch a role to `perturbed`.'
})

const NewClientBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Who the client is, for people (e.g. "Treserva Hudiksvall")' }),
  role: Type.Union([Type.Literal('integration'), Type.Literal('dashboard')], { description: 'The role its tokens carry' }),
  municipalities: Type.Array(Type.String({ pattern: '^[0-9]{4}$' }), {
    maxItems: 300,
    description: 'Municipality codes its tokens act for; at least one for an integration'
  }),
  protection: Type.Optional(Protection)
}, {
  additionalProperties: false,
  examples: [
    { name: 'Treserva Hudiksvall', role: 'integration', municipalities: ['2184'] },
    { name: 'Länets dashboard', role: 'dashboard', municipalities: [], protection: 'perturbed' }
  ]
})

const Credentials = Type.Object({
  clientId: Type.String(),
  clientSecret: Type.String({ description: 'Shown once: store it now. 32 random bytes, base64url.' })
}, { examples: [{ clientId: 'c_3q2-9xYbT0aKfW1L', clientSecret: 'kq1R0w3tDFm0t9ZQ4n5WwV3cYb2yZ0hX1aSdLk8PqGc' }] })

const Timestamp = Type.String({ format: 'date-time' })

const ClientView = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  role: Type.String(),
  municipalities: Type.Array(Type.String()),
  createdAt: Timestamp,
  createdBy: Type.String(),
  secretRotatedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()], { description: 'Set once revoked; a revoked client gets no token' }),
  protection: Protection
})

export default async function adminClientRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const admin = app.requireRole('admin')

  app.post('/admin/clients', {
    preHandler: admin,
    schema: {
      tags: ['admin'],
      summary: 'Create an API client; its secret is in this answer and nowhere else',
      description: 'The secret is stored only as a slow hash (scrypt); it cannot be shown again, only replaced (rotate). Roles: `integration` (writes and reads records of its municipalities) or `dashboard` (protected statistics).',
      security: [{ bearer: [] }],
      body: NewClientBody,
      response: { 201: Credentials, 400: problemRef, 422: problemRef, ...denials }
    }
  }, async (request, reply) => {
    const created = await app.clientService.create(callerOf(request), request.body)
    if ('kind' in created) {
      throw new HttpProblem(422, 'The client cannot be created as asked; nothing was stored', { errors: issuesOut(created.errors, langOf(request)) })
    }
    reply.status(201).header('cache-control', 'no-store')
    return { clientId: created.client.clientId, clientSecret: created.secret }
  })

  app.get('/admin/clients', {
    preHandler: admin,
    schema: {
      tags: ['admin'],
      summary: 'List the API clients, revoked ones included (never a secret)',
      security: [{ bearer: [] }],
      response: { 200: Type.Object({ items: Type.Array(ClientView) }), ...denials }
    }
  }, async () => {
    const items = await app.clientService.list()
    return {
      items: items.map((c) => ({
        ...c,
        createdAt: c.createdAt.toISOString(),
        secretRotatedAt: c.secretRotatedAt?.toISOString() ?? null,
        revokedAt: c.revokedAt?.toISOString() ?? null
      }))
    }
  })

  app.post('/admin/clients/:clientId/rotate', {
    preHandler: admin,
    schema: {
      tags: ['admin'],
      summary: 'Give a client a new secret; the old one stops working at once',
      description: 'Tokens already issued stay valid until they expire (at most 15 minutes). 409 for a revoked client.',
      security: [{ bearer: [] }],
      params: ClientIdParams,
      response: { 200: Credentials, 400: problemRef, 404: problemRef, 409: problemRef, ...denials }
    }
  }, async (request, reply) => {
    const { clientId } = request.params
    const rotated = await app.clientService.rotate(callerOf(request), clientId)
    if (rotated === 'not_found') throw new HttpProblem(404, 'No such API client')
    if (rotated === 'revoked') throw new HttpProblem(409, 'The client is revoked; create a new one')
    reply.header('cache-control', 'no-store')
    return { clientId, clientSecret: rotated.secret }
  })

  app.delete('/admin/clients/:clientId', {
    preHandler: admin,
    schema: {
      tags: ['admin'],
      summary: 'Revoke a client: it gets no more tokens',
      description: 'Final; the client stays listed with `revokedAt`. Revoking it again answers 204 and changes nothing. Tokens already issued stay valid until they expire (at most 15 minutes).',
      security: [{ bearer: [] }],
      params: ClientIdParams,
      response: { 204: Type.Null(), 400: problemRef, 404: problemRef, ...denials }
    }
  }, async (request, reply) => {
    const result = await app.clientService.revoke(callerOf(request), request.params.clientId)
    if (result === 'not_found') throw new HttpProblem(404, 'No such API client')
    return reply.status(204).send(null)
  })
}
