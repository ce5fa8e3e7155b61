import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AddressInfo, createServer } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import t, { type Test } from 'tap'
import { auth, build, TODAY } from '../helper.js'

// The isu command as a user runs it: a child process, offline (validate) and against a server
// listening on a port (import), with an API client made through the admin API.

const ROOT = join(import.meta.dirname, '..', '..')
const FIXTURES = join(ROOT, 'fixtures', 'imports')

interface Run { code: number, stdout: string, stderr: string }

function isu (args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'isu.js'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, LANG: 'sv_SE.UTF-8', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

function workdir (): string {
  return mkdtempSync(join(tmpdir(), 'isu-cli-'))
}

/** The Treserva fixture with some rows broken, in a scratch directory. */
function brokenTreserva (dir: string): string {
  const lines = iconv.decode(readFileSync(join(FIXTURES, 'treserva.csv')), 'windows-1252').split('\r\n')
  lines[1] = lines[1].replace(';Flicka;', ';Tjej;')
  lines[4] = lines[4].replace(';2021-05-01;', ';2031-05-01;')
  const file = join(dir, 'export.csv')
  writeFileSync(file, iconv.encode(lines.join('\r\n'), 'windows-1252'))
  return file
}

const rejectedRows = (file: string): string[][] => parse(readFileSync(`${file}.rejected.csv`), { bom: true, delimiter: ';' })

t.test('validate: a good export passes offline with exit 0 and a summary', async (t) => {
  const dir = workdir()
  const file = join(dir, 'treserva.csv')
  copyFileSync(join(FIXTURES, 'treserva.csv'), file)
  const run = await isu(['validate', file, '--profile', 'treserva', '--today', TODAY])
  t.equal(run.code, 0, run.stderr)
  t.equal(run.stdout, `${file} (treserva): 8 rader — 8 godkända, 0 underkända\n`)
  t.notOk(existsSync(`${file}.rejected.csv`), 'nothing rejected, no file')
})

t.test('validate: failing rows give exit 1 and FILE.rejected.csv with row, column, code and message', async (t) => {
  const dir = workdir()
  const file = brokenTreserva(dir)
  const run = await isu(['validate', file, '--profile', 'treserva', '--today', TODAY, '--lang', 'en'])
  t.equal(run.code, 1)
  t.match(run.stdout, /8 rows — 6 valid, 2 failed\nRejected rows written to .*export\.csv\.rejected\.csv\n$/)
  t.same(rejectedRows(file), [
    ['row', 'column', 'path', 'code', 'message'],
    ['2', 'Kön', '/gender', 'unknown_local_code', 'Gender (question 2): The value is not among the profile\'s codes; known: Flicka, Pojke, Annan könsidentitet, K, M'],
    ['5', 'Avslutsdatum', '/closingDate', 'closing_in_future', 'Closing date (question 9): The closing date is in the future']
  ])
  const file2 = join(dir, 'generic.csv')
  copyFileSync(join(FIXTURES, 'treserva.csv'), file2)
  const wrong = await isu(['validate', file2, '--profile', 'generic'])
  t.equal(wrong.code, 1)
  t.match(wrong.stderr, /inte giltig UTF-8/)
  t.match(rejectedRows(file2)[1], ['', '', '', 'invalid_encoding'])
})

t.test('validate: a custom profile file, and usage errors with exit 2', async (t) => {
  const dir = workdir()
  const csv = join(dir, 'small.csv')
  writeFileSync(csv, 'Id;Ålder;Kön;Inkom;Start;Problem;Slut\nM-1;7;F;2021-02-01;2021-02-15;school_problems;2021-06-30\n')
  const mapping = join(dir, 'mine.json')
  writeFileSync(mapping, JSON.stringify({
    name: 'mine',
    fields: {
      municipality: { value: '2184' }, caseRef: 'Id', formVersion: { value: '2021' }, ageAtReferral: 'Ålder', gender: { column: 'Kön', codes: { F: 'girl' } },
      background: { value: 'unknown' }, referralDate: 'Inkom', startDate: 'Start', previouslyKnown: { value: 'no' }, problems: 'Problem',
      interventions: { value: ['traditional_family_treatment'] }, closingDate: 'Slut', closureReason: { value: 'goals_met' }
    }
  }))
  const ok = await isu(['validate', csv, '--mapping', mapping])
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, /1 rader — 1 godkända, 0 underkända/)

  writeFileSync(mapping, JSON.stringify({ name: 'mine', fields: { caseRef: 'Id' } }))
  const badMapping = await isu(['validate', csv, '--mapping', mapping, '--lang', 'en'])
  t.equal(badMapping.code, 2)
  t.match(badMapping.stderr, /mine\.json \/fields\/municipality: The profile must say where this field comes from/)
  for (const args of [['validate', csv], ['validate', csv, '--profile', 'lifecare'], ['export', csv, '--profile', 'generic'], ['validate', '--profile', 'generic'], ['validate', csv, '--profil', 'x']]) {
    const run = await isu(args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, /^isu: .*\n\nUsage:/)
  }
  const missing = await isu(['validate', join(dir, 'nope.csv'), '--profile', 'generic'])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /ENOENT/)
})

