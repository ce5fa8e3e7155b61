import http from 'node:http'
import t from 'tap'
import { type Answer, bearer, childCounts, faultRecord, send, sleep, startApi, startCluster, storedCases } from './harness.js'

// PostgreSQL stopped and started under a steady write and read load, the API running throughout
// as a real process: while the database is down every answer is a 503 problem+json (never a 500,
// never a dropped connection), /health says so, the API recovers by itself, and every write it
// acknowledged with 2xx is in the database afterwards, children and audit row included.

t.test('the database restarts twice (clean, then a crash) under load', async (t) => {
  const cluster = await startCluster()
  t.teardown(() => cluster.destroy())
  const api = await startApi(cluster.url, { SHUTDOWN_GRACE_MS: '5000' })
  t.teardown(async () => {
    api.child.kill('SIGKILL')
    await api.exited
  })
  const writer = { authorization: bearer({ sub: 'treserva', roles: ['integration'], municipalities: ['2184'] }) }
  const analyst = { authorization: bearer({ sub: 'ana', roles: ['regional_analyst'] }) }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  t.teardown(() => agent.destroy())

  type Phase = 'up' | 'down' | 'recovering'
  let phase: Phase = 'up'
  let running = true
  const acked = new Map<string, number>()
  const answers: Record<string, Record<string, number>> = { up: {}, down: {}, recovering: {} }
  const failures: string[] = []
  const note = (res: Answer | Error, what: string) => {
    const key = res instanceof Error ? `${what} ${(res as NodeJS.ErrnoException).code ?? res.message}` : `${what} ${res.status}`
    answers[phase][key] = (answers[phase][key] ?? 0) + 1
    if (res instanceof Error) failures.push(`${phase}: ${key}`)
    else if (res.status >= 500 && (res.status !== 503 || !/^application\/problem\+json/.test(String(res.headers['content-type'])))) {
      failures.push(`${phase}: ${what} ${res.status} ${res.body.slice(0, 200)}`)
    }
  }

  let next = 0
  async function writeLoop () {
    while (running) {
      const i = next++
      const ref = `DB-${i}`
      const res = await send(api.url, 'PUT', `/v1/municipalities/2184/cases/${ref}`, { agent, headers: writer, body: faultRecord('2184', ref, i), timeoutMs: 20_000 }).catch((e: Error) => e)
      note(res, 'write')
      if (!(res instanceof Error) && res.status >= 200 && res.status < 300) acked.set(ref, i)
      if (res instanceof Error || res.status >= 500) await sleep(50)
    }
  }
  async function readLoop () {
    const paths = ['/v1/stats/overview?year=2021', '/v1/cases?limit=20', '/v1/municipalities/2184/cases/DB-1']
    for (let k = 0; running; k++) {
      const res = await send(api.url, 'GET', paths[k % paths.length], { agent, headers: analyst, timeoutMs: 20_000 }).catch((e: Error) => e)
      note(res, 'read')
      if (res instanceof Error || res.status >= 500) await sleep(50)
    }
  }
  const health = async () => {
    try {
      return (await send(api.url, 'GET', '/health', { agent: false, timeoutMs: 10_000 })).status
    } catch (err) {
      throw new Error(`/health did not answer (${(err as Error).message}); the API said:\n${api.output()}`)
    }
  }
  async function until (what: string, ok: () => Promise<boolean>, ms: number) {
    const deadline = Date.now() + ms
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms\n${api.output()}`)
      await sleep(100)
    }
  }

  const loops = [writeLoop(), writeLoop(), writeLoop(), readLoop(), readLoop()]
  t.teardown(() => { running = false })
  const recovery: number[] = []
  for (const mode of ['fast', 'immediate'] as const) {
    if (api.child.exitCode !== null) throw new Error(`the API exited:\n${api.output()}`)
    await sleep(1500)
    t.equal(await health(), 200, `${mode}: healthy before the stop`)
    const ackedBefore = acked.size
    const stopping = cluster.stop(mode)
    phase = 'down'
    await stopping
    await sleep(300)
    const downHealth = await send(api.url, 'GET', '/health', { agent: false, timeoutMs: 10_000 })
    t.equal(downHealth.status, 503, `${mode}: /health answers 503 while the database is down`)
    t.match(downHealth.headers['content-type'], /^application\/problem\+json/)
    await sleep(2500)
    const ackedWhileDown = acked.size
    const started = Date.now()
    await cluster.start()
    phase = 'recovering'
    await until('/health 200', async () => (await health()) === 200, 30_000)
    await until('a write acknowledged after the restart', async () => acked.size > ackedWhileDown, 30_000)
    recovery.push(Date.now() - started)
    phase = 'up'
    t.ok(acked.size > ackedBefore, `${mode}: writes were acknowledged around the stop`)
    t.equal(api.child.exitCode, null, `${mode}: the API process never stopped`)
  }
  await sleep(1000)
  running = false
  await Promise.all(loops)

  t.same(failures.slice(0, 5), [], 'no answer but 2xx/4xx or a 503 problem+json, and no dropped connection')
  t.ok(Object.keys(answers.down).some((k) => k.endsWith(' 503')), `503s while down: ${JSON.stringify(answers.down)}`)
  t.ok((answers.up['write 201'] ?? 0) > 10 && (answers.up['read 200'] ?? 0) > 10, `steady load while up: ${JSON.stringify(answers.up)}`)
  t.comment(`answers: ${JSON.stringify(answers)}; recovery after start (ms): ${recovery.join(', ')}`)

  const stored = new Map((await storedCases(cluster)).map((c) => [c.case_ref, c]))
  const lost = [...acked.keys()].filter((ref) => !stored.has(ref))
  t.same(lost, [], `every one of the ${acked.size} acknowledged writes is stored`)
  const broken = [...acked].filter(([ref, i]) => {
    const c = stored.get(ref)
    const want = childCounts(i)
    return c !== undefined && (c.problems !== want.problems || c.interventions !== want.interventions || c.methods !== want.methods || c.audited !== 1)
  })
  t.same(broken, [], 'each with all its child rows and its audit row')
  const partial = [...stored.values()].filter((c) => c.problems === 0 || c.interventions === 0 || c.audited !== 1)
  t.same(partial, [], 'no stored record is missing children or audit, acknowledged or not')
})
