import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import healthRoutes from './health.js'
import adminAuditLogRoutes from './v1/admin-audit-log.js'
import adminClientRoutes from './v1/admin-clients.js'
import authTokenRoutes from './v1/auth-token.js'
import caseBatchRoutes from './v1/cases-batch.js'
import caseReadRoutes from './v1/cases-read.js'
import caseWriteRoutes from './v1/cases-write.js'
import codeListRoutes from './v1/code-lists.js'
import exportRoutes from './v1/exports.js'
import formRoutes from './v1/forms.js'
import importRoutes from './v1/imports.js'
import reportRoutes from './v1/reports.js'
import statsRoutes, { StatsTableSchema } from './v1/stats.js'
import { RecordSchema } from './v1/schemas.js'

export default async function routes (app: FastifyInstance, _opts: { config: Config }) {
  app.addSchema(RecordSchema)
  app.addSchema(StatsTableSchema)
  await app.register(healthRoutes)
  await app.register(async (v1) => {
    await v1.register(codeListRoutes)
    await v1.register(formRoutes)
    await v1.register(caseWriteRoutes)
    await v1.register(caseReadRoutes)
    await v1.register(caseBatchRoutes)
    await v1.register(importRoutes)
    await v1.register(authTokenRoutes)
    await v1.register(adminClientRoutes)
    await v1.register(adminAuditLogRoutes)
    await v1.register(statsRoutes)
    await v1.register(reportRoutes)
    await v1.register(exportRoutes)
  }, { prefix: '/v1' })
}
