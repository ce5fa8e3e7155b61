import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { auth, build, queryRows, record2020, record2021 } from '../helper.js'

// POST /v1/cases/batch (SPEC §4 "Batch response"): item by item, 200 even when items fail.

const URL = '/v1/cases/batch'
const integration = { sub: 'treserva', roles: ['integration' as const], municipalities: ['2184', '2182'] }
const alice = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184'] }

interface ItemResult { index: number, caseRef: string | null, status: string, errors: Array<{ path: string, code: string, message: string }> }

const statuses = (body: { results: ItemResult[] }) => body.results.map((r) => r.status)
const codes = (r: ItemResult) => r.errors.map((e) => `${e.path} ${e.code}`)

async function auditCount (app: FastifyInstance, action?: string): Promise<number> {
  const rows = await queryRows<{ n: string | number }>(app, action
    ? sql`select count(*) as n from audit_log where action = ${action}`
    : sql`select count(*) as n from audit_log`)
  return Number(rows[0].n)
}

t.test('each item is answered on its own and the valid ones are stored even when others fail', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const res = await app.inject({
    method: 'POST', url: URL, headers,
    payload: [
      record2021({ caseRef: 'B-1' }),
      record2021({ caseRef: 'B-2', problems: ['bullying'], closingDate: '2030-01-01' }),
      record2020({ caseRef: 'B-3' }),
      'not a record',
      record2021({ caseRef: 'B-5' })
    ]
  })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(statuses(body), ['created', 'failed', 'created', 'failed', 'created'])
  t.match(body, { created: 3, updated: 0, unchanged: 0, failed: 2 })
  t.same(body.results.map((r: ItemResult) => r.index), [0, 1, 2, 3, 4])
  t.same(body.results.map((r: ItemResult) => r.caseRef), ['B-1', 'B-2', 'B-3', null, 'B-5'])
  t.same(codes(body.results[1]), ['/problems/0 unknown_code', '/closingDate closing_in_future'], 'paths point into the item')
  t.match(body.results[1].errors[0].message, /bullying/)
  t.same(codes(body.results[3]), [' not_an_object'])
  t.same(body.results[0].errors, [])

  for (const [code, ref] of [['2184', 'B-1'], ['2182', 'B-3'], ['2184', 'B-5']]) {
    const read = await app.inject({ method: 'GET', url: `/v1/municipalities/${code}/cases/${ref}`, headers })
    t.equal(read.statusCode, 200, `${ref} is stored`)
  }
  t.same((await app.inject({ method: 'GET', url: `/v1/municipalities/2184/cases/B-2`, headers })).statusCode, 404, 'the failed item is not')
  const stored = await app.inject({ method: 'GET', url: '/v1/municipalities/2182/cases/B-3', headers })
  t.same(stored.json().manualMethods, ['Krisstöd vid orosanmälan om våld mot barn'], 'stored as a single PUT stores it')
})

t.test('sending the same batch again answers unchanged and writes nothing, audit log included', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const batch = Array.from({ length: 30 }, (_, i) => record2021({ caseRef: `R-${i}`, ageAtReferral: i % 21 }))
  const first = await app.inject({ method: 'POST', url: URL, headers, payload: batch })
  t.match(first.json(), { created: 30, updated: 0, unchanged: 0, failed: 0 })
  t.equal(await auditCount(app, 'case.create'), 30, 'one audit row per created record')
  const before = await queryRows(app, sql`select id, revision, change_seq, updated_at from cases order by id`)
  const auditBefore = await auditCount(app)

  const again = await app.inject({ method: 'POST', url: URL, headers, payload: batch })
  t.equal(again.statusCode, 200)
  t.match(again.json(), { created: 0, updated: 0, unchanged: 30, failed: 0 })
  t.same(await queryRows(app, sql`select id, revision, change_seq, updated_at from cases order by id`), before, 'no record touched')
  t.equal(await auditCount(app), auditBefore, 'no audit row either')
})