async function serve (t: Test): Promise<{ app: FastifyInstance, url: string, id: string, secret: string }> {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const res = await app.inject({
    method: 'POST', url: '/v1/admin/clients', headers: auth(app, { sub: 'root', roles: ['admin'] }),
    payload: { name: 'Treserva Hudiksvall', role: 'integration', municipalities: ['2184'] }
  })
  t.equal(res.statusCode, 201)
  const { port } = app.server.address() as AddressInfo
  return { app, url: `http://127.0.0.1:${port}`, id: res.json().clientId, secret: res.json().clientSecret }
}

t.test('import: uploads with client credentials, waits for the job, summarises, exits 1 and writes the rejected rows', async (t) => {
  const { app, url, id, secret } = await serve(t)
  const dir = workdir()
  const file = brokenTreserva(dir)
  const args = ['import', file, '--profile', 'treserva', '--url', url, '--poll-ms', '50']
  const first = await isu(args, { ISU_CLIENT_ID: id, ISU_CLIENT_SECRET: secret })
  t.equal(first.code, 1, first.stderr)
  t.match(first.stdout, /^export\.csv \(treserva, [0-9a-f-]{36}\): 8 rader — 3 nya, 0 ändrade, 0 oförändrade, 5 underkända\nUnderkända rader finns i .*export\.csv\.rejected\.csv\n$/)
  const rows = rejectedRows(file)
  t.same(rows.map((r) => r.slice(0, 4)), [
    ['row', 'column', 'path', 'code'],
    ['2', 'Kön', '/gender', 'unknown_local_code'],
    ['4', 'Kommunkod', '/municipality', 'municipality_not_allowed'],
    ['5', 'Avslutsdatum', '/closingDate', 'closing_in_future'],
    ['7', 'Kommunkod', '/municipality', 'municipality_not_allowed'],
    ['9', 'Kommunkod', '/municipality', 'municipality_not_allowed']
  ], 'the client acts for 2184 only')
  t.equal(rows[2][4], 'Kommun: Du registrerar inte för kommunen på den här raden')
  const stored = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/TR-2021-002', headers: auth(app, { roles: ['integration'], municipalities: ['2184'] }) })
  t.equal(stored.statusCode, 200)

  const good = join(dir, 'good.csv')
  writeFileSync(good, iconv.encode(iconv.decode(readFileSync(join(FIXTURES, 'treserva.csv')), 'windows-1252').split('\r\n').filter((l) => !l.startsWith('2182;')).join('\r\n'), 'windows-1252'))
  const clean = await isu(['import', good, '--profile', 'treserva', '--url', url, '--client-id', id, '--client-secret', secret, '--lang', 'en'])
  t.equal(clean.code, 0, clean.stderr)
  t.match(clean.stdout, /5 rows — 2 created, 0 updated, 3 unchanged, 0 failed\n$/)
  t.notOk(existsSync(`${good}.rejected.csv`))
})

t.test('import: a refused file, bad credentials and an unreachable server exit 1 with the reason', async (t) => {
  const { url, id, secret } = await serve(t)
  const dir = workdir()
  const file = join(dir, 'export.csv')
  copyFileSync(join(FIXTURES, 'treserva.csv'), file)
  const refused = await isu(['import', file, '--profile', 'generic', '--url', url, '--client-id', id, '--client-secret', secret])
  t.equal(refused.code, 1)
  t.match(refused.stderr, /isu: 422 Filen kan inte importeras; inget sparades\n {2}\/file: Filen är inte giltig UTF-8/)
  t.match(rejectedRows(file)[1], ['', '', '/file', 'invalid_encoding'])
  const denied = await isu(['import', file, '--profile', 'treserva', '--url', url, '--client-id', id, '--client-secret', 'wrong'])
  t.equal(denied.code, 1)
  t.match(denied.stderr, /^isu: 401 /)
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address() as AddressInfo
  await new Promise((resolve) => closed.close(resolve))
  const down = await isu(['import', file, '--profile', 'treserva', '--url', `http://127.0.0.1:${port}`, '--token', 'x'])
  t.equal(down.code, 1)
  t.match(down.stderr, new RegExp(`^isu: http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`))
  const noCredentials = await isu(['import', file, '--profile', 'treserva', '--url', url])
  t.equal(noCredentials.code, 2)
})
