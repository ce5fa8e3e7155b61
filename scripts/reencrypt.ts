// Re-encrypts the free-text fields under the current key (ENCRYPTION_KEY_ID):
//   npm run reencrypt
// Same configuration as the server (DATABASE_URL or DATA_DIR, ENCRYPTION_KEYS, ENCRYPTION_KEY_ID).
// Every value that is plain or under an older key is rewritten, a page of records per
// transaction; re-run it after an interruption and it goes on with what is left. Prints one JSON
// line of counts on stdout (never a value) and writes one `encryption.rotate` audit row. With the
// embedded database, run it while the server is stopped: PGlite serves one process at a time.
import { randomUUID } from 'node:crypto'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { fieldCipher } from '../src/crypto/fields.js'
import { reencryptService } from '../src/crypto/reencrypt.js'
import { auditRepository } from '../src/db/audit-repository.js'
import { openDatabase } from '../src/db/client.js'

const config = loadConfig()
const log = pino({ level: config.logLevel, base: { command: 'reencrypt' } }, pino.destination(2))
const database = openDatabase(config.databaseUrl ? { url: config.databaseUrl, poolSize: 2 } : { dataDir: config.dataDir })
const runId = randomUUID()
const started = Date.now()
try {
  await database.migrate()
  const service = reencryptService({ db: database.db, cipher: fieldCipher(config.encryption!), audit: auditRepository() })
  const result = await service.run({ runId, onPage: (records) => log.debug({ runId, records }, 'page re-encrypted') })
  const left = await service.pending()
  log.info({ runId, ...result, left, ms: Date.now() - started }, 'reencrypt done')
  process.stdout.write(JSON.stringify({ runId, ...result, left }) + '\n')
  if (left > 0) process.exitCode = 2
} catch (err) {
  // FieldDecryptionError's message names the field and key id only; driver messages lose their parameters.
  log.error({ runId, err: { type: (err as Error).name, message: (err as Error).message.split('\nparams:')[0].slice(0, 300) } }, 'reencrypt failed')
  process.exitCode = 1
} finally {
  await database.close()
}
