import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto'

// Client secrets: 32 random bytes shown once, kept only as an scrypt hash. Parameters: N = 2^15,
// r = 8, p = 1 (32 MiB and roughly 50–100 ms a check on a server core), a 16-byte salt per secret,
// a 32-byte key. The parameters are stored with the hash, so they can be raised later without
// invalidating existing secrets.

const PARAMS = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LENGTH = 32
const SALT_LENGTH = 16

function derive (secret: string, salt: Buffer, params: { N: number, r: number, p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, options, (err, key) => { err ? reject(err) : resolve(key) })
  })
}

/** A new client secret: 32 random bytes, base64url (43 characters). */
export function newSecret (): string {
  return randomBytes(32).toString('base64url')
}

/** `scrypt$N$r$p$salt$key`, salt and key base64url. */
export async function hashSecret (secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(secret, salt, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Whether the secret matches the stored hash, compared in constant time. */
export async function verifySecret (secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !key) return false
  const expected = Buffer.from(key, 'base64url')
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

let decoy: Promise<string> | null = null

/**
 * Spends the time of a real check when there is no hash to check against (an unknown or revoked
 * client), so that the answer's timing does not tell which client ids exist.
 */
export async function verifyNothing (secret: string): Promise<false> {
  decoy ??= hashSecret(newSecret())
  await verifySecret(secret, await decoy)
  return false
}
