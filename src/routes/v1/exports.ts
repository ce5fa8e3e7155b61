import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { auditRepository } from '../../db/audit-repository.js'
import { casesRepository } from '../../db/cases-repository.js'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { loggableError } from '../../plugins/errors.js'
import { MEDIA_TYPES, negotiate, offeredList } from '../../reports/negotiate.js'
import { exportService } from '../../services/exports.js'
import { callerOf, langOf } from './respond.js'
import { assertOnePeriod, filterProperties } from './schemas.js'

// GET /v1/exports/cases: pseudonymised microdata for regional analysts, streamed as CSV or XLSX.

const FORMATS = ['csv', 'xlsx'] as const

const ExportQuery = Type.Object({
  ...filterProperties,
  format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'Overrides Accept: csv or xlsx' })),
  pseudonymise: Type.Boolean({ default: false, description: 'Replace caseRef by a keyed hash (HMAC-SHA256) whose key is drawn for this export and never kept' })
}, { additionalProperties: false })

export default async function exportRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const service = exportService({
    db: app.database.db,
    cases: casesRepository(),
    audit: auditRepository(),
    auditFailed: (err) => app.log.error({ err: loggableError(err) }, 'the closing audit entry of an export was not written')
  })

  app.get('/exports/cases', {
    preHandler: app.requireRole('regional_analyst'),
    schema: {
      tags: ['cases'],
      summary: 'Pseudonymised microdata: every matching record as CSV or XLSX (regional analysts)',
      description: [
        'One row per record: municipality, caseRef (or, with `pseudonymise=true`, a `pseudonym` column holding an HMAC-SHA256',
        'of municipality and caseRef under a random key used for this export only and never stored or returned, so pseudonyms',
        'differ between exports), form version, the coded fields, dates, and derived values (year, ageGroup, waitDays,',
        'durationDays, interventionGroup, goalsMet). Free-text fields are left out; a manual method not in the known list is',
        'written as `unlisted`. Lists are joined with `|`, as the generic import profile reads them. Filters as for `GET /v1/cases`.',
        'The export is streamed page by page. The audit log records who asked, the filters and format before the first row',
        '(`case.export`), and the number of rows written when it ends (`case.export.done`), never case contents.'
      ].join(' '),
      security: [{ bearer: [] }],
      querystring: ExportQuery,
      response: {
        200: {
          description: 'The records',
          content: {
            'text/csv': { schema: Type.String() },
            [MEDIA_TYPES.xlsx]: { schema: Type.String({ format: 'binary' }) }
          }
        },
        400: problemRef,
        401: problemRef,
        403: problemRef,
        406: problemRef
      }
    }
  }, async (request, reply) => {
    const { format: asked, pseudonymise, year, from, to, ...rest } = request.query
    assertOnePeriod(request.query)
    const format = asked ?? negotiate(request.headers.accept, FORMATS)
    if (format === null) {
      throw new HttpProblem(406, langOf(request) === 'sv'
        ? `Uttaget finns som ${offeredList(FORMATS)} (eller ?format=csv|xlsx)`
        : `The export is available as ${offeredList(FORMATS)} (or ?format=csv|xlsx)`)
    }
    const period = year === undefined ? { from, to } : { from: `${year}-01-01`, to: `${year}-12-31` }
    const filter = Object.fromEntries(Object.entries({ ...rest, ...period }).filter(([, v]) => v !== undefined))
    const askedFilters = Object.fromEntries(Object.entries({ year, from, to, ...rest }).filter(([, v]) => v !== undefined)) as Record<string, string | number | string[]>
    const stream = await service.start({ caller: callerOf(request), filter, asked: askedFilters, format, pseudonymise })
    if (stream === 'forbidden') throw new HttpProblem(403, langOf(request) === 'sv' ? 'Bara regionala analytiker får ta ut poster' : 'Only regional analysts export records')
    const stamp = new Date().toISOString().slice(0, 10)
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : MEDIA_TYPES.xlsx)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="su-x-cases-${stamp}.${format}"`)
      .send(stream)
  })
}
