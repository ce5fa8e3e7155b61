import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { openDatabase } from '../../src/db/client.js'
import { auth, build, queryRows, record2020, record2021, SERVER_URL, testDatabase } from '../helper.js'

// Audit completeness: every write, every read of a record (one and listed, found or not), every
// token issued and every refused access by address is in the append-only log, without free
// text; the application's connection cannot change the log, and a separate role can be kept
// from even trying.

const SECRET = 'Pappa dricker, mamma vet inte'

interface Row { subject: string, action: string, municipality: string | null, case_ref: string | null, request_id: string | null, detail: Record<string, unknown> | null }

t.test('each kind of access leaves its audit row, with codes and counts only', async (t) => {
  const app = await build(t)
  const alice = auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] })
  const bob = auth(app, { sub: 'bob', roles: ['registrant'], municipalities: ['2184'] })
  const admin = auth(app, { sub: 'ada', roles: ['admin'] })
  const url = '/v1/municipalities/2184/cases/HU-2021-0001'
  const steps: Array<[string, () => Promise<{ statusCode: number }>, number, string[]]> = [
    ['create', () => app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021({ comment: SECRET }) }), 201, ['case.create']],
    ['replace', () => app.inject({ method: 'PUT', url, headers: alice, payload: record2021({ comment: SECRET, closureReason: 'other', closureComment: SECRET }) }), 200, ['case.update']],
    ['replace unchanged', () => app.inject({ method: 'PUT', url, headers: alice, payload: record2021({ comment: SECRET, closureReason: 'other', closureComment: SECRET }) }), 200, []],
    ['read one', () => app.inject({ method: 'GET', url, headers: alice }), 200, ['case.read']],
    ['list', () => app.inject({ method: 'GET', url: '/v1/cases', headers: alice }), 200, ['case.list']],
    ['list finding nothing', () => app.inject({ method: 'GET', url: '/v1/cases', headers: bob }), 200, ['case.list']],
    ['another\'s record', () => app.inject({ method: 'GET', url, headers: bob }), 404, ['case.refused']],
    ['create over another\'s', () => app.inject({ method: 'POST', url: '/v1/cases', headers: bob, payload: record2021() }), 409, ['case.refused']],
    ['replace another\'s', () => app.inject({ method: 'PUT', url, headers: bob, payload: record2021() }), 403, ['case.refused']],
    ['validate', () => app.inject({ method: 'POST', url: '/v1/cases/validate', headers: alice, payload: record2021() }), 200, []],
    ['invalid record', () => app.inject({ method: 'POST', url: '/v1/cases', headers: alice, payload: record2021({ problems: [] }) }), 422, []],
    ['batch', () => app.inject({ method: 'POST', url: '/v1/cases/batch', headers: alice, payload: [record2021({ caseRef: 'B-1', comment: SECRET }), record2020({ municipality: '2184', caseRef: 'B-2' })] }), 200, ['case.create', 'case.create']],
    ['erase', () => app.inject({ method: 'DELETE', url, headers: alice }), 204, ['case.erase']],
    ['client', () => app.inject({ method: 'POST', url: '/v1/admin/clients', headers: admin, payload: { name: 'Treserva', role: 'integration', municipalities: ['2184'] } }), 201, ['client.create']],
    ['audit log', () => app.inject({ method: 'GET', url: '/v1/admin/audit-log?action=case.read', headers: admin }), 200, ['audit.read']]
  ]
  let seen = 0
  for (const [name, step, status, actions] of steps) {
    const res = await step()
    t.equal(res.statusCode, status, `${name}: ${status}`)
    const rows = await queryRows<Row>(app, sql`select action from audit_log order by id`)
    t.same(rows.slice(seen).map((r) => r.action), actions, `${name}: ${actions.join(', ') || 'no row'}`)
    seen = rows.length
  }
  const [{ clientId }] = await queryRows<{ clientId: string }>(app, sql`select client_id as "clientId" from api_clients`)
  const { clientSecret } = (await app.inject({ method: 'POST', url: `/v1/admin/clients/${clientId}/rotate`, headers: admin })).json()
  const issued = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { clientId, clientSecret } })
  t.equal(issued.statusCode, 200)
  const [token] = await queryRows<Row>(app, sql`select subject, action, detail from audit_log where action = 'token.issue'`)
  t.match(token, { subject: `client:${clientId}`, action: 'token.issue', detail: { clientId, role: 'integration' } }, 'a token issued')

  const rows = await queryRows<Row>(app, sql`select subject, action, municipality, case_ref, request_id, detail from audit_log order by id`)
  const text = JSON.stringify(rows)
  t.notMatch(text, SECRET, 'no free text')
  t.notMatch(text, clientSecret, 'no secret')
  for (const r of rows) {
    t.ok(r.request_id, `${r.action} names its request`)
    for (const [k, v] of Object.entries(r.detail ?? {})) {
      const values = Array.isArray(v) ? v : [v]
      t.ok(values.every((x) => typeof x === 'number' || typeof x === 'boolean' || (typeof x === 'string' && /^[\w.:@/-]{0,64}$/.test(x))), `${r.action} detail.${k} is a code or a count: ${JSON.stringify(v)}`)
    }
  }
})

