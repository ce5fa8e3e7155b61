import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import app, { serverOptions } from '../../src/app.js'
import type { EncryptionKeys } from '../../src/crypto/fields.js'
import { fieldCipher } from '../../src/crypto/fields.js'
import { reencryptService } from '../../src/crypto/reencrypt.js'
import { auditRepository } from '../../src/db/audit-repository.js'
import type { Database } from '../../src/db/client.js'
import { auth, build, queryRows, record2021, testConfig, testDatabase, TODAY } from '../helper.js'
import { expected, finished, fixture, integration as importer, upload } from '../http/import-helpers.js'

// Encryption at rest of the free-text fields, through the API and in the table itself.

const K1 = Buffer.alloc(32, 1)
const K2 = Buffer.alloc(32, 2)
const alice = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184'] }
const integration = { sub: 'treserva', roles: ['integration' as const], municipalities: ['2184'] }

/** A record with all four free-text fields filled, each a distinct recognisable text. */
function fullText (caseRef: string, tag = '') {
  return record2021({
    caseRef,
    problems: ['family_relationship', 'other'],
    otherProblem: `Annat problem ${caseRef}${tag}`,
    interventions: ['traditional_family_treatment', 'other_manual_method', 'other_non_manual'],
    otherIntervention: `Annan insats ${caseRef}${tag}`,
    closureReason: 'other',
    closureComment: `Avslutskommentar ${caseRef}${tag}`,
    comment: `Hemlig kommentar om familjen ${caseRef}${tag}`
  })
}
const FIELDS = ['otherProblem', 'otherIntervention', 'closureComment', 'comment'] as const
const COLUMNS = ['other_problem', 'other_intervention', 'closure_comment', 'comment'] as const

interface TextRow { id: number, case_ref: string, revision: number, other_problem: string | null, other_intervention: string | null, closure_comment: string | null, comment: string | null }

async function stored (app: FastifyInstance): Promise<TextRow[]> {
  return queryRows<TextRow>(app, sql`select id::int as id, case_ref, revision, other_problem, other_intervention, closure_comment, comment from cases order by id`)
}

/** Every free-text column of every row is an envelope under `keyId` and holds none of the plaintexts. */
function assertSealed (t: Test, rows: TextRow[], keyId: string, plaintexts: string[]) {
  const dump = JSON.stringify(rows)
  for (const p of plaintexts) t.notOk(dump.includes(p), `no plaintext "${p}" in the table`)
  for (const row of rows) {
    for (const c of COLUMNS) {
      if (row[c] === null) continue
      t.match(row[c], new RegExp(`^enc:v1:${keyId}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$`), `${row.case_ref} ${c} is an envelope under ${keyId}`)
    }
  }
}

const texts = (r: Record<string, unknown>) => FIELDS.map((f) => r[f] as string)

/** An app on `database` with its own keys and a log that the test can read. */
async function appWith (t: Test, database: Database, encryption: EncryptionKeys, lines: string[] = []): Promise<FastifyInstance> {
  const stream = new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
  const options = serverOptions({ logLevel: 'info' })
  const server = Fastify({ ...options, logger: { ...(options.logger as object), stream } })
  // Several apps share one database here; only the test closes it.
  await server.register(app, { config: testConfig({ encryption }), database: { ...database, close: async () => {} }, today: () => TODAY })
  await server.ready()
  t.teardown(() => server.close())
  return server
}

