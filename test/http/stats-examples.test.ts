import { readFileSync } from 'node:fs'
import t from 'tap'
import { EXAMPLES_FILE, statsExamplesDocument } from '../../scripts/stats-examples.js'
import { TABLE_NAMES } from '../../src/domain/stats/types.js'
import { build } from '../helper.js'

t.test('the committed per-table examples are what the reference data gives today', async (t) => {
  const generated = await statsExamplesDocument()
  t.equal(readFileSync(EXAMPLES_FILE, 'utf8'), generated, 'src/routes/v1/stats-examples.json is up to date (run npm run openapi)')
  const examples = JSON.parse(generated) as Record<string, { value: { table: string, protection: string, rows: Array<{ cells: Array<{ count?: number | null }> }> } }>
  t.same(Object.keys(examples), [...TABLE_NAMES], 'one example per table')
  for (const [name, { value }] of Object.entries(examples)) {
    t.equal(value.table, name)
    t.equal(value.protection, 'suppressed', `${name} is shown as a dashboard sees it`)
    const small = value.rows.flatMap((r) => r.cells).filter((c) => typeof c.count === 'number' && c.count >= 1 && c.count <= 4)
    t.same(small, [], `${name}: no count of 1–4 in the example`)
  }
})

t.test('the OpenAPI document carries an example per table', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  const content = res.json().paths['/v1/stats/{table}'].get.responses['200'].content['application/json']
  t.same(Object.keys(content.examples), [...TABLE_NAMES])
})
