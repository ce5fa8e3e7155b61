import fp from 'fastify-plugin'
import { auditRepository } from '../db/audit-repository.js'
import { bulkRepository } from '../db/bulk-repository.js'
import { importsRepository } from '../db/imports-repository.js'
import { swedishToday } from '../services/cases.js'
import { PROFILES_DIR, readProfiles } from '../services/import-reader.js'
import { type ImportLimits, type ImportService, importService } from '../services/imports.js'
import { loggableError } from './errors.js'

// CSV and Excel imports: the shipped profiles, checked at start, and the job runner, which takes
// up waiting or interrupted jobs when the app is ready and now and then after, and stops after the
// chunk it is writing when the app closes.

declare module 'fastify' {
  interface FastifyInstance {
    importService: ImportService
  }
}

export interface ImportsPluginOptions {
  /** Today's date in Sweden; tests pin it. */
  today?: () => string
  /** IMPORT_MAX_BYTES: the largest file accepted (20 MB when absent). */
  maxFileBytes?: number
  limits?: Partial<ImportLimits>
  /** How often to look for jobs another process left behind. */
  sweepMs?: number
  profilesDir?: string
}

export default fp<ImportsPluginOptions>(async (app, opts) => {
  const limits = {
    // Chunks hold distinct keys (rows naming one case twice fail before), so a server with a pool
    // writes two at a time, as the batch service does; PGlite has one connection.
    parallel: app.database.kind === 'postgres' ? 2 : 1,
    ...opts.limits,
    ...(opts.maxFileBytes ? { maxFileBytes: opts.maxFileBytes } : {})
  }
  const service = importService({
    db: app.database.db,
    jobs: importsRepository(),
    bulk: bulkRepository(app.fieldCipher),
    audit: auditRepository(),
    profiles: readProfiles(opts.profilesDir ?? PROFILES_DIR),
    today: opts.today ?? (() => swedishToday()),
    changed: () => app.recordsChanged(),
    failure: (err, context) => app.log.error({ err: loggableError(err), ...context }, 'an import chunk or job failed'),
    limits
  })
  app.decorate('importService', service)
  let sweep: NodeJS.Timeout | null = null
  app.addHook('onReady', async () => {
    service.resume()
    sweep = setInterval(() => service.resume(), opts.sweepMs ?? 30_000)
    sweep.unref()
  })
  app.addHook('preClose', async () => {
    if (sweep) clearInterval(sweep)
    await service.stop()
  })
}, { name: 'imports', dependencies: ['database'] })