t.test('a changed record is replaced with its next revision and new lists; the rest stay unchanged', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  await app.inject({ method: 'POST', url: URL, headers, payload: [record2021({ caseRef: 'C-1' }), record2021({ caseRef: 'C-2' })] })
  const etag = (await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/C-1', headers })).headers.etag

  const changed = record2021({ caseRef: 'C-1', problems: ['school_problems'], interventions: ['traditional_family_treatment'], manualMethods: [] })
  const res = await app.inject({ method: 'POST', url: URL, headers, payload: [changed, record2021({ caseRef: 'C-2' }), record2021({ caseRef: 'C-3' })] })
  t.same(statuses(res.json()), ['updated', 'unchanged', 'created'])
  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/C-1', headers })
  t.same(read.json(), changed)
  t.not(read.headers.etag, etag)
  const [row] = await queryRows<{ revision: number }>(app, sql`select revision from cases where case_ref = 'C-1'`)
  t.equal(row.revision, 2)
  const [audit] = await queryRows<{ detail: { revision: number }, request_id: string }>(app, sql`select detail, request_id from audit_log where action = 'case.update'`)
  t.same(audit.detail, { revision: 2 })
  t.equal(audit.request_id, res.headers['x-request-id'])

  const put = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/C-1', headers, payload: changed })
  t.equal(put.headers.etag, read.headers.etag, 'a batch stores what PUT would: PUT of the same record changes nothing')

  const lists = [
    { problems: ['child_mental_health', 'school_problems', 'other'], otherProblem: 'Skolfrånvaro', manualMethods: ['PYC', 'COS'] },
    { problems: ['school_problems', 'child_mental_health'], otherProblem: null, manualMethods: ['Trygghetscirkeln'] },
    { comment: 'only the comment changes' }
  ]
  let previous = record2021({ caseRef: 'C-2' })
  for (const change of lists) {
    previous = { ...previous, ...change }
    const again = await app.inject({ method: 'POST', url: URL, headers, payload: [previous] })
    t.same(statuses(again.json()), ['updated'])
    const back = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/C-2', headers })
    t.same(back.json(), { ...previous, manualMethods: (previous.manualMethods as string[]).map((m) => m === 'COS' ? 'Trygghetscirkeln' : m) }, 'lists grow, shrink and reorder')
  }
})

