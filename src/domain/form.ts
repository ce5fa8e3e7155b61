import { Type, type Static } from 'typebox'
import { CODE_LIST_NAMES, CODE_LISTS, type CodeListName, label } from './codes.js'
import { codeDefinition, QUESTION_TEXTS, SECTION_TITLES, type SectionKey } from './form-texts.js'
import type { FormVersion, Labels } from './types.js'

// The whole SU-X form (report Bilaga 1) with the user guide (Bilaga 2) for GET /v1/forms/{version}.
// Question numbers follow the 2021 form in both versions, so that "question 4" means the same
// field everywhere (messages.ts names fields by these numbers). Codes and their labels come from
// codes.ts; the wording of questions, help texts and definitions from form-texts.ts.

const LabelsSchema = Type.Object({
  sv: Type.String({ description: 'Swedish, as the form or user guide words it' }),
  en: Type.String({ description: 'English translation' })
})

const FormCodeSchema = Type.Object({
  code: Type.String(),
  labels: LabelsSchema,
  definition: Type.Optional(LabelsSchema),
  note: Type.Optional(LabelsSchema)
})

const QuestionSchema = Type.Object({
  number: Type.Union([Type.Integer({ minimum: 1, maximum: 10 }), Type.Null()], {
    description: 'Question number in the 2021 form; null for fields without one (ärende-id, comments)'
  }),
  field: Type.String({ description: 'The record\'s JSON field (SPEC §2)' }),
  text: LabelsSchema,
  help: Type.Union([LabelsSchema, Type.Null()], { description: '"Hjälp och instruktioner" and the user guide (Bilaga 2)' }),
  type: Type.Enum(['integer', 'code', 'codes', 'date', 'text', 'texts']),
  required: Type.Enum(['always', 'conditional', 'optional'], {
    description: '`conditional`: the rules listed in `rules` say when the field must be given or left empty'
  }),
  codeList: Type.Optional(Type.Enum(CODE_LIST_NAMES)),
  codes: Type.Optional(Type.Array(FormCodeSchema, { description: 'The codes valid in this form version' })),
  openList: Type.Optional(Type.Boolean({
    description: 'Names outside `codes` are accepted and kept as written; known names are matched case-insensitively'
  })),
  minimum: Type.Optional(Type.Integer()),
  maximum: Type.Optional(Type.Integer()),
  minChoices: Type.Optional(Type.Integer()),
  maxChoices: Type.Optional(Type.Integer()),
  minLength: Type.Optional(Type.Integer()),
  maxLength: Type.Optional(Type.Integer({ description: 'For texts: the length of each item' })),
  pattern: Type.Optional(Type.String()),
  rules: Type.Array(Type.String(), { description: 'Codes of the rules reported on this field' })
})

const SectionSchema = Type.Object({
  key: Type.String(),
  title: LabelsSchema,
  questions: Type.Array(QuestionSchema)
})

const RuleSchema = Type.Object({
  code: Type.String({ description: 'Stable code, as in validation errors and warnings' }),
  severity: Type.Enum(['error', 'warning']),
  fields: Type.Array(Type.String(), { description: 'Fields whose JSON path the issue is reported on' }),
  description: LabelsSchema
})

export const FormDefinitionSchema = Type.Object({
  version: Type.Union([Type.Literal('2020'), Type.Literal('2021')]),
  title: LabelsSchema,
  description: LabelsSchema,
  sections: Type.Array(SectionSchema),
  rules: Type.Array(RuleSchema)
}, { description: 'The SU-X form of one version: questions, help texts, code lists and cross-field rules' })

export type FormDefinition = Static<typeof FormDefinitionSchema>
export type FormQuestion = Static<typeof QuestionSchema>
export type FormRule = Static<typeof RuleSchema>

/** Limits of SPEC §2 that the form states and the validator enforces. */
const LONG_DURATION_DAYS = 1100
const LONG_WAIT_DAYS = 365
const AGE_WARNING = 18

const sv = (list: CodeListName, code: string) => `”${label(list, code, 'sv')}”`
const en = (list: CodeListName, code: string) => `“${label(list, code, 'en')}”`
const manualCode = (v: FormVersion) => v === '2021' ? 'other_manual_method' : 'manual_method'

interface RuleSpec {
  code: string
  severity: 'error' | 'warning'
  fields: string[]
  versions?: FormVersion[]
  description: (v: FormVersion) => Labels
}

