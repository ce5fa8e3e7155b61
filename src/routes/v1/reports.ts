import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Actor } from '../../domain/access.js'
import { municipalityName } from '../../domain/municipalities.js'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { type AnnualReport, buildAnnualReport } from '../../reports/annual.js'
import { reportTitle, renderReportHtml } from '../../reports/html.js'
import { MEDIA_TYPES, negotiate, offeredList } from '../../reports/negotiate.js'
import { ChromiumUnavailable, DEFAULT_CHROMIUM, pdfRenderer } from '../../reports/pdf.js'
import { TEXTS } from '../../reports/texts.js'
import { reportWorkbook } from '../../reports/xlsx.js'
import { swedishToday } from '../../services/cases.js'
import { statsService } from '../../services/stats.js'
import { langOf } from './respond.js'

// GET /v1/reports/annual: the FoU report's chapter 5 for a year, as HTML, PDF or XLSX. Rendered
// answers are kept per records version, caller protection, language and format, so a report asked
// for twice is drawn once.

const FORMATS = ['html', 'pdf', 'xlsx'] as const
type ReportFormat = typeof FORMATS[number]

const ReportQuery = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'Calendar year of closingDate' }),
  municipality: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'The municipality to set beside the county; a municipal lead\'s own by default' })),
  format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'Overrides Accept: html, pdf or xlsx' })),
  lang: Type.Optional(Type.Union([Type.Literal('sv'), Type.Literal('en')], { description: 'Overrides Accept-Language' }))
}, { additionalProperties: false })

export interface ReportRouteOptions {
  /** Where Chromium is (PDF); tests point it elsewhere to see the 503. */
  chromiumPath?: string
  cacheSize?: number
}

const has = (a: Actor, role: Actor['roles'][number]) => a.roles.includes(role)

/** The municipality of the report: any for analysts and dashboards, a lead's own only. */
function chosenMunicipality (actor: Actor, asked: string | undefined, lang: 'sv' | 'en'): string | null {
  const anywhere = has(actor, 'regional_analyst') || has(actor, 'dashboard')
  if (asked === undefined) return !anywhere && actor.municipalities.length === 1 ? actor.municipalities[0] : null
  if (anywhere || actor.municipalities.includes(asked)) return asked
  const message = lang === 'sv'
    ? `Du företräder inte kommun ${asked}; välj en av dina kommuner (${actor.municipalities.join(', ')})`
    : `You do not act for municipality ${asked}; choose one of yours (${actor.municipalities.join(', ')})`
  throw new HttpProblem(403, message, { errors: [{ path: '/query/municipality', code: 'municipality_not_allowed', message }] })
}

