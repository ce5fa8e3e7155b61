import fp from 'fastify-plugin'
import { auditRepository } from '../db/audit-repository.js'
import { casesRepository } from '../db/cases-repository.js'
import { type Database, openDatabase } from '../db/client.js'
import { type CaseService, caseService, swedishToday } from '../services/cases.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    caseService: CaseService
  }
}

export interface DatabasePluginOptions {
  /** An opened database (tests); otherwise one is opened from the URL or the data directory. */
  database?: Database
  databaseUrl: string | null
  dataDir: string
  /** Today's date in Sweden; tests pin it. */
  today?: () => string
}

export default fp<DatabasePluginOptions>(async (app, opts) => {
  const database = opts.database ?? openDatabase(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir })
  app.addHook('onClose', async () => { await database.close() })
  await database.migrate()
  app.decorate('database', database)
  app.decorate('caseService', caseService({
    db: database.db,
    cases: casesRepository(),
    audit: auditRepository(),
    today: opts.today ?? (() => swedishToday())
  }))
}, { name: 'database' })
