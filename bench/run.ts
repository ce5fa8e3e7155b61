// npm run bench [section ...]: every section measures the service beside a baseline taken in the
// same run and prints the ratio. Sections live in their own files so they can be run alone:
//   npm run bench -- stats      statistics over 1M records vs SQL GROUP BY (issue 3)
//   npm run bench -- ingest     the batch endpoint vs COPY and INSERT (issue 4)
//   npm run bench -- import     a CSV import vs COPY (issue 4)
//   npm run bench -- load       autocannon vs a bare Fastify + pg baseline (issue 7)
import { parseArgs } from 'node:util'

type Section = () => Promise<void>

const SECTIONS: Record<string, () => Promise<{ default: Section }>> = {
  stats: () => import('./stats.js'),
  ingest: () => import('./ingest.js'),
  import: () => import('./import.js'),
  load: () => import('./load.js')
}

const { positionals } = parseArgs({ allowPositionals: true })
const chosen = positionals.length > 0 ? positionals : Object.keys(SECTIONS)
for (const name of chosen) {
  const load = SECTIONS[name]
  if (!load) {
    console.error(`unknown section ${name}; choose from ${Object.keys(SECTIONS).join(', ')}`)
    process.exit(2)
  }
}
for (const name of chosen) {
  console.log(`\n=== ${name}`)
  const section = await SECTIONS[name]!()
  await section.default()
}
