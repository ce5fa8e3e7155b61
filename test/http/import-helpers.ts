import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import iconv from 'iconv-lite'
import { auth, type TokenClaims } from '../helper.js'

// Shared by the import tests: uploading a file as a form, waiting for its job, the fixtures.

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'imports')

export const fixture = (name: string) => readFileSync(join(FIXTURES, name))
export const expected = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Array<Record<string, unknown>>

/** A Windows-1252 fixture as text, and text back to Windows-1252 bytes. */
export const text1252 = (name: string) => iconv.decode(fixture(name), 'windows-1252')
export const bytes1252 = (text: string) => iconv.encode(text, 'windows-1252')

export const integration: TokenClaims = { sub: 'client:treserva', roles: ['integration'], municipalities: ['2184', '2182', '2161', '2180', '2183'] }

export interface JobBody {
  id: string
  status: string
  profile: string
  total: number
  processed: number
  created: number
  updated: number
  unchanged: number
  failed: number
  errors: Array<{ row: number | null, column: string | null, path: string, code: string, message: string }>
  errorsOmitted: number
}

export interface UploadForm {
  file: Buffer | string
  filename?: string
  profile?: string
  mapping?: string
}

export function form (f: UploadForm): FormData {
  const data = new FormData()
  if (f.profile !== undefined) data.append('profile', f.profile)
  if (f.mapping !== undefined) data.append('mapping', f.mapping)
  data.append('file', new Blob([new Uint8Array(typeof f.file === 'string' ? Buffer.from(f.file) : f.file)]), f.filename ?? 'export.csv')
  return data
}

export async function upload (app: FastifyInstance, claims: TokenClaims, f: UploadForm, lang = 'sv') {
  return app.inject({ method: 'POST', url: '/v1/imports', headers: { ...auth(app, claims), 'accept-language': lang }, payload: form(f) })
}

export async function job (app: FastifyInstance, claims: TokenClaims, id: string, lang = 'sv'): Promise<JobBody> {
  const res = await app.inject({ method: 'GET', url: `/v1/imports/${id}`, headers: { ...auth(app, claims), 'accept-language': lang } })
  if (res.statusCode !== 200) throw new Error(`GET job answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

/** Polls the job until it is done or failed. */
export async function finished (app: FastifyInstance, claims: TokenClaims, id: string, lang = 'sv'): Promise<JobBody> {
  const until = Date.now() + 60_000
  for (;;) {
    const body = await job(app, claims, id, lang)
    if (body.status === 'done' || body.status === 'failed') return body
    if (Date.now() > until) throw new Error(`job ${id} still ${body.status} after 60 s`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Uploads and waits; fails the test's expectations loudly when the upload is refused. */
export async function importFile (app: FastifyInstance, claims: TokenClaims, f: UploadForm, lang = 'sv'): Promise<JobBody> {
  const res = await upload(app, claims, f, lang)
  if (res.statusCode !== 202) throw new Error(`upload answered ${res.statusCode}: ${res.body}`)
  return finished(app, claims, res.json().id, lang)
}

/** A record in generic-profile CSV: `|` joins lists, an empty cell is null. */
export function genericCsv (records: Array<Record<string, unknown>>, delimiter = ','): string {
  const fields = ['municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'background', 'referralDate', 'startDate', 'previouslyKnown',
    'problems', 'otherProblem', 'interventions', 'manualMethods', 'otherIntervention', 'closingDate', 'closureReason', 'closureComment', 'comment']
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v)
    return /[",;\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  return [fields.join(delimiter), ...records.map((r) => fields.map((f) => cell(r[f])).join(delimiter))].join('\n') + '\n'
}
