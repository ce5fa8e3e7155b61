import { Type, type Static } from 'typebox'
import { describeIssue } from '../domain/messages.js'
import type { Issue, Lang } from '../domain/types.js'

// RFC 9457 problem details. `type` is a relative URI naming the kind of problem; `errors` lists
// the offending fields as JSON pointers into the request body (or /query/…, /params/…).

export const IssueSchema = Type.Object({
  path: Type.String({ description: 'JSON pointer to the offending field', examples: ['/problems/3'] }),
  code: Type.String({ description: 'Stable machine-readable code', examples: ['unknown_code'] }),
  message: Type.String({ description: 'Message for people, in the language of Accept-Language' })
})
export type IssueOut = Static<typeof IssueSchema>

export const ProblemSchema = Type.Object({
  type: Type.String({ examples: ['/problems/validation'] }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(IssueSchema)),
  warnings: Type.Optional(Type.Array(IssueSchema))
}, { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' })
export type Problem = Static<typeof ProblemSchema>

/** A response of problem details, documented under its own media type. */
export const problemRef = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: Type.Ref('Problem') } }
}

export function issuesOut (issues: Issue[], lang: Lang): IssueOut[] {
  return issues.map((i) => ({ path: i.path, code: i.code, message: describeIssue(i, lang) }))
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

const SLUGS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  422: 'validation',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable'
}

/** Thrown by handlers and hooks; the error handler turns it into problem+json. */
export class HttpProblem extends Error {
  constructor (
    readonly status: number,
    readonly detail: string,
    readonly extra: { type?: string, errors?: IssueOut[], warnings?: IssueOut[], headers?: Record<string, string> } = {}
  ) {
    super(detail)
  }
}

export function problemBody (status: number, detail: string, extra: { type?: string, errors?: IssueOut[], warnings?: IssueOut[] } = {}): Problem {
  const body: Problem = {
    type: extra.type ?? `/problems/${SLUGS[status] ?? String(status)}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail
  }
  if (extra.errors) body.errors = extra.errors
  if (extra.warnings) body.warnings = extra.warnings
  return body
}
