import t from 'tap'
import type { SuxRecord } from '../../src/domain/types.js'
import { recordSnapshot } from '../../src/stats/snapshot.js'
import { auth, build, record2020, record2021 } from '../helper.js'

function mapStore () {
  const records = new Map<number, SuxRecord>()
  return { records, upsert: (id: number, r: SuxRecord) => { records.set(id, r) }, remove: (id: number) => { records.delete(id) } }
}

t.test('the snapshot follows creations, replacements and erasures, without free text', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184', '2182'] })
  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ comment: 'hemligt' }) })
  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2020() })

  let clock = 1_000
  const store = mapStore()
  const snapshot = recordSnapshot({ db: app.database.db, store, settleMs: 500, now: () => clock })
  await snapshot.refresh()
  t.equal(store.records.size, 2, 'the cold load holds every record')
  const first = [...store.records.values()].find((r) => r.caseRef === 'HU-2021-0001')
  t.same(first?.problems, ['family_relationship', 'child_mental_health'])
  t.same(first?.manualMethods, ['Trygghetscirkeln'])
  t.equal(first?.comment, null, 'free text is not loaded')
  t.equal(first?.referralDate, '2021-01-11')

  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'HU-2' }) })
  await app.inject({ method: 'PUT', url: '/v1/municipalities/2184/cases/HU-2021-0001', headers, payload: record2021({ closureReason: 'discontinued_by_child' }) })
  await app.inject({ method: 'DELETE', url: '/v1/municipalities/2182/cases/SH-2020-0001', headers })
  clock += 100
  await snapshot.refresh()
  t.same([...store.records.values()].map((r) => r.caseRef).sort(), ['HU-2', 'HU-2021-0001'])
  t.equal([...store.records.values()].find((r) => r.caseRef === 'HU-2021-0001')?.closureReason, 'discontinued_by_child')
  t.equal(snapshot.status().records, 2)

  clock += 1_000
  await snapshot.refresh()
  await snapshot.refresh()
  t.equal(store.records.size, 2, 'refreshing again changes nothing')
  await app.inject({ method: 'DELETE', url: '/v1/municipalities/2184/cases/HU-2', headers })
  clock += 1_000
  await snapshot.refresh()
  t.same([...store.records.values()].map((r) => r.caseRef), ['HU-2021-0001'], 'an erasure after the window settled still applies')
})

t.test('a write that commits late with a lower change number is still picked up', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184'] })
  let clock = 0
  const store = mapStore()
  const snapshot = recordSnapshot({ db: app.database.db, store, settleMs: 500, now: () => clock })
  await snapshot.refresh()
  // Take change numbers out of order: a record written with an older number appears after a newer one.
  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'LATE' }) })
  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'EARLY' }) })
  const { sql } = await import('drizzle-orm')
  await app.database.db.execute(sql`update cases set change_seq = 1000 where case_ref = 'EARLY'`)
  await app.database.db.execute(sql`update cases set change_seq = 1 where case_ref = 'LATE'`)
  await app.database.db.execute(sql`delete from cases where case_ref = 'LATE'`)
  clock += 100
  await snapshot.refresh()
  t.same([...store.records.values()].map((r) => r.caseRef), ['EARLY'])
  // Now the "late" transaction commits with number 999, below the 1000 already seen.
  await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: record2021({ caseRef: 'LATE' }) })
  await app.database.db.execute(sql`update cases set change_seq = 999 where case_ref = 'LATE'`)
  clock += 100
  await snapshot.refresh()
  t.same([...store.records.values()].map((r) => r.caseRef).sort(), ['EARLY', 'LATE'], 'found within the settle window')
})

t.test('the cold load reads in id pages exactly what the change feed reads, nulls and lists included', async (t) => {
  const app = await build(t)
  const headers = auth(app, { sub: 'int', roles: ['integration'], municipalities: ['2184', '2182'] })
  const payloads = [
    record2021(),
    record2020(),
    record2021({ caseRef: 'HU-N', startDate: null, interventions: [], manualMethods: [], closureReason: 'never_started' }),
    record2021({ caseRef: 'HU-M', manualMethods: ['Trygghetscirkeln', 'ett, eget namn med "citat" och {klammer}'] }),
    record2021({ caseRef: 'HU-P', problems: ['other'], otherProblem: 'fritext', previouslyKnown: 'several' })
  ]
  for (const payload of payloads) {
    const res = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload })
    t.equal(res.statusCode, 201, String(payload.caseRef))
  }
  const byFeed = mapStore()
  const feed = recordSnapshot({ db: app.database.db, store: byFeed, settleMs: 0 })
  await feed.refresh()
  // The change feed, asked for everything after change 0, as an incremental refresh would.
  const { changedRecords } = await import('../../src/db/change-feed.js')
  const expected = new Map((await changedRecords(app.database.db, 0, 100)).map((c) => [c.id, c.record]))

  for (const pageSize of [1, 2, 100]) {
    const store = mapStore()
    await recordSnapshot({ db: app.database.db, store, settleMs: 0, pageSize }).refresh()
    t.same(store.records, expected, `pages of ${pageSize}`)
  }
  t.same(byFeed.records, expected)
  const named = [...expected.values()].find((r) => r.caseRef === 'HU-M')
  t.same(named?.manualMethods, ['Trygghetscirkeln', 'ett, eget namn med "citat" och {klammer}'])
  const never = [...expected.values()].find((r) => r.caseRef === 'HU-N')
  t.equal(never?.startDate, null)
  t.same(never?.interventions, [])
})