const NEVER = 'never_started'

const RULES: RuleSpec[] = [
  { code: 'start_before_referral', severity: 'error', fields: ['startDate'], description: () => ({ sv: 'Datum då insatsen påbörjades (fråga 5) får inte vara före datum för aktualisering (fråga 4).', en: 'The start date (question 5) may not be before the referral date (question 4).' }) },
  { code: 'closing_before_start', severity: 'error', fields: ['closingDate'], description: () => ({ sv: 'Datum för avslut (fråga 9) får inte vara före datum då insatsen påbörjades (fråga 5).', en: 'The closing date (question 9) may not be before the start date (question 5).' }) },
  { code: 'closing_before_referral', severity: 'error', fields: ['closingDate'], description: () => ({ sv: 'Datum för avslut (fråga 9) får inte vara före datum för aktualisering (fråga 4).', en: 'The closing date (question 9) may not be before the referral date (question 4).' }) },
  { code: 'closing_in_future', severity: 'error', fields: ['closingDate'], description: () => ({ sv: 'Datum för avslut får inte ligga i framtiden; ett ärende registreras först när det är avslutat.', en: 'The closing date may not be in the future; a case is registered once it has closed.' }) },
  {
    code: 'start_required',
    severity: 'error',
    fields: ['startDate'],
    description: (v) => v === '2021'
      ? { sv: `Datum då insatsen påbörjades ska anges, utom när avslutsorsaken är ${sv('closure_reason', NEVER)}.`, en: `The start date is required unless the closure reason is ${en('closure_reason', NEVER)}.` }
      : { sv: 'Datum då insatsen påbörjades ska alltid anges.', en: 'The start date is always required.' }
  },
  { code: 'start_with_never_started', severity: 'warning', fields: ['startDate'], versions: ['2021'], description: () => ({ sv: `När avslutsorsaken är ${sv('closure_reason', NEVER)} brukar inget datum anges för när insatsen påbörjades; kontrollera.`, en: `When the closure reason is ${en('closure_reason', NEVER)}, a start date is unusual; check it.` }) },
  { code: 'other_problem_required', severity: 'error', fields: ['otherProblem'], description: () => ({ sv: `Ange vilken annan problematik när ${sv('problem', 'other')} är vald.`, en: `Say which other problem when ${en('problem', 'other')} is chosen.` }) },
  { code: 'other_problem_not_allowed', severity: 'error', fields: ['otherProblem'], description: () => ({ sv: `Fältet fylls bara i när ${sv('problem', 'other')} är vald.`, en: `Only filled in when ${en('problem', 'other')} is chosen.` }) },
  { code: 'manual_methods_required', severity: 'error', fields: ['manualMethods'], description: (v) => ({ sv: `Ange vilken eller vilka metoder (1–10) när ${sv('intervention', manualCode(v))} är vald bland insatserna.`, en: `Name the method(s) (1–10) when ${en('intervention', manualCode(v))} is chosen among the interventions.` }) },
  { code: 'manual_methods_not_allowed', severity: 'error', fields: ['manualMethods'], description: (v) => ({ sv: `Metoder anges bara när ${sv('intervention', manualCode(v))} är vald bland insatserna.`, en: `Methods are only given when ${en('intervention', manualCode(v))} is chosen among the interventions.` }) },
  { code: 'other_intervention_required', severity: 'error', fields: ['otherIntervention'], versions: ['2021'], description: () => ({ sv: `Ange vilken annan insats när ${sv('intervention', 'other_non_manual')} är vald.`, en: `Say which other intervention when ${en('intervention', 'other_non_manual')} is chosen.` }) },
  {
    code: 'other_intervention_not_allowed',
    severity: 'error',
    fields: ['otherIntervention'],
    description: (v) => v === '2021'
      ? { sv: `Fältet fylls bara i när ${sv('intervention', 'other_non_manual')} är vald.`, en: `Only filled in when ${en('intervention', 'other_non_manual')} is chosen.` }
      : { sv: '2020 års formulär har inget alternativ för annan ej manualbaserad insats; fältet lämnas tomt.', en: 'The 2020 form has no option for another non-manual intervention; the field is left empty.' }
  },
  {
    code: 'interventions_required',
    severity: 'error',
    fields: ['interventions'],
    description: (v) => v === '2021'
      ? { sv: `Minst en insats ska anges, utom när avslutsorsaken är ${sv('closure_reason', NEVER)}.`, en: `At least one intervention is required unless the closure reason is ${en('closure_reason', NEVER)}.` }
      : { sv: 'Minst en insats ska anges.', en: 'At least one intervention is required.' }
  },
  { code: 'interventions_must_be_empty', severity: 'error', fields: ['interventions'], versions: ['2021'], description: () => ({ sv: `När insatsen inte startas markeras inget av svarsalternativen (avslutsorsak ${sv('closure_reason', NEVER)}).`, en: `When the intervention does not start, no option is marked (closure reason ${en('closure_reason', NEVER)}).` }) },
  { code: 'closure_comment_required', severity: 'error', fields: ['closureComment'], description: () => ({ sv: `Förtydliga avslutsorsaken när den är ${sv('closure_reason', 'not_matching_needs')} eller ${sv('closure_reason', 'other')}.`, en: `Explain the closure reason when it is ${en('closure_reason', 'not_matching_needs')} or ${en('closure_reason', 'other')}.` }) },
  { code: 'background_required', severity: 'error', fields: ['background'], versions: ['2021'], description: () => ({ sv: 'Frågan om var barnet/ungdomen är född (fråga 3) ska besvaras.', en: 'The question where the child/young person was born (question 3) must be answered.' }) },
  { code: 'background_not_allowed', severity: 'error', fields: ['background'], versions: ['2020'], description: () => ({ sv: '2020 års formulär har ingen fråga om var barnet är fött; fältet ska saknas eller vara null.', en: 'The 2020 form has no question on where the child was born; the field must be absent or null.' }) },
  {
    code: 'identity_number',
    severity: 'error',
    fields: ['caseRef', 'otherProblem', 'manualMethods', 'otherIntervention', 'closureComment', 'comment'],
    description: () => ({
      sv: 'Ärende-id och fritext får inte innehålla ett personnummer eller samordningsnummer (10 eller 12 siffror, med eller utan - eller +, giltigt datum eller dag + 60, giltig kontrollsiffra).',
      en: 'The case id and free text may not contain a personal identity number or coordination number (10 or 12 digits, with or without - or +, a valid date or day + 60, a valid check digit).'
    })
  },
  { code: 'long_duration', severity: 'warning', fields: ['closingDate'], description: () => ({ sv: `Fler än ${LONG_DURATION_DAYS} dagar mellan start och avslut; stämmer datumen?`, en: `More than ${LONG_DURATION_DAYS} days from start to closing; are the dates right?` }) },
  { code: 'long_wait', severity: 'warning', fields: ['startDate'], description: () => ({ sv: `Fler än ${LONG_WAIT_DAYS} dagar från aktualisering till start; stämmer datumen?`, en: `More than ${LONG_WAIT_DAYS} days from referral to start; are the dates right?` }) },
  { code: 'age_over_18', severity: 'warning', fields: ['ageAtReferral'], description: () => ({ sv: `Åldern vid aktualisering är över ${AGE_WARNING} år; stämmer den?`, en: `The age at referral is over ${AGE_WARNING}; is it right?` }) }
]

