import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import * as schema from './schema/index.js'

// One database interface over two drivers: a PostgreSQL server through a pg Pool, or PGlite
// (PostgreSQL compiled to WebAssembly) embedded in the process. Everything above this file is
// the same code for both.

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

/** Advisory lock key held while migrating (any constant no other code uses). */
const MIGRATION_LOCK = 7_412_001

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface Database {
  db: Db
  kind: 'postgres' | 'pglite'
  /** Applies the committed migrations (idempotent). */
  migrate: () => Promise<void>
  /** Resolves when the database answers a query. */
  ping: () => Promise<void>
  close: () => Promise<void>
}

export type DatabaseTarget =
  | { url: string, poolSize?: number, /** How long a query waits for a pooled connection before failing (ms). */ connectionTimeoutMs?: number }
  | { dataDir: string }
  | { pglite: PGlite }

export function openDatabase (target: DatabaseTarget): Database {
  if ('url' in target) {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      connectionTimeoutMillis: target.connectionTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      // The service runs short statements; PostgreSQL's JIT, triggered by stale row estimates on
      // a fast-growing table, cost 200–500 ms per statistics read-back during bulk loads.
      options: '-c jit=off'
    })
    // An idle client losing its connection (a database restart) must not crash the process.
    pool.on('error', () => {})
    // Nor one checked out between two statements of a transaction: pg emits the loss as an 'error'
    // event that nothing else listens to then. Its next query fails and the pool discards it.
    pool.on('connect', (client) => { client.on('error', () => {}) })
    const db = drizzlePg(pool, { schema }) as unknown as Db
    return {
      db,
      kind: 'postgres',
      // Several instances may start at once on one database: drizzle's migrator takes no lock, so
      // the second would apply the same migration again and fail. One at a time, on one connection.
      migrate: async () => {
        const client = await pool.connect()
        try {
          await client.query(`select pg_advisory_lock(${MIGRATION_LOCK})`)
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER })
        } finally {
          await client.query(`select pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => {})
          client.release()
        }
      },
      ping: async () => { await db.execute(sql`select 1`) },
      close: async () => { await pool.end() }
    }
  }
  let client: PGlite
  if ('pglite' in target) {
    client = target.pglite
  } else {
    mkdirSync(target.dataDir, { recursive: true })
    client = new PGlite(join(target.dataDir, 'pgdata'))
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    migrate: async () => { await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }) },
    ping: async () => { await db.execute(sql`select 1`) },
    close: async () => { if (!client.closed) await client.close() }
  }
}
