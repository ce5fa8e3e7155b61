import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { canReadStats, statsProtection } from '../../domain/access.js'
import { TABLE_NAMES, type TableName } from '../../domain/stats/types.js'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { MEDIA_TYPES, negotiate, offeredList } from '../../reports/negotiate.js'
import { tableWorkbook } from '../../reports/xlsx.js'
import { statsService, tableCsv } from '../../services/stats.js'
import { langOf } from './respond.js'
import { statsExamples } from './stats-examples.js'
import { assertOnePeriod, filterProperties, Nullable } from './schemas.js'

const CellSchema = Type.Object({
  column: Type.String(),
  count: Type.Optional(Nullable(Type.Integer())),
  share: Type.Optional(Nullable(Type.Number())),
  ci95: Type.Optional(Nullable(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }))),
  value: Type.Optional(Nullable(Type.Number())),
  display: Type.Optional(Type.String({ description: '"≤4" for a suppressed small count, ".." for a count withheld so that no small count can be recovered, "–" for a withheld value' })),
  suppressed: Type.Optional(Type.Union([Type.Literal('primary'), Type.Literal('secondary')]))
})

export const StatsTableSchema = Type.Object({
  table: Type.String(),
  filters: Type.Record(Type.String(), Type.Unknown()),
  population: Nullable(Type.Integer({ description: 'Records matching the filters (null when withheld)' })),
  protection: Type.Union([Type.Literal('none'), Type.Literal('suppressed'), Type.Literal('perturbed')], {
    description: '`none`: exact; `suppressed`: small counts withheld (the default); `perturbed`: the cell key method, every count with a small fixed noise'
  }),
  withheld: Type.Optional(Type.Literal(true)),
  reason: Type.Optional(Type.String()),
  columns: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
  rows: Type.Array(Type.Object({
    key: Type.String(),
    label: Type.String(),
    cells: Type.Array(CellSchema),
    total: Type.Optional(Nullable(Type.Integer())),
    totalDisplay: Type.Optional(Type.String()),
    totalSuppressed: Type.Optional(Type.Union([Type.Literal('primary'), Type.Literal('secondary')]))
  })),
  notes: Type.Optional(Type.Array(Type.String()))
}, { $id: 'StatsTable' })

const FORMATS = ['json', 'csv', 'xlsx'] as const
const StatsQuery = Type.Object({
  ...filterProperties,
  format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'Overrides Accept: json, csv or xlsx' }))
}, { additionalProperties: false })

export default async function statsRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const service = statsService({ store: app.stats.store, feed: app.stats.feed, threshold: app.stats.threshold })

  app.get('/stats/:table', {
    preHandler: app.authenticate,
    schema: {
      tags: ['statistics'],
      summary: 'One statistics table (SPEC §3) for the filtered records',
      description: [
        'Rows and columns are fixed per table; a share carries its 95 % Wilson interval. Regional analysts, and municipal leads',
        'asking about their own municipalities only, get exact tables (`protection: "none"`); every other caller gets protected',
        'tables: counts of 1–4 shown as "≤4", further counts withheld ("..") so none can be recovered from totals, shares and',
        'values from fewer than 5 records withheld ("–"), and the whole table withheld below 5 records. Callers chosen for the cell key',
        'method (CELL_KEY_ROLES, or an API client set to `perturbed`) get `protection: "perturbed"` instead: every count with a small',
        'fixed noise (at most ±2, variance 1; the same records always give the same answer), counts of 1–4 still shown as "≤4", shares',
        'from the published counts, nothing else withheld (README "Cell key method"). `outcomes` needs exactly',
        'one `problem`. `Accept: text/csv` gives the table flat, one line per cell; the XLSX type (or `format=xlsx`) an Excel',
        'workbook with a row per table row. Labels follow Accept-Language.'
      ].join(' '),
      security: [{ bearer: [] }],
      params: Type.Object({ table: Type.Union(TABLE_NAMES.map((n) => Type.Literal(n))) }),
      querystring: StatsQuery,
      response: {
        200: {
          description: 'The table',
          content: {
            'application/json': { schema: Type.Ref('StatsTable'), examples: statsExamples() },
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
    if (!canReadStats(request.actor)) throw new HttpProblem(403, 'Administrators do not read statistics')
    const table = request.params.table as TableName
    const { year, from, to, format: asked, ...rest } = request.query
    const format = asked ?? negotiate(request.headers.accept, FORMATS)
    if (format === null) throw new HttpProblem(406, `Statistics tables are available as ${offeredList(FORMATS)} (or ?format=json|csv|xlsx)`)
    assertOnePeriod(request.query)
    const params: { problem?: string } = {}
    if (table === 'outcomes') {
      if (rest.problem?.length !== 1) throw new HttpProblem(400, 'The outcomes table needs exactly one problem, e.g. ?problem=family_relationship')
      params.problem = rest.problem[0]
    }
    const filter = Object.fromEntries(Object.entries({ year, from, to, ...rest }).filter(([, v]) => v !== undefined))
    const lang = langOf(request)
    const protection = statsProtection(request.actor, rest.municipality, app.stats.cellKeyRoles)
    const published = await service.table({ table, filter, params, exact: protection === 'none', protection: protection === 'perturbed' ? 'perturbed' : 'suppressed', lang })
    reply.header('cache-control', 'private, max-age=0').header('content-language', lang).header('vary', 'Accept, Accept-Language, Authorization')
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${table}.csv"`).send(tableCsv(published))
    }
    if (format === 'xlsx') {
      return reply.type(MEDIA_TYPES.xlsx).header('content-disposition', `attachment; filename="${table}.xlsx"`).send(await tableWorkbook(published, lang))
    }
    return published
  })
}
