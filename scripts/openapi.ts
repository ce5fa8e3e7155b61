// Writes openapi/openapi.json from the running app's schemas (npm run openapi).
import { writeFileSync } from 'node:fs'
import { openApiDocument } from './openapi-document.js'

const doc = await openApiDocument()
writeFileSync(new URL('../openapi/openapi.json', import.meta.url), doc)
process.stderr.write('openapi/openapi.json written\n')
