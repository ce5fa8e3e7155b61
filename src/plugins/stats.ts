import fp from 'fastify-plugin'
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
    }
  }
}

export interface StatsPluginOptions {
  suppressionThreshold: number
  /** How often the store follows the database in the background (ms). */
  refreshEveryMs?: number
}

// A PostgreSQL server runs write transactions side by side, so a change number may become visible
// up to one transaction's length late; PGlite runs one at a time.
const SETTLE_MS = { postgres: 10_000, pglite: 0 }

export default fp<StatsPluginOptions>(async (app, opts) => {
  const store = createSnapshot([], 1024)
  const feed = recordSnapshot({ db: app.database.db, store, settleMs: SETTLE_MS[app.database.kind] })
  await feed.refresh()
  app.log.info({ records: feed.status().records, loadMs: feed.status().loadMs }, 'statistics snapshot loaded')

  const every = opts.refreshEveryMs ?? 1_000
  const timer = setInterval(() => {
    feed.refresh().catch((err: Error) => app.log.warn({ err: { message: err.message.split('\n')[0] } }, 'statistics refresh failed'))
  }, every)
  timer.unref()
  app.addHook('onClose', async () => { clearInterval(timer) })

  app.onRecordsChanged(() => feed.markStale())
  app.decorate('stats', { store, feed, threshold: opts.suppressionThreshold })
}, { name: 'stats', dependencies: ['database'] })
