import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { FREE_TEXT_FIELDS, type FreeTextField } from '../domain/types.js'

// Encryption at rest of the free-text fields of a record (SPEC: otherProblem, otherIntervention,
// closureComment, comment). AES-256-GCM, a random 96-bit IV per value, stored as one text value:
//
//   enc:v1:<keyId>:<iv b64url>:<tag b64url>:<ciphertext b64url>
//
// The additional authenticated data names the field and the record (municipality, caseRef), so a
// ciphertext copied into another field or another record fails authentication instead of reading
// as that record's text. The key id travels with the value, so rotation (scripts/reencrypt.ts)
// can leave old values readable until they are rewritten. A value without the prefix was written
// before encryption existed and is read as it is.

export const ENVELOPE_PREFIX = 'enc:v1:'
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/
const IV_BYTES = 12
const TAG_BYTES = 16

export interface EncryptionKeys {
  /** Key id → 32-byte key. */
  keys: Map<string, Buffer>
  /** The key new values are written with; one of `keys`. */
  currentKeyId: string
}

/** Which record a value belongs to: part of the authenticated data. */
export interface FieldContext {
  municipality: string
  caseRef: string
}

/**
 * A stored value that cannot be read: unknown key id, malformed envelope, or failed
 * authentication (tampered, moved, or the wrong key). Its message names the field and key id
 * only, never the value, so that logging it is safe.
 */
export class FieldDecryptionError extends Error {
  readonly code = 'ISU_FIELD_DECRYPTION'
  constructor (readonly field: string, readonly keyId: string | null, readonly reason: 'unknown_key' | 'malformed' | 'authentication') {
    super(`cannot decrypt field ${field} (key id ${keyId ?? 'none'}): ${reason}`)
    this.name = 'FieldDecryptionError'
  }
}

/**
 * ENCRYPTION_KEYS as `id:base64key,id2:base64key` or a JSON object `{"id": "base64key"}` (base64
 * or base64url); every key must be 32 bytes. Throws with a message that never holds a key.
 */
export function parseEncryptionKeys (value: string): Map<string, Buffer> {
  const text = value.trim()
  let pairs: Array<[string, unknown]>
  if (text.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new Error('ENCRYPTION_KEYS: not valid JSON')
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('ENCRYPTION_KEYS: expected an object of key id to base64 key')
    pairs = Object.entries(parsed)
  } else {
    pairs = text.split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
      const at = p.indexOf(':')
      if (at < 0) throw new Error('ENCRYPTION_KEYS: expected id:base64key pairs separated by commas')
      return [p.slice(0, at).trim(), p.slice(at + 1).trim()]
    })
  }
  const keys = new Map<string, Buffer>()
  for (const [id, encoded] of pairs) {
    if (!KEY_ID.test(id)) throw new Error(`ENCRYPTION_KEYS: key id ${JSON.stringify(id.slice(0, 40))} must be 1–32 letters, digits, _ or -`)
    if (keys.has(id)) throw new Error(`ENCRYPTION_KEYS: key id ${id} appears twice`)
    if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw new Error(`ENCRYPTION_KEYS: key ${id} is not base64`)
    const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    if (key.length !== 32) throw new Error(`ENCRYPTION_KEYS: key ${id} must be 32 bytes (AES-256), it is ${key.length}`)
    keys.set(id, key)
  }
  if (keys.size === 0) throw new Error('ENCRYPTION_KEYS: no key given')
  return keys
}

/** The key id new writes use: ENCRYPTION_KEY_ID, or the only key when there is one. */
export function chooseCurrentKeyId (keys: Map<string, Buffer>, keyId: string | undefined): string {
  if (keyId !== undefined) {
    if (!keys.has(keyId)) throw new Error(`ENCRYPTION_KEY_ID: ${keyId} is not among the ENCRYPTION_KEYS (${[...keys.keys()].join(', ')})`)
    return keyId
  }
  if (keys.size === 1) return [...keys.keys()][0]
  throw new Error(`ENCRYPTION_KEY_ID: several ENCRYPTION_KEYS (${[...keys.keys()].join(', ')}); name the one new values are written with`)
}

