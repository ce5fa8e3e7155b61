import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { auditRepository } from '../../src/db/audit-repository.js'
import { casesRepository } from '../../src/db/cases-repository.js'
import { exportColumns, exportService } from '../../src/services/exports.js'
import { auth, record2021 } from '../helper.js'
import { ADMIN, ANALYST, DASHBOARD, LEAD_HUDIKSVALL, REFERENCE, referenceApp } from './helpers.js'

// GET /v1/exports/cases: pseudonymised microdata for regional analysts, audited, without free text.

const SECRET = {
  comment: 'SECRET-COMMENT Lisa bor hos mormor',
  closureComment: 'SECRET-CLOSURE flyttade till Bergsjö',
  otherIntervention: 'SECRET-INTERVENTION samtal med rektor',
  otherProblem: 'SECRET-PROBLEM hemlig sak'
}

/** The reference data and three 2021 records full of free text in Hudiksvall. */
async function withFreeText (t: Parameters<typeof referenceApp>[0]): Promise<FastifyInstance> {
  const app = await referenceApp(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers,
      payload: record2021({
        caseRef: `HU-FT-${i}`,
        problems: ['other', 'family_relationship'],
        otherProblem: SECRET.otherProblem,
        interventions: ['other_non_manual', 'other_manual_method'],
        otherIntervention: SECRET.otherIntervention,
        manualMethods: ['SECRET-METHOD Familjen Svensson', 'trygghetscirkeln'],
        closureReason: 'other',
        closureComment: SECRET.closureComment,
        comment: SECRET.comment
      })
    })
    if (res.statusCode !== 201) throw new Error(res.body)
  }
  return app
}

function parseCsv (body: string): Array<Record<string, string>> {
  const [head, ...lines] = body.trimEnd().split('\r\n')
  const header = head.split(',')
  // No field of the export holds a comma or a quote (codes, dates, numbers, known method names).
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])))
}

type AuditItem = { subject: string, action: string, detail: Record<string, unknown> | null, requestId: string | null, caseRef: string | null }

async function auditOf (app: FastifyInstance, action: string): Promise<AuditItem[]> {
  const res = await app.inject({ method: 'GET', url: `/v1/admin/audit-log?action=${action}`, headers: auth(app, ADMIN) })
  return res.json().items
}

t.test('an analyst exports every record as CSV: coded fields and derived values, no free text', async (t) => {
  const app = await withFreeText(t)
  const res = await app.inject({ method: 'GET', url: '/v1/exports/cases', headers: auth(app, ANALYST) })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.match(res.headers['content-disposition'], /^attachment; filename="su-x-cases-\d{4}-\d{2}-\d{2}\.csv"$/)
  t.equal(res.headers['cache-control'], 'private, no-store')
  t.equal(res.body.split('\r\n')[0], exportColumns(false).join(','))
  const rows = parseCsv(res.body)
  t.equal(rows.length, REFERENCE.length + 3)
  t.notMatch(res.body, /SECRET/, 'no free text, not even an unknown method name')
  const ft = rows.find((r) => r.caseRef === 'HU-FT-0')
  t.match(ft, { municipality: '2184', formVersion: '2021', year: '2021', problems: 'other|family_relationship', interventionGroup: 'manual_only', manualMethods: 'unlisted|Trygghetscirkeln', closureReason: 'other', goalsMet: 'false', durationDays: '248', waitDays: '14' })
  const ref = REFERENCE[0]
  const first = rows.find((r) => r.caseRef === ref.caseRef)
  t.equal(first?.referralDate, ref.referralDate)
  t.equal(first?.closingDate, ref.closingDate)
})

t.test('pseudonymised exports hide caseRefs behind a keyed hash that differs per export', async (t) => {
  const app = await withFreeText(t)
  const headers = auth(app, ANALYST)
  const one = await app.inject({ method: 'GET', url: '/v1/exports/cases?pseudonymise=true&municipality=2184', headers })
  const two = await app.inject({ method: 'GET', url: '/v1/exports/cases?pseudonymise=true&municipality=2184', headers })
  const a = parseCsv(one.body)
  const b = parseCsv(two.body)
  t.equal(a.length, 83, 'Hudiksvall: 80 + 3')
  t.equal(one.body.split('\r\n')[0], exportColumns(true).join(','))
  t.notOk('caseRef' in a[0], 'no caseRef column')
  for (const r of REFERENCE.filter((x) => x.municipality === '2184')) {
    if (one.body.includes(String(r.caseRef))) t.fail(`caseRef ${String(r.caseRef)} in the export`)
  }
  t.notMatch(one.body, /HU-FT-/)
  t.ok(a.every((r) => /^[0-9a-f]{32}$/.test(r.pseudonym)), 'pseudonyms are 128-bit hex')
  t.equal(new Set(a.map((r) => r.pseudonym)).size, a.length, 'distinct records, distinct pseudonyms')
  t.same(a.map((r) => r.closingDate), b.map((r) => r.closingDate), 'the same records in the same order')
  const overlap = a.filter((r, i) => r.pseudonym === b[i].pseudonym)
  t.same(overlap, [], 'no pseudonym repeats in the next export: the key is per export')
  t.notMatch(JSON.stringify(await auditOf(app, 'case.export')), /[0-9a-f]{32}/, 'the key and the pseudonyms are not in the audit log')
})

