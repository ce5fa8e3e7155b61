import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import app from '../src/app.js'
import type { Config } from '../src/config.js'
import { type Database, MIGRATIONS_FOLDER, openDatabase } from '../src/db/client.js'
import type { Role } from '../src/domain/access.js'

// Every test gets a database of its own, copied from a migrated template: PostgreSQL when
// TEST_DATABASE_URL (or DATABASE_URL) is set, embedded PGlite otherwise.

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? null
export const DB_KIND = SERVER_URL ? 'postgres' : 'pglite'
export const TODAY = '2026-06-30'

const migrationsHash = createHash('sha256')
  .update(readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(MIGRATIONS_FOLDER, f), 'utf8')).join('\n'))
  .digest('hex').slice(0, 12)

const CACHE_DIR = join(process.cwd(), 'node_modules', '.cache', 'isu-test')

let pgliteTemplate: Promise<Blob> | null = null

/** A migrated PGlite data directory, made once and kept on disk for the other test processes. */
function pgliteTemplateDump (): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const file = join(CACHE_DIR, `pglite-${migrationsHash}.tar.gz`)
    if (existsSync(file)) return new Blob([readFileSync(file)])
    const client = new PGlite()
    const database = openDatabase({ pglite: client })
    await database.migrate()
    const dump = await client.dumpDataDir('gzip')
    await client.close()
    mkdirSync(CACHE_DIR, { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
    renameSync(tmp, file)
    return dump
  })()
  return pgliteTemplate
}

function adminUrl (url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

let serverTemplate: Promise<string> | null = null

/** A migrated template database on the server; creation is serialised by an advisory lock. */
function serverTemplateName (url: string): Promise<string> {
  serverTemplate ??= (async () => {
    const name = `isu_tpl_${migrationsHash}`
    const admin = new pg.Client({ connectionString: adminUrl(url, 'postgres') })
    await admin.connect()
    try {
      await admin.query('select pg_advisory_lock(874201)')
      const found = await admin.query('select 1 from pg_database where datname = $1', [name])
      if (found.rowCount === 0) {
        await admin.query(`create database ${name}`)
        const database = openDatabase({ url: adminUrl(url, name), poolSize: 1 })
        await database.migrate()
        await database.close()
      }
    } finally {
      await admin.query('select pg_advisory_unlock(874201)')
      await admin.end()
    }
    return name
  })()
  return serverTemplate
}

export interface TestDatabase {
  database: Database
  /** Drops the copy (server databases); PGlite goes with the process. */
  drop: () => Promise<void>
  url: string | null
}

export async function testDatabase (): Promise<TestDatabase> {
  if (SERVER_URL) {
    const template = await serverTemplateName(SERVER_URL)
    const name = `isu_t_${randomUUID().replaceAll('-', '').slice(0, 16)}`
    const admin = new pg.Client({ connectionString: adminUrl(SERVER_URL, 'postgres') })
    await admin.connect()
    await admin.query(`create database ${name} template ${template}`)
    await admin.end()
    const url = adminUrl(SERVER_URL, name)
    return {
      url,
      // A test machine may be far busier than a server: waiting for a pooled connection past 5 s
      // answers 503 in production, which tests of concurrency should not mistake for a failure.
      database: openDatabase({ url, poolSize: 5, connectionTimeoutMs: 60_000 }),
      drop: async () => {
        const a = new pg.Client({ connectionString: adminUrl(SERVER_URL, 'postgres') })
        await a.connect()
        await a.query(`drop database if exists ${name} with (force)`)
        await a.end()
      }
    }
  }
  const client = new PGlite({ loadDataDir: await pgliteTemplateDump() })
  return { url: null, database: openDatabase({ pglite: client }), drop: async () => {} }
}

export function testConfig (overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    dataDir: join(CACHE_DIR, 'unused-data-dir'),
    jwtSecret: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    jwtIssuer: null,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    suppressionThreshold: 5,
    shutdownGraceMs: 1000,
    // Fixed test keys (never used outside tests): t2 is the current one, t1 an older one still readable.
    encryption: {
      keys: new Map([['t1', Buffer.alloc(32, 1)], ['t2', Buffer.alloc(32, 2)]]),
      currentKeyId: 't2'
    },
    ...overrides
  }
}

interface Teardown { teardown: (fn: () => unknown) => void }

/** An app on a fresh database, closed when the test ends. */
export async function build (t: Teardown, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const { database, drop } = await testDatabase()
  const fastify = Fastify({ logger: process.env.TEST_LOG_LEVEL ? { level: process.env.TEST_LOG_LEVEL } : false })
  await fastify.register(app, { config: testConfig(overrides), database, today: () => TODAY })
  await fastify.ready()
  t.teardown(async () => {
    await fastify.close()
    await drop()
  })
  return fastify
}

export interface TokenClaims {
  sub?: string
  roles: Role[]
  municipalities?: string[]
  expiresIn?: number
}

export function token (app: FastifyInstance, claims: TokenClaims): string {
  const { expiresIn = 3600, ...rest } = claims
  return app.jwt.sign({ sub: rest.sub ?? 'alice', roles: rest.roles, municipalities: rest.municipalities }, { expiresIn: `${expiresIn}s` })
}

export function auth (app: FastifyInstance, claims: TokenClaims): { authorization: string } {
  return { authorization: `Bearer ${token(app, claims)}` }
}

/** A valid 2021 record; override fields per test. */
export function record2021 (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    municipality: '2184',
    caseRef: 'HU-2021-0001',
    formVersion: '2021',
    ageAtReferral: 9,
    gender: 'girl',
    background: 'born_se_both_parents_se',
    referralDate: '2021-01-11',
    startDate: '2021-01-25',
    previouslyKnown: 'no',
    problems: ['family_relationship', 'child_mental_health'],
    otherProblem: null,
    interventions: ['traditional_family_treatment', 'other_manual_method'],
    manualMethods: ['Trygghetscirkeln'],
    otherIntervention: null,
    closingDate: '2021-09-30',
    closureReason: 'goals_met',
    closureComment: null,
    comment: null,
    ...overrides
  }
}

/** A valid 2020 record. */
export function record2020 (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    municipality: '2182',
    caseRef: 'SH-2020-0001',
    formVersion: '2020',
    ageAtReferral: 12,
    gender: 'boy',
    referralDate: '2020-02-03',
    startDate: '2020-02-17',
    previouslyKnown: 'once',
    problems: ['parenting_deficits', 'parent_mental_health_or_id'],
    otherProblem: null,
    interventions: ['manual_method'],
    manualMethods: ['krisstöd vid orosanmälan om våld mot barn'],
    otherIntervention: null,
    closingDate: '2020-06-30',
    closureReason: 'goals_met',
    closureComment: null,
    comment: null,
    ...overrides
  }
}

/** Rows of a raw query, whichever driver runs it (both answer with `rows`). */
export async function queryRows<T = Record<string, unknown>> (app: FastifyInstance, query: SQL): Promise<T[]> {
  const result = await app.database.db.execute(query) as unknown as { rows: T[] }
  return result.rows
}