/** A statement on the app's own connection, with its SQLSTATE when it fails. */
async function refusal (run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run()
    return null
  } catch (err) {
    const e = err as { code?: string, cause?: { code?: string } }
    return e.cause?.code ?? e.code ?? 'unknown'
  }
}

t.test('the application\'s connection can neither change nor remove audit rows', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/v1/cases', headers: auth(app, { sub: 'alice', roles: ['registrant'], municipalities: ['2184'] }), payload: record2021() })
  const db = app.database.db
  t.equal(await refusal(() => db.execute(sql`update audit_log set subject = 'mallory'`)), '42501', 'UPDATE: insufficient_privilege')
  t.equal(await refusal(() => db.execute(sql`delete from audit_log where action = 'case.create'`)), '42501', 'DELETE')
  t.equal(await refusal(() => db.execute(sql`truncate audit_log`)), '42501', 'TRUNCATE')
  const rows = await queryRows<Row>(app, sql`select subject, action from audit_log`)
  t.same(rows, [{ subject: 'alice', action: 'case.create' }], 'the row is as written')
})

/** The grants of README "Security and privacy", for a role `isu_app` in database `isu`. */
export function applicationRoleGrants (role: string, database: string): string[] {
  return [
    `GRANT CONNECT, CREATE ON DATABASE "${database}" TO ${role}`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `REVOKE UPDATE, DELETE ON audit_log, case_erasures FROM ${role}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, CREATE ON SCHEMA drizzle TO ${role}`,
    `GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA drizzle TO ${role}`
  ]
}

t.test('as the application role of the README, records are written but the log cannot be changed, even with its trigger off', async (t) => {
  const app = await build(t)
  const db = app.database.db
  // Roles belong to the whole server: a unique name, dropped at the end.
  const role = `isu_app_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const [{ name }] = await queryRows<{ name: string }>(app, sql`select current_database() as name`)
  await db.execute(sql.raw(`create role ${role} login`))
  t.teardown(async () => {
    await db.execute(sql.raw(`alter table audit_log enable trigger audit_log_append_only`)).catch(() => {})
    await db.execute(sql.raw(`drop owned by ${role}`)).catch(() => {})
    await db.execute(sql.raw(`drop role if exists ${role}`)).catch(() => {})
  })
  for (const grant of applicationRoleGrants(role, name)) await db.execute(sql.raw(grant))
  await db.execute(sql.raw(`insert into audit_log (subject, action) values ('owner', 'test.seed')`))
  // The owner can switch the trigger off; the application's role must not be able to profit from that.
  await db.execute(sql.raw(`alter table audit_log disable trigger audit_log_append_only`))
  const asApp = (statement: string) => refusal(() => db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local role ${role}`))
    await tx.execute(sql.raw(statement))
  }))
  t.equal(await asApp(`insert into audit_log (subject, action) values ('app', 'test.insert')`), null, 'the role appends')
  t.equal(await asApp(`update audit_log set subject = 'mallory'`), '42501', 'UPDATE: permission denied')
  t.equal(await asApp(`delete from audit_log`), '42501', 'DELETE: permission denied')
  t.equal(await asApp(`truncate audit_log`), '42501', 'TRUNCATE: permission denied')
  t.equal(await asApp(`alter table audit_log disable trigger audit_log_no_truncate`), '42501', 'the trigger is not the role\'s to switch off')
  t.equal(await asApp(`delete from case_erasures`), '42501', 'tombstones stay too')
  t.equal(await asApp(`update cases set comment = null`), null, 'records are the role\'s to write')
  await db.execute(sql.raw(`alter table audit_log enable trigger audit_log_append_only`))
  const rows = await queryRows<{ subject: string }>(app, sql`select subject from audit_log order by id`)
  t.same(rows.map((r) => r.subject), ['owner', 'app'])
})

t.test('the application role can start the service: the start-up migration check passes', { skip: SERVER_URL ? false : 'needs a PostgreSQL server to log in as another role' }, async (t) => {
  const { database, drop, url } = await testDatabase()
  t.teardown(async () => {
    await database.close()
    await drop()
  })
  await database.migrate()
  const role = `isu_app_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const owner = database.db
  await owner.execute(sql.raw(`create role ${role} login password 'test-only'`))
  t.teardown(async () => {
    await owner.execute(sql.raw(`drop owned by ${role}`)).catch(() => {})
    await owner.execute(sql.raw(`drop role if exists ${role}`)).catch(() => {})
  })
  const target = new URL(url as string)
  for (const grant of applicationRoleGrants(role, target.pathname.slice(1))) await owner.execute(sql.raw(grant))
  target.username = role
  target.password = 'test-only'
  const asApp = openDatabase({ url: target.toString(), poolSize: 1 })
  await t.resolves(asApp.migrate(), 'migrate() with nothing to apply')
  t.equal(await refusal(() => asApp.db.execute(sql`update audit_log set subject = 'mallory'`)), '42501')
  await asApp.close()
})