t.test('every export is audited: who, filters, format, and the rows written', async (t) => {
  const app = await withFreeText(t)
  const res = await app.inject({ method: 'GET', url: '/v1/exports/cases?year=2020&municipality=2182&gender=girl&format=xlsx', headers: auth(app, ANALYST) })
  t.equal(res.statusCode, 200)
  const [start] = await auditOf(app, 'case.export')
  const [done] = await auditOf(app, 'case.export.done')
  t.match(start, { subject: 'fou', caseRef: null, detail: { year: 2020, municipality: ['2182'], gender: ['girl'], format: 'xlsx', pseudonymised: false } })
  t.same(done.detail, { rows: 46, complete: true }, 'Söderhamn\'s 46 girls of 2020')
  t.equal(done.requestId, start.requestId, 'both entries name the request')
  t.notMatch(JSON.stringify([start, done]), /SECRET|HU-FT|SH-/, 'no case content or caseRef in the audit')
})

t.test('XLSX holds the same rows as CSV', async (t) => {
  const app = await withFreeText(t)
  const headers = auth(app, ANALYST)
  const csv = parseCsv((await app.inject({ method: 'GET', url: '/v1/exports/cases?municipality=2121', headers })).body)
  const res = await app.inject({ method: 'GET', url: '/v1/exports/cases?municipality=2121', headers: { ...headers, accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } })
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const ws = wb.getWorksheet('cases')
  if (!ws) throw new Error('no sheet')
  const header = (ws.getRow(1).values as unknown[]).slice(1)
  t.same(header, exportColumns(false))
  t.equal(ws.rowCount - 1, 44, 'Ovanåker\'s 44 records')
  const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => Object.fromEntries(header.map((h, k) => [h, ws.getRow(i + 2).getCell(k + 1).value])))
  t.same(rows.map((r) => String(r.caseRef)), csv.map((r) => r.caseRef))
  t.same(rows.map((r) => r.durationDays ?? ''), csv.map((r) => (r.durationDays === '' ? '' : Number(r.durationDays))), 'numbers as numbers')
  t.same(rows.map((r) => r.goalsMet), csv.map((r) => r.goalsMet === 'true'))
})

t.test('only regional analysts export; bad requests get problem+json', async (t) => {
  const app = await referenceApp(t)
  for (const claims of [LEAD_HUDIKSVALL, DASHBOARD, ADMIN, { sub: 'r', roles: ['registrant' as const], municipalities: ['2184'] }, { sub: 'i', roles: ['integration' as const], municipalities: ['2184'] }]) {
    const res = await app.inject({ method: 'GET', url: '/v1/exports/cases', headers: auth(app, claims) })
    t.equal(res.statusCode, 403, `${claims.roles[0]} may not export`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/exports/cases' })).statusCode, 401)
  t.same(await auditOf(app, 'case.export'), [], 'a refused export writes nothing')
  const headers = auth(app, ANALYST)
  const bad = async (url: string, status: number, h: Record<string, string> = headers) => {
    const res = await app.inject({ method: 'GET', url, headers: h })
    t.equal(res.statusCode, status, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    return res.json()
  }
  t.match(await bad('/v1/exports/cases', 406, { ...headers, accept: 'application/json' }), { detail: /^Uttaget finns som text\/csv/ })
  t.match(await bad('/v1/exports/cases', 406, { ...headers, accept: 'application/json', 'accept-language': 'en' }), { detail: /^The export is available as text\/csv/ })
  t.match(await bad('/v1/exports/cases?format=pdf', 400), { errors: [{ path: '/querystring/format' }] })
  await bad('/v1/exports/cases?year=2020&from=2020-01-01', 400)
  await bad('/v1/exports/cases?caseRef=SH-2020-0001', 400)
  t.same(await auditOf(app, 'case.export'), [], 'nor does a bad request')
})

t.test('a large export is read page by page and counted exactly', async (t) => {
  const app = await referenceApp(t)
  const audit = auditRepository()
  const service = exportService({ db: app.database.db, cases: casesRepository(), audit, pageSize: 50 })
  const stream = await service.start({ caller: { actor: { sub: 'fou', roles: ['regional_analyst'], municipalities: [] }, requestId: 'paged' }, filter: {}, asked: {}, format: 'csv', pseudonymise: false })
  if (stream === 'forbidden') throw new Error('forbidden')
  let text = ''
  for await (const chunk of stream) text += String(chunk)
  t.equal(text.trimEnd().split('\r\n').length, REFERENCE.length + 1, 'every record once, over five pages')
  t.equal(new Set(parseCsv(text).map((r) => r.caseRef)).size, REFERENCE.length)
  const [done] = await auditOf(app, 'case.export.done')
  t.same(done.detail, { rows: REFERENCE.length, complete: true })

  const early = await service.start({ caller: { actor: { sub: 'fou', roles: ['regional_analyst'], municipalities: [] }, requestId: 'early' }, filter: {}, asked: {}, format: 'csv', pseudonymise: false })
  if (early === 'forbidden') throw new Error('forbidden')
  for await (const chunk of early) if (String(chunk).includes('\r\n2')) break
  // The closing entry is written as the stream winds down, after the loop has left: wait for it.
  let cut: AuditItem | undefined
  for (let i = 0; i < 100 && cut === undefined; i++) {
    cut = (await auditOf(app, 'case.export.done')).find((x) => x.requestId === 'early')
    if (cut === undefined) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (!cut) throw new Error('no closing audit entry for the early export')
  t.equal(cut.detail?.complete, false, 'a client that leaves early is recorded as such')
  t.ok(Number(cut.detail?.rows) < REFERENCE.length)
})
