import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { CODE_LIST_NAMES, CODE_LISTS, isCodeListName } from '../../domain/codes.js'
import { FORM_VERSIONS } from '../../domain/types.js'
import { HttpProblem, problemRef } from '../../http/problem.js'

const LabelsSchema = Type.Object({ sv: Type.String(), en: Type.String() })
const VersionSchema = Type.Union([Type.Literal('2020'), Type.Literal('2021')])

const CodeSchema = Type.Object({
  code: Type.String(),
  labels: LabelsSchema,
  validIn: Type.Array(VersionSchema, { description: 'Form versions in which the code may be submitted' }),
  note: Type.Optional(LabelsSchema)
})

const CodeListSchema = Type.Object({
  name: Type.String(),
  title: LabelsSchema,
  field: Type.String({ description: 'The record field that uses the list' }),
  version: Type.Union([VersionSchema, Type.Null()], { description: 'The version asked for; null lists every code of every version' }),
  codes: Type.Array(CodeSchema)
})

const CACHE = 'public, max-age=3600'

export default async function codeListRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/code-lists', {
    schema: {
      tags: ['code-lists'],
      summary: 'The code lists and the form versions they exist in',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({ name: Type.String(), title: LabelsSchema, field: Type.String(), versions: Type.Array(VersionSchema) }))
        })
      }
    }
  }, async (_request, reply) => {
    reply.header('cache-control', CACHE)
    return {
      items: CODE_LIST_NAMES.map((name) => ({
        name,
        title: CODE_LISTS[name].title,
        field: CODE_LISTS[name].field,
        versions: FORM_VERSIONS.filter((v) => CODE_LISTS[name].codes.some((c) => c.versions.includes(v)))
      }))
    }
  })

  app.get('/code-lists/:name', {
    schema: {
      tags: ['code-lists'],
      summary: 'The codes of one list with Swedish and English labels, optionally for one form version',
      params: Type.Object({ name: Type.String({ maxLength: 40, examples: ['problem'] }) }),
      querystring: Type.Object({ version: Type.Optional(VersionSchema) }, { additionalProperties: false }),
      response: { 200: CodeListSchema, 400: problemRef, 404: problemRef }
    }
  }, async (request, reply) => {
    const { name } = request.params
    if (!isCodeListName(name)) throw new HttpProblem(404, `No code list named ${name}; see GET /v1/code-lists`)
    const version = request.query.version ?? null
    const list = CODE_LISTS[name]
    reply.header('cache-control', CACHE)
    return {
      name,
      title: list.title,
      field: list.field,
      version,
      codes: list.codes.filter((c) => version === null || c.versions.includes(version))
        .map((c) => ({ code: c.code, labels: c.labels, validIn: c.versions, ...(c.note ? { note: c.note } : {}) }))
    }
  })
}
