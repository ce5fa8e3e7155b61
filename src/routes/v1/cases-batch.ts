import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { RecordInputSchema } from '../../domain/record-schema.js'
import { HttpProblem, IssueSchema, issuesOut, problemRef } from '../../http/problem.js'
import { DOMAIN_VALIDATED } from '../../http/validation.js'
import { BATCH_MAX_ITEMS, UnreadableItem } from '../../services/batch.js'
import { callerOf, langOf } from './respond.js'

// POST /v1/cases/batch: a JSON array or NDJSON of records, answered item by item (SPEC §4 "Batch
// response"). Only a batch that cannot be read as a list of items is refused as a whole.

/** 5,000 records of ~1 KB fit with room for long free texts. */
export const BATCH_BODY_LIMIT = 25 * 1024 * 1024

const NDJSON = 'application/x-ndjson'

const BatchItemResult = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'Position of the item in the batch (NDJSON: among the non-blank lines), from 0' }),
  caseRef: Type.Union([Type.String(), Type.Null()], { description: 'The caseRef the item named, when it named one' }),
  status: Type.Union(['created', 'updated', 'unchanged', 'failed'].map((s) => Type.Literal(s))),
  errors: Type.Array(IssueSchema, { description: 'Why the item failed; paths point into the item. Empty unless failed.' })
})

export const BatchResponse = Type.Object({
  results: Type.Array(BatchItemResult, { description: 'One result per item, in the order sent' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  failed: Type.Integer()
}, {
  examples: [{
    results: [
      { index: 0, caseRef: 'HU-2021-0042', status: 'created', errors: [] },
      { index: 1, caseRef: 'HU-2021-0043', status: 'unchanged', errors: [] },
      {
        index: 2,
        caseRef: 'HU-2021-0044',
        status: 'failed',
        errors: [{ path: '/problems/1', code: 'unknown_code', message: 'Huvudsaklig problematik (fråga 7): bullying är ingen giltig kod i formulärversion 2021; giltiga: …' }]
      }
    ],
    created: 1,
    updated: 0,
    unchanged: 1,
    failed: 1
  }]
})

const example = (RecordInputSchema as unknown as { examples: Array<Record<string, unknown>> }).examples[0]
const BatchBody = {
  ...Type.Array(RecordInputSchema, {
    maxItems: BATCH_MAX_ITEMS,
    description: `Up to ${BATCH_MAX_ITEMS} records`,
    examples: [[example, { ...example, caseRef: 'HU-2021-0043', closureReason: 'discontinued_by_guardian' }]]
  }),
  [DOMAIN_VALIDATED]: 'domain'
}
const NdjsonBody = {
  ...Type.String({
    description: `One record (a JSON object) a line, up to ${BATCH_MAX_ITEMS} lines; blank lines are skipped`,
    examples: [`${JSON.stringify(example)}\n${JSON.stringify({ ...example, caseRef: 'HU-2021-0043' })}\n`]
  }),
  [DOMAIN_VALIDATED]: 'domain'
}

export default async function caseBatchRoutes (app: FastifyInstance) {
  // A line that is not JSON is one failed item, not a failed batch; JSON lines are parsed as JSON
  // bodies are (prototype poisoning refused).
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: BATCH_BODY_LIMIT }, (request, body, done) => {
    const items: unknown[] = []
    String(body).split('\n').forEach((line, i) => {
      if (line.trim() === '') return
      parseJson(request, line, (err, value) => {
        items.push(err ? new UnreadableItem({ path: '', code: 'invalid_json', params: { line: i + 1 } }) : value)
      })
    })
    done(null, items)
  })

  app.post('/cases/batch', {
    bodyLimit: BATCH_BODY_LIMIT,
    preHandler: app.requireRole('registrant', 'integration'),
    schema: {
      tags: ['cases'],
      summary: `Submit up to ${BATCH_MAX_ITEMS} records at once (upsert by municipality and caseRef)`,
      description: [
        `A JSON array (\`application/json\`) or NDJSON (\`${NDJSON}\`, one record a line) of up to ${BATCH_MAX_ITEMS} records`,
        '(body at most 25 MB). Each item is created or replaced by (municipality, caseRef) with the rules of PUT, and answered',
        'on its own: `created`, `updated`, `unchanged` (the same content is stored already; nothing is written) or `failed` with',
        'its errors. The answer is 200 even when items fail; valid items are stored regardless. Sending a batch again',
        'answers `unchanged` for everything stored and writes nothing.',
        'Two items naming the same caseRef in one municipality both fail (`duplicate_in_batch`). An NDJSON line that is not',
        'JSON fails its item (`invalid_json`). `storage_error`: the item was not stored because of a database error; send it',
        'again. Warnings are not reported here; `POST /v1/cases/validate` gives them.',
        '400 when the body is not a list of items, 413 when it holds more than 5,000 or is larger than 25 MB.'
      ].join(' '),
      security: [{ bearer: [] }],
      body: { content: { 'application/json': { schema: BatchBody }, [NDJSON]: { schema: NdjsonBody } } },
      response: { 200: BatchResponse, 400: problemRef, 401: problemRef, 403: problemRef, 413: problemRef, 415: problemRef }
    }
  }, async (request) => {
    const items = request.body
    if (!Array.isArray(items)) {
      throw new HttpProblem(400, `A batch is a JSON array of records, or NDJSON (${NDJSON}) with one record a line`)
    }
    if (items.length > BATCH_MAX_ITEMS) {
      throw new HttpProblem(413, `A batch holds at most ${BATCH_MAX_ITEMS} records; this one has ${items.length}. Split it.`)
    }
    const lang = langOf(request)
    const outcome = await app.batchService.submit(callerOf(request), items)
    return { ...outcome, results: outcome.results.map((r) => ({ ...r, errors: issuesOut(r.errors, lang) })) }
  })
}
