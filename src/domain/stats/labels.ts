import { type CodeListName, label as codeLabel } from '../codes.js'
import { municipalityName } from '../municipalities.js'
import type { Labels, Lang } from '../types.js'
import type { KeyKind } from './types.js'

// Labels for the rows and columns of statistics tables, in Swedish (the report's wording where it
// has one) and English.

export const INTERVENTION_GROUP_LABELS: Record<string, Labels> = {
  traditional_only: { sv: 'Enbart traditionell familjebehandling', en: 'Traditional family treatment only' },
  manual_only: { sv: 'Enbart manualbaserad metod', en: 'Manual-based method only' },
  traditional_and_manual: { sv: 'Traditionell familjebehandling + manualbaserad metod', en: 'Traditional family treatment + manual-based method' },
  other_only: { sv: 'Enbart annan ej manualbaserad insats', en: 'Other non-manual intervention only' },
  none: { sv: 'Ingen insats (påbörjades aldrig)', en: 'No intervention (never started)' }
}

export const MEASURE_LABELS: Record<string, Labels> = {
  all: { sv: 'Samtliga', en: 'All' },
  cases: { sv: 'Antal ärenden', en: 'Cases' },
  children: { sv: 'Antal barn', en: 'Children' },
  n: { sv: 'Antal', en: 'Number' },
  occurrences: { sv: 'Total förekomst', en: 'Occurrences' },
  alone: { sv: 'Förekommer själv', en: 'Occurring alone' },
  ratio: { sv: 'Ratio', en: 'Ratio' },
  goalsMet: { sv: 'Målen uppfyllda helt eller delvis', en: 'Goals fully or partly met' },
  meanAge: { sv: 'Medelålder vid aktualisering', en: 'Mean age at referral' },
  minAge: { sv: 'Minålder', en: 'Minimum age' },
  maxAge: { sv: 'Maxålder', en: 'Maximum age' },
  meanDurationDays: { sv: 'Genomsnittlig inskrivningstid (dagar)', en: 'Mean duration (days)' },
  mean: { sv: 'Genomsnittlig längd (dagar)', en: 'Mean duration (days)' },
  median: { sv: 'Mediantid (dagar)', en: 'Median duration (days)' },
  min: { sv: 'Minvärde (dagar)', en: 'Minimum (days)' },
  max: { sv: 'Maxvärde (dagar)', en: 'Maximum (days)' },
  total: { sv: 'Totalt', en: 'Total' }
}

const CODE_LIST_OF: Partial<Record<KeyKind, CodeListName>> = {
  problem: 'problem',
  closure_reason: 'closure_reason',
  background: 'background',
  gender: 'gender',
  previously_known: 'previously_known',
  manual_method: 'manual_method'
}

/** The label of a row or column key of the given kind; unknown keys label themselves. */
export function keyLabel (kind: KeyKind, key: string, lang: Lang): string {
  if (key === 'all') return MEASURE_LABELS.all[lang]
  if (kind === 'municipality') return municipalityName(key)
  if (kind === 'intervention_group') return INTERVENTION_GROUP_LABELS[key]?.[lang] ?? key
  const list = CODE_LIST_OF[kind]
  if (list) return codeLabel(list, key, lang)
  if (kind === 'measure' || kind === 'mixed') {
    return MEASURE_LABELS[key]?.[lang] ?? INTERVENTION_GROUP_LABELS[key]?.[lang] ?? codeLabel('gender', key, lang)
  }
  return key
}
