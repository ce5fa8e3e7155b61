// Loads the reference data set (214 records of 2020, fixtures/reference-2020.json) into the database
// the server uses in this environment (DATA_DIR's embedded database, or DATABASE_URL), so that a
// new user sees real tables: npm run demo && npm start. Loading it again changes nothing.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import app from '../src/app.js'
import { loadConfig } from '../src/config.js'

const config = { ...loadConfig(), logLevel: 'warn' }
const server = Fastify({ logger: { level: 'warn' } })
await server.register(app, { config })
await server.ready()
const records = JSON.parse(readFileSync(new URL('../fixtures/reference-2020.json', import.meta.url), 'utf8')) as unknown[]
const token = server.jwt.sign({ sub: 'demo-loader', roles: ['integration'], municipalities: ['2182', '2121', '2184'] }, { expiresIn: '5m' })
const res = await server.inject({ method: 'POST', url: '/v1/cases/batch', headers: { authorization: `Bearer ${token}` }, payload: records })
const summary = res.json() as { created: number, updated: number, unchanged: number, failed: number }
await server.close()
process.stderr.write(`reference data: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed} failed\n`)
process.exit(summary.failed === 0 ? 0 : 1)
