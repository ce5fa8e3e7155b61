import t, { type Test } from 'tap'
import { type Api, bearer, childCounts, type Cluster, faultRecord, send, sleep, startApi, startCluster, storedCases } from './harness.js'

// The API killed with SIGKILL (no chance to finish anything) in the middle of large batches and of
// an import: afterwards every record is either stored whole (its list rows and its audit row in
// the same transaction) or not at all, and sending the same data again completes without
// duplicates.

const TOTAL = 16_000
const PER_BATCH = 4_000
const writer = { authorization: bearer({ sub: 'treserva', roles: ['integration'], municipalities: ['2184'] }) }

async function countCases (cluster: Cluster): Promise<number> {
  const [row] = await cluster.query<{ n: number }>('select count(*)::int as n from cases')
  return row.n
}

/** Every stored record is whole: lists as faultRecord made them, one audited creation, no duplicate. */
async function checkWhole (t: Test, cluster: Cluster, what: string): Promise<number> {
  const stored = await storedCases(cluster)
  const broken = stored.filter((c) => {
    const want = childCounts(Number(c.case_ref.split('-')[1]))
    return c.problems !== want.problems || c.interventions !== want.interventions || c.methods !== want.methods || c.audited !== 1
  })
  t.same(broken.slice(0, 3), [], `${what}: all ${stored.length} stored records are whole (lists and audit row)`)
  t.equal(new Set(stored.map((c) => c.case_ref)).size, stored.length, `${what}: no caseRef twice`)
  const [orphans] = await cluster.query<{ n: number }>(`select
    (select count(*) from case_problems where case_id not in (select id from cases)) +
    (select count(*) from case_interventions where case_id not in (select id from cases)) +
    (select count(*) from case_manual_methods where case_id not in (select id from cases)) as n`)
  t.equal(Number(orphans.n), 0, `${what}: no list row without its record`)
  return stored.length
}

/** Kills the API with SIGKILL once `ready` says enough is stored; resolves with the count then. */
async function killWhen (api: Api, cluster: Cluster, ready: (n: number) => boolean): Promise<number> {
  const deadline = Date.now() + 120_000
  for (;;) {
    const n = await countCases(cluster)
    if (ready(n)) break
    if (api.child.exitCode !== null) throw new Error(`the API exited by itself:\n${api.output()}`)
    if (Date.now() > deadline) throw new Error(`nothing was stored within 120 s (${n})`)
    await sleep(20)
  }
  api.child.kill('SIGKILL')
  const { signal } = await api.exited
  if (signal !== 'SIGKILL') throw new Error(`the API ended by ${signal}`)
  return countCases(cluster)
}

const batches = Array.from({ length: TOTAL / PER_BATCH }, (_, b) =>
  Array.from({ length: PER_BATCH }, (_, k) => faultRecord('2184', `K-${b * PER_BATCH + k}`, b * PER_BATCH + k)))

t.test('SIGKILL in the middle of four concurrent batches of 4,000', async (t) => {
  const cluster = await startCluster()
  t.teardown(() => cluster.destroy())
  let api = await startApi(cluster.url)
  t.teardown(() => { api.child.kill('SIGKILL') })

  const sent = batches.map((payload) => send(api.url, 'POST', '/v1/cases/batch', { headers: writer, body: payload, timeoutMs: 120_000 }).catch((e: Error) => e))
  const atKill = await killWhen(api, cluster, (n) => n >= 2_000)
  const answers = await Promise.all(sent)
  const completed = answers.filter((a) => !(a instanceof Error) && a.status === 200).length
  t.ok(atKill > 0 && atKill < TOTAL, `killed part way: ${atKill} of ${TOTAL} stored, ${completed} of 4 batches answered`)
  t.ok(answers.some((a) => a instanceof Error), 'at least one batch lost its answer')
  const stored = await checkWhole(t, cluster, 'after the kill')
  t.equal(stored, atKill, 'nothing more was stored after the process died')

  api = await startApi(cluster.url)
  const again = await Promise.all(batches.map((payload) => send(api.url, 'POST', '/v1/cases/batch', { headers: writer, body: payload, timeoutMs: 120_000 })))
  t.same(again.map((a) => a.status), [200, 200, 200, 200], 'every batch sent again is answered')
  const sum = (k: string) => again.reduce((n, a) => n + a.json()[k], 0)
  t.equal(sum('failed'), 0, 'no item fails the second time')
  t.equal(sum('unchanged'), stored, 'what was stored before is unchanged')
  t.equal(sum('created'), TOTAL - stored, 'the rest is created')
  t.equal(await checkWhole(t, cluster, 'after sending again'), TOTAL, 'every record once')
})

t.test('SIGKILL in the middle of an import of 16,000 rows', async (t) => {
  const cluster = await startCluster()
  t.teardown(() => cluster.destroy())
  let api = await startApi(cluster.url)
  t.teardown(() => { api.child.kill('SIGKILL') })

  const fields = Object.keys(faultRecord('2184', 'x', 0))
  const cell = (v: unknown) => v === null ? '' : Array.isArray(v) ? v.join('|') : String(v)
  const csv = [fields.join(','), ...batches.flat().map((r) => fields.map((f) => cell(r[f])).join(','))].join('\n') + '\n'
  const upload = async () => {
    const form = new FormData()
    form.append('profile', 'generic')
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'cases.csv')
    const res = await fetch(`${api.url}/v1/imports`, { method: 'POST', headers: writer, body: form })
    return { status: res.status, body: await res.json() as { id: string, status: string } }
  }
  const job = await upload()
  t.equal(job.status, 202, 'the import is queued')
  const atKill = await killWhen(api, cluster, (n) => n >= 2_000)
  t.ok(atKill > 0 && atKill < TOTAL, `killed part way: ${atKill} of ${TOTAL} rows stored`)
  const stored = await checkWhole(t, cluster, 'after the kill')
  const [progress] = await cluster.query<{ processed: number, status: string }>('select processed, status from import_jobs where id = $1', [job.body.id])
  t.equal(progress.status, 'running', 'the interrupted job is left running (taken up again when its lease runs out)')
  t.ok(progress.processed <= stored, `its committed progress (${progress.processed}) never counts rows that are not stored`)

  api = await startApi(cluster.url)
  const second = await upload()
  t.equal(second.status, 202)
  let view: Record<string, number | string> = {}
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(250)) {
    view = (await send(api.url, 'GET', `/v1/imports/${second.body.id}`, { headers: writer })).json()
    if (view.status === 'done' || view.status === 'failed') break
  }
  t.match(view, { status: 'done', total: TOTAL, processed: TOTAL, failed: 0 }, 'the file imported again completes')
  t.equal(view.unchanged, stored, 'rows stored before the kill are unchanged')
  t.equal(view.created, TOTAL - stored, 'the rest are created')
  t.equal(await checkWhole(t, cluster, 'after importing again'), TOTAL, 'every row once')
})
