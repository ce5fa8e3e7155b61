import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { negotiateLang } from '../http/lang.js'
import { HttpProblem, type IssueOut, problemBody, ProblemSchema } from '../http/problem.js'

// One error handler: everything leaves as application/problem+json. 4xx details go through; 5xx
// become a generic message (details only in the log); a database that does not answer is a 503.

const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300'])

function isDatabaseDown (err: FastifyError): boolean {
  const cause = err.cause as { code?: string, message?: string } | undefined
  const code = err.code ?? cause?.code ?? ''
  // drizzle wraps the driver's error ("Failed query: …"); pg's lost-connection errors have no code.
  const lost = /Connection terminated|Client was closed|Client has encountered a connection error|timeout exceeded when trying to connect/i
  return DB_DOWN_CODES.has(code) || code.startsWith('08') || lost.test(err.message) || lost.test(cause?.message ?? '')
}

function validationIssues (err: FastifyError): IssueOut[] {
  const where = err.validationContext ?? 'body'
  return (err.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>
    const extra = params.additionalProperty ?? params.missingProperty
    const path = `/${where}${v.instancePath}${extra ? `/${String(extra)}` : ''}`
    return { path, code: v.keyword === 'additionalProperties' ? 'unknown_parameter' : v.keyword, message: `${where}${v.instancePath}${extra ? `.${String(extra)}` : ''} ${v.message ?? ''}`.trim() }
  })
}

/**
 * What of an unexpected error may be logged: drizzle puts the query parameters (case contents) in
 * its messages, so only the database's own error code and message, and the stack frames, go out.
 */
export function loggableError (err: Error) {
  const cause = err.cause as { code?: string, message?: string } | undefined
  const strip = (m: string | undefined) => m?.split('\nparams:')[0].slice(0, 500)
  return {
    type: err.name,
    code: (err as { code?: string }).code ?? cause?.code,
    message: strip(cause?.message ?? err.message),
    stack: err.stack?.split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 10).join('\n')
  }
}

/**
 * Errors the router raises before any hook or handler (a malformed %-escape, a path parameter
 * longer than maxParamLength): problem+json like every other answer, and the path not echoed.
 * A server option (Fastify's frameworkErrors), so src/server.ts sets it through serverOptions.
 */
export function frameworkErrors (err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const en = negotiateLang(request.headers['accept-language']) === 'en'
  const [status, detail] = err.code === 'FST_ERR_BAD_URL'
    ? [400, en ? 'The URL is not valid (a malformed %-escape)' : 'Adressen är inte giltig (felaktig %-kodning)']
    : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, en ? 'A path parameter is too long' : 'En parameter i adressen är för lång']
      : [500, en ? 'Something went wrong on our side' : 'Något gick fel hos oss']
  reply.code(status).type('application/problem+json').header('x-content-type-options', 'nosniff').header('cache-control', 'no-store')
    .send({ ...problemBody(status, detail), requestId: request.id })
}

export default fp(async (app) => {
  app.addSchema(ProblemSchema)

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    reply.type('application/problem+json')
    if (err instanceof HttpProblem) {
      if (err.extra.headers) reply.headers(err.extra.headers)
      return reply.status(err.status).send({ ...problemBody(err.status, err.detail, err.extra), requestId: request.id })
    }
    if (err.validation) {
      return reply.status(400).send({
        ...problemBody(400, 'The request parameters are not valid', { errors: validationIssues(err) }),
        requestId: request.id
      })
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const detail = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
        ? 'The body is not valid JSON'
        : err.message
      return reply.status(status).send({ ...problemBody(status, detail), requestId: request.id })
    }
    if (isDatabaseDown(err)) {
      request.log.warn({ err: loggableError(err) }, 'database unavailable')
      reply.header('retry-after', '5')
      return reply.status(503).send({ ...problemBody(503, 'The database is not available right now; try again shortly'), requestId: request.id })
    }
    if (err.code === 'ISU_FIELD_DECRYPTION') {
      // src/crypto/fields.ts: its message names the field and key id only, never the value.
      request.log.error({ err: loggableError(err) }, 'a stored free-text value could not be decrypted')
      const en = negotiateLang(request.headers['accept-language']) === 'en'
      return reply.status(500).send({
        ...problemBody(500, en
          ? 'A stored value could not be decrypted (a missing or wrong key, or an altered value); the request id identifies it in our logs'
          : 'Ett lagrat värde kunde inte dekrypteras (nyckel saknas eller är fel, eller värdet har ändrats); request-id:t identifierar felet i våra loggar',
        { type: '/problems/decryption' }),
        requestId: request.id
      })
    }
    request.log.error({ err: loggableError(err) }, 'request failed')
    return reply.status(500).send({ ...problemBody(500, 'Something went wrong on our side; the request id identifies it in our logs'), requestId: request.id })
  })

  app.setNotFoundHandler(async (request, reply) => {
    reply.type('application/problem+json').status(404)
    // Only a piece of the path is echoed: an answer should not carry whatever a client sent.
    return { ...problemBody(404, `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`), requestId: request.id }
  })
}, { name: 'errors' })
