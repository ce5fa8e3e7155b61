import { Type } from 'typebox'
import { AGE_GROUPS, INTERVENTION_GROUPS } from '../../domain/types.js'
import { HttpProblem, IssueSchema } from '../../http/problem.js'
import { RecordInputSchema } from '../../domain/record-schema.js'
import { DOMAIN_VALIDATED } from '../../http/validation.js'

// Schemas shared by the record routes.

/** The request body of record submissions: documented here, checked by the domain. */
export const RecordBody = { ...RecordInputSchema, [DOMAIN_VALIDATED]: 'domain' }

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const RecordSchema = Type.Object({
  municipality: Type.String(),
  caseRef: Type.String(),
  formVersion: Type.String(),
  ageAtReferral: Type.Integer(),
  gender: Type.String(),
  background: Nullable(Type.String()),
  referralDate: Type.String({ format: 'date' }),
  startDate: Nullable(Type.String({ format: 'date' })),
  previouslyKnown: Type.String(),
  problems: Type.Array(Type.String()),
  otherProblem: Nullable(Type.String()),
  interventions: Type.Array(Type.String()),
  manualMethods: Type.Array(Type.String()),
  otherIntervention: Nullable(Type.String()),
  closingDate: Type.String({ format: 'date' }),
  closureReason: Type.String(),
  closureComment: Nullable(Type.String()),
  comment: Nullable(Type.String())
}, { $id: 'SuxRecord', description: 'A stored SU-X record, as submitted after normalisation (trimmed text, manual methods in their known spelling)' })

export const recordRef = Type.Ref('SuxRecord')

export const WriteResponse = Type.Object({
  record: recordRef,
  warnings: Type.Array(IssueSchema, { description: 'Accepted, but worth a second look (e.g. a duration over 1,100 days)' })
})

export const ValidateResponse = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(IssueSchema),
  warnings: Type.Array(IssueSchema)
})

export const CaseParams = Type.Object({
  code: Type.String({ pattern: '^[0-9]{4}$', description: 'Municipality code' }),
  caseRef: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: "The unit's case id" })
})

const many = (items: ReturnType<typeof Type.String>, description: string) =>
  Type.Optional(Type.Array(items, { description: `${description} (repeatable)`, maxItems: 50 }))

/** The filters of SPEC §3, shared by record lists and statistics. */
export const filterProperties = {
  from: Type.Optional(Type.String({ format: 'date', maxLength: 10, description: 'closingDate on or after (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date', maxLength: 10, description: 'closingDate on or before (inclusive)' })),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'Calendar year of closingDate (instead of from/to)' })),
  municipality: many(Type.String({ pattern: '^[0-9]{4}$' }), 'Municipality codes; absent = all the caller may see'),
  gender: many(Type.String({ maxLength: 40 }), 'Gender codes'),
  ageGroup: many(Type.String({ enum: [...AGE_GROUPS] }), 'Age groups'),
  background: many(Type.String({ maxLength: 40 }), 'Background codes'),
  interventionGroup: many(Type.String({ enum: [...INTERVENTION_GROUPS] }), 'Intervention groups'),
  problem: many(Type.String({ maxLength: 40 }), 'Problem codes (harmonised: parent_mental_health includes 2020\'s parent_mental_health_or_id)'),
  previouslyKnown: many(Type.String({ maxLength: 40 }), 'Previously-known codes')
}

/** A period is a year or a from/to range, not both. */
export function assertOnePeriod (q: { year?: number, from?: string, to?: string }): void {
  if (q.year !== undefined && (q.from !== undefined || q.to !== undefined)) throw new HttpProblem(400, 'Give either year or from/to, not both')
}

export const ListQuery = Type.Object({
  ...filterProperties,
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size (at most 1000)' }),
  cursor: Type.Optional(Type.String({ maxLength: 40, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' }))
}, { additionalProperties: false })

export const ListResponse = Type.Object({
  items: Type.Array(recordRef),
  nextCursor: Nullable(Type.String())
})
