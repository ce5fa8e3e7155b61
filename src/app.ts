import sensible from '@fastify/sensible'
import { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import authPlugin from './plugins/auth.js'
import databasePlugin from './plugins/database.js'
import { validatorCompiler } from './http/validation.js'
import errorsPlugin, { frameworkErrors } from './plugins/errors.js'
import importsPlugin from './plugins/imports.js'
import integrationPlugin from './plugins/integration.js'
import metricsPlugin from './plugins/metrics.js'
import statsPlugin from './plugins/stats.js'
import swaggerPlugin from './plugins/swagger.js'
import routes from './routes/index.js'
import securityPlugin from './plugins/security.js'

// The application as a plugin: it never listens (src/server.ts does). Order: infrastructure,
// decorators, routes.

export interface AppOptions {
  config: Config
  database?: Database
  today?: () => string
}

export const serverOptions = (config: Pick<Config, 'logLevel' | 'trustProxy'>): FastifyServerOptions => ({
  trustProxy: config.trustProxy ?? false,
  frameworkErrors,
  logger: {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' }
  },
  requestIdHeader: 'x-request-id',
  logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: (req) => req.url === '/health' }),
  genReqId: () => crypto.randomUUID(),
  bodyLimit: 1024 * 1024,
  connectionTimeout: 60_000,
  requestTimeout: 120_000,
  return503OnClosing: true,
  routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 }
})

async function app (fastify: FastifyInstance, opts: AppOptions) {
  fastify.setValidatorCompiler(validatorCompiler())
  fastify.addHook('onSend', async (request, reply) => { reply.header('x-request-id', request.id) })
  // Records are JSON; a text body is refused with 415 rather than validated as a string.
  fastify.removeContentTypeParser('text/plain')

  await fastify.register(errorsPlugin)
  await fastify.register(sensible)
  await fastify.register(securityPlugin, { corsOrigins: opts.config.corsOrigins, rateLimits: opts.config.rateLimits })
  await fastify.register(databasePlugin, {
    database: opts.database,
    databaseUrl: opts.config.databaseUrl,
    dataDir: opts.config.dataDir,
    today: opts.today,
    encryption: opts.config.encryption
  })
  await fastify.register(statsPlugin, { suppressionThreshold: opts.config.suppressionThreshold, cellKeyRoles: opts.config.cellKeyRoles })
  await fastify.register(authPlugin, { secret: opts.config.jwtSecret, issuer: opts.config.jwtIssuer, oidcIssuers: opts.config.oidcIssuers })
  await fastify.register(integrationPlugin, { today: opts.today })
  await fastify.register(importsPlugin, { today: opts.today, maxFileBytes: opts.config.importMaxBytes })
  await fastify.register(swaggerPlugin)
  // After swagger, so that /metrics is documented; before the routes, so that its hooks time them.
  await fastify.register(metricsPlugin, { token: opts.config.metricsToken ?? null })
  await fastify.register(routes, { config: opts.config })
}

/** Not encapsulated, so that the server (and tests) see its decorators: database, jwt, services. */
export default fp(app, { name: 'isu-register', fastify: '5.x' })
