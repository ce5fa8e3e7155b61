import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'

// A tiny identity provider for tests: signing keys made by jose, their public halves served as a
// JWKS on a random local port, and a count of how often the keys were fetched.

export interface TestKey {
  kid: string
  alg: 'RS256' | 'ES256' | 'PS256'
  privateKey: CryptoKey
  publicJwk: JWK
  publicPem: string
}

export async function testKey (kid: string, alg: TestKey['alg'] = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) }
}

export interface JwksServer {
  url: string
  /** How many times the key set was fetched. */
  fetches: () => number
  /** Serve these keys from now on (a rotation). */
  serve: (keys: TestKey[]) => void
  close: () => Promise<void>
}

export async function jwksServer (keys: TestKey[]): Promise<JwksServer> {
  let served = keys
  let fetches = 0
  const server = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.writeHead(404).end()
      return
    }
    fetches++
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served.map((k) => k.publicJwk) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    fetches: () => fetches,
    serve: (k) => { served = k },
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

export interface SignOptions {
  issuer: string
  audience: string
  subject?: string
  /** Seconds from now; negative for the past. */
  expiresIn?: number
  notBefore?: number
  kid?: string
}

/** A token signed with `key`, with `iss`, `aud`, `sub`, `iat`, `exp` and whatever claims are given. */
export async function signToken (key: TestKey, claims: JWTPayload, o: SignOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: o.kid ?? key.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setSubject(o.subject ?? 'u-1001')
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 300))
  if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore)
  return jwt.sign(key.privateKey)
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

/** The classic key confusion: HS256 with the provider's public key (PEM) as the HMAC secret. */
export function hs256WithPublicKey (key: TestKey, payload: JWTPayload): string {
  const head = `${b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${b64(payload)}`
  return `${head}.${createHmac('sha256', key.publicPem).update(head).digest('base64url')}`
}

/** An unsecured token (`alg: none`), no signature. */
export function unsignedToken (payload: JWTPayload, kid?: string): string {
  return `${b64({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${b64(payload)}.`
}
