import type { FastifyRequest } from 'fastify'
import { negotiateLang } from '../../http/lang.js'
import { HttpProblem, issuesOut } from '../../http/problem.js'
import type { Caller, WriteOutcome } from '../../services/cases.js'

export function callerOf (request: FastifyRequest): Caller {
  return { actor: request.actor, requestId: String(request.id) }
}

export function langOf (request: FastifyRequest) {
  return negotiateLang(request.headers['accept-language'])
}

/** Page cursors: the id of the last item given, opaque to clients. */
export const encodeCursor = (id: number) => Buffer.from(String(id)).toString('base64url')

export function decodeCursor (cursor: string | undefined): number | null {
  if (cursor === undefined) return null
  const id = Number(Buffer.from(cursor, 'base64url').toString())
  if (!Number.isSafeInteger(id) || id < 0) throw new HttpProblem(400, 'The cursor is not one this service gave out')
  return id
}

/** Entity tags listed in an If-Match / If-None-Match header. */
export function entityTags (header: string | string[] | undefined): string[] | undefined {
  if (header === undefined) return undefined
  return (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim()).filter(Boolean)
}

/** The failed write outcomes as problems; successful ones are answered by the route. */
export function failure (request: FastifyRequest, outcome: Exclude<WriteOutcome, { stored: unknown }>): HttpProblem {
  const lang = langOf(request)
  switch (outcome.kind) {
    case 'invalid':
      return new HttpProblem(422, lang === 'en' ? 'The record breaks SU-X rules; nothing was stored' : 'Posten bryter mot reglerna för SU-X; inget sparades', {
        errors: issuesOut(outcome.errors, lang),
        warnings: issuesOut(outcome.warnings, lang)
      })
    case 'forbidden':
      return new HttpProblem(403, lang === 'en' ? 'You may not submit records for this municipality' : 'Du får inte registrera för den här kommunen', {
        errors: issuesOut(outcome.errors, lang)
      })
    case 'exists':
      return new HttpProblem(409, 'A record with this caseRef already exists in the municipality; use PUT to replace it')
    case 'not_owner':
      return new HttpProblem(403, 'This record was registered by someone else; only they or an integration of the municipality may replace it')
    case 'precondition_failed':
      return new HttpProblem(412, 'The record has changed since you read it (If-Match) or exists (If-None-Match); read it again')
  }
}
