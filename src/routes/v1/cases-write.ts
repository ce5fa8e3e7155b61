import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { issuesOut, problemRef } from '../../http/problem.js'
import { etagOf, type WriteOutcome } from '../../services/cases.js'
import { callerOf, entityTags, failure, langOf } from './respond.js'
import { CaseParams, RecordBody, ValidateResponse, WriteResponse } from './schemas.js'

const errorResponses = { 400: problemRef, 401: problemRef, 403: problemRef, 413: problemRef, 415: problemRef, 422: problemRef }

export function caseLocation (municipality: string, caseRef: string): string {
  return `/v1/municipalities/${municipality}/cases/${encodeURIComponent(caseRef)}`
}

function answer (reply: FastifyReply, outcome: WriteOutcome) {
  if (!('stored' in outcome)) throw failure(reply.request, outcome)
  const lang = langOf(reply.request)
  const { record } = outcome.stored
  reply.header('etag', etagOf(outcome.stored))
  if (outcome.kind === 'created') reply.status(201).header('location', caseLocation(record.municipality, record.caseRef))
  return { record, warnings: issuesOut(outcome.warnings, lang) }
}

export default async function caseWriteRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const submitters = app.requireRole('registrant', 'integration')

  app.post('/cases/validate', {
    preHandler: submitters,
    schema: {
      tags: ['cases'],
      summary: 'Check a record against every SU-X rule without storing it',
      description: 'Answers 200 with `valid`, the errors and the warnings; writes nothing.',
      security: [{ bearer: [] }],
      body: RecordBody,
      response: { 200: ValidateResponse, ...errorResponses }
    }
  }, async (request) => {
    const lang = langOf(request)
    const result = app.caseService.validate(callerOf(request), request.body)
    return { valid: result.valid, errors: issuesOut(result.errors, lang), warnings: issuesOut(result.warnings, lang) }
  })

  app.post('/cases', {
    preHandler: submitters,
    schema: {
      tags: ['cases'],
      summary: 'Submit a new record',
      description: '201 with Location and ETag. 409 when the caseRef already exists in the municipality. 422 with every broken rule; nothing is stored then.',
      security: [{ bearer: [] }],
      body: RecordBody,
      response: { 201: WriteResponse, 409: problemRef, ...errorResponses }
    }
  }, async (request, reply) => answer(reply, await app.caseService.create(callerOf(request), request.body)))

  app.put('/municipalities/:code/cases/:caseRef', {
    preHandler: submitters,
    schema: {
      tags: ['cases'],
      summary: 'Create or replace a record at its address (idempotent)',
      description: [
        'Creates (201) or replaces (200) the record. Sending the same record again changes nothing (200, same ETag).',
        '`municipality` and `caseRef` may be left out of the body; when given they must match the address.',
        '`If-Match: <etag>` replaces only the version you read (412 otherwise); `If-None-Match: *` only creates.'
      ].join(' '),
      security: [{ bearer: [] }],
      params: CaseParams,
      headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 500 })), 'if-none-match': Type.Optional(Type.String({ maxLength: 500 })) }),
      body: RecordBody,
      response: { 200: WriteResponse, 201: WriteResponse, 412: problemRef, ...errorResponses }
    }
  }, async (request, reply) => {
    const { code, caseRef } = request.params
    const body = request.body
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const given = body as Record<string, unknown>
      const mismatch = [['municipality', code], ['caseRef', caseRef]].filter(([k, v]) => given[k] !== undefined && given[k] !== v)
      if (mismatch.length > 0) {
        throw failure(request, { kind: 'invalid', errors: mismatch.map(([k]) => ({ path: `/${k}`, code: 'url_mismatch' })), warnings: [] })
      }
    }
    const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, municipality: code, caseRef } : body
    const outcome = await app.caseService.put(callerOf(request), input, {
      ifMatch: entityTags(request.headers['if-match']),
      ifNoneMatch: entityTags(request.headers['if-none-match'])
    })
    return answer(reply, outcome)
  })
}
