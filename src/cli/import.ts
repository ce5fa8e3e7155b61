import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import cliProgress from 'cli-progress'
import type { Lang } from '../domain/types.js'
import { type Rejected, rejectedLine, summary, writeRejected } from './output.js'
import { UsageError } from './validate.js'

// `isu import FILE --profile P`: client-credentials token, upload, a progress bar while the job
// runs, a summary, and FILE.rejected.csv with every row the server did not store.

export interface ImportOptions {
  url: string
  profile?: string
  mapping?: string
  clientId?: string
  clientSecret?: string
  token?: string
  pollMs: number
}

interface Problem {
  status: number
  detail?: string
  errors?: Array<{ path: string, code: string, message: string }>
}

interface Job {
  id: string
  status: 'queued' | 'running' | 'done' | 'failed'
  total: number
  processed: number
  created: number
  updated: number
  unchanged: number
  failed: number
  errors: Rejected[]
  errorsOmitted: number
}

export class ServerError extends Error {
  constructor (readonly problem: Problem) {
    super(problem.detail ?? `HTTP ${problem.status}`)
  }
}

async function call<T> (url: string, init: RequestInit): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, init)
  } catch (err) {
    throw new ServerError({ status: 0, detail: `${new URL(url).origin}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}` })
  }
  const body = await res.json().catch(() => ({})) as T & Problem
  if (!res.ok) throw new ServerError({ ...body, status: res.status })
  return body
}

async function accessToken (o: ImportOptions, headers: Record<string, string>): Promise<string> {
  if (o.token) return o.token
  if (!o.clientId || !o.clientSecret) throw new UsageError('give --client-id and --client-secret (or ISU_CLIENT_ID and ISU_CLIENT_SECRET), or --token')
  const body = await call<{ accessToken: string }>(`${o.url}/v1/auth/token`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: o.clientId, clientSecret: o.clientSecret })
  })
  return body.accessToken
}

export async function importFile (file: string, o: ImportOptions, lang: Lang): Promise<number> {
  if ((o.profile === undefined) === (o.mapping === undefined)) throw new UsageError('give --profile NAME or --mapping FILE.json')
  const content = readFileSync(file)
  const language = { 'accept-language': lang }
  const authorization = { ...language, authorization: `Bearer ${await accessToken(o, language)}` }

  const form = new FormData()
  if (o.profile !== undefined) form.append('profile', o.profile)
  else form.append('mapping', readFileSync(o.mapping as string, 'utf8'))
  form.append('file', new Blob([new Uint8Array(content)]), basename(file))
  let queued: { id: string }
  try {
    queued = await call<{ id: string }>(`${o.url}/v1/imports`, { method: 'POST', headers: authorization, body: form })
  } catch (err) {
    if (err instanceof ServerError && err.problem.status === 422 && err.problem.errors) {
      const rejected = err.problem.errors.map((e) => ({ row: null, column: null, path: e.path, code: e.code, message: e.message }))
      for (const r of rejected) process.stderr.write(`${file}: ${r.message}\n`)
      process.stderr.write(rejectedLine(writeRejected(file, rejected), lang))
    }
    throw err
  }

  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: `${basename(file)} |{bar}| {value}/{total} ${lang === 'en' ? 'rows' : 'rader'}`,
    hideCursor: true
  }, cliProgress.Presets.shades_classic)
  let job = await call<Job>(`${o.url}/v1/imports/${queued.id}`, { headers: authorization })
  bar.start(job.total, job.processed)
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, o.pollMs))
    job = await call<Job>(`${o.url}/v1/imports/${queued.id}`, { headers: authorization })
    bar.update(job.processed)
  }
  bar.stop()

  process.stdout.write(summary(`${basename(file)} (${o.profile ?? 'mapping'}, ${job.id})`, job, lang) + '\n')
  if (job.errors.length > 0) process.stdout.write(rejectedLine(writeRejected(file, job.errors), lang))
  if (job.errorsOmitted > 0) process.stdout.write(`${lang === 'en' ? 'Errors not kept by the server' : 'Fel som servern inte sparade'}: ${job.errorsOmitted}\n`)
  if (job.status === 'failed') {
    process.stderr.write(lang === 'en' ? 'The import job failed on the server; it can be run again\n' : 'Importjobbet misslyckades på servern; det kan köras igen\n')
    return 1
  }
  return job.failed > 0 ? 1 : 0
}
