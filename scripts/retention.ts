// Erases the records whose retention has ended (RETENTION_YEARS after closingDate, default 10):
//   npm run retention -- [--dry-run]
// Same configuration as the server (DATABASE_URL or DATA_DIR). Prints the result as one JSON line
// on stdout (cutoff, counts, counts per municipality; never a record), logs it on stderr, and
// writes case.erase and retention.purge rows to the audit log. With the embedded database, run it
// while the server is stopped: PGlite serves one process at a time.
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { auditRepository } from '../src/db/audit-repository.js'
import { casesRepository } from '../src/db/cases-repository.js'
import { openDatabase } from '../src/db/client.js'
import { swedishToday } from '../src/services/cases.js'
import { retentionService } from '../src/services/retention.js'

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } })
const config = loadConfig()
const log = pino({ level: config.logLevel, base: { command: 'retention' } }, pino.destination(2))
const database = openDatabase(config.databaseUrl ? { url: config.databaseUrl, poolSize: 2 } : { dataDir: config.dataDir })
const runId = randomUUID()
const started = Date.now()
try {
  await database.migrate()
  const result = await retentionService({ db: database.db, cases: casesRepository(), audit: auditRepository() })
    .purge({ today: swedishToday(), years: config.retentionYears ?? 10, dryRun: values['dry-run'] ?? false, runId })
  log.info({ runId, ...result, ms: Date.now() - started }, result.dryRun ? 'retention dry run: nothing erased' : 'retention purge done')
  process.stdout.write(JSON.stringify({ runId, ...result }) + '\n')
} catch (err) {
  log.error({ runId, err: { type: (err as Error).name, message: (err as Error).message.split('\nparams:')[0].slice(0, 300) } }, 'retention failed')
  process.exitCode = 1
} finally {
  await database.close()
}