/** A fresh key as ENCRYPTION_KEYS writes it (base64url, 32 bytes). */
export function newKey (): string {
  return randomBytes(32).toString('base64url')
}

function aad (field: string, ctx: FieldContext): Buffer {
  // JSON-encoded parts, so that no two (field, municipality, caseRef) give the same bytes.
  return Buffer.from(JSON.stringify(['isu-free-text', 1, field, ctx.municipality, ctx.caseRef]), 'utf8')
}

export const isEnvelope = (stored: string | null | undefined): stored is string =>
  typeof stored === 'string' && stored.startsWith(ENVELOPE_PREFIX)

/** The key id of a stored envelope; null for a plain (legacy) value. */
export function keyIdOf (stored: string | null): string | null {
  if (!isEnvelope(stored)) return null
  const end = stored.indexOf(':', ENVELOPE_PREFIX.length)
  return end < 0 ? null : stored.slice(ENVELOPE_PREFIX.length, end)
}

export interface FieldCipher {
  readonly currentKeyId: string
  encrypt (field: FreeTextField, value: string | null, ctx: FieldContext): string | null
  /** The plaintext of a stored value; a plain legacy value as it is. Throws FieldDecryptionError. */
  decrypt (field: FreeTextField, stored: string | null, ctx: FieldContext): string | null
  /** The record with its free-text fields encrypted (other fields as they are). */
  encryptRecord<T extends FieldContext & Record<FreeTextField, string | null>> (r: T): T
  decryptRecord<T extends FieldContext & Record<FreeTextField, string | null>> (r: T): T
  /** True when the value is stored plain or under another key than the current one. */
  needsRewrite (stored: string | null): boolean
}

export function fieldCipher (config: EncryptionKeys): FieldCipher {
  const current = config.keys.get(config.currentKeyId)
  if (!current) throw new Error(`encryption: the current key id ${config.currentKeyId} has no key`)
  const currentKeyId = config.currentKeyId

  function encrypt (field: FreeTextField, value: string | null, ctx: FieldContext): string | null {
    if (value === null) return null
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', current!, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(aad(field, ctx))
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
    return `${ENVELOPE_PREFIX}${currentKeyId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`
  }

  function decrypt (field: FreeTextField, stored: string | null, ctx: FieldContext): string | null {
    if (!isEnvelope(stored)) return stored ?? null
    const parts = stored.slice(ENVELOPE_PREFIX.length).split(':')
    if (parts.length !== 4) throw new FieldDecryptionError(field, null, 'malformed')
    const [keyId, ivText, tagText, bodyText] = parts
    if (!KEY_ID.test(keyId)) throw new FieldDecryptionError(field, null, 'malformed')
    const key = config.keys.get(keyId)
    if (!key) throw new FieldDecryptionError(field, keyId, 'unknown_key')
    const iv = Buffer.from(ivText, 'base64url')
    const tag = Buffer.from(tagText, 'base64url')
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new FieldDecryptionError(field, keyId, 'malformed')
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
      decipher.setAAD(aad(field, ctx))
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      throw new FieldDecryptionError(field, keyId, 'authentication')
    }
  }

  function mapRecord<T extends FieldContext & Record<FreeTextField, string | null>> (r: T, f: typeof encrypt): T {
    const out = { ...r }
    for (const field of FREE_TEXT_FIELDS) out[field] = f(field, r[field], r) as T[FreeTextField]
    return out
  }

  return {
    currentKeyId,
    encrypt,
    decrypt,
    encryptRecord: (r) => mapRecord(r, encrypt),
    decryptRecord: (r) => mapRecord(r, decrypt),
    needsRewrite: (stored) => stored !== null && keyIdOf(stored) !== currentKeyId
  }
}
