// The OpenAPI examples of GET /v1/stats/{table}: every table computed from the reference data
// (fixtures/reference-2020.json), protected as a dashboard sees it, English labels, cut to its
// first rows so the document stays readable. Written to src/routes/v1/stats-examples.json by
// `npm run openapi`; test/http/stats-examples.test.ts fails when it is out of date.
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { createSnapshot } from '../src/domain/stats/columns.js'
import { keyLabel } from '../src/domain/stats/labels.js'
import { protect } from '../src/domain/stats/protect.js'
import { computeTable } from '../src/domain/stats/tables.js'
import { TABLE_NAMES } from '../src/domain/stats/types.js'
import { validateRecord } from '../src/domain/record.js'

export const EXAMPLES_FILE = new URL('../src/routes/v1/stats-examples.json', import.meta.url)
const FIXTURE = new URL('../fixtures/reference-2020.json', import.meta.url)
const ROWS_SHOWN = 4
const OUTCOMES_PROBLEM = 'family_relationship'

export async function statsExamplesDocument (): Promise<string> {
  const inputs = JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown[]
  const records = inputs.map((input, i) => {
    const checked = validateRecord(input, { today: '2026-01-01' })
    if (!checked.ok) throw new Error(`reference record ${i} is invalid`)
    return { id: i + 1, record: checked.value }
  })
  const store = createSnapshot(records)
  const examples: Record<string, { summary: string, value: unknown }> = {}
  for (const name of TABLE_NAMES) {
    const params = name === 'outcomes' ? { problem: OUTCOMES_PROBLEM } : {}
    const filter = { year: 2020 }
    const table = await protect(computeTable(name, store, filter, params), {
      exact: false, threshold: 5, filters: { ...filter, ...params }, lang: 'en', label: (kind, k) => keyLabel(kind, k, 'en')
    })
    // The first rows, and the `all` row where the table has one.
    const last = table.rows[table.rows.length - 1]
    const rows = table.rows.length <= ROWS_SHOWN ? table.rows : [...table.rows.slice(0, ROWS_SHOWN - 1), ...(last?.key === 'all' ? [last] : table.rows.slice(ROWS_SHOWN - 1, ROWS_SHOWN))]
    const shown = { ...table, rows }
    const query = name === 'outcomes' ? `?year=2020&problem=${OUTCOMES_PROBLEM}` : '?year=2020'
    const cut = table.rows.length > ROWS_SHOWN ? `, ${ROWS_SHOWN} of its ${table.rows.length} rows` : ''
    examples[name] = { summary: `${name}${query} on the reference data, as a dashboard sees it${cut}`, value: shown }
  }
  return JSON.stringify(examples, null, 2) + '\n'
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(EXAMPLES_FILE, await statsExamplesDocument())
  process.stderr.write('src/routes/v1/stats-examples.json written\n')
}
