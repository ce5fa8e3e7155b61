import { randomBytes } from 'node:crypto'
import fp from 'fastify-plugin'
import { type EncryptionKeys, type FieldCipher, fieldCipher } from '../crypto/fields.js'
import { auditRepository } from '../db/audit-repository.js'
import { casesRepository } from '../db/cases-repository.js'
import { type Database, openDatabase } from '../db/client.js'
import { type CaseService, caseService, swedishToday } from '../services/cases.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    /** Encrypts and decrypts the free-text fields at rest; every repository that writes them uses it. */
    fieldCipher: FieldCipher
    caseService: CaseService
    /** Called after every committed change to records (statistics follow). */
    onRecordsChanged: (listener: () => void) => void
    /** Tells the listeners that records changed. */
    recordsChanged: () => void
  }
}

export interface DatabasePluginOptions {
  /** An opened database (tests); otherwise one is opened from the URL or the data directory. */
  database?: Database
  databaseUrl: string | null
  dataDir: string
  /** Today's date in Sweden; tests pin it. */
  today?: () => string
  /** Keys for the free-text fields (config.encryption). */
  encryption?: EncryptionKeys
}

export default fp<DatabasePluginOptions>(async (app, opts) => {
  const database = opts.database ?? openDatabase(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir })
  app.addHook('onClose', async () => { await database.close() })
  await database.migrate()
  app.decorate('database', database)
  if (!opts.encryption) app.log.warn('no encryption keys configured: free text is encrypted with a key held in memory only')
  const cipher = fieldCipher(opts.encryption ?? { keys: new Map([['ephemeral', randomBytes(32)]]), currentKeyId: 'ephemeral' })
  app.decorate('fieldCipher', cipher)
  const listeners = new Set<() => void>()
  const recordsChanged = () => { for (const l of listeners) l() }
  app.decorate('onRecordsChanged', (listener: () => void) => { listeners.add(listener) })
  app.decorate('recordsChanged', recordsChanged)
  app.decorate('caseService', caseService({
    changed: recordsChanged,
    db: database.db,
    cases: casesRepository(cipher),
    audit: auditRepository(),
    today: opts.today ?? (() => swedishToday())
  }))
}, { name: 'database' })
