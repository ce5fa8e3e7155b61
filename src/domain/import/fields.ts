import type { CodeListName } from '../codes.js'
import { RecordInputSchema } from '../record-schema.js'

// How each SU-X field is read from the cells of an import row.

export type SuxField = keyof typeof RecordInputSchema.properties
export const SUX_FIELDS = Object.keys(RecordInputSchema.properties) as SuxField[]

export type FieldKind = 'municipality' | 'caseRef' | 'version' | 'integer' | 'code' | 'codes' | 'names' | 'date' | 'text'

export interface FieldSpec {
  kind: FieldKind
  list?: CodeListName
  /** A profile must say where the field comes from. */
  required: boolean
  /** An empty cell is null (true) or a missing value (false: the record then lacks a required field). */
  nullable: boolean
}

const spec = (kind: FieldKind, required: boolean, nullable = false, list?: CodeListName): FieldSpec =>
  list ? { kind, required, nullable, list } : { kind, required, nullable }

export const FIELD_SPECS: Record<SuxField, FieldSpec> = {
  municipality: spec('municipality', true),
  caseRef: spec('caseRef', true),
  formVersion: spec('version', true),
  ageAtReferral: spec('integer', true),
  gender: spec('code', true, false, 'gender'),
  background: spec('code', false, true, 'background'),
  referralDate: spec('date', true),
  startDate: spec('date', true, true),
  previouslyKnown: spec('code', true, false, 'previously_known'),
  problems: spec('codes', true, false, 'problem'),
  otherProblem: spec('text', false, true),
  interventions: spec('codes', true, false, 'intervention'),
  manualMethods: spec('names', false),
  otherIntervention: spec('text', false, true),
  closingDate: spec('date', true),
  closureReason: spec('code', true, false, 'closure_reason'),
  closureComment: spec('text', false, true),
  comment: spec('text', false, true)
}

export const isListKind = (kind: FieldKind) => kind === 'codes' || kind === 'names'

/** Fields whose cells may be translated by a profile's local code map. */
export const takesCodes = (kind: FieldKind) => kind !== 'caseRef' && kind !== 'date' && kind !== 'text'

/** Local codes and column names are matched as people read them: case, outer and repeated blanks aside. */
export function normalizeKey (s: string): string {
  return s.replace(/^\uFEFF/, '').trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv')
}

/** A key as a JSON pointer segment (RFC 6901). */
export const pointerSegment = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')
