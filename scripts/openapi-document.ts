import { PGlite } from '@electric-sql/pglite'
import Fastify from 'fastify'
import app from '../src/app.js'
import type { Config } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'

/** The OpenAPI document of the app as JSON text, built on a throwaway in-memory database. */
export async function openApiDocument (database = openDatabase({ pglite: new PGlite() })): Promise<string> {
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: null,
    dataDir: '/nonexistent',
    jwtSecret: 'openapi-generation-only-secret-0123456789abcdef',
    jwtIssuer: null,
    logLevel: 'silent',
    suppressionThreshold: 5,
    shutdownGraceMs: 0
  }
  const server = Fastify({ logger: false })
  await server.register(app, { config, database })
  await server.ready()
  const doc = JSON.stringify(server.swagger(), null, 2) + '\n'
  await server.close()
  return doc
}
