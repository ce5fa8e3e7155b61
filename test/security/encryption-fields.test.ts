import t from 'tap'
import { encryptionKeys } from '../../src/config.js'
import {
  chooseCurrentKeyId, ENVELOPE_PREFIX, FieldDecryptionError, fieldCipher, keyIdOf, newKey, parseEncryptionKeys
} from '../../src/crypto/fields.js'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// src/crypto/fields.ts on its own: the envelope, what the authenticated data binds, key handling.

const K1 = Buffer.alloc(32, 7)
const K2 = Buffer.alloc(32, 9)
const ctx = { municipality: '2184', caseRef: 'HU-2021-0001' }
const TEXT = 'Pappan har missbruksproblem – åäö 👪'

const envelopeRe = /^enc:v1:([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]*)$/

t.test('round trip, with a fresh IV for every value', async (t) => {
  const c = fieldCipher({ keys: new Map([['k1', K1]]), currentKeyId: 'k1' })
  const a = c.encrypt('comment', TEXT, ctx)!
  const b = c.encrypt('comment', TEXT, ctx)!
  const m = envelopeRe.exec(a)
  t.ok(m, 'the envelope has the documented shape')
  t.equal(m![1], 'k1', 'key id stored with the value')
  t.equal(Buffer.from(m![2], 'base64url').length, 12, '96-bit IV')
  t.equal(Buffer.from(m![3], 'base64url').length, 16, '128-bit tag')
  t.not(a, b, 'two encryptions of one text differ')
  t.notMatch(a, 'missbruk')
  t.equal(c.decrypt('comment', a, ctx), TEXT)
  t.equal(c.decrypt('comment', b, ctx), TEXT)
  t.equal(c.encrypt('comment', null, ctx), null, 'null stays null')
  t.equal(c.decrypt('comment', null, ctx), null)
  t.equal(c.decrypt('comment', c.encrypt('comment', '', ctx), ctx), '', 'an empty string survives')
  t.equal(keyIdOf(a), 'k1')
  t.equal(keyIdOf('plain text'), null)
})

t.test('a plain value written before encryption reads as it is', async (t) => {
  const c = fieldCipher({ keys: new Map([['k1', K1]]), currentKeyId: 'k1' })
  t.equal(c.decrypt('comment', 'gammal kommentar', ctx), 'gammal kommentar')
  t.equal(c.needsRewrite('gammal kommentar'), true)
  t.equal(c.needsRewrite(c.encrypt('comment', 'x', ctx)), false)
  t.equal(c.needsRewrite(null), false)
})

t.test('the authenticated data binds the value to its field and record', async (t) => {
  const c = fieldCipher({ keys: new Map([['k1', K1]]), currentKeyId: 'k1' })
  const v = c.encrypt('otherProblem', TEXT, ctx)
  t.throws(() => c.decrypt('comment', v, ctx), { name: 'FieldDecryptionError', reason: 'authentication', field: 'comment', keyId: 'k1' }, 'another field')
  t.throws(() => c.decrypt('otherProblem', v, { ...ctx, caseRef: 'HU-2021-0002' }), { name: 'FieldDecryptionError', reason: 'authentication' }, 'another record')
  t.throws(() => c.decrypt('otherProblem', v, { ...ctx, municipality: '2182' }), { name: 'FieldDecryptionError', reason: 'authentication' }, 'another municipality')
  t.equal(c.decrypt('otherProblem', v, ctx), TEXT)
})

t.test('tampering is detected, and the error never holds the value', async (t) => {
  const c = fieldCipher({ keys: new Map([['k1', K1]]), currentKeyId: 'k1' })
  const v = c.encrypt('comment', TEXT, ctx)!
  const [, keyId, iv, tag, body] = envelopeRe.exec(v)!
  const flip = (s: string) => {
    const b = Buffer.from(s, 'base64url')
    b[0] ^= 1
    return b.toString('base64url')
  }
  const cases: Array<[string, string, string]> = [
    ['ciphertext', `${ENVELOPE_PREFIX}${keyId}:${iv}:${tag}:${flip(body)}`, 'authentication'],
    ['tag', `${ENVELOPE_PREFIX}${keyId}:${iv}:${flip(tag)}:${body}`, 'authentication'],
    ['iv', `${ENVELOPE_PREFIX}${keyId}:${flip(iv)}:${tag}:${body}`, 'authentication'],
    ['truncated tag', `${ENVELOPE_PREFIX}${keyId}:${iv}:${tag.slice(0, 10)}:${body}`, 'malformed'],
    ['missing part', `${ENVELOPE_PREFIX}${keyId}:${iv}:${body}`, 'malformed'],
    ['shortened ciphertext', `${ENVELOPE_PREFIX}${keyId}:${iv}:${tag}:${body.slice(0, -4)}`, 'authentication']
  ]
  for (const [what, stored, reason] of cases) {
    let err: unknown = null
    try {
      c.decrypt('comment', stored, ctx)
    } catch (e) {
      err = e
    }
    t.ok(err instanceof FieldDecryptionError, `${what}: refused`)
    t.equal((err as FieldDecryptionError).reason, reason, `${what}: ${reason}`)
    t.notMatch((err as Error).message, /missbruk|Pappan/, `${what}: no plaintext in the message`)
    t.notMatch((err as Error).message, body.slice(0, 12), `${what}: no ciphertext in the message`)
  }
})

