import fp from 'fastify-plugin'
import { auditRepository } from '../db/audit-repository.js'
import { bulkRepository } from '../db/bulk-repository.js'
import { clientsRepository } from '../db/clients-repository.js'
import { type AuditLogService, auditLogService } from '../services/audit-log.js'
import { type BatchService, batchService } from '../services/batch.js'
import { swedishToday } from '../services/cases.js'
import { type ClientService, clientService } from '../services/clients.js'
import { loggableError } from './errors.js'

// The use cases for machine clients and administrators: batch writes, API clients with their
// token grant, and reading the audit log.

declare module 'fastify' {
  interface FastifyInstance {
    batchService: BatchService
    clientService: ClientService
    auditLogService: AuditLogService
  }
}

export interface IntegrationPluginOptions {
  /** Today's date in Sweden; tests pin it. */
  today?: () => string
}

export default fp<IntegrationPluginOptions>(async (app, opts) => {
  const db = app.database.db
  const audit = auditRepository()
  app.decorate('batchService', batchService({
    db,
    bulk: bulkRepository(app.fieldCipher),
    audit,
    today: opts.today ?? (() => swedishToday()),
    parallel: app.database.kind === 'postgres' ? 2 : 1,
    changed: () => app.recordsChanged(),
    storageError: (err) => app.log.error({ err: loggableError(err) }, 'a batch chunk was not stored')
  }))
  app.decorate('clientService', clientService({
    db,
    clients: clientsRepository(),
    audit,
    sign: (claims, expiresInSeconds) => app.jwt.sign(claims, { expiresIn: `${expiresInSeconds}s` })
  }))
  app.decorate('auditLogService', auditLogService({ db, audit }))
}, { name: 'integration', dependencies: ['database', 'auth'] })
