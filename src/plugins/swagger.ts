import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'

export const OPENAPI_INFO = {
  title: 'ISU Register',
  version: '0.1.0',
  description: [
    'REST API for SU-X follow-up records of outpatient social services for children and young people',
    '(öppenvård för barn och unga): one short standardised form per closed case, and the statistics built on them.',
    '',
    'Authentication: `Authorization: Bearer <JWT>` with claims `sub`, `roles`, `municipalities`, `iat`, `exp`.',
    'Code lists, forms, `/health` and these docs need no token. API clients (case systems, dashboards) trade the id and',
    'secret an administrator gave them for a 15-minute token at `POST /v1/auth/token`.',
    '',
    'Errors are `application/problem+json` (RFC 9457); validation failures list `errors: [{path, code, message}]`',
    'with `path` a JSON pointer into the submitted record. Messages follow `Accept-Language` (`sv` default, `en`).'
  ].join('\n')
}

export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/' }],
      tags: [
        { name: 'health', description: 'Liveness and database reachability' },
        { name: 'code-lists', description: 'SU-X code lists with Swedish and English labels' },
        { name: 'forms', description: 'The SU-X form definition per version' },
        { name: 'cases', description: 'SU-X records (one per closed case)' },
        { name: 'auth', description: 'Access tokens for API clients (client-credentials grant)' },
        { name: 'admin', description: 'API clients and the audit log (administrators)' },
        { name: 'statistics', description: 'The tables of the FoU report, computed for any period and group, with protection of small counts' }
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }
      }
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
}, { name: 'swagger' })
