import { readFileSync } from 'node:fs'
import t from 'tap'
import { OPENAPI_FILE, SCHEMA_FILE, sdkSchema } from '../../scripts/sdk.js'

// The SDK's types follow the committed OpenAPI document: regenerated here in memory and compared
// with the committed clients/typescript/schema.d.ts.

t.test('clients/typescript/schema.d.ts is generated from the current openapi/openapi.json', async (t) => {
  const spec = readFileSync(OPENAPI_FILE, 'utf8')
  const generated = await sdkSchema(spec)
  const committed = readFileSync(SCHEMA_FILE, 'utf8')
  t.ok(generated === committed, 'schema.d.ts is up to date (run npm run sdk after npm run openapi)')
  // Every path of the spec is typed, so a route added to the spec without regenerating shows here too.
  for (const path of Object.keys(JSON.parse(spec).paths)) t.ok(committed.includes(`    "${path}": {`), `${path} is in schema.d.ts`)
})

t.test('a changed spec gives a different schema.d.ts, so drift is caught', async (t) => {
  const spec = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))
  spec.paths['/v1/not-in-the-sdk'] = { get: { responses: { 200: { description: 'x' } } } }
  const changed = await sdkSchema(JSON.stringify(spec))
  t.not(changed, readFileSync(SCHEMA_FILE, 'utf8'))
  t.match(changed, /"\/v1\/not-in-the-sdk": \{/)
})
