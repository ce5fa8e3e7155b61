import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { etagOf } from '../../services/cases.js'
import { callerOf, decodeCursor, encodeCursor } from './respond.js'
import { assertOnePeriod, CaseParams, ListQuery, ListResponse, recordRef } from './schemas.js'

const denials = { 401: problemRef, 403: problemRef }

function yearRange (q: Static<typeof ListQuery>) {
  if (q.year === undefined) return { from: q.from, to: q.to }
  assertOnePeriod(q)
  return { from: `${q.year}-01-01`, to: `${q.year}-12-31` }
}

export default async function caseReadRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/municipalities/:code/cases/:caseRef', {
    preHandler: app.authenticate,
    schema: {
      tags: ['cases'],
      summary: 'Read one record (with its ETag)',
      description: 'Registrants read the records they submitted; integrations and leads those of their municipalities; regional analysts all. Each read is audited.',
      security: [{ bearer: [] }],
      params: CaseParams,
      response: { 200: recordRef, 404: problemRef, ...denials }
    }
  }, async (request, reply) => {
    const { code, caseRef } = request.params
    const found = await app.caseService.get(callerOf(request), code, caseRef)
    if (found === 'forbidden') throw new HttpProblem(403, `You may not read records of municipality ${code}`)
    if (found === 'not_found') throw new HttpProblem(404, 'No such record among those you may read')
    reply.header('etag', etagOf(found)).header('last-modified', found.updatedAt.toUTCString()).header('cache-control', 'private, no-store')
    return found.record
  })

  app.get('/cases', {
    preHandler: app.authenticate,
    schema: {
      tags: ['cases'],
      summary: 'List the records the caller may see',
      description: 'Filters as for statistics; repeat a parameter for several values. Pages by `cursor` in submission order. Each listed record is audited.',
      security: [{ bearer: [] }],
      querystring: ListQuery,
      response: { 200: ListResponse, 400: problemRef, ...denials }
    }
  }, async (request, reply) => {
    const { limit, cursor, year: _year, ...rest } = request.query
    const filter = { ...rest, ...yearRange(request.query) }
    const items = await app.caseService.list(callerOf(request), filter, limit, decodeCursor(cursor))
    if (items === 'forbidden') throw new HttpProblem(403, 'Your role does not read records')
    reply.header('cache-control', 'private, no-store')
    return {
      items: items.map((s) => s.record),
      nextCursor: items.length === limit ? encodeCursor(items[items.length - 1].id) : null
    }
  })

  app.delete('/municipalities/:code/cases/:caseRef', {
    preHandler: app.authenticate,
    schema: {
      tags: ['cases'],
      summary: 'Erase a record (GDPR)',
      description: 'Removes the record and everything stored with it at once. The owning registrant, an integration or the lead of the municipality may erase. The audit log keeps who erased which caseRef, never the contents.',
      security: [{ bearer: [] }],
      params: CaseParams,
      response: { 204: Type.Null(), 404: problemRef, ...denials }
    }
  }, async (request, reply) => {
    const { code, caseRef } = request.params
    const result = await app.caseService.erase(callerOf(request), code, caseRef)
    if (result === 'forbidden') throw new HttpProblem(403, `You may not erase records of municipality ${code}`)
    if (result === 'not_found') throw new HttpProblem(404, 'No such record among those you may erase')
    return reply.status(204).send(null)
  })
}
