import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { describeImportIssue } from '../../domain/import/messages.js'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { DOMAIN_VALIDATED } from '../../http/validation.js'
import type { Upload } from '../../services/imports.js'
import { callerOf, langOf } from './respond.js'

// POST /v1/imports (a CSV or Excel file with a profile, run as a job) and GET /v1/imports/{id}
// (SPEC §4 "Import upload"). Multipart is parsed in this scope only.

/** Room for the form's other fields and the multipart framing beside the file. */
const FORM_OVERHEAD = 1024 * 1024

const ImportErrorSchema = Type.Object({
  row: Type.Union([Type.Integer(), Type.Null()], { description: 'Row number as a spreadsheet shows it (the header row is 1)' }),
  column: Type.Union([Type.String(), Type.Null()], { description: 'The column the value came from, as the header names it' }),
  path: Type.String({ description: 'JSON pointer into the record the row makes', examples: ['/gender'] }),
  code: Type.String({ description: 'Stable machine-readable code', examples: ['unknown_local_code'] }),
  message: Type.String({ description: 'Message for people, in the language of Accept-Language; never quotes a cell' })
})

const Counter = (description: string) => Type.Integer({ minimum: 0, description })

export const ImportJobSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Union(['queued', 'running', 'done', 'failed'].map((s) => Type.Literal(s)), {
    description: '`done` also when rows failed (see failed and errors); `failed` only when the job itself could not go on'
  }),
  profile: Type.String({ description: 'The profile name, or `custom` for an uploaded mapping' }),
  total: Counter('Rows of cases in the file'),
  processed: Counter('Rows handled so far'),
  created: Counter('Records created'),
  updated: Counter('Records replaced with new content'),
  unchanged: Counter('Rows whose record was stored already with the same content (nothing written)'),
  failed: Counter('Rows not stored; why is in errors'),
  errors: Type.Array(ImportErrorSchema, { description: 'Per-row problems, by row; at most 10,000 are kept' }),
  errorsOmitted: Counter('Errors beyond the ones kept'),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, {
  description: 'The job: progress, counters and per-row errors',
  examples: [{
    id: '0b9f2c1e-5d7a-4c36-9a51-2f3e8d7c6b10',
    status: 'done',
    profile: 'treserva',
    total: 120,
    processed: 120,
    created: 112,
    updated: 3,
    unchanged: 2,
    failed: 3,
    errors: [{ row: 14, column: 'Kön', path: '/gender', code: 'unknown_local_code', message: 'Barnets kön (fråga 2): Värdet finns inte bland profilens koder; kända: Flicka, Pojke, Annan könsidentitet, K, M' }],
    errorsOmitted: 0,
    createdAt: '2026-06-30T09:14:03.120Z',
    finishedAt: '2026-06-30T09:14:04.877Z'
  }]
})

const UploadBody = {
  ...Type.Object({
    file: Type.String({ format: 'binary', description: 'The CSV (UTF-8, UTF-16 or Windows-1252; `,`, `;` or tab) or Excel (.xlsx, first sheet) file' }),
    profile: Type.Optional(Type.String({ description: 'A profile name: `generic`, `treserva` or `procapita`', examples: ['treserva'] })),
    mapping: Type.Optional(Type.String({
      description: 'Instead of profile: a profile as JSON: `name`, optional `encoding`, `delimiter`, `dateFormats`, `separator`, ' +
        '`trueValues`, `falseValues`, and `fields`: SU-X field → a column name or `{column | columns | flags | value, codes, dateFormats, separator}` ' +
        '(see profiles/*.json and the README)',
      contentMediaType: 'application/json'
    }))
  }, { description: 'multipart/form-data with the file and either profile or mapping' }),
  [DOMAIN_VALIDATED]: 'domain'
}

const ProblemOnUpload = problemRef

function tooLarge (request: FastifyRequest, maxBytes: number): HttpProblem {
  const mb = Math.round(maxBytes / 1024 / 1024)
  return new HttpProblem(413, langOf(request) === 'en'
    ? `The file is larger than ${mb} MB; split it and import the parts`
    : `Filen är större än ${mb} MB; dela upp den och importera delarna`)
}