export default async function reportRoutes (fastify: FastifyInstance, opts: ReportRouteOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const stats = statsService({ store: app.stats.store, feed: app.stats.feed, threshold: app.stats.threshold })
  const pdf = pdfRenderer({ executablePath: opts.chromiumPath ?? DEFAULT_CHROMIUM })
  app.addHook('onClose', async () => { await pdf.close() })
  const cache = new Map<string, Buffer | string>()
  const cacheSize = opts.cacheSize ?? 24

  async function render (report: AnnualReport, format: ReportFormat): Promise<Buffer | string> {
    if (format === 'xlsx') return reportWorkbook(report)
    const html = await renderReportHtml(report)
    if (format === 'html') return html
    const l = report.lang
    return pdf.render(html, { footer: reportTitle(report), pageWord: TEXTS.page[l], ofWord: TEXTS.of[l] })
  }

  app.get('/reports/annual', {
    preHandler: app.requireRole('municipality_lead', 'regional_analyst', 'dashboard'),
    schema: {
      tags: ['reports'],
      summary: 'The annual report (FoU report chapter 5) as HTML, PDF or XLSX',
      description: [
        'Tables and bar charts of the year: background (Tabell 1), problems, problems by gender, interventions per municipality,',
        'manual methods, interventions by problem, closure reasons, closure by intervention, durations by problem and by',
        'intervention, previously known, the trend over the years, and Bilaga 3 X.1. With `municipality`, every table sets it beside',
        'the county (all municipalities the caller may see). Figures are those of `GET /v1/stats/{table}` for the same caller:',
        'exact for regional analysts and for a lead\'s own municipality, protected (SPEC §3: ≤4 suppression, or the cell key',
        'method for callers chosen for it) otherwise; charts draw a withheld',
        'cell as a labelled marker, never as a bar. Format by `format` or Accept (text/html, application/pdf, XLSX); language by',
        '`lang` or Accept-Language. 404 when the year (or the municipality in it) has no records the caller may count; 503 for',
        'PDF when Chromium is not installed.'
      ].join(' '),
      security: [{ bearer: [] }],
      querystring: ReportQuery,
      response: {
        200: {
          description: 'The report',
          content: {
            'text/html': { schema: Type.String() },
            'application/pdf': { schema: Type.String({ format: 'binary' }) },
            [MEDIA_TYPES.xlsx]: { schema: Type.String({ format: 'binary' }) }
          }
        },
        400: problemRef,
        401: problemRef,
        403: problemRef,
        404: problemRef,
        406: problemRef,
        503: problemRef
      }
    }
  }, async (request, reply) => {
    const q = request.query
    const lang = q.lang ?? langOf(request)
    const format = q.format ?? negotiate(request.headers.accept, FORMATS)
    if (format === null) {
      throw new HttpProblem(406, lang === 'sv'
        ? `Rapporten finns som ${offeredList(FORMATS)} (eller ?format=html|pdf|xlsx)`
        : `The report is available as ${offeredList(FORMATS)} (or ?format=html|pdf|xlsx)`)
    }
    if (format === 'pdf' && !pdf.available()) {
      throw new HttpProblem(503, lang === 'sv'
        ? 'PDF kan inte skapas: Chromium är inte installerat på servern. Hämta rapporten som HTML eller XLSX.'
        : 'PDF is not available: Chromium is not installed on the server. Ask for the report as HTML or XLSX.')
    }
    const municipality = chosenMunicipality(request.actor, q.municipality, lang)
    await app.stats.feed.fresh(250)
    const seq = app.stats.feed.status().lastSeq
    const outcome = await buildAnnualReport(stats, { year: q.year, municipality, actor: request.actor, cellKeyRoles: app.stats.cellKeyRoles, lang, today: swedishToday() })
    if (outcome.kind === 'no_data') {
      const where = outcome.scope === 'municipality' && municipality ? municipalityName(municipality) : (lang === 'sv' ? 'länet' : 'the county')
      throw new HttpProblem(404, lang === 'sv'
        ? `Inga ärenden (eller färre än fem) avslutades ${q.year} i ${where}; det finns ingen rapport att visa.`
        : `No cases (or fewer than five) closed in ${q.year} in ${where}; there is no report to show.`)
    }
    const report = outcome.report
    const key = JSON.stringify([seq, q.year, municipality, report.scopes.map((s) => s.protection), lang, format, report.generated])
    let body = cache.get(key)
    if (body === undefined) {
      try {
        body = await render(report, format)
      } catch (err) {
        if (err instanceof ChromiumUnavailable) throw new HttpProblem(503, err.message)
        throw err
      }
      // Kept only when no record changed while it was drawn.
      if (app.stats.feed.status().lastSeq === seq) {
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string)
        cache.set(key, body)
      }
    }
    const file = `su-x-${q.year}${municipality ? `-${municipality}` : ''}`
    reply.header('cache-control', 'private, max-age=0').header('content-language', lang).header('vary', 'Accept, Accept-Language, Authorization')
    if (format === 'html') {
      // Self-contained: inline style and SVG, no script, nothing to fetch.
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
      return reply.type('text/html; charset=utf-8').send(body)
    }
    return reply.type(MEDIA_TYPES[format]).header('content-disposition', `attachment; filename="${file}.${format}"`).send(body)
  })
}
