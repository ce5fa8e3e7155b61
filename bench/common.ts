// Shared by the benchmark sections: a fresh PostgreSQL database per section, timing by median
// of repeated runs, and a plain-text table printer.
import { once } from 'node:events'
import { createServer } from 'node:net'
import pg from 'pg'
import { openDatabase, type Database } from '../src/db/client.js'

export const BENCH_SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres'

function withDatabase (url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** Drops and recreates database `name` on the bench server, migrated; returns its URL and handle. */
export async function freshDatabase (name: string): Promise<{ url: string, database: Database }> {
  const admin = new pg.Client({ connectionString: withDatabase(BENCH_SERVER_URL, 'postgres') })
  await admin.connect()
  try {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = withDatabase(BENCH_SERVER_URL, name)
  const database = openDatabase({ url, poolSize: 4 })
  await database.migrate()
  return { url, database }
}

export async function dropDatabase (name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(BENCH_SERVER_URL, 'postgres') })
  await admin.connect()
  try {
    await admin.query(`drop database if exists ${name} with (force)`)
  } finally {
    await admin.end()
  }
}

/** Milliseconds of one call. */
export async function time (fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** Median milliseconds over `runs` calls after `warmup` unmeasured ones. */
export async function medianMs (fn: () => unknown, runs = 7, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await time(fn))
  times.sort((a, b) => a - b)
  const mid = times.length >> 1
  return times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2
}

/** Prints rows as an aligned text table (first column left, the rest right). */
export function printTable (header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map((c) => typeof c === 'number' ? format(c) : c))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  for (const [n, row] of cells.entries()) {
    console.log(row.map((c, i) => i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!)).join('  '))
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

function format (n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

/** A TCP port that was free a moment ago, for a server process the bench starts. */
export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}
