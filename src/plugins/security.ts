import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { negotiateLang } from '../http/lang.js'
import { HttpProblem, problemRef } from '../http/problem.js'

// Hardening of every route: security headers (helmet) fit for a JSON API, with a policy that
// lets the OpenAPI explorer and HTML reports work; CORS for an allow-list of dashboard origins;
// request limits per subject on statistics (the differencing attacks of issue 6 need many
// questions) and per client id on the token grant; a cap on URL length. Limits are counted in
// this process; several instances behind one proxy each allow as much.

export interface SecurityPluginOptions {
  corsOrigins?: string[]
  rateLimits?: { statsPerMinute: number, tokenPerMinute: number }
}

/** Longer URLs are refused before routing: no parameter of this API needs more. */
export const MAX_URL_LENGTH = 4096

/** JSON answers load nothing and may not be framed. */
const API_CSP = {
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] }
}

/**
 * Swagger UI: its scripts and styles are files of its own (no inline script); React sets inline
 * styles and the icons are data: images; "Try it out" fetches this origin.
 */
const DOCS_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"]
  }
}

/** HTML reports: inline styles and SVG or data: images, never a script. */
const DOCUMENT_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ['data:'],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"]
  }
}

const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'accept-language', 'if-match', 'if-none-match', 'x-request-id']
const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'x-request-id', 'content-language', 'content-disposition', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']

type Check = (request: FastifyRequest) => Promise<{ isAllowed: true } | { isAllowed: false, max: number, remaining: number, ttlInSeconds: number, isExceeded: boolean }>

/** The client id of a token request, wherever the grant put it (JSON, form body, HTTP Basic). */
function tokenClient (request: FastifyRequest): string {
  const body = request.body as Record<string, unknown> | undefined
  const id = body?.clientId ?? body?.client_id
  if (typeof id === 'string') return id.slice(0, 64)
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)/i.exec(request.headers.authorization ?? '')
  if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0].slice(0, 64)
  return '-'
}

function tooMany (request: FastifyRequest, seconds: number): HttpProblem {
  const en = negotiateLang(request.headers['accept-language']) === 'en'
  return new HttpProblem(429, en
    ? `Too many requests; try again in ${seconds} seconds`
    : `För många anrop; försök igen om ${seconds} sekunder`, { headers: { 'retry-after': String(seconds) } })
}

/** A preHandler that counts the request against every check and refuses it when one is used up. */
function limiter (checks: Check[]) {
  return async function rateLimited (request: FastifyRequest, reply: FastifyReply) {
    let tightest: { max: number, remaining: number, ttlInSeconds: number } | null = null
    for (const check of checks) {
      const r = await check(request)
      if (r.isAllowed) continue
      if (r.isExceeded) throw tooMany(request, Math.max(1, r.ttlInSeconds))
      if (!tightest || r.remaining < tightest.remaining) tightest = r
    }
    if (tightest) {
      reply.header('x-ratelimit-limit', tightest.max).header('x-ratelimit-remaining', tightest.remaining).header('x-ratelimit-reset', tightest.ttlInSeconds)
    }
  }
}

function appendPreHandler (route: RouteOptions, handler: ReturnType<typeof limiter>) {
  const response = route.schema?.response as Record<string, unknown> | undefined
  if (response && !response[429]) response[429] = problemRef
  const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]
  // The HEAD route Fastify adds for a GET comes with the GET's options: count once.
  if (!existing.includes(handler)) route.preHandler = [...existing, handler]
}

/** @fastify/rate-limit in a context of its own, so that its decorators do not meet the token route's. */
async function limitChecks (app: FastifyInstance, limits: Array<{ max: number, key: (request: FastifyRequest) => string }>): Promise<Check[]> {
  let checks: Check[] = []
  await app.register(async (child) => {
    await child.register(rateLimit, { global: false })
    checks = limits.map((l) => child.createRateLimit({ max: l.max, timeWindow: 60_000, keyGenerator: l.key }) as Check)
  })
  return checks
}

export default fp<SecurityPluginOptions>(async (app, opts) => {
  const perMinute = opts.rateLimits ?? { statsPerMinute: 240, tokenPerMinute: 30 }

  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: API_CSP,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true }
  })

  await app.register(cors, {
    // No origin listed: no CORS headers at all, so browsers keep to the same origin.
    origin: opts.corsOrigins?.length ? opts.corsOrigins : false,
    // Bearer tokens travel in a header, never in cookies: no credentials mode.
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600
  })

  // After helmet and CORS, so that the refusal carries their headers too.
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      const en = negotiateLang(request.headers['accept-language']) === 'en'
      throw new HttpProblem(414, en ? `The URL is longer than ${MAX_URL_LENGTH} characters` : `Adressen är längre än ${MAX_URL_LENGTH} tecken`)
    }
  })

  const [perSubject] = await limitChecks(app, [
    { max: perMinute.statsPerMinute, key: (request) => request.actor ? `sub:${request.actor.sub}` : `ip:${request.ip}` }
  ])
  const tokenChecks = await limitChecks(app, [
    { max: perMinute.tokenPerMinute, key: (request) => `client:${tokenClient(request)}` },
    { max: perMinute.tokenPerMinute * 4, key: (request) => `ip:${request.ip}` }
  ])
  const statsLimit = limiter([perSubject])
  const tokenLimit = limiter(tokenChecks)

  app.addHook('onRoute', (route) => {
    const url = route.url ?? ''
    if (url.startsWith('/docs')) route.config = { ...route.config, helmet: { contentSecurityPolicy: DOCS_CSP } } as typeof route.config
    if (url.startsWith('/v1/reports')) route.config = { ...route.config, helmet: { contentSecurityPolicy: DOCUMENT_CSP } } as typeof route.config
    // Statistics and reports are computed from the records: limited per subject, after authentication.
    if (url.startsWith('/v1/stats/') || url.startsWith('/v1/reports/')) appendPreHandler(route, statsLimit)
    if (url === '/v1/auth/token') appendPreHandler(route, tokenLimit)
  })

  const corsOn = (opts.corsOrigins?.length ?? 0) > 0
  app.addHook('onSend', async (request, reply) => {
    // Answers to a bearer token are the caller's own: no cache keeps them unless the route says so.
    if (request.headers.authorization && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    // A route that sets Vary itself replaces CORS's `Vary: Origin`; a cache must still tell origins apart.
    const vary = reply.getHeader('vary')
    if (corsOn && typeof vary === 'string' && !/(^|,)\s*origin\s*(,|$)/i.test(vary)) reply.header('vary', `${vary}, Origin`)
  })
}, { name: 'security' })
