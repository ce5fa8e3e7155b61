import { createHash } from 'node:crypto'
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, type JSONWebKeySet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { type Actor, ROLES, type Role } from '../domain/access.js'

// Tokens from a municipality's own identity provider (OIDC), verified against its published keys
// (JWKS) with jose. Which claim holds the roles or groups, and how their values map to the roles
// and municipalities of SPEC §1, is configuration (OIDC_ISSUERS, JSON), since every provider
// names them differently. Only asymmetric algorithms: with an external issuer, HS256 would mean
// sharing a secret, and accepting it would let anyone holding the public key forge tokens.

export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const

const Code = Type.String({ pattern: '^[0-9]{4}$' })
const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)))
const ClaimPath = Type.String({ pattern: '^[A-Za-z0-9_:/.-]{1,100}$', description: 'A claim name; dots walk into objects (realm_access.roles)' })

export const OidcIssuerSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'Short name; subjects become oidc:<name>:<sub>' }),
  issuer: Type.String({ minLength: 1, maxLength: 500, description: 'The exact `iss` of its tokens' }),
  audience: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
  jwksUri: Type.Optional(Type.String({ pattern: '^https?://' })),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1 }) })),
  algorithms: Type.Optional(Type.Array(Type.Union(EXTERNAL_ALGORITHMS.map((a) => Type.Literal(a))), { minItems: 1 })),
  clockSkewSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
  subjectClaim: Type.Optional(ClaimPath),
  rolesClaim: Type.Optional(ClaimPath),
  roleMap: Type.Optional(Type.Record(Type.String(), RoleName)),
  municipalitiesClaim: Type.Optional(ClaimPath),
  municipalityMap: Type.Optional(Type.Record(Type.String(), Code)),
  municipalities: Type.Optional(Type.Array(Code, { maxItems: 300 })),
  jwksCacheSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  jwksCooldownSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 }))
}, { additionalProperties: false })

export type OidcIssuerInput = Static<typeof OidcIssuerSchema>

/** An issuer with its defaults filled in. */
export interface OidcIssuer {
  name: string
  issuer: string
  audience: string | string[]
  jwksUri: string | null
  jwks: JSONWebKeySet | null
  algorithms: Array<typeof EXTERNAL_ALGORITHMS[number]>
  clockSkewSeconds: number
  subjectClaim: string
  rolesClaim: string
  /** Claim value → role; absent: values that are role names are taken as they are. */
  roleMap: Record<string, Role> | null
  municipalitiesClaim: string | null
  /** Claim value → municipality code; absent: values that are four-digit codes are taken as they are. */
  municipalityMap: Record<string, string> | null
  /** Municipalities every subject of this issuer acts for (a municipality's own provider). */
  municipalities: string[]
  jwksCacheSeconds: number
  jwksCooldownSeconds: number
}

const issuersValid = Compile(Type.Array(OidcIssuerSchema, { maxItems: 50 }))

function loopback (url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
}

/** OIDC_ISSUERS (a JSON array) checked at boot: a mistake stops the server with the offending path. */
export function parseOidcIssuers (json: string | undefined, localIssuer: string | null): OidcIssuer[] {
  if (!json) return []
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new Error('OIDC_ISSUERS is not valid JSON')
  }
  if (!issuersValid.Check(value)) {
    const [first] = issuersValid.Errors(value)
    throw new Error(`OIDC_ISSUERS${first?.instancePath ?? ''}: ${first?.message ?? 'not valid'}`)
  }
  const names = new Set<string>()
  const issuers = new Set<string>()
  return value.map((i, n) => {
    const where = `OIDC_ISSUERS/${n}`
    if (names.has(i.name) || issuers.has(i.issuer)) throw new Error(`${where}: name and issuer must be unique`)
    names.add(i.name)
    issuers.add(i.issuer)
    if (i.issuer === localIssuer) throw new Error(`${where}: the issuer is the service's own JWT_ISSUER`)
    if ((i.jwksUri === undefined) === (i.jwks === undefined)) throw new Error(`${where}: give exactly one of jwksUri and jwks`)
    if (i.jwksUri !== undefined) {
      const url = new URL(i.jwksUri)
      // Keys fetched over plain HTTP could be swapped on the way; only a local test server may.
      if (url.protocol !== 'https:' && !loopback(url)) throw new Error(`${where}/jwksUri: must be https`)
    }
    return {
      name: i.name,
      issuer: i.issuer,
      audience: i.audience,
      jwksUri: i.jwksUri ?? null,
      jwks: (i.jwks as JSONWebKeySet | undefined) ?? null,
      algorithms: i.algorithms ?? ['RS256', 'PS256', 'ES256'],
      clockSkewSeconds: i.clockSkewSeconds ?? 60,
      subjectClaim: i.subjectClaim ?? 'sub',
      rolesClaim: i.rolesClaim ?? 'roles',
      roleMap: i.roleMap ?? null,
      municipalitiesClaim: i.municipalitiesClaim ?? null,
      municipalityMap: i.municipalityMap ?? null,
      municipalities: i.municipalities ?? [],
      jwksCacheSeconds: i.jwksCacheSeconds ?? 600,
      jwksCooldownSeconds: i.jwksCooldownSeconds ?? 30
    }
  })
}

/** Why an external token was refused; the reason goes to the log and the audit, never the token. */
export type OidcRefusal =
  | 'expired' | 'not_yet_valid' | 'wrong_audience' | 'invalid' | 'bad_subject'
  | 'no_role' | 'no_municipality' | 'keys_unavailable'

