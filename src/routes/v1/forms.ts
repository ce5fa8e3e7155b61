import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { formDefinition, FormDefinitionSchema } from '../../domain/form.js'
import { problemRef } from '../../http/problem.js'

export default async function formRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/forms/:version', {
    schema: {
      tags: ['forms'],
      summary: 'The whole SU-X form: questions, help texts, code lists and rules',
      params: Type.Object({ version: Type.Union([Type.Literal('2020'), Type.Literal('2021')]) }),
      response: { 200: FormDefinitionSchema, 400: problemRef }
    }
  }, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=3600')
    return formDefinition(request.params.version)
  })
}