t.test('PUT and POST store envelopes, GET and lists return the plaintext, a re-send is unchanged', async (t) => {
  const app = await build(t)
  const headers = auth(app, alice)
  const a = fullText('E-1')
  const b = fullText('E-2')
  const created = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/E-1', headers, payload: a })
  t.equal(created.statusCode, 201)
  t.same(texts(created.json().record), texts(a), 'the answer holds the plaintext')
  t.equal((await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: b })).statusCode, 201)

  const before = await stored(app)
  t.equal(before.length, 2)
  assertSealed(t, before, 't2', [...texts(a), ...texts(b)])

  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/E-1', headers })
  t.equal(read.statusCode, 200)
  t.same(read.json(), a, 'GET returns the record as sent')
  const list = await app.inject({ method: 'GET', url: '/v1/cases', headers })
  t.same(list.json().items.map((r: Record<string, unknown>) => texts(r)), [texts(a), texts(b)], 'the list too')

  const again = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/E-1', headers, payload: a })
  t.equal(again.statusCode, 200)
  t.equal(again.headers.etag, created.headers.etag, 'the ETag is of the plaintext: the same record has the same tag')
  const after = await stored(app)
  t.same(after, before, 'nothing rewritten: same revision, same ciphertexts')

  const changed = { ...a, comment: 'Ny kommentar E-1' }
  const replaced = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/E-1', headers: { ...headers, 'if-match': created.headers.etag as string }, payload: changed })
  t.equal(replaced.statusCode, 200)
  t.not(replaced.headers.etag, created.headers.etag)
  const rows = await stored(app)
  assertSealed(t, rows, 't2', ['Ny kommentar E-1'])
  t.equal(rows[0].revision, 2)
  t.not(rows[0].other_problem, before[0].other_problem, 'a replacement encrypts again with a fresh IV')
  t.same((await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/E-1', headers })).json(), changed)
})

t.test('batch writes store envelopes; the same batch again is unchanged and rewrites nothing', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const batch = Array.from({ length: 5 }, (_, i) => fullText(`B-${i}`))
  const first = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: batch })
  t.match(first.json(), { created: 5, failed: 0 })
  const before = await stored(app)
  assertSealed(t, before, 't2', batch.flatMap(texts))

  const again = await app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: batch })
  t.match(again.json(), { created: 0, updated: 0, unchanged: 5, failed: 0 }, 'content hashes are of the plaintext')
  t.same(await stored(app), before, 'no row rewritten')

  const edited = batch.map((r, i) => i === 2 ? { ...r, closureComment: 'Ändrad i batch' } : r)
  t.match((await app.inject({ method: 'POST', url: '/v1/cases/batch', headers, payload: edited })).json(), { updated: 1, unchanged: 4 })
  assertSealed(t, await stored(app), 't2', ['Ändrad i batch'])
  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/B-2', headers: auth(app, { ...alice, roles: ['municipality_lead'] as never }) })
  t.equal(read.statusCode, 200)
  t.equal(read.json().closureComment, 'Ändrad i batch')
  t.equal(read.json().comment, 'Hemlig kommentar om familjen B-2')
})

t.test('an imported file stores envelopes and reads back as the expected records', async (t) => {
  const app = await build(t)
  const records = expected('treserva.expected.json')
  const plaintexts = records.flatMap((r) => FIELDS.map((f) => r[f]).filter((v): v is string => typeof v === 'string'))
  t.ok(plaintexts.length >= 5, 'the fixture has free text')
  const res = await upload(app, importer, { file: fixture('treserva.csv'), profile: 'treserva' })
  t.equal(res.statusCode, 202)
  t.match(await finished(app, importer, res.json().id), { status: 'done', created: records.length, failed: 0 })
  const rows = await stored(app)
  t.equal(rows.length, records.length)
  // Stored plaintexts longer than a few characters would be found by substring; short ones are still checked by the envelope pattern.
  assertSealed(t, rows, 't2', plaintexts.filter((p) => p.length >= 6))
  t.equal(rows.flatMap((r) => COLUMNS.map((c) => r[c])).filter((v) => v !== null).length, plaintexts.length, 'every free-text value is there, encrypted')
  for (const r of records) {
    const read = await app.inject({ method: 'GET', url: `/v1/municipalities/${r.municipality as string}/cases/${r.caseRef as string}`, headers: auth(app, importer) })
    t.same(read.json(), r, `${r.caseRef as string} reads as the expected record`)
  }
})

