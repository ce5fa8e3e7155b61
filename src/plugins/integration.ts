import fp from 'fastify-plugin'
import { auditRepository } from '../db/audit-repository.js'
import { bulkRepository } from '../db/bulk-repository.js'
import { type BatchService, batchService } from '../services/batch.js'
import { swedishToday } from '../services/cases.js'
import { loggableError } from './errors.js'

// The use cases for machine clients and administrators: batch writes.

declare module 'fastify' {
  interface FastifyInstance {
    batchService: BatchService
  }
}

export interface IntegrationPluginOptions {
  /** Today's date in Sweden; tests pin it. */
  today?: () => string
}

export default fp<IntegrationPluginOptions>(async (app, opts) => {
  app.decorate('batchService', batchService({
    db: app.database.db,
    bulk: bulkRepository(),
    audit: auditRepository(),
    today: opts.today ?? (() => swedishToday()),
    parallel: app.database.kind === 'postgres' ? 2 : 1,
    storageError: (err) => app.log.error({ err: loggableError(err) }, 'a batch chunk was not stored')
  }))
}, { name: 'integration', dependencies: ['database'] })
