import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { auth, build, queryRows, record2020, record2021, token } from '../helper.js'
import { bytes1252, form, genericCsv, importFile, integration, text1252, upload } from './import-helpers.js'

// Files that cannot be imported get a clear problem, not a crash, and nothing is stored; rows that
// cannot be stored are reported by row and column while the others are stored.

async function jobCount (app: FastifyInstance): Promise<number> {
  const [row] = await queryRows<{ n: string | number }>(app, sql`select count(*) as n from import_jobs`)
  return Number(row.n)
}

async function caseCount (app: FastifyInstance): Promise<number> {
  const [row] = await queryRows<{ n: string | number }>(app, sql`select count(*) as n from cases`)
  return Number(row.n)
}

const treserva = () => text1252('treserva.csv').split('\r\n')

t.test('a file in the wrong encoding is refused with 422 and the line of the first bad byte', async (t) => {
  const app = await build(t)
  const csv = genericCsv([record2021({ caseRef: 'E-1' }), record2021({ caseRef: 'E-2', comment: 'Läkarbesök på BUP' })])
  const res = await upload(app, integration, { file: bytes1252(csv), profile: 'generic' })
  t.equal(res.statusCode, 422)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { status: 422, detail: /inget sparades/, errors: [{ path: '/file', code: 'invalid_encoding', message: /rad 3/ }] })
  t.equal(await jobCount(app), 0, 'no job')
  const en = await upload(app, integration, { file: bytes1252(csv), profile: 'generic' }, 'en')
  t.match(en.json().errors[0].message, /not valid UTF-8 \(first error on line 3\)/)

  const utf8 = await importFile(app, integration, { file: Buffer.from(text1252('treserva.csv')), profile: 'treserva' })
  t.match(utf8, { status: 'done', created: 8, failed: 0 }, 'a Windows-1252 profile still reads a file saved as UTF-8')
  const bom = await importFile(app, integration, { file: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), profile: 'generic' })
  t.match(bom, { status: 'done', created: 2 }, 'a byte-order mark is skipped')
})

t.test('a header without a column the profile reads is refused, naming the column', async (t) => {
  const app = await build(t)
  const lines = treserva()
  const cut = lines.map((l) => l.split(';').filter((_, i) => i !== 4).join(';'))
  const res = await upload(app, integration, { file: bytes1252(cut.join('\r\n')), profile: 'treserva' })
  t.equal(res.statusCode, 422)
  t.same(res.json().errors.map((e: { path: string, code: string }) => `${e.path} ${e.code}`), ['/file missing_column'])
  t.match(res.json().errors[0].message, /Barnets kön \(fråga 2\): Kolumnen "Kön" saknas i rubrikraden/)
  const generic = await upload(app, integration, { file: 'municipality;caseRef\n2184;X-1\n', profile: 'generic' })
  const messages = generic.json().errors.map((e: { message: string }) => e.message).join('\n')
  t.equal(generic.json().errors.length, 10, 'every missing column the form requires is named')
  t.match(messages, /Formulärversion: Kolumnen "formVersion" saknas/)
  t.notMatch(messages, /background|comment/, 'columns of fields the form does not require may be left out')
  t.equal(await jobCount(app), 0)
})

