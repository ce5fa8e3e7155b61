import t from 'tap'
import { auth, build, record2020, record2021 } from '../helper.js'

const registrant = { sub: 'alice', roles: ['registrant' as const], municipalities: ['2184', '2182'] }

t.test('a 2021 record is created, read back, replaced and erased', async (t) => {
  const app = await build(t)
  const headers = auth(app, registrant)

  const created = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021() })
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, '/v1/municipalities/2184/cases/HU-2021-0001')
  const etag = created.headers.etag as string
  t.match(etag, /^"[A-Za-z0-9_-]+"$/)
  t.same(created.json().record, record2021())
  t.same(created.json().warnings, [])

  const read = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers })
  t.equal(read.statusCode, 200)
  t.equal(read.headers.etag, etag)
  t.same(read.json(), record2021())

  const again = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers, payload: record2021() })
  t.equal(again.statusCode, 200, 'the same record again is accepted')
  t.equal(again.headers.etag, etag, 'and changes nothing')

  const changed = record2021({ closureReason: 'discontinued_by_guardian' })
  const replaced = await app.inject({
    method: 'PUT', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: { ...headers, 'if-match': etag }, payload: changed
  })
  t.equal(replaced.statusCode, 200)
  t.not(replaced.headers.etag, etag)
  t.equal(replaced.json().record.closureReason, 'discontinued_by_guardian')

  const stale = await app.inject({
    method: 'PUT', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: { ...headers, 'if-match': etag }, payload: record2021()
  })
  t.equal(stale.statusCode, 412, 'a stale If-Match is refused')
  t.equal(stale.headers['content-type'], 'application/problem+json; charset=utf-8')

  const duplicate = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021() })
  t.equal(duplicate.statusCode, 409)

  const erased = await app.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers })
  t.equal(erased.statusCode, 204)
  const gone = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers })
  t.equal(gone.statusCode, 404)
  const recreated = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers, payload: record2021() })
  t.equal(recreated.statusCode, 201, 'an erased caseRef can be registered again')
})

t.test('a 2020 record is stored with manual method names in their known spelling', async (t) => {
  const app = await build(t)
  const headers = auth(app, registrant)
  const res = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2020({ manualMethods: ['COS', ' krisstöd vid orosanmälan om våld mot barn ', 'Egen metod'] }) })
  t.equal(res.statusCode, 201)
  t.same(res.json().record.manualMethods, ['Trygghetscirkeln', 'Krisstöd vid orosanmälan om våld mot barn', 'Egen metod'])
  t.equal(res.json().record.background, null)
})

t.test('PUT takes municipality and caseRef from the address when the body leaves them out', async (t) => {
  const app = await build(t)
  const { municipality: _m, caseRef: _c, ...body } = record2021()
  const res = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/HU-9', headers: auth(app, registrant), payload: body })
  t.equal(res.statusCode, 201)
  t.equal(res.json().record.caseRef, 'HU-9')
})

t.test('422 when the body names another address than the URL', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/HU-9', headers: auth(app, registrant), payload: record2021() })
  t.equal(res.statusCode, 422)
  t.same(res.json().errors.map((e: { path: string }) => e.path), ['/caseRef'])
})

t.test('If-None-Match: * only creates', async (t) => {
  const app = await build(t)
  const headers = { ...auth(app, registrant), 'if-none-match': '*' }
  const url = '/v1/municipalities/2184/cases/HU-2021-0001'
  t.equal((await app.inject({ method: 'PUT', url, headers, payload: record2021() })).statusCode, 201)
  t.equal((await app.inject({ method: 'PUT', url, headers, payload: record2021() })).statusCode, 412)
})

t.test('If-Match on a record that does not exist is refused', async (t) => {
  const app = await build(t)
  const res = await app.inject({
    method: 'PUT', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers: { ...auth(app, registrant), 'if-match': '"abc"' }, payload: record2021()
  })
  t.equal(res.statusCode, 412)
})

t.test('warnings are reported back with an accepted record', async (t) => {
  const app = await build(t)
  const res = await app.inject({
    method: 'POST', url: '/v1/cases', headers: auth(app, registrant),
    payload: record2021({ ageAtReferral: 19, referralDate: '2017-01-02', startDate: '2018-03-01', closingDate: '2021-06-01' })
  })
  t.equal(res.statusCode, 201)
  t.same(res.json().warnings.map((w: { code: string }) => w.code).sort(), ['age_over_18', 'long_duration', 'long_wait'])
})

t.test('the list pages through the records with filters', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({
      method: 'POST', url: '/v1/cases', headers,
      payload: record2021({ caseRef: `HU-${i}`, gender: i % 2 === 0 ? 'girl' : 'boy', closingDate: `202${i % 2 === 0 ? 1 : 2}-03-01` })
    })
    t.equal(res.statusCode, 201)
  }
  const first = await app.inject({ method: 'GET', url: '/v1/cases?limit=2', headers })
  t.equal(first.statusCode, 200)
  t.same(first.json().items.map((r: { caseRef: string }) => r.caseRef), ['HU-0', 'HU-1'])
  const second = await app.inject({ method: 'GET', url: `/v1/cases?limit=2&cursor=${first.json().nextCursor}`, headers })
  t.same(second.json().items.map((r: { caseRef: string }) => r.caseRef), ['HU-2', 'HU-3'])
  const last = await app.inject({ method: 'GET', url: `/v1/cases?limit=2&cursor=${second.json().nextCursor}`, headers })
  t.same(last.json(), { items: [last.json().items[0]], nextCursor: null })

  const girls2021 = await app.inject({ method: 'GET', url: '/v1/cases?gender=girl&year=2021', headers })
  t.same(girls2021.json().items.map((r: { caseRef: string }) => r.caseRef), ['HU-0', 'HU-2', 'HU-4'])
  const byProblem = await app.inject({ method: 'GET', url: '/v1/cases?problem=school_problems&problem=family_relationship&ageGroup=7-12', headers })
  t.equal(byProblem.json().items.length, 5)
  const none = await app.inject({ method: 'GET', url: '/v1/cases?interventionGroup=manual_only', headers })
  t.same(none.json().items, [])
  const unknownParam = await app.inject({ method: 'GET', url: '/v1/cases?caseRef=HU-1', headers })
  t.equal(unknownParam.statusCode, 400)
  t.equal(unknownParam.json().errors[0].path, '/querystring/caseRef')
})

t.test('the 2020 parental mental health problem is found by the 2021 code', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'lead', roles: ['integration'], municipalities: ['2182'] })
  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2020() })
  const res = await app.inject({ method: 'GET', url: '/v1/cases?problem=parent_mental_health', headers })
  t.equal(res.json().items.length, 1)
})
