import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createSigner } from 'fast-jwt'
import pg from 'pg'

// What the fault tests run against: a throwaway PostgreSQL cluster of their own (never the shared
// server on 5432, which other tests use), and the API as a real child process (`tsx src/server.ts`)
// that can be stopped, killed and started again.

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
const ROOT = new URL('../../', import.meta.url).pathname
export const JWT_SECRET = 'fault-test-secret-0123456789abcdef0123456789'
/** One key for every API process of a test, so that a restarted process reads what the last wrote. */
const ENCRYPTION_KEYS = `fault:${Buffer.alloc(32, 7).toString('base64url')}`

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const run = promisify(execFile)

/**
 * As root, PostgreSQL must run as an unprivileged user; as anyone else, as oneself. Asynchronous,
 * so that the load keeps running while the server stops and starts.
 */
async function asPostgres (cmd: string, args: string[]): Promise<void> {
  const isRoot = process.getuid?.() === 0
  await run(isRoot ? 'runuser' : cmd, isRoot ? ['-u', 'postgres', '--', cmd, ...args] : args)
}

export interface Cluster {
  port: number
  url: string
  start: () => Promise<void>
  /** `fast`: a clean shutdown that ends every session; `immediate`: a crash, recovered from WAL at start. */
  stop: (mode: 'fast' | 'immediate') => Promise<void>
  /** Stops it (if running) and deletes its files. */
  destroy: () => Promise<void>
  /** One query on a connection of its own (to `url`, another database of this cluster, if given). */
  query: <T = Record<string, unknown>>(text: string, params?: unknown[], url?: string) => Promise<T[]>
}

/** initdb into a temporary directory and start it on a free port (about a second). */
export async function startCluster (): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'isu-fault-pg-'))
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()))
  const data = join(dir, 'data')
  await asPostgres(`${PG_BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let running = false
  const ctl = (...args: string[]) => asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, ...args])
  const cluster: Cluster = {
    port,
    url,
    async start () {
      await ctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`, '-l', join(dir, 'log'), '-w', 'start')
      running = true
    },
    async stop (mode) {
      await ctl('-m', mode, '-w', 'stop')
      running = false
    },
    async destroy () {
      try {
        if (running) await cluster.stop('immediate')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    async query (text, params, other) {
      const client = new pg.Client({ connectionString: other ?? url })
      await client.connect()
      try {
        return (await client.query(text, params)).rows
      } finally {
        await client.end()
      }
    }
  }
  await cluster.start()
  return cluster
}

export interface Api {
  url: string
  port: number
  child: ChildProcess
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null, at: number }>
  /** The process's standard error and warn-level logs, for failure messages. */
  output: () => string
}

/** The API as a child process on `databaseUrl`; resolves once /health answers 200. */
export async function startApi (databaseUrl: string, env: Record<string, string> = {}): Promise<Api> {
  const port = await freePort()
  const dataDir = join(tmpdir(), `isu-fault-data-${port}`)
  mkdirSync(dataDir, { recursive: true })
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      JWT_SECRET,
      ENCRYPTION_KEYS,
      LOG_LEVEL: 'warn',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null, at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited at start:\n${output}`)
    try {
      if ((await send(url, 'GET', '/health', { agent: false })).status === 200) break
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the API did not answer within 60 s:\n${output}`)
    }
    await sleep(100)
  }
  return { url, port, child, exited, output: () => output }
}

const sign = createSigner({ key: JWT_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })

export function bearer (claims: { sub: string, roles: string[], municipalities?: string[] }): string {
  return `Bearer ${sign(claims)}`
}

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  json: () => any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SendOptions {
  headers?: Record<string, string>
  body?: unknown
  /** false: a new connection for this request alone. */
  agent?: http.Agent | false
  timeoutMs?: number
}

/** One HTTP request; rejects with the socket error (ECONNREFUSED, ECONNRESET…) when there is no answer. */
export function send (base: string, method: string, path: string, opts: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    const req = http.request(base + path, {
      method,
      agent: opts.agent ?? false,
      headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      timeout: opts.timeoutMs ?? 30_000
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString()
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) })
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
    req.on('error', reject)
    req.end(payload)
  })
}

/** A valid 2021 record whose lists follow from `i`, so that its child rows can be checked later. */
export function faultRecord (municipality: string, caseRef: string, i: number): Record<string, unknown> {
  const problems = ['family_relationship', 'child_mental_health', 'school_problems'].slice(0, 1 + (i % 3))
  const manual = i % 2 === 0
  return {
    municipality,
    caseRef,
    formVersion: '2021',
    ageAtReferral: i % 21,
    gender: ['girl', 'boy', 'other'][i % 3],
    background: 'born_se_both_parents_se',
    referralDate: '2021-01-11',
    startDate: '2021-01-25',
    previouslyKnown: 'no',
    problems,
    otherProblem: null,
    interventions: manual ? ['traditional_family_treatment', 'other_manual_method'] : ['traditional_family_treatment'],
    manualMethods: manual ? ['Trygghetscirkeln', 'PYC'].slice(0, 1 + (i % 4 === 0 ? 1 : 0)) : [],
    otherIntervention: null,
    closingDate: '2021-09-30',
    closureReason: 'goals_met',
    closureComment: null,
    comment: null
  }
}

/** What faultRecord(…, i) stores as child rows. */
export function childCounts (i: number): { problems: number, interventions: number, methods: number } {
  const manual = i % 2 === 0
  return { problems: 1 + (i % 3), interventions: manual ? 2 : 1, methods: manual ? 1 + (i % 4 === 0 ? 1 : 0) : 0 }
}

/** Every stored case with its child row counts and whether its creation is in the audit log. */
export async function storedCases (cluster: Cluster): Promise<Array<{ case_ref: string, problems: number, interventions: number, methods: number, audited: number }>> {
  return cluster.query(`select c.case_ref,
      (select count(*)::int from case_problems p where p.case_id = c.id) as problems,
      (select count(*)::int from case_interventions i where i.case_id = c.id) as interventions,
      (select count(*)::int from case_manual_methods m where m.case_id = c.id) as methods,
      (select count(*)::int from audit_log a where a.case_ref = c.case_ref and a.municipality = c.municipality and a.action = 'case.create') as audited
    from cases c`)
}
