import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import app, { serverOptions } from './app.js'
import { loadConfig } from './config.js'

const config = loadConfig()
const server = Fastify(serverOptions(config))
await server.register(app, { config })

closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
  if (err) server.log.error({ err }, 'server closing after an error')
  else server.log.info({ signal }, 'server closing')
  await server.close()
})

await server.listen({ port: config.port, host: config.host })
server.log.info({ database: server.database.kind, dataDir: server.database.kind === 'pglite' ? config.dataDir : undefined }, 'ISU Register ready')