t.test('unknown local codes fail their row, located by row and column, without quoting the cell', async (t) => {
  const app = await build(t)
  const lines = treserva()
  lines[1] = lines[1].replace(';Flicka;', ';Tjej;')
  lines[2] = lines[2].replace(';Brister i föräldraförmåga;', ';Föräldraskap;')
  const done = await importFile(app, integration, { file: bytes1252(lines.join('\r\n')), profile: 'treserva' })
  t.match(done, { status: 'done', total: 8, processed: 8, created: 6, failed: 2 })
  t.same(done.errors.map((e) => [e.row, e.column, e.path, e.code]), [
    [2, 'Kön', '/gender', 'unknown_local_code'],
    [3, 'Problematik 1', '/problems', 'unknown_local_code']
  ])
  t.match(done.errors[0].message, /^Barnets kön \(fråga 2\): Värdet finns inte bland profilens koder; kända: Flicka, Pojke, Annan könsidentitet, K, M$/)
  t.notMatch(JSON.stringify(done.errors), /Tjej|Föräldraskap/, 'the message never quotes the cell')
  const [row] = await queryRows<{ all: string }>(app, sql`select string_agg(params::text, ' ') as all from import_errors`)
  t.notMatch(String(row.all), /Tjej|Föräldraskap/, 'nor does what is stored')
  t.equal((await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/TR-2021-001', headers: auth(app, integration) })).statusCode, 404)
})

t.test('a 50 MB file is refused with 413 before it is read, and one over the limit while streaming too', async (t) => {
  const app = await build(t)
  const boundary = 'x-isu-test'
  const big = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="profile"\r\n\r\ngeneric\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n`),
    Buffer.alloc(50 * 1024 * 1024, 'a'),
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  const res = await app.inject({
    method: 'POST', url: '/v1/imports', payload: big,
    headers: { ...auth(app, integration), 'content-type': `multipart/form-data; boundary=${boundary}` }
  })
  t.equal(res.statusCode, 413)
  t.match(res.json(), { status: 413, detail: /större än 20 MB/ })
  // A form streamed without a length is cut off at the limit as it arrives.
  const streamed = await app.inject({ method: 'POST', url: '/v1/imports', headers: auth(app, integration), payload: form({ file: Buffer.alloc(21 * 1024 * 1024, 'a'), profile: 'generic' }) })
  t.equal(streamed.statusCode, 413)
  t.equal(await jobCount(app), 0)
})

t.test('IMPORT_MAX_BYTES sets the limit', async (t) => {
  const app = await build(t, { importMaxBytes: 1024 * 1024 })
  const csv = genericCsv(Array.from({ length: 6000 }, (_, i) => record2021({ caseRef: `L-${i}` })))
  t.ok(csv.length > 1024 * 1024)
  const res = await upload(app, integration, { file: csv, profile: 'generic' })
  t.equal(res.statusCode, 413)
  t.match(res.json().detail, /större än 1 MB/)
})

t.test('over a socket, a 50 MB upload is answered 413 after its headers, not after its body', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const answer = await new Promise<{ status: number, sent: number }>((resolve, reject) => {
    let sent = 0
    const req = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/v1/imports',
      headers: { authorization: `Bearer ${token(app, integration)}`, 'content-type': 'multipart/form-data; boundary=b', 'content-length': 50 * 1024 * 1024 }
    }, (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0, sent })
      req.destroy()
    })
    req.on('error', (err) => { if (!(err as { code?: string }).code?.startsWith('ECONNRESET')) reject(err) })
    const chunk = Buffer.alloc(64 * 1024, 'a')
    const pump = () => {
      // Slowly, so that the answer comes while most of the body is still unsent.
      if (sent >= 4 * 1024 * 1024 || req.destroyed) return
      req.write(chunk)
      sent += chunk.length
      setTimeout(pump, 5)
    }
    pump()
  })
  t.equal(answer.status, 413)
  t.ok(answer.sent < 50 * 1024 * 1024 / 10, `answered after ${answer.sent} bytes of 50 MB`)
})

t.test('a file cut short: an unterminated quote refuses the file, a last line cut in half fails that row', async (t) => {
  const app = await build(t)
  const lines = treserva()
  const quoted = lines.slice(0, 9).join('\r\n').replace(/"Samtal med skolan; skolkurator";2021-12-01.*$/s, '"Samtal med skolan; sk')
  const res = await upload(app, integration, { file: bytes1252(quoted), profile: 'treserva' })
  t.equal(res.statusCode, 422)
  t.match(res.json().errors, [{ path: '/file', code: 'unterminated_quote', message: /rad 9 .*aldrig avslutas; filen är troligen avklippt/ }])

  const halfLine = lines.slice(0, 8).join('\r\n') + '\r\n' + lines[8].slice(0, 60)
  const done = await importFile(app, integration, { file: bytes1252(halfLine), profile: 'treserva' })
  t.match(done, { status: 'done', total: 8, created: 7, failed: 1 })
  t.same(done.errors.map((e) => [e.row, e.column, e.code]), [[9, 'Aktualiseringsdatum', 'incomplete_row']])
  t.match(done.errors[0].message, /Raden har 6 celler men rubrikraden 24/)
  t.equal(await caseCount(app), 7)
})

t.test('formula cells and personal identity numbers fail their row; nothing of them is stored or echoed', async (t) => {
  const app = await build(t)
  const lines = treserva()
  lines[1] = lines[1].replace('Trappan – extern insats', '=HYPERLINK("http://x.example","klicka")')
  lines[2] = lines[2].replace(';TR-2021-002;', ';850709-9805;')
  lines[3] = lines[3].replace(';Nätverksmöten;', ';Ring mamma 19850709-9805;')
  lines[4] = lines[4].replace(';Okänt;', ';@SUM(A1);')
  lines[5] = lines[5].replace(';12;', ';+12;')
  const done = await importFile(app, integration, { file: bytes1252(lines.join('\r\n')), profile: 'treserva' })
  t.match(done, { total: 8, created: 3, failed: 5 })
  t.same(done.errors.map((e) => [e.row, e.column, e.path, e.code]), [
    [2, 'Övrigt', '/comment', 'formula'],
    [3, 'Ärende-ID', '/caseRef', 'identity_number'],
    [4, 'Annan insats, beskrivning', '/otherIntervention', 'identity_number'],
    [5, 'Födelseland', '/background', 'formula'],
    [6, 'Ålder vid aktualisering', '/ageAtReferral', 'formula']
  ])
  t.match(done.errors[1].message, /Ärende-id: Får inte innehålla ett personnummer/)
  t.notMatch(JSON.stringify(done.errors), /9805|HYPERLINK|SUM/)
  const [row] = await queryRows<{ all: string }>(app, sql`select string_agg(coalesce(params::text, '') || column_name || path, ' ') as all from import_errors`)
  t.notMatch(row.all, /9805|HYPERLINK|SUM/)
})

t.test('rows that break SU-X rules are reported with the column the value came from', async (t) => {
  const app = await build(t)
  const records = [
    record2021({ caseRef: 'G-1' }),
    record2021({ caseRef: 'G-2', problems: ['school_problems', 'bullying'], closingDate: '2030-01-01' }),
    record2021({ caseRef: 'G-3', startDate: '2020-12-01' }),
    record2020({ caseRef: 'G-4', ageAtReferral: 'nio' }),
    record2021({ caseRef: 'G-1', comment: 'same case again' }),
    record2021({ caseRef: 'G-6', referralDate: '11/01/2021' })
  ]
  const done = await importFile(app, integration, { file: genericCsv(records, ';'), profile: 'generic' }, 'en')
  t.match(done, { total: 6, created: 0, failed: 6 })
  t.same(done.errors.map((e) => [e.row, e.column, e.path, e.code]), [
    [2, 'caseRef', '/caseRef', 'duplicate_in_file'],
    [3, 'problems', '/problems/1', 'unknown_code'],
    [3, 'closingDate', '/closingDate', 'closing_in_future'],
    [4, 'startDate', '/startDate', 'start_before_referral'],
    [5, 'ageAtReferral', '/ageAtReferral', 'wrong_type'],
    [6, 'caseRef', '/caseRef', 'duplicate_in_file'],
    [7, 'referralDate', '/referralDate', 'invalid_date_format']
  ])
  t.match(done.errors[0].message, /also on row 6; none of the rows was stored/)
  t.match(done.errors[1].message, /^Main problems \(question 7\): Not a valid code in form version 2021; valid: violence_abuse/)
  t.notMatch(done.errors[1].message, /bullying/)
  t.match(done.errors[6].message, /reads dates as YYYY-MM-DD/)
})

t.test('an Excel workbook imports from its first sheet: numbers, dates and empty cells as a person sees them', async (t) => {
  const app = await build(t)
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Ärenden')
  workbook.addWorksheet('Anteckningar').addRow(['not read'])
  const fields = ['municipality', 'caseRef', 'formVersion', 'ageAtReferral', 'gender', 'background', 'referralDate', 'startDate', 'previouslyKnown',
    'problems', 'otherProblem', 'interventions', 'manualMethods', 'otherIntervention', 'closingDate', 'closureReason', 'closureComment', 'comment']
  sheet.addRow(fields)
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`)
  sheet.addRow([2184, 'X-1', 2021, 9, 'girl', 'born_se_both_parents_se', day('2021-01-11'), day('2021-01-25'), 'no',
    'family_relationship|child_mental_health', null, 'traditional_family_treatment|other_manual_method', 'Trygghetscirkeln', null, day('2021-09-30'), 'goals_met'])
  sheet.addRow(['2182', 'X-2', '2020', '12', 'boy', null, '2020-02-03', '2020-02-17', 'once', 'parenting_deficits', null, 'manual_method', 'PYC', null, '2020-06-30', 'goals_met', null, 'Åter i skolan'])
  sheet.addRow([])
  sheet.addRow([2184, 'X-3', 2021, { formula: '4+5', result: 9 }, 'girl', 'unknown', day('2021-01-11'), day('2021-01-25'), 'no', 'school_problems', null,
    'traditional_family_treatment', null, null, day('2021-09-30'), 'goals_met'])
  const file = Buffer.from(await workbook.xlsx.writeBuffer())
  const done = await importFile(app, integration, { file, filename: 'export.xlsx', profile: 'generic' })
  t.match(done, { status: 'done', total: 3, created: 2, failed: 1 })
  t.same(done.errors.map((e) => [e.row, e.column, e.code]), [[5, 'ageAtReferral', 'formula']], 'rows are numbered as the sheet numbers them')
  const x1 = await app.inject({ method: 'GET', url: '/v1/municipalities/2184/cases/X-1', headers: auth(app, integration) })
  t.same(x1.json(), record2021({ caseRef: 'X-1' }))
  const x2 = await app.inject({ method: 'GET', url: '/v1/municipalities/2182/cases/X-2', headers: auth(app, integration) })
  t.same(x2.json(), { ...record2020({ caseRef: 'X-2', problems: ['parenting_deficits'], manualMethods: ['PYC'], comment: 'Åter i skolan' }), background: null })

  const damaged = await upload(app, integration, { file: file.subarray(0, 2000), filename: 'export.xlsx', profile: 'generic' })
  t.match(damaged.json(), { status: 422, errors: [{ path: '/file', code: 'unreadable_xlsx' }] })
  const xls = await upload(app, integration, { file: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), filename: 'old.xls', profile: 'generic' })
  t.match(xls.json(), { status: 422, errors: [{ code: 'unsupported_format', message: /Filformatet xls stöds inte/ }] })
})

t.test('an empty file, or a header without rows, is refused', async (t) => {
  const app = await build(t)
  for (const [file, code] of [['', 'empty_file'], ['\n\n', 'empty_file'], [genericCsv([]), 'no_rows']]) {
    const res = await upload(app, integration, { file, profile: 'generic' })
    t.match(res.json(), { status: 422, errors: [{ path: '/file', code }] }, code)
  }
  t.equal(await jobCount(app), 0)
})

t.test('the same cases with commas or with semicolons read the same', async (t) => {
  const app = await build(t)
  const records = [record2021({ caseRef: 'S-1', comment: 'Möte; uppföljning, klart' }), record2020({ caseRef: 'S-2' })]
  const comma = await importFile(app, integration, { file: genericCsv(records, ','), profile: 'generic' })
  t.match(comma, { created: 2, failed: 0 })
  const semicolon = await importFile(app, integration, { file: genericCsv(records, ';'), profile: 'generic' })
  t.match(semicolon, { created: 0, unchanged: 2, failed: 0 })
})