async function readUpload (request: FastifyRequest, maxBytes: number): Promise<Upload> {
  const fields: Record<string, string> = {}
  let file: Buffer | null = null
  const en = langOf(request) === 'en'
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          throw new HttpProblem(400, en ? 'Send one file, in the field named file' : 'Skicka en fil, i fältet file')
        }
        file = await part.toBuffer()
      } else if (part.fieldname === 'profile' || part.fieldname === 'mapping') {
        fields[part.fieldname] = String(part.value)
      } else {
        throw new HttpProblem(400, en ? `Unknown form field ${part.fieldname}; send file and profile or mapping` : `Okänt formulärfält ${part.fieldname}; skicka file och profile eller mapping`)
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(request, maxBytes)
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new HttpProblem(400, en ? 'Send one file and either profile or mapping' : 'Skicka en fil och antingen profile eller mapping')
    }
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new HttpProblem(415, 'Send the file as multipart/form-data')
    throw err
  }
  if (!file) throw new HttpProblem(400, en ? 'The form has no file (field file)' : 'Formuläret saknar fil (fältet file)')
  return { file, profile: fields.profile, mapping: fields.mapping }
}

export default async function importRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const maxBytes = app.importService.limits.maxFileBytes
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldSize: FORM_OVERHEAD, fieldNameSize: 100 }
  })

  app.post('/imports', {
    // A body announced as too large is refused before any of it is read.
    onRequest: async (request) => {
      const length = Number(request.headers['content-length'])
      if (Number.isFinite(length) && length > maxBytes + FORM_OVERHEAD) throw tooLarge(request, maxBytes)
    },
    preHandler: app.requireRole('registrant', 'integration'),
    schema: {
      tags: ['imports'],
      summary: 'Import a CSV or Excel file of records as a job (upsert by municipality and caseRef)',
      description: [
        'multipart/form-data with `file` and either `profile` (`generic`, `treserva`, `procapita`) or `mapping` (a profile as JSON).',
        `The file (at most ${Math.round(maxBytes / 1024 / 1024)} MB) is read and checked as a whole first: its encoding, its CSV structure`,
        '(an unterminated quote means a file cut short) and that the header has every column the profile reads. A file that fails',
        'is refused with 422 and `errors` (path `/file`, or `/profile`, `/mapping/…` for the profile); nothing is stored.',
        'Otherwise the answer is 202 with the job id, and the rows are written in the background with the rules of',
        '`POST /v1/cases/batch`; follow the job at `GET /v1/imports/{id}` (the Location header). Rows of municipalities the',
        'caller does not act for fail one by one. Importing the same file again answers `unchanged` for every stored row.'
      ].join(' '),
      security: [{ bearer: [] }],
      consumes: ['multipart/form-data'],
      body: { content: { 'multipart/form-data': { schema: UploadBody } } },
      response: {
        202: Type.Object({ id: Type.String({ format: 'uuid' }), status: Type.Literal('queued') }, {
          description: 'The job is queued; its address is in Location',
          examples: [{ id: '0b9f2c1e-5d7a-4c36-9a51-2f3e8d7c6b10', status: 'queued' }]
        }),
        400: ProblemOnUpload,
        401: ProblemOnUpload,
        403: ProblemOnUpload,
        413: ProblemOnUpload,
        415: ProblemOnUpload,
        422: ProblemOnUpload
      }
    }
  }, async (request, reply) => {
    const upload = await readUpload(request, maxBytes)
    const outcome = await app.importService.start(callerOf(request), upload)
    const lang = langOf(request)
    if (outcome.kind === 'invalid') {
      throw new HttpProblem(422, lang === 'en' ? 'The file cannot be imported; nothing was stored' : 'Filen kan inte importeras; inget sparades', {
        errors: outcome.errors.map((e) => ({ path: e.at, code: e.issue.code, message: describeImportIssue(e.issue, lang) }))
      })
    }
    reply.header('location', `/v1/imports/${outcome.id}`)
    return reply.status(202).send({ id: outcome.id, status: 'queued' as const })
  })

  app.get('/imports/:id', {
    preHandler: app.requireRole('registrant', 'integration'),
    schema: {
      tags: ['imports'],
      summary: 'An import job: progress, counters and per-row errors',
      description: 'Only the subject that uploaded the file sees its job; for anyone else it does not exist (404).',
      security: [{ bearer: [] }],
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: ImportJobSchema, 401: problemRef, 403: problemRef, 404: problemRef }
    }
  }, async (request) => {
    const view = await app.importService.get(request.actor, request.params.id)
    if (!view) throw new HttpProblem(404, 'No import job with this id is yours')
    const lang = langOf(request)
    const { job } = view
    return {
      id: job.id,
      status: job.status,
      profile: job.profileName,
      total: job.total,
      processed: job.processed,
      created: job.created,
      updated: job.updated,
      unchanged: job.unchanged,
      failed: job.failed,
      errors: view.errors.map((e) => ({
        row: e.row,
        column: e.column,
        path: e.path,
        code: e.code,
        message: describeImportIssue({ path: e.path, code: e.code, ...(e.params ? { params: e.params } : {}) }, lang)
      })),
      errorsOmitted: job.errorsOmitted,
      createdAt: job.createdAt.toISOString(),
      finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null
    }
  })
}
