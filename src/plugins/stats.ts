import fp from 'fastify-plugin'
import type { Role } from '../domain/access.js'
import { createSnapshot, type StatsSnapshot } from '../domain/stats/columns.js'
import { recordSnapshot, type RecordSnapshot } from '../stats/snapshot.js'

declare module 'fastify' {
  interface FastifyInstance {
    stats: {
      /** The columnar store every table is computed from. */
      store: StatsSnapshot
      /** Keeps the store in step with the database. */
      feed: RecordSnapshot
      threshold: number
      /** Roles whose protected tables use the cell key method (CELL_KEY_ROLES). */
      cellKeyRoles: readonly Role[]
    }
  }
}

export interface StatsPluginOptions {
  suppressionThreshold: number
  cellKeyRoles?: readonly Role[]
  /** How often the store follows the database in the background (ms). */
  refreshEveryMs?: number
}

// A PostgreSQL server runs write transactions side by side, so a change number may become visible
// up to one transaction's length late; PGlite runs one at a time.
const SETTLE_MS = { postgres: 10_000, pglite: 0 }

export default fp<StatsPluginOptions>(async (app, opts) => {
  const store = createSnapshot([], 1024)
  const feed = recordSnapshot({ db: app.database.db, store, settleMs: SETTLE_MS[app.database.kind] })
  // The cold load runs in the background: at a million records it takes seconds, longer than
  // a plugin may take to start. Questions asked meanwhile wait for it (fresh() joins the running
  // refresh); everything else is served at once.
  const loading = feed.refresh().then(
    () => app.log.info({ records: feed.status().records, loadMs: feed.status().loadMs }, 'statistics snapshot loaded'),
    (err: Error) => app.log.error({ err: { message: err.message.split('\n')[0] } }, 'statistics snapshot load failed; retried by the next refresh')
  )

  const every = opts.refreshEveryMs ?? 1_000
  const timer = setInterval(() => {
    feed.refresh().catch((err: Error) => app.log.warn({ err: { message: err.message.split('\n')[0] } }, 'statistics refresh failed'))
  }, every)
  timer.unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await loading
  })

  app.onRecordsChanged(() => feed.markStale())
  app.decorate('stats', { store, feed, threshold: opts.suppressionThreshold, cellKeyRoles: opts.cellKeyRoles ?? [] })
}, { name: 'stats', dependencies: ['database'] })
