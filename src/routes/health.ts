import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { problemBody, problemRef } from '../http/problem.js'

export default async function healthRoutes (app: FastifyInstance) {
  app.get('/health', {
    schema: {
      tags: ['health'],
      summary: 'Whether the service and its database answer',
      response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: problemRef }
    }
  }, async (request, reply) => {
    try {
      await app.database.ping()
      return { status: 'ok' as const }
    } catch {
      return reply.status(503).type('application/problem+json')
        .send({ ...problemBody(503, 'The database does not answer'), requestId: request.id })
    }
  })
}