t.test('plain values written before encryption still read, and a copied ciphertext does not', async (t) => {
  const app = await build(t)
  const headers = auth(app, alice)
  await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/L-1', headers, payload: fullText('L-1') })
  await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/L-2', headers, payload: fullText('L-2') })
  // As a row written by the version before this one: plain text.
  await app.database.db.execute(sql`update cases set comment = 'Gammal okrypterad kommentar', other_problem = 'Gammalt problem' where case_ref = 'L-1'`)
  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/L-1', headers })
  t.equal(read.statusCode, 200)
  t.equal(read.json().comment, 'Gammal okrypterad kommentar')
  t.equal(read.json().otherProblem, 'Gammalt problem')
  t.equal(read.json().closureComment, 'Avslutskommentar L-1', 'encrypted fields beside it read too')

  // Someone with write access to the table moves L-2's comment into L-1: authentication fails.
  await app.database.db.execute(sql`update cases set comment = (select comment from cases where case_ref = 'L-2') where case_ref = 'L-1'`)
  const moved = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/L-1', headers })
  t.equal(moved.statusCode, 500)
  t.equal(moved.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.notMatch(moved.body, /Hemlig|kommentar|enc:v1/, 'neither plaintext nor ciphertext in the answer')
})

t.test('a tampered value or a missing key is a 500 problem; the log names field and key id, never the text', async (t) => {
  const { database, drop } = await testDatabase()
  t.teardown(async () => { await database.close(); await drop() })
  const lines: string[] = []
  const writer = await appWith(t, database, { keys: new Map([['t1', K1]]), currentKeyId: 't1' })
  const headers = auth(writer, alice)
  const rec = fullText('T-1')
  t.equal((await writer.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/T-1', headers, payload: rec })).statusCode, 201)

  const withoutKey = await appWith(t, database, { keys: new Map([['t2', K2]]), currentKeyId: 't2' }, lines)
  const res = await withoutKey.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/T-1', headers: { ...auth(withoutKey, alice), 'accept-language': 'en' } })
  t.equal(res.statusCode, 500)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { status: 500, type: '/problems/decryption', detail: /^A stored value could not be decrypted/, requestId: /./ })
  const sv = await withoutKey.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/T-1', headers: { ...auth(withoutKey, alice), 'accept-language': 'sv' } })
  t.match(sv.json(), { status: 500, type: '/problems/decryption', detail: /^Ett lagrat värde kunde inte dekrypteras/ })
  for (const body of [res.body, sv.body]) t.notMatch(body, /Annat|Annan|Hemlig|Avslut|enc:v1/, 'neither plaintext nor ciphertext in the answer')
  const failure = lines.map((l) => JSON.parse(l)).find((e) => e.err?.code === 'ISU_FIELD_DECRYPTION')
  t.ok(failure, 'the failure is logged')
  t.match(failure.err.message, /^cannot decrypt field (otherProblem|otherIntervention|closureComment|comment) \(key id t1\): unknown_key$/)

  // One bit of the ciphertext flipped in the table.
  const [row] = await queryRows<{ comment: string }>(writer, sql`select comment from cases`)
  const parts = row.comment.split(':')
  const body = Buffer.from(parts[5], 'base64url')
  body[body.length - 1] ^= 0x20
  parts[5] = body.toString('base64url')
  await database.db.execute(sql`update cases set comment = ${parts.join(':')}`)
  const tamperedLines: string[] = []
  const reader = await appWith(t, database, { keys: new Map([['t1', K1]]), currentKeyId: 't1' }, tamperedLines)
  const tampered = await reader.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/T-1', headers: auth(reader, alice) })
  t.equal(tampered.statusCode, 500)
  t.equal(tampered.json().type, '/problems/decryption')
  const logged = tamperedLines.map((l) => JSON.parse(l)).find((e) => e.err?.code === 'ISU_FIELD_DECRYPTION')
  t.equal(logged?.err.message, 'cannot decrypt field comment (key id t1): authentication')
  const list = await reader.inject({ method: 'GET', url: '/v1/cases', headers: auth(reader, alice) })
  t.equal(list.statusCode, 500, 'a list holding the record fails the same way')

  const all = [...lines, ...tamperedLines].join('\n')
  for (const p of texts(rec)) t.notOk(all.includes(p), `no plaintext "${p}" in the logs`)
  t.notOk(all.includes(parts[5].slice(0, 16)), 'no ciphertext in the logs')
})

t.test('rotation: reencrypt moves every value to the current key, resumes after an interruption, and the old key can go', async (t) => {
  const { database, drop } = await testDatabase()
  t.teardown(async () => { await database.close(); await drop() })
  const oldKeys = { keys: new Map([['t1', K1]]), currentKeyId: 't1' }
  const both = { keys: new Map([['t1', K1], ['t2', K2]]), currentKeyId: 't2' }
  const newOnly = { keys: new Map([['t2', K2]]), currentKeyId: 't2' }
  const lines: string[] = []

  const before = await appWith(t, database, oldKeys, lines)
  const records = Array.from({ length: 7 }, (_, i) => fullText(`R-${i}`))
  const put = await before.inject({ method: 'POST', url: '/v1/cases/batch', headers: auth(before, integration), payload: records.slice(0, 5) })
  t.match(put.json(), { created: 5 })
  for (const r of records.slice(5)) {
    t.equal((await before.inject({ method: 'POST', url: '/v1/cases', headers: auth(before, alice), payload: r })).statusCode, 201)
  }
  // A record with only a comment, and one plain legacy value.
  const sparse = record2021({ caseRef: 'R-sparse', comment: 'Bara en kommentar' })
  t.equal((await before.inject({ method: 'POST', url: '/v1/cases', headers: auth(before, alice), payload: sparse })).statusCode, 201)
  await database.db.execute(sql`update cases set comment = 'Okrypterad sedan förr' where case_ref = 'R-0'`)
  assertSealed(t, (await stored(before)).filter((r) => r.case_ref !== 'R-0'), 't1', [])

  const audit = auditRepository()
  const rotate = (stopAfter?: number) => reencryptService({ db: database.db, cipher: fieldCipher(both), audit, batchSize: 3 })
    .run({ runId: 'rot-test', onPage: (done) => { if (stopAfter !== undefined && done >= stopAfter) throw new Error('interrupted') } })

  const service = reencryptService({ db: database.db, cipher: fieldCipher(both), audit, batchSize: 3 })
  t.equal(await service.pending(), 8, 'all eight records hold values not under t2')
  await t.rejects(rotate(3), /interrupted/, 'a run stopped after its first page')
  t.equal(await service.pending(), 5, 'the first page stayed committed')

  const result = await rotate()
  t.same(result, { keyId: 't2', records: 5, values: 17, fromKey: { t1: 17 } }, 'the rest: 4 records with four values, the sparse one with one')
  t.equal(await service.pending(), 0)
  const rows = await stored(before)
  assertSealed(t, rows, 't2', [...records.flatMap(texts), 'Bara en kommentar', 'Okrypterad sedan förr'])
  t.same(rows.map((r) => r.revision), rows.map(() => 1), 'rotation is not a change of content')

  const again = await rotate()
  t.same(again, { keyId: 't2', records: 0, values: 0, fromKey: {} }, 'a second run finds nothing left')

  const audits = await queryRows<{ subject: string, detail: Record<string, unknown> }>(before, sql`select subject, detail from audit_log where action = 'encryption.rotate' order by id`)
  t.same(audits.map((a) => a.detail), [
    { keyId: 't2', records: 5, values: 17, from_t1: 17 },
    { keyId: 't2', records: 0, values: 0 }
  ], 'one audit row per completed run, with counts only')
  t.ok(audits.every((a) => a.subject === 'system:reencrypt'))
  // The interrupted run wrote no audit row; its three records (one plain value among them) are in neither count.

  const after = await appWith(t, database, newOnly, lines)
  const headers = auth(after, { ...alice, roles: ['municipality_lead'] as never })
  for (const r of records.slice(1)) {
    const read = await after.inject({ method: 'GET', url: `/v1/municipalities/2184/cases/${r.caseRef as string}`, headers })
    t.equal(read.statusCode, 200)
    t.same(read.json(), r, `${r.caseRef as string} reads with the new key alone`)
  }
  const r0 = await after.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/R-0', headers })
  t.equal(r0.json().comment, 'Okrypterad sedan förr', 'the legacy plain value was encrypted and reads')
  t.equal((await after.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/R-sparse', headers })).json().comment, 'Bara en kommentar')

  const all = lines.join('\n')
  for (const p of [...records.flatMap(texts), 'Okrypterad sedan förr']) t.notOk(all.includes(p), `no plaintext "${p}" in the logs`)
})