t.test('NDJSON: one record a line, blank lines skipped, a line that is not JSON fails its item only', async (t) => {
  const app = await build(t)
  const headers = { ...auth(app, integration), 'content-type': 'application/x-ndjson' }
  const payload = [
    JSON.stringify(record2021({ caseRef: 'N-1' })),
    '',
    '{"municipality": "2184", "caseRef": "N-2",',
    '   ',
    JSON.stringify(record2021({ caseRef: 'N-3' })) + '\r',
    '{"__proto__": {"x": 1}}'
  ].join('\n') + '\n'
  const res = await app.inject({ method: 'POST', url: URL, headers, payload })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(statuses(body), ['created', 'failed', 'created', 'failed'])
  t.same(body.results.map((r: ItemResult) => r.index), [0, 1, 2, 3], 'indexes count the non-blank lines')
  t.same(codes(body.results[1]), [' invalid_json'])
  t.match(body.results[1].errors[0].message, /Rad 3/, 'the message names the line')
  t.same(codes(body.results[3]), [' invalid_json'], 'prototype poisoning is refused as JSON bodies refuse it')
  t.equal((await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/N-3', headers: auth(app, integration) })).statusCode, 200)
})

t.test('the same caseRef twice in one batch fails both items and stores neither', async (t) => {
  const app = await build(t)
  const headers = auth(app, { ...integration, roles: ['integration'] })
  const res = await app.inject({
    method: 'POST', url: URL, headers: { ...headers, 'accept-language': 'en' },
    payload: [record2021({ caseRef: 'D-1' }), record2021({ caseRef: 'D-2' }), record2021({ caseRef: 'D-1', comment: 'later' }), record2021({ caseRef: 'D-1', municipality: '2182', formVersion: '2020', background: null })]
  })
  const body = res.json()
  t.same(statuses(body), ['failed', 'created', 'failed', 'failed'], 'the same caseRef in another municipality is another record, failing only on its own errors')
  t.same(codes(body.results[0]), ['/caseRef duplicate_in_batch'])
  t.match(body.results[0].errors[0].message, /index 2 of this batch/)
  t.same(codes(body.results[2]), ['/caseRef duplicate_in_batch'])
  t.notOk(codes(body.results[3]).includes('/caseRef duplicate_in_batch'))
  t.equal((await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/D-1', headers })).statusCode, 404)
})

t.test('a registrant\'s batch cannot replace another registrant\'s record', async (t) => {
  const app = await build(t)
  const created = await app.inject({ method: 'POST', url: URL, headers: auth(app, alice), payload: [record2021({ caseRef: 'E-1' })] })
  t.same(statuses(created.json()), ['created'])
  const bob = auth(app, { sub: 'bob', roles: ['registrant'], municipalities: ['2184'] })
  const res = await app.inject({ method: 'POST', url: URL, headers: bob, payload: [record2021({ caseRef: 'E-1', comment: 'bob was here' }), record2021({ caseRef: 'E-2' })] })
  t.same(statuses(res.json()), ['failed', 'created'])
  t.same(codes(res.json().results[0]), ['/caseRef not_owner'])
  const same = await app.inject({ method: 'POST', url: URL, headers: bob, payload: [record2021({ caseRef: 'E-1' })] })
  t.same(codes(same.json().results[0]), ['/caseRef not_owner'], 'not even as "unchanged"')
  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/E-1', headers: auth(app, alice) })
  t.equal(read.json().comment, null, 'alice\'s record is as she left it')
  const own = await app.inject({ method: 'POST', url: URL, headers: auth(app, alice), payload: [record2021({ caseRef: 'E-1', comment: 'fixed' })] })
  t.same(statuses(own.json()), ['updated'], 'alice replaces her own')
  const replaced = await app.inject({ method: 'POST', url: URL, headers: auth(app, integration), payload: [record2021({ caseRef: 'E-1', comment: 'from the case system' })] })
  t.same(statuses(replaced.json()), ['updated'], 'an integration replaces any record of its municipality')
})

t.test('records of a municipality the caller does not act for fail item by item', async (t) => {
  const app = await build(t)
  const res = await app.inject({
    method: 'POST', url: URL, headers: auth(app, alice),
    payload: [record2021({ caseRef: 'F-1', municipality: '2180' }), record2021({ caseRef: 'F-2' })]
  })
  t.equal(res.statusCode, 200)
  t.same(statuses(res.json()), ['failed', 'created'])
  t.same(codes(res.json().results[0]), ['/municipality municipality_not_allowed'])
  const lead = auth(app, { sub: 'lead', roles: ['municipality_lead'], municipalities: ['2180'] })
  t.same((await app.inject({ method: 'GET', url: '/v1/cases', headers: lead })).json().items, [])
})

t.test('413 when a batch holds more than 5,000 records or its body is over 25 MB; nothing is stored', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const many = Array.from({ length: 5001 }, (_, i) => record2021({ caseRef: `M-${i}` }))
  const tooMany = await app.inject({ method: 'POST', url: URL, headers, payload: many })
  t.equal(tooMany.statusCode, 413)
  t.equal(tooMany.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(tooMany.json().detail, /at most 5000/)
  const ndjson = await app.inject({ method: 'POST', url: URL, headers: { ...headers, 'content-type': 'application/x-ndjson' }, payload: many.map((r) => JSON.stringify(r)).join('\n') })
  t.equal(ndjson.statusCode, 413, 'NDJSON too')
  const huge = await app.inject({ method: 'POST', url: URL, headers: { ...headers, 'content-type': 'application/json' }, payload: `["${'x'.repeat(26 * 1024 * 1024)}"]` })
  t.equal(huge.statusCode, 413)
  t.equal(huge.json().status, 413)
  t.equal(await auditCount(app), 0)
  t.same(await queryRows(app, sql`select id from cases`), [])
})

t.test('a body that is not a list of items is refused as a whole with problem+json', async (t) => {
  const app = await build(t)
  const headers = auth(app, integration)
  const object = await app.inject({ method: 'POST', url: URL, headers, payload: record2021() })
  t.equal(object.statusCode, 400)
  t.match(object.json(), { status: 400, detail: /JSON array/ })
  const broken = await app.inject({ method: 'POST', url: URL, headers: { ...headers, 'content-type': 'application/json' }, payload: '[{"municipality": ' })
  t.equal(broken.statusCode, 400)
  t.equal(broken.headers['content-type'], 'application/problem+json; charset=utf-8')
  const text = await app.inject({ method: 'POST', url: URL, headers: { ...headers, 'content-type': 'text/csv' }, payload: 'a,b' })
  t.equal(text.statusCode, 415)
  const empty = await app.inject({ method: 'POST', url: URL, headers, payload: [] })
  t.same(empty.json(), { results: [], created: 0, updated: 0, unchanged: 0, failed: 0 }, 'an empty batch is answered, not refused')
})

t.test('only registrants and integrations submit batches', async (t) => {
  const app = await build(t)
  for (const role of ['municipality_lead', 'regional_analyst', 'dashboard', 'admin'] as const) {
    const res = await app.inject({ method: 'POST', url: URL, headers: auth(app, { sub: role, roles: [role], municipalities: ['2184'] }), payload: [record2021()] })
    t.equal(res.statusCode, 403, role)
  }
  const anonymous = await app.inject({ method: 'POST', url: URL, payload: [record2021()] })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(await auditCount(app), 0)
})

t.test('a chunk that fails in the database fails its own items only; every record is whole or absent', async (t) => {
  const app = await build(t)
  // A trigger that refuses one caseRef: the database error lands in the second chunk of 1,000.
  await app.database.db.execute(sql.raw(`
    create function refuse_boom() returns trigger language plpgsql as $$
    begin if new.case_ref = 'BOOM' then raise exception 'refused'; end if; return new; end $$`))
  await app.database.db.execute(sql.raw('create trigger refuse_boom before insert on cases for each row execute function refuse_boom()'))
  const batch = Array.from({ length: 1200 }, (_, i) => record2021({ caseRef: i === 1100 ? 'BOOM' : `G-${i}` }))
  const res = await app.inject({ method: 'POST', url: URL, headers: auth(app, integration), payload: batch })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { created: 1000, failed: 200 })
  t.ok(body.results.slice(0, 1000).every((r: ItemResult) => r.status === 'created'), 'the first chunk stands')
  t.ok(body.results.slice(1000).every((r: ItemResult) => r.status === 'failed' && codes(r).join() === ' storage_error'), 'the second fails')
  const [counts] = await queryRows<{ cases: string | number, problems: string | number, audit: string | number }>(app, sql`
    select (select count(*) from cases) as cases, (select count(*) from case_problems) as problems, (select count(*) from audit_log) as audit`)
  t.same([Number(counts.cases), Number(counts.problems), Number(counts.audit)], [1000, 2000, 1000], 'nothing of the failed chunk remains')
  const retry = await app.inject({ method: 'POST', url: URL, headers: auth(app, integration), payload: batch.filter((r) => r.caseRef !== 'BOOM') })
  t.match(retry.json(), { created: 199, unchanged: 1000, failed: 0 }, 'sending again stores the rest')
})

t.test('a registrant with two municipalities and a 2020 record: the batch follows the rules of PUT', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'carl', roles: ['registrant'], municipalities: ['2182', '2184'] })
  const res = await app.inject({
    method: 'POST', url: URL, headers,
    payload: [record2020(), record2021({ comment: 'Ring 811228-9874' }), record2021({ caseRef: 'H-2', manualMethods: ['COS', 'cos'] })]
  })
  t.same(statuses(res.json()), ['created', 'failed', 'created'])
  t.same(codes(res.json().results[1]), ['/comment identity_number'])
  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/H-2', headers })
  t.same(read.json().manualMethods, ['Trygghetscirkeln'])
})
