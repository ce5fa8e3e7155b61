import { parseArgs } from 'node:util'
import type { Lang } from '../domain/types.js'
import { importFile, ServerError } from './import.js'
import { UsageError, validate } from './validate.js'

// isu: the ISU Register command line. `isu import` sends a case system's export to a server;
// `isu validate` checks it offline with the same rules. Exit status: 0 when every row is fine,
// 1 when a row or the file failed (or the server could not be reached), 2 on a usage error.

const USAGE = `Usage:
  isu import FILE (--profile NAME | --mapping PROFILE.json) [--url URL]
             [--client-id ID --client-secret SECRET | --token JWT] [--lang sv|en]
  isu validate FILE (--profile NAME | --mapping PROFILE.json) [--today YYYY-MM-DD] [--lang sv|en]

Profiles: generic, treserva, procapita (profiles/*.json), or your own as --mapping.
Rows that fail are written to FILE.rejected.csv (row, column, path, code, message).
Environment: ISU_URL (http://localhost:3000), ISU_CLIENT_ID, ISU_CLIENT_SECRET, ISU_TOKEN.
`

async function main (argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      mapping: { type: 'string' },
      url: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      token: { type: 'string' },
      today: { type: 'string' },
      lang: { type: 'string' },
      'poll-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [command, file, ...rest] = positionals
  if (values.help || !command) {
    process.stdout.write(USAGE)
    return values.help ? 0 : 2
  }
  if (!file || rest.length > 0 || (command !== 'import' && command !== 'validate')) throw new UsageError(`expected "import FILE" or "validate FILE"`)
  const lang: Lang = (values.lang ?? (env.LANG?.startsWith('en') ? 'en' : 'sv')) === 'en' ? 'en' : 'sv'
  if (command === 'validate') return validate(file, { profile: values.profile, mapping: values.mapping, today: values.today }, lang)
  return importFile(file, {
    url: (values.url ?? env.ISU_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    profile: values.profile,
    mapping: values.mapping,
    clientId: values['client-id'] ?? env.ISU_CLIENT_ID,
    clientSecret: values['client-secret'] ?? env.ISU_CLIENT_SECRET,
    token: values.token ?? env.ISU_TOKEN,
    pollMs: Number(values['poll-ms'] ?? 500)
  }, lang)
}

try {
  process.exitCode = await main(process.argv.slice(2), process.env)
} catch (err) {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`isu: ${(err as Error).message}\n\n${USAGE}`)
    process.exitCode = 2
  } else if (err instanceof ServerError) {
    const { problem } = err
    process.stderr.write(`isu: ${problem.status ? `${problem.status} ` : ''}${problem.detail ?? ''}\n`)
    for (const e of problem.errors ?? []) process.stderr.write(`  ${e.path}: ${e.message}\n`)
    process.exitCode = 1
  } else if ((err as { code?: string }).code === 'ENOENT') {
    process.stderr.write(`isu: ${(err as Error).message}\n`)
    process.exitCode = 1
  } else {
    throw err
  }
}
