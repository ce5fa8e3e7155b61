import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { failureLimiter } from '../../http/failure-limit.js'
import { HttpProblem, problemRef } from '../../http/problem.js'
import { TOKEN_LIFETIME_SECONDS } from '../../services/clients.js'

// POST /v1/auth/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for API clients.
// JSON `{clientId, clientSecret}` as SPEC §4 names it, or the form encoding OAuth clients send
// (credentials in the body or in HTTP Basic). Failed attempts are limited per client id and per
// address; every issued token and every failure is audited, never with the secret.

const FORM = 'application/x-www-form-urlencoded'
const CLIENT_ID = '^[A-Za-z0-9_-]{1,64}$'
const FAILURES = { perClient: 10, perAddress: 30, windowMs: 5 * 60_000 }

const JsonCredentials = Type.Object({
  clientId: Type.String({ pattern: CLIENT_ID }),
  clientSecret: Type.String({ minLength: 1, maxLength: 200 })
}, { additionalProperties: false, examples: [{ clientId: 'c_3q2-9xYbT0aKfW1L', clientSecret: 'kq1R0w3tDFm0t9ZQ4n5WwV3cYb2yZ0hX1aSdLk8PqGc' }] })

// RFC 6749 §3.2: unknown parameters are ignored, not refused.
const FormCredentials = Type.Object({
  grant_type: Type.Literal('client_credentials'),
  client_id: Type.Optional(Type.String({ pattern: CLIENT_ID })),
  client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
}, { description: 'Credentials here or in `Authorization: Basic`, not both' })

const TokenResponse = Type.Object({
  accessToken: Type.String({ description: 'A JWT carrying sub `client:<clientId>`, the client\'s role and municipalities' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the token expires' }),
  access_token: Type.Optional(Type.String({ description: 'The same, in OAuth 2.0 names (form-encoded requests only)' })),
  token_type: Type.Optional(Type.Literal('Bearer')),
  expires_in: Type.Optional(Type.Integer())
}, { examples: [{ accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…', tokenType: 'Bearer', expiresIn: TOKEN_LIFETIME_SECONDS }] })

interface Credentials { clientId: string, clientSecret: string, basic: boolean }

/** `Authorization: Basic` with form-encoded id and secret (RFC 6749 §2.3.1). */
function basicCredentials (header: string | undefined): { clientId: string, clientSecret: string } | null {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)
  if (!match) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  const part = (s: string) => { try { return decodeURIComponent(s.replaceAll('+', ' ')) } catch { return s } }
  return { clientId: part(decoded.slice(0, colon)), clientSecret: part(decoded.slice(colon + 1)) }
}

function credentialsOf (request: FastifyRequest): Credentials {
  const body = request.body as Record<string, string>
  if (request.headers['content-type']?.startsWith(FORM) !== true) return { clientId: body.clientId, clientSecret: body.clientSecret, basic: false }
  const basic = basicCredentials(request.headers.authorization)
  if (basic && (body.client_id !== undefined || body.client_secret !== undefined)) {
    throw new HttpProblem(400, 'Send the client credentials either in the Authorization header or in the body, not both')
  }
  const c = basic ?? { clientId: body.client_id, clientSecret: body.client_secret }
  if (!c.clientId || !c.clientSecret || !new RegExp(CLIENT_ID).test(c.clientId) || c.clientSecret.length > 200) {
    throw new HttpProblem(400, 'client_id and client_secret are required (in the body or as HTTP Basic)')
  }
  return { ...c, basic: basic !== null }
}

export default async function authTokenRoutes (app: FastifyInstance) {
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  })
  const limiter = await failureLimiter(app, [
    { key: (request) => `client:${credentialsOf(request).clientId}`, max: FAILURES.perClient, timeWindowMs: FAILURES.windowMs },
    { key: (request) => `address:${request.ip}`, max: FAILURES.perAddress, timeWindowMs: FAILURES.windowMs }
  ])

  app.post('/auth/token', {
    bodyLimit: 8 * 1024,
    schema: {
      tags: ['auth'],
      summary: 'Trade an API client\'s id and secret for a short-lived access token',
      description: [
        `The client-credentials grant. The token is a JWT valid for ${TOKEN_LIFETIME_SECONDS / 60} minutes with sub \`client:<clientId>\`,`,
        'the client\'s role and municipalities; ask for a new one when it expires. JSON `{clientId, clientSecret}`, or',
        `\`${FORM}\` with \`grant_type=client_credentials\` and \`client_id\`/\`client_secret\` in the body or as HTTP Basic`,
        '(then the answer carries the OAuth 2.0 names `access_token`, `token_type`, `expires_in` as well).',
        '401 for an unknown client, a wrong secret or a revoked client alike.',
        `After ${FAILURES.perClient} failures for one client id, or ${FAILURES.perAddress} from one address, within ${FAILURES.windowMs / 60_000}`,
        'minutes, attempts are refused with 429 and Retry-After until the window ends.'
      ].join(' '),
      body: { content: { 'application/json': { schema: JsonCredentials }, [FORM]: { schema: FormCredentials } } },
      response: { 200: TokenResponse, 400: problemRef, 401: problemRef, 415: problemRef, 429: problemRef }
    }
  }, async (request, reply) => {
    const credentials = credentialsOf(request)
    const ctx = { ip: request.ip, requestId: String(request.id) }
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
    const wait = await limiter.blocked(request)
    if (wait !== null) {
      await app.clientService.refuse(credentials.clientId, 'rate_limited', ctx)
      throw new HttpProblem(429, `Too many failed attempts; try again in ${wait} seconds`, { headers: { 'retry-after': String(wait) } })
    }
    const outcome = await app.clientService.issueToken(credentials.clientId, credentials.clientSecret, ctx)
    if (outcome.kind === 'denied') {
      await limiter.failed(request)
      throw new HttpProblem(401, 'The client id or secret is not valid, or the client is revoked', {
        headers: credentials.basic ? { 'www-authenticate': 'Basic realm="isu-register"' } : {}
      })
    }
    const answer = { accessToken: outcome.accessToken, tokenType: 'Bearer' as const, expiresIn: outcome.expiresIn }
    if (request.headers['content-type']?.startsWith(FORM) !== true) return answer
    return { ...answer, access_token: answer.accessToken, token_type: answer.tokenType, expires_in: answer.expiresIn }
  })
}
