import { readFileSync } from 'node:fs'
import t from 'tap'
import { openApiDocument } from '../../scripts/openapi-document.js'
import { build, testDatabase } from '../helper.js'

t.test('health answers ok while the database answers, 503 when it does not', async (t) => {
  const app = await build(t)
  const ok = await app.inject({ method: 'GET', url: '/health' })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { status: 'ok' })
  t.ok(ok.headers['x-request-id'] === undefined || typeof ok.headers['x-request-id'] === 'string')
  const original = app.database.ping
  app.database.ping = async () => { throw new Error('connection refused') }
  const down = await app.inject({ method: 'GET', url: '/health' })
  app.database.ping = original
  t.equal(down.statusCode, 503)
  t.match(down.headers['content-type'], /^application\/problem\+json/)
})

t.test('code lists need no token and carry Swedish and English labels', async (t) => {
  const app = await build(t)
  const index = await app.inject({ method: 'GET', url: '/v1/code-lists' })
  t.equal(index.statusCode, 200)
  t.same(index.json().items.map((l: { name: string }) => l.name).sort(),
    ['background', 'closure_reason', 'gender', 'intervention', 'manual_method', 'previously_known', 'problem'])
  const background = index.json().items.find((l: { name: string }) => l.name === 'background')
  t.same(background.versions, ['2021'])

  const problems2020 = await app.inject({ method: 'GET', url: '/v1/code-lists/problem?version=2020' })
  t.equal(problems2020.statusCode, 200)
  const codes = problems2020.json().codes.map((c: { code: string }) => c.code)
  t.ok(codes.includes('parent_mental_health_or_id'))
  t.notOk(codes.includes('parent_mental_health'))
  for (const c of problems2020.json().codes) t.ok(c.labels.sv && c.labels.en, `${c.code} has both labels`)

  const closure = await app.inject({ method: 'GET', url: '/v1/code-lists/closure_reason' })
  const neverStarted = closure.json().codes.find((c: { code: string }) => c.code === 'never_started')
  t.same(neverStarted.validIn, ['2021'])
  t.equal(neverStarted.labels.sv, 'Insatsen påbörjades aldrig')

  const unknown = await app.inject({ method: 'GET', url: '/v1/code-lists/colours' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
  const badVersion = await app.inject({ method: 'GET', url: '/v1/code-lists/problem?version=2019' })
  t.equal(badVersion.statusCode, 400)
})

t.test('the form of each version is served without a token', async (t) => {
  const app = await build(t)
  for (const version of ['2020', '2021']) {
    const res = await app.inject({ method: 'GET', url: `/v1/forms/${version}` })
    t.equal(res.statusCode, 200, version)
    t.equal(res.json().version, version)
    t.ok(res.json().sections.length > 0)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/forms/1999' })).statusCode, 400)
})

t.test('unknown routes are problem+json 404', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1/nothing-here' })
  t.equal(res.statusCode, 404)
  t.equal(res.json().type, '/problems/not-found')
})

t.test('the OpenAPI explorer and document are served, and the committed document matches the code', async (t) => {
  const app = await build(t)
  const ui = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(ui.statusCode, 200)
  const json = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(json.statusCode, 200)
  const spec = json.json()
  t.equal(spec.openapi, '3.1.0')
  for (const path of ['/health', '/v1/cases', '/v1/cases/validate', '/v1/municipalities/{code}/cases/{caseRef}', '/v1/code-lists/{name}', '/v1/forms/{version}']) {
    t.ok(spec.paths[path], `${path} is documented`)
  }
  const { database, drop } = await testDatabase()
  t.teardown(drop)
  const generated = await openApiDocument(database)
  const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
  t.equal(committed, generated, 'openapi/openapi.json is up to date (run npm run openapi)')
})
