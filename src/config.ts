import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { envSchema } from 'env-schema'
import { Type, type Static } from 'typebox'
import { type OidcIssuer, parseOidcIssuers } from './http/oidc.js'
import { ROLES, type Role } from './domain/access.js'
import { chooseCurrentKeyId, type EncryptionKeys, newKey, parseEncryptionKeys } from './crypto/fields.js'

// Configuration comes from environment variables only (SPEC §5), validated once at boot.

const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ default: './data' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  SUPPRESSION_THRESHOLD: Type.Integer({ minimum: 2, maximum: 100, default: 5 }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  OIDC_ISSUERS: Type.Optional(Type.String({ minLength: 2 })),
  CORS_ORIGINS: Type.Optional(Type.String()),
  RATE_LIMIT_STATS_PER_MINUTE: Type.Integer({ minimum: 1, default: 240 }),
  RATE_LIMIT_TOKEN_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  RETENTION_YEARS: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  CELL_KEY_ROLES: Type.Optional(Type.String()),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  IMPORT_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: 20 * 1024 * 1024 }),
  ENCRYPTION_KEYS: Type.Optional(Type.String({ minLength: 3 })),
  ENCRYPTION_KEY_ID: Type.Optional(Type.String({ minLength: 1 }))
})
type Env = Static<typeof EnvSchema>

export interface Config {
  port: number
  host: string
  /** Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | null
  dataDir: string
  jwtSecret: string
  jwtIssuer: string | null
  logLevel: string
  suppressionThreshold: number
  /** How long in-flight requests may take to finish after SIGTERM. */
  shutdownGraceMs: number
  /** Bearer token for GET /metrics; unset: only this host may read them (src/plugins/metrics.ts). */
  metricsToken?: string | null
  /** External identity providers whose JWTs are accepted besides the local ones (none when absent). */
  oidcIssuers?: OidcIssuer[]
  /** Browser origins (dashboards) allowed to call the API cross-origin; none when absent. */
  corsOrigins?: string[]
  /** Requests per minute: per subject on the statistics routes, per client id on the token route. */
  rateLimits?: { statsPerMinute: number, tokenPerMinute: number }
  /** Records are erased this many years after their closingDate (npm run retention); 10 when absent. */
  retentionYears?: number
  /** Roles whose protected statistics use the cell key method instead of ≤4 suppression; none when absent. */
  cellKeyRoles?: Role[]
  /** The reverse proxies whose X-Forwarded-For is believed (addresses, CIDRs, `loopback`); none when absent. */
  trustProxy?: string | null
  /** The largest file POST /v1/imports accepts; 20 MB when absent. */
  importMaxBytes?: number
  /**
   * Keys for the free-text fields at rest (src/crypto/fields.ts): ENCRYPTION_KEYS and
   * ENCRYPTION_KEY_ID, or a key kept in DATA_DIR outside production. Absent (a Config built by
   * hand): the app encrypts with a key held in memory only and warns.
   */
  encryption?: EncryptionKeys
}

/** TRUST_PROXY: a list of proxy addresses; `true` would let any client choose its address. */
export function parseTrustProxy (value: string | undefined): string | null {
  if (!value) return null
  if (value === 'true' || value.split(',').some((a) => a.trim() === '0.0.0.0/0' || a.trim() === '::/0')) {
    throw new Error('TRUST_PROXY: name the proxies (addresses or CIDRs, or loopback); trusting every address lets clients choose theirs')
  }
  return value
}

/** CELL_KEY_ROLES: `dashboard,municipality_lead`; an unknown role, or admin (who reads no statistics), is refused. */
export function parseCellKeyRoles (value: string | undefined): Role[] {
  if (!value) return []
  const roles = value.split(',').map((r) => r.trim()).filter(Boolean)
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r) || r === 'admin') {
      throw new Error(`CELL_KEY_ROLES: ${r} is not a role that reads statistics (${ROLES.filter((x) => x !== 'admin').join(', ')})`)
    }
  }
  return [...new Set(roles)] as Role[]
}

/** `https://a.example,https://b.example` as exact origins; a wildcard or a path is refused. */
export function parseCorsOrigins (value: string | undefined): string[] {
  if (!value) return []
  return value.split(',').map((o) => o.trim()).filter(Boolean).map((o) => {
    let url: URL | null = null
    try {
      url = new URL(o)
    } catch {}
    if (!url || o.includes('*') || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== o.replace(/\/$/, '')) {
      throw new Error(`CORS_ORIGINS: ${o} must be an exact origin like https://dashboard.example.se (no wildcard, no path)`)
    }
    return url.origin
  })
}

/** The secret kept in DATA_DIR when JWT_SECRET is unset, created on first use (0600). */
function keptSecret (dataDir: string): string {
  const file = join(dataDir, 'jwt-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return secret
}

/**
 * ENCRYPTION_KEYS / ENCRYPTION_KEY_ID. Without them: refused in production with a database server
 * (a key next to the data protects nothing, and a lost generated key loses every free text);
 * otherwise a key is generated once and kept in DATA_DIR (0600), like the JWT secret.
 */
export function encryptionKeys (keys: string | undefined, keyId: string | undefined, opts: { production: boolean, databaseUrl: string | null, dataDir: string }): EncryptionKeys {
  if (keys) {
    const parsed = parseEncryptionKeys(keys)
    return { keys: parsed, currentKeyId: chooseCurrentKeyId(parsed, keyId) }
  }
  if (keyId) throw new Error('ENCRYPTION_KEY_ID is set but ENCRYPTION_KEYS is not')
  if (opts.production && opts.databaseUrl) {
    throw new Error('ENCRYPTION_KEYS must be set in production (NODE_ENV=production with DATABASE_URL): the free-text fields are encrypted with it')
  }
  const file = join(opts.dataDir, 'encryption-keys')
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true })
    writeFileSync(file, `local:${newKey()}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
  }
  const parsed = parseEncryptionKeys(readFileSync(file, 'utf8'))
  return { keys: parsed, currentKeyId: chooseCurrentKeyId(parsed, undefined) }
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (as compose files and shells often leave) counts as unset.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const e = envSchema<Env>({ schema: EnvSchema, data: set, dotenv: false })
  const dataDir = resolve(e.DATA_DIR)
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir,
    jwtSecret: e.JWT_SECRET ?? keptSecret(dataDir),
    jwtIssuer: e.JWT_ISSUER ?? null,
    logLevel: e.LOG_LEVEL,
    suppressionThreshold: e.SUPPRESSION_THRESHOLD,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsToken: e.METRICS_TOKEN ?? null,
    oidcIssuers: parseOidcIssuers(e.OIDC_ISSUERS, e.JWT_ISSUER ?? null),
    corsOrigins: parseCorsOrigins(e.CORS_ORIGINS),
    rateLimits: { statsPerMinute: e.RATE_LIMIT_STATS_PER_MINUTE, tokenPerMinute: e.RATE_LIMIT_TOKEN_PER_MINUTE },
    retentionYears: e.RETENTION_YEARS,
    cellKeyRoles: parseCellKeyRoles(e.CELL_KEY_ROLES),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    importMaxBytes: e.IMPORT_MAX_BYTES,
    encryption: encryptionKeys(e.ENCRYPTION_KEYS, e.ENCRYPTION_KEY_ID, { production: set.NODE_ENV === 'production', databaseUrl: e.DATABASE_URL ?? null, dataDir })
  }
}
