import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { callerOf, decodeCursor, encodeCursor } from './respond.js'

// GET /v1/admin/audit-log (SPEC §4 "Audit log (admin)"): who did what, when, to which record;
// newest first, paged by cursor.

const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
const INSTANT = '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$'
const many = (pattern: string, description: string) =>
  Type.Optional(Type.Array(Type.String({ pattern }), { maxItems: 50, description: `${description} (repeatable)` }))

const AuditQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: INSTANT, description: 'On or after: a date-time with offset, or a date (from its start, Swedish time)', examples: ['2026-06-01'] })),
  to: Type.Optional(Type.String({ pattern: INSTANT, description: 'On or before: a date-time with offset, or a date (to its end, Swedish time)', examples: ['2026-06-30T12:00:00+02:00'] })),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Exactly this subject (a token\'s sub; API clients are `client:<clientId>`)' })),
  action: many('^[a-z_.]{1,40}$', 'Actions, e.g. case.create, case.read, token.denied'),
  municipality: many('^[0-9]{4}$', 'Municipality codes'),
  caseRef: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'Entries about this caseRef (with municipality: that record)' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size (at most 1000)' }),
  cursor: Type.Optional(Type.String({ maxLength: 40, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' }))
}, { additionalProperties: false })

const Detail = Type.Union([
  Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())])),
  Type.Null()
], { description: 'Codes and counts (e.g. the revision written, a client id, why a token was denied); never case contents or secrets' })

const AuditItem = Type.Object({
  at: Type.String({ format: 'date-time' }),
  subject: Type.String(),
  action: Type.String(),
  municipality: Type.Union([Type.String(), Type.Null()]),
  caseRef: Type.Union([Type.String(), Type.Null()]),
  detail: Detail,
  requestId: Type.Union([Type.String(), Type.Null()], { description: 'The request that did it, as in the server log' })
})

const AuditPage = Type.Object({
  items: Type.Array(AuditItem),
  nextCursor: Type.Union([Type.String(), Type.Null()])
}, {
  examples: [{
    items: [
      { at: '2026-06-30T09:14:03.120Z', subject: 'client:c_3q2-9xYbT0aKfW1L', action: 'case.create', municipality: '2184', caseRef: 'HU-2021-0042', detail: { revision: 1 }, requestId: '5f0c…' },
      { at: '2026-06-30T09:14:02.877Z', subject: 'client:c_3q2-9xYbT0aKfW1L', action: 'token.issue', municipality: null, caseRef: null, detail: { clientId: 'c_3q2-9xYbT0aKfW1L', role: 'integration', ip: '10.0.0.7' }, requestId: '9a41…' }
    ],
    nextCursor: 'MTIzNDU'
  }]
})

/** The instant a Swedish calendar day begins (00:00 in Europe/Stockholm, CET or CEST). */
export function swedishDayStart (date: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`)
  // An hour before UTC midnight it is 00:00 or 01:00 in Sweden: before any switch to or from summer time.
  const probe = new Date(utcMidnight - 3_600_000)
  const zone = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Stockholm', timeZoneName: 'longOffset' })
    .formatToParts(probe).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00'
  const [, sign, hh, mm] = /GMT([+-])(\d{2}):(\d{2})/.exec(zone) ?? ['', '+', '01', '00']
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000
  return new Date(utcMidnight - offsetMs)
}

/** A bound given as a date-time, or as a Swedish calendar day: from its start, or to its end. */
function instant (value: string | undefined, end: boolean, name: string): Date | undefined {
  if (value === undefined) return undefined
  if (new RegExp(DATE).test(value)) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new HttpProblem(400, `${name} is not a date`)
    return swedishDayStart(end ? new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : value)
  }
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) throw new HttpProblem(400, `${name} is not a date-time`)
  // The filter's upper bound is exclusive; a date-time given is meant inclusive.
  return end ? new Date(at.getTime() + 1) : at
}

export default async function adminAuditLogRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/admin/audit-log', {
    preHandler: app.requireRole('admin'),
    schema: {
      tags: ['admin'],
      summary: 'Read the audit log, newest first',
      description: [
        'Every write and every read of records, every token issued or denied and every change to API clients, with who (`subject`),',
        'what (`action`), when (`at`) and which record. Filters combine (and); a repeated parameter means any of its values.',
        'Pages by `cursor`; `nextCursor` is null on the last page. Each read of the log is itself logged (`audit.read`).'
      ].join(' '),
      security: [{ bearer: [] }],
      querystring: AuditQuery,
      response: { 200: AuditPage, 400: problemRef, 401: problemRef, 403: problemRef }
    }
  }, async (request, reply) => {
    const { from, to, limit, cursor, ...rest } = request.query
    const filter = { ...rest, from: instant(from, false, 'from'), until: instant(to, true, 'to') }
    const items = await app.auditLogService.read(callerOf(request), filter, limit, decodeCursor(cursor))
    reply.header('cache-control', 'private, no-store')
    return {
      items: items.map((e) => ({
        at: e.at.toISOString(),
        subject: e.subject,
        action: e.action,
        municipality: e.municipality,
        caseRef: e.caseRef,
        detail: e.detail,
        requestId: e.requestId
      })),
      nextCursor: items.length === limit ? encodeCursor(items[items.length - 1].id) : null
    }
  })
}
