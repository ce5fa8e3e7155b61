import { harmonizeInterventions } from './codes.js'
import type { AgeGroup, InterventionGroup, SuxRecord } from './types.js'

// Values derived from a record (SPEC §2 "Derived values"). Dates are ISO `YYYY-MM-DD` strings.

const DAY_MS = 86_400_000

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween (from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
}

/** The calendar year the case closed ("ärenden som avslutades under 2020"). */
export function closingYear (r: Pick<SuxRecord, 'closingDate'>): number {
  return Number(r.closingDate.slice(0, 4))
}

/** closingDate − startDate in days (report footnote 34); null without a start. */
export function durationDays (r: Pick<SuxRecord, 'startDate' | 'closingDate'>): number | null {
  return r.startDate === null ? null : daysBetween(r.startDate, r.closingDate)
}

/** startDate − referralDate in days; null without a start. */
export function waitDays (r: Pick<SuxRecord, 'startDate' | 'referralDate'>): number | null {
  return r.startDate === null ? null : daysBetween(r.referralDate, r.startDate)
}

export function ageGroup (age: number): AgeGroup {
  if (age <= 6) return '0-6'
  if (age <= 12) return '7-12'
  if (age <= 17) return '13-17'
  return '18-20'
}

const MANUAL = new Set(['crisis_support', 'other_manual_method'])

export function interventionGroup (r: Pick<SuxRecord, 'formVersion' | 'interventions' | 'manualMethods'>): InterventionGroup {
  const harmonized = harmonizeInterventions(r.formVersion, r.interventions, r.manualMethods)
  const manual = harmonized.some((i) => MANUAL.has(i))
  const traditional = harmonized.includes('traditional_family_treatment')
  if (manual && traditional) return 'traditional_and_manual'
  if (manual) return 'manual_only'
  if (traditional) return 'traditional_only'
  if (harmonized.includes('other_non_manual')) return 'other_only'
  return 'none'
}

export function goalsMet (r: Pick<SuxRecord, 'closureReason'>): boolean {
  return r.closureReason === 'goals_met'
}

export interface Derived {
  year: number
  durationDays: number | null
  waitDays: number | null
  ageGroup: AgeGroup
  interventionGroup: InterventionGroup
  goalsMet: boolean
}

export function derive (r: SuxRecord): Derived {
  return {
    year: closingYear(r),
    durationDays: durationDays(r),
    waitDays: waitDays(r),
    ageGroup: ageGroup(r.ageAtReferral),
    interventionGroup: interventionGroup(r),
    goalsMet: goalsMet(r)
  }
}