t.test('an unknown key id and a wrong key are refused with the key id named', async (t) => {
  const writer = fieldCipher({ keys: new Map([['k1', K1]]), currentKeyId: 'k1' })
  const v = writer.encrypt('comment', TEXT, ctx)
  const other = fieldCipher({ keys: new Map([['k2', K2]]), currentKeyId: 'k2' })
  t.throws(() => other.decrypt('comment', v, ctx), { reason: 'unknown_key', keyId: 'k1', message: 'cannot decrypt field comment (key id k1): unknown_key' })
  const wrongKey = fieldCipher({ keys: new Map([['k1', K2]]), currentKeyId: 'k1' })
  t.throws(() => wrongKey.decrypt('comment', v, ctx), { name: 'FieldDecryptionError', reason: 'authentication', keyId: 'k1' })
  const both = fieldCipher({ keys: new Map([['k1', K1], ['k2', K2]]), currentKeyId: 'k2' })
  t.equal(both.decrypt('comment', v, ctx), TEXT, 'an old key still reads')
  t.equal(keyIdOf(both.encrypt('comment', TEXT, ctx)), 'k2', 'new values take the current key')
  t.equal(both.needsRewrite(v), true)
})

t.test('records: free-text fields only', async (t) => {
  const c = fieldCipher({ keys: new Map([['k1', K1]]), currentKeyId: 'k1' })
  const r = { ...ctx, gender: 'girl', otherProblem: 'a', otherIntervention: null, closureComment: 'c', comment: 'd' }
  const sealed = c.encryptRecord(r)
  t.equal(sealed.gender, 'girl')
  t.equal(sealed.otherIntervention, null)
  for (const f of ['otherProblem', 'closureComment', 'comment'] as const) t.match(sealed[f], /^enc:v1:k1:/)
  t.same(c.decryptRecord(sealed), r)
  t.equal(r.comment, 'd', 'the input is not changed')
})

t.test('ENCRYPTION_KEYS parsing', async (t) => {
  const a = newKey()
  const b = Buffer.alloc(32, 3).toString('base64')
  const list = parseEncryptionKeys(`old:${a}, new:${b}`)
  t.same([...list.keys()], ['old', 'new'])
  t.same(list.get('new'), Buffer.alloc(32, 3))
  t.same([...parseEncryptionKeys(JSON.stringify({ j1: a })).keys()], ['j1'], 'JSON form')
  t.throws(() => parseEncryptionKeys(`k:${Buffer.alloc(16).toString('base64')}`), /32 bytes/)
  t.throws(() => parseEncryptionKeys(`k:${a},k:${a}`), /twice/)
  t.throws(() => parseEncryptionKeys(`bad id:${a}`), /key id/)
  t.throws(() => parseEncryptionKeys(`k:not base64!`), /not base64/)
  t.throws(() => parseEncryptionKeys('{"k": 3}'), /not base64/)
  t.throws(() => parseEncryptionKeys('{nope'), /not valid JSON/)
  const err = (() => { try { parseEncryptionKeys(`k:${a.slice(0, 20)}`) } catch (e) { return (e as Error).message } })()
  t.notMatch(err ?? '', a.slice(0, 20), 'no key material in the message')
  t.equal(chooseCurrentKeyId(list, 'new'), 'new')
  t.throws(() => chooseCurrentKeyId(list, undefined), /ENCRYPTION_KEY_ID/, 'several keys need the current one named')
  t.throws(() => chooseCurrentKeyId(list, 'gone'), /not among/)
  t.equal(chooseCurrentKeyId(parseEncryptionKeys(`only:${a}`), undefined), 'only')
})

t.test('configuration without keys: refused in production with a server, else kept in DATA_DIR', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'isu-enc-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  t.throws(() => encryptionKeys(undefined, undefined, { production: true, databaseUrl: 'postgres://x/y', dataDir }), /ENCRYPTION_KEYS must be set in production/)
  t.throws(() => encryptionKeys(undefined, 'k1', { production: false, databaseUrl: null, dataDir }), /ENCRYPTION_KEY_ID is set/)
  const first = encryptionKeys(undefined, undefined, { production: false, databaseUrl: null, dataDir })
  const second = encryptionKeys(undefined, undefined, { production: true, databaseUrl: null, dataDir })
  t.equal(first.currentKeyId, 'local')
  t.same(second.keys.get('local'), first.keys.get('local'), 'the kept key is read again after a restart')
  t.equal(statSync(join(dataDir, 'encryption-keys')).mode & 0o777, 0o600)
  t.match(readFileSync(join(dataDir, 'encryption-keys'), 'utf8'), /^local:[A-Za-z0-9_-]{43}\n$/)
  const given = encryptionKeys(`a:${newKey()},b:${newKey()}`, 'b', { production: true, databaseUrl: 'postgres://x/y', dataDir })
  t.equal(given.currentKeyId, 'b')
})
