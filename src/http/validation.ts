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
  // PostgreSQL has no year 0, which the JSON Schema date format allows: refused here, not by the query.
  ajv.addFormat('date', (s: string) => {
    const d = new Date(`${s}T00:00:00Z`)
    return /^\d{4}-\d{2}-\d{2}$/.test(s) && !s.startsWith('0000') && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
  })
  return ({ schema }) => {
    if ((schema as Record<string, unknown>)[DOMAIN_VALIDATED] === 'domain') return () => true
    return ajv.compile(schema as object)
  }
}