export type OidcOutcome =
  | { ok: true, actor: Actor, issuer: string, exp: number }
  | { ok: false, reason: OidcRefusal, issuer: string }

function claimAt (payload: JWTPayload, path: string): unknown {
  let value: unknown = payload
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

/** A claim's values: a string, or the strings of an array (anything else counts as none). */
function claimValues (payload: JWTPayload, path: string | null): string[] {
  if (path === null) return []
  const value = claimAt(payload, path)
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').slice(0, 500)
  return []
}

/** The SPEC roles and municipalities a verified token maps to under the issuer's configuration. */
export function mapClaims (cfg: OidcIssuer, payload: JWTPayload): { roles: Role[], municipalities: string[] } {
  const roles = new Set<Role>()
  for (const v of claimValues(payload, cfg.rolesClaim)) {
    const role = cfg.roleMap ? (Object.hasOwn(cfg.roleMap, v) ? cfg.roleMap[v] : undefined) : (ROLES as readonly string[]).includes(v) ? v as Role : undefined
    if (role) roles.add(role)
  }
  const municipalities = new Set(cfg.municipalities)
  for (const v of claimValues(payload, cfg.municipalitiesClaim)) {
    const code = cfg.municipalityMap ? (Object.hasOwn(cfg.municipalityMap, v) ? cfg.municipalityMap[v] : undefined) : /^[0-9]{4}$/.test(v) ? v : undefined
    if (code) municipalities.add(code)
  }
  return { roles: ROLES.filter((r) => roles.has(r)), municipalities: [...municipalities].sort() }
}

const NEEDS_MUNICIPALITY: ReadonlySet<Role> = new Set(['registrant', 'integration', 'municipality_lead'])

function refusalOf (err: unknown): OidcRefusal {
  if (err instanceof errors.JWTExpired) return 'expired'
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return 'not_yet_valid'
    if (err.claim === 'aud') return 'wrong_audience'
    return 'invalid'
  }
  // Keys that cannot be fetched (timeout, network, garbage) are the provider's trouble, not the caller's.
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) return 'keys_unavailable'
  return 'invalid'
}

export function oidcVerifier (issuers: OidcIssuer[]) {
  const keys = new Map<string, JWTVerifyGetKey>()
  const byIssuer = new Map(issuers.map((i) => [i.issuer, i]))
  for (const i of issuers) {
    keys.set(i.name, i.jwks
      ? createLocalJWKSet(i.jwks)
      // jose keeps the keys for cacheMaxAge, and fetches again for a kid it has not seen (a rotation),
      // at most once per cooldown, so a stream of made-up kids cannot make it hammer the provider.
      : createRemoteJWKSet(new URL(i.jwksUri as string), {
        cacheMaxAge: i.jwksCacheSeconds * 1000,
        cooldownDuration: i.jwksCooldownSeconds * 1000,
        timeoutDuration: 5_000
      }))
  }

  return {
    /** The configured issuer a token names (not yet verified); null for tokens of this service. */
    issuerOf (token: string): OidcIssuer | null {
      try {
        const { iss } = decodeJwt(token)
        return typeof iss === 'string' ? byIssuer.get(iss) ?? null : null
      } catch {
        return null
      }
    },

    async verify (token: string, cfg: OidcIssuer): Promise<OidcOutcome> {
      let payload: JWTPayload
      try {
        ({ payload } = await jwtVerify(token, keys.get(cfg.name) as JWTVerifyGetKey, {
          issuer: cfg.issuer,
          audience: cfg.audience,
          algorithms: [...cfg.algorithms],
          clockTolerance: cfg.clockSkewSeconds,
          requiredClaims: ['exp']
        }))
      } catch (err) {
        return { ok: false, reason: refusalOf(err), issuer: cfg.name }
      }
      const subject = claimAt(payload, cfg.subjectClaim)
      // eslint-disable-next-line no-control-regex
      if (typeof subject !== 'string' || subject.length === 0 || subject.length > 150 || /[\u0000-\u001f\u007f]/.test(subject)) {
        return { ok: false, reason: 'bad_subject', issuer: cfg.name }
      }
      const { roles, municipalities } = mapClaims(cfg, payload)
      if (roles.length === 0) return { ok: false, reason: 'no_role', issuer: cfg.name }
      if (municipalities.length === 0 && roles.every((r) => NEEDS_MUNICIPALITY.has(r))) {
        return { ok: false, reason: 'no_municipality', issuer: cfg.name }
      }
      return {
        ok: true,
        actor: { sub: `oidc:${cfg.name}:${subject}`, roles, municipalities },
        issuer: cfg.name,
        exp: payload.exp as number
      }
    }
  }
}

export type OidcVerifier = ReturnType<typeof oidcVerifier>

/**
 * Tokens seen lately (by hash), so that the first use of an external token is audited once, not
 * every request. Bounded: the oldest are forgotten first, which at worst audits a token twice.
 */
export function seenTokens (max = 10_000) {
  const seen = new Map<string, number>()
  return {
    /** True the first time a token is offered (until it expires or is pushed out). */
    first (token: string, exp: number, nowSeconds = Date.now() / 1000): boolean {
      const key = createHash('sha256').update(token).digest('base64url').slice(0, 32)
      const known = seen.get(key)
      if (known !== undefined && known > nowSeconds) return false
      if (seen.size >= max) seen.delete(seen.keys().next().value as string)
      seen.set(key, exp)
      return true
    }
  }
}
