import { Ajv } from 'ajv'
import * as addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

/** Request bodies marked so are checked by the domain (localised messages, JSON pointers), not by ajv. */
export const DOMAIN_VALIDATED = 'x-validated-by'

// ajv-formats is CommonJS with a default export property.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv

/**
 * Params, query strings and headers are checked by ajv with Fastify's usual coercion (a single
 * query value becomes a one-element array); unknown query parameters are refused, not dropped.
 */
export function validatorCompiler (): FastifySchemaCompiler<unknown> {
  const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false })
  addFormats(ajv)
  return ({ schema }) => {
    if ((schema as Record<string, unknown>)[DOMAIN_VALIDATED] === 'domain') return () => true
    return ajv.compile(schema as object)
  }
}
