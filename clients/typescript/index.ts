// ISU Register SDK: a typed client for the REST API, on openapi-fetch with the types generated from
// openapi/openapi.json (schema.d.ts, `npm run sdk`). `api` is the full typed client (every path,
// parameter, body and answer checked by the compiler); the helpers below cover the common calls
// and throw an IsuApiError carrying the problem+json body when the answer is not 2xx.
//
// Authentication: a fixed bearer token, or an API client's id and secret (client-credentials),
// for which a token is fetched on first use, shared by concurrent calls, and fetched anew shortly
// before it expires. A 401 on a call made with such a token (the server restarted with another
// key, clocks that disagree) fetches a new token and repeats the call once.
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from './schema.js'

export type { components, paths }
export type Problem = components['schemas']['Problem']
export type SuxRecord = components['schemas']['SuxRecord']

type CasePath = paths['/v1/municipalities/{code}/cases/{caseRef}']
/** A record as submitted (PUT, POST, batch items). */
export type RecordInput = CasePath['put']['requestBody']['content']['application/json']
export type PutCaseAnswer = CasePath['put']['responses'][200]['content']['application/json']
export type BatchAnswer = paths['/v1/cases/batch']['post']['responses'][200]['content']['application/json']
type StatsGet = paths['/v1/stats/{table}']['get']
export type StatsTableName = StatsGet['parameters']['path']['table']
/** Filters of a statistics table (SPEC §3); lists are sent as repeated query parameters. */
export type StatsFilters = Omit<NonNullable<StatsGet['parameters']['query']>, 'format'>
export type StatsTable = components['schemas']['StatsTable']
export type TokenAnswer = paths['/v1/auth/token']['post']['responses'][200]['content']['application/json']

export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

export interface IsuClientOptions {
  /** Where the API is, e.g. `https://isu.example.se` (the paths start with /v1). */
  baseUrl: string
  /** A bearer token to send as it is (a person's token, or one fetched elsewhere). */
  token?: string
  /** An API client's id and secret: tokens are fetched from POST /v1/auth/token and renewed. */
  clientCredentials?: ClientCredentials
  /** `sv` (the default of the service) or `en`: the language of problem messages and labels. */
  language?: 'sv' | 'en'
  /** A token is renewed when it has less than this left (seconds; default 60, at most half its life). */
  refreshMarginSeconds?: number
  /** Replaces the global fetch (proxies, tests). */
  fetch?: (request: Request) => Promise<Response>
  /** The clock, in milliseconds (tests). */
  now?: () => number
}

/** An answer that was not 2xx: its status and the problem+json body (RFC 9457) the service sent. */
export class IsuApiError extends Error {
  readonly status: number
  readonly problem: Problem

  constructor (status: number, problem: Problem) {
    const fields = problem.errors?.map((e) => `${e.path} ${e.code}`).join(', ')
    super(`${status} ${problem.title}: ${problem.detail}${fields ? ` (${fields})` : ''}`)
    this.name = 'IsuApiError'
    this.status = status
    this.problem = problem
  }
}

/** Turns any error body into a Problem: the service sends problem+json, a proxy may not. */
function asProblem (status: number, body: unknown, statusText: string): Problem {
  if (typeof body === 'object' && body !== null && typeof (body as Problem).detail === 'string') return body as Problem
  return { type: 'about:blank', title: statusText || 'Error', status, detail: typeof body === 'string' && body ? body.slice(0, 500) : statusText }
}

/** The data of an openapi-fetch answer, or an IsuApiError. */
function dataOf<T> (answer: { data?: T, error?: unknown, response: Response }): T {
  if (answer.response.ok) return answer.data as T
  throw new IsuApiError(answer.response.status, asProblem(answer.response.status, answer.error, answer.response.statusText))
}

export type IsuClient = ReturnType<typeof createIsuClient>