/** Every rule code the form can list, in either version. */
export const RULE_CODES: readonly string[] = RULES.map((r) => r.code)

type QuestionShape = Omit<FormQuestion, 'text' | 'help' | 'codes' | 'rules'> & { versions?: FormVersion[] }

const FREE_TEXT = { type: 'text', required: 'conditional', maxLength: 500 } as const

/** The form's questions in order, per section, before texts, codes and rules are filled in. */
const LAYOUT: Array<{ key: SectionKey, questions: QuestionShape[] }> = [
  {
    key: 'background',
    questions: [
      { number: null, field: 'caseRef', type: 'text', required: 'always', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
      { number: 1, field: 'ageAtReferral', type: 'integer', required: 'always', minimum: 0, maximum: 20 },
      { number: 2, field: 'gender', type: 'code', required: 'always', codeList: 'gender' },
      { number: 3, field: 'background', type: 'code', required: 'always', codeList: 'background', versions: ['2021'] },
      { number: 4, field: 'referralDate', type: 'date', required: 'always' },
      { number: 5, field: 'startDate', type: 'date', required: 'conditional' },
      { number: 6, field: 'previouslyKnown', type: 'code', required: 'always', codeList: 'previously_known' }
    ]
  },
  {
    key: 'problems',
    questions: [
      { number: 7, field: 'problems', type: 'codes', required: 'always', codeList: 'problem', minChoices: 1, maxChoices: 3 },
      { number: 7, field: 'otherProblem', ...FREE_TEXT }
    ]
  },
  {
    key: 'interventions',
    questions: [
      { number: 8, field: 'interventions', type: 'codes', required: 'conditional', codeList: 'intervention' },
      { number: 8, field: 'manualMethods', type: 'texts', required: 'conditional', codeList: 'manual_method', openList: true, minChoices: 1, maxChoices: 10, maxLength: 100 },
      { number: 8, field: 'otherIntervention', ...FREE_TEXT, versions: ['2021'] },
      { number: null, field: 'comment', type: 'text', required: 'optional', maxLength: 1000 }
    ]
  },
  {
    key: 'closing',
    questions: [
      { number: 9, field: 'closingDate', type: 'date', required: 'always' },
      { number: 10, field: 'closureReason', type: 'code', required: 'always', codeList: 'closure_reason' },
      { number: 10, field: 'closureComment', ...FREE_TEXT }
    ]
  }
]

function formCodes (list: CodeListName, version: FormVersion) {
  return CODE_LISTS[list].codes
    .filter((c) => c.versions.includes(version))
    .map((c) => {
      const definition = codeDefinition(list, c.code, version)
      return {
        code: c.code,
        labels: c.labels,
        ...(definition ? { definition } : {}),
        ...(c.note ? { note: c.note } : {})
      }
    })
}

/**
 * Where the 2020 form differs beyond its codes: its records may lack problems (SPEC §2), and
 * without `never_started` a 2020 case always has a start date and an intervention.
 */
const OVERRIDES_2020: Record<string, Partial<QuestionShape>> = {
  problems: { required: 'optional', minChoices: 0 },
  startDate: { required: 'always' },
  interventions: { required: 'always', minChoices: 1 }
}

function question (shape: QuestionShape, version: FormVersion, rules: FormRule[]): FormQuestion {
  const { versions: _versions, number, field, type, required, codeList, ...limits } =
    version === '2020' ? { ...shape, ...OVERRIDES_2020[shape.field] } : shape
  const { text, help } = QUESTION_TEXTS[field](version)
  return {
    number,
    field,
    text,
    help,
    type,
    required,
    ...(codeList ? { codeList, codes: formCodes(codeList, version) } : {}),
    ...limits,
    rules: rules.filter((r) => r.fields.includes(field)).map((r) => r.code)
  }
}

function rulesFor (version: FormVersion): FormRule[] {
  return RULES
    .filter((r) => !r.versions || r.versions.includes(version))
    .map((r) => ({ code: r.code, severity: r.severity, fields: r.fields, description: r.description(version) }))
}

export function formDefinition (version: FormVersion): FormDefinition {
  const rules = rulesFor(version)
  return {
    version,
    title: {
      sv: `SU-X ${version} – uppföljning av öppenvårdens insatser för barn och unga`,
      en: `SU-X ${version} – follow-up of outpatient interventions for children and young people`
    },
    description: version === '2021'
      ? {
          sv: 'Ett formulär per avslutat ärende (rapportens Bilaga 1), med hjälptexter och begreppsdefinitioner ur användarstödet (Bilaga 2).',
          en: 'One form per closed case (the report\'s Bilaga 1), with help texts and definitions from the user guide (Bilaga 2).'
        }
      : {
          sv: `Ett formulär per avslutat ärende. 2020 års formulär saknar fråga 3 (var barnet är fött) och alternativen ${sv('gender', 'other')}, ${sv('intervention', 'other_non_manual')} och ${sv('closure_reason', NEVER)}; frågorna numreras som i 2021 års formulär. Hjälptexterna är 2021 års användarstöd, anpassat till 2020 års svarsalternativ.`,
          en: `One form per closed case. The 2020 form has no question 3 (country of birth) and no options ${en('gender', 'other')}, ${en('intervention', 'other_non_manual')} or ${en('closure_reason', NEVER)}; questions are numbered as in the 2021 form. Help texts are the 2021 user guide, adapted to the 2020 options.`
        },
    sections: LAYOUT.map((s) => ({
      key: s.key,
      title: SECTION_TITLES[s.key],
      questions: s.questions.filter((q) => !q.versions || q.versions.includes(version)).map((q) => question(q, version, rules))
    })),
    rules
  }
}