export function createIsuClient (options: IsuClientOptions) {
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request))
  const now = options.now ?? Date.now
  const credentials = options.clientCredentials
  if (options.token && credentials) throw new Error('createIsuClient: give either token or clientCredentials, not both')
  const language = options.language ? { 'accept-language': options.language } : undefined

  // The token endpoint is called without a token, through a client of its own.
  const tokenClient = createClient<paths>({ baseUrl: options.baseUrl, fetch: baseFetch, headers: language })
  let current: { token: string, renewAt: number } | null = null
  let pending: Promise<string> | null = null

  async function fetchToken (): Promise<string> {
    const asked = now()
    const answer = dataOf(await tokenClient.POST('/v1/auth/token', { body: credentials as ClientCredentials }))
    const margin = Math.min(options.refreshMarginSeconds ?? 60, answer.expiresIn / 2)
    current = { token: answer.accessToken, renewAt: asked + (answer.expiresIn - margin) * 1000 }
    return answer.accessToken
  }

  /** The bearer token to send now; fetched or renewed when needed, one fetch for concurrent callers. */
  async function token (): Promise<string | null> {
    if (!credentials) return options.token ?? null
    if (current && now() < current.renewAt) return current.token
    pending ??= fetchToken().finally(() => { pending = null })
    return pending
  }

  async function authorisedFetch (request: Request): Promise<Response> {
    const retry = credentials ? request.clone() : null
    const bearer = await token()
    if (bearer) request.headers.set('authorization', `Bearer ${bearer}`)
    const response = await baseFetch(request)
    if (response.status !== 401 || !retry) return response
    // Refused although the token looked valid here: fetch another and try once more.
    current = null
    retry.headers.set('authorization', `Bearer ${await token()}`)
    return baseFetch(retry)
  }

  const api: Client<paths> = createClient<paths>({ baseUrl: options.baseUrl, fetch: authorisedFetch, headers: language })

  return {
    /** The typed openapi-fetch client: `api.GET('/v1/cases', { params: { query: { year: 2021 } } })`. */
    api,

    /** The current access token (fetched or renewed first when client credentials are used). */
    token,

    /** Creates (created: true) or replaces a record at its address; ifMatch replaces only that version. */
    async putCase (record: RecordInput, opts: { ifMatch?: string, ifNoneMatch?: '*' } = {}): Promise<PutCaseAnswer & { created: boolean, etag: string | null }> {
      const header: { 'if-match'?: string, 'if-none-match'?: string } = {}
      if (opts.ifMatch) header['if-match'] = opts.ifMatch
      if (opts.ifNoneMatch) header['if-none-match'] = opts.ifNoneMatch
      const answer = await api.PUT('/v1/municipalities/{code}/cases/{caseRef}', {
        params: { path: { code: record.municipality, caseRef: record.caseRef }, header },
        body: record
      })
      const data = dataOf(answer)
      return { ...data, created: answer.response.status === 201, etag: answer.response.headers.get('etag') }
    },

    /** One record with its ETag (for ifMatch). */
    async getCase (municipality: string, caseRef: string): Promise<{ record: SuxRecord, etag: string | null }> {
      const answer = await api.GET('/v1/municipalities/{code}/cases/{caseRef}', { params: { path: { code: municipality, caseRef } } })
      return { record: dataOf(answer), etag: answer.response.headers.get('etag') }
    },

    /**
     * Up to 5,000 records at once, answered item by item (created, updated, unchanged or failed
     * with its errors). Failed items do not throw: the answer lists them. Split larger sets.
     */
    async batch (records: RecordInput[]): Promise<BatchAnswer> {
      return dataOf(await api.POST('/v1/cases/batch', { body: records }))
    },

    /** One statistics table as JSON, e.g. stats('closure-reasons', { year: 2021, municipality: ['2184'] }). */
    async stats (table: StatsTableName, filters: StatsFilters = {}): Promise<StatsTable> {
      // Asked for as JSON, so the answer is the JSON table (CSV and XLSX are other media types of the path).
      const answer = await api.GET('/v1/stats/{table}', { params: { path: { table }, query: filters }, headers: { accept: 'application/json' } })
      return dataOf(answer) as StatsTable
    }
  }
}
