import { type Actor, type Role, statsProtection, type StatsProtection } from '../domain/access.js'
import { municipalityName } from '../domain/municipalities.js'
import type { StatsFilter } from '../domain/stats/filter.js'
import type { PublishedTable, TableName } from '../domain/stats/types.js'
import type { Labels, Lang } from '../domain/types.js'
import type { StatsService } from '../services/stats.js'

// The annual report (FoU report chapter 5) as data: which tables, in which order, for which
// scopes. Every number comes from the statistics service with the caller's own protection (exact,
// ≤4 suppression or the cell key method), so SPEC §3 applies exactly as it would to the same
// questions asked of /v1/stats, and a caller cannot get one table two ways.

/** How a section draws its table: one column with a bar per scope, or every column in a panel per scope. */
export type ChartPlan =
  | { kind: 'scopes', column: string, measure: 'share' | 'value' }
  | { kind: 'columns' }

export interface SectionPlan {
  id: string
  table: TableName
  /** Numbered as a figure (Diagram n) when it has a chart, else as a table (Tabell n). */
  chart?: ChartPlan
  /** `county`: the table has a row per municipality already, so one scope is enough. */
  scopes: 'both' | 'county'
  /** `upTo`: every year up to the report's (trends). */
  period?: 'year' | 'upTo'
  appendix?: boolean
  title: Labels
  caption: Labels
  /** Where the FoU report (2021) has the same figure. */
  source?: string
}

export const SECTIONS: readonly SectionPlan[] = [
  {
    id: 'overview', table: 'overview', scopes: 'county', source: 'Tabell 1',
    title: { sv: 'Bakgrundsinformation om ärendena', en: 'Background of the cases' },
    caption: { sv: 'Antal ärenden, flickor och pojkar, ålder vid aktualisering och genomsnittlig inskrivningstid per kommun.', en: 'Cases, girls and boys, age at referral and mean duration per municipality.' }
  },
  {
    id: 'problems', table: 'problems', scopes: 'both', chart: { kind: 'scopes', column: 'children', measure: 'share' }, source: 'Diagram 1',
    title: { sv: 'Barnens problemområden', en: 'The children\'s problems' },
    caption: { sv: 'Andel av barnen med minst ett angivet problemområde. Ett barn kan ha upp till tre.', en: 'Share of the children with at least one problem recorded. A child may have up to three.' }
  },
  {
    id: 'problems-by-gender', table: 'problems-by-gender', scopes: 'both', chart: { kind: 'columns' }, source: 'Diagram 2',
    title: { sv: 'Problemområden uppdelat på kön', en: 'Problems by gender' },
    caption: { sv: 'Andel av flickorna respektive pojkarna med minst ett angivet problemområde.', en: 'Share of the girls and of the boys with at least one problem recorded.' }
  },
  {
    id: 'intervention-groups', table: 'intervention-groups', scopes: 'county', chart: { kind: 'columns' }, source: 'Diagram 4',
    title: { sv: 'Insatser per kommun', en: 'Interventions per municipality' },
    caption: { sv: 'Andel av ärendena i varje kommun som fick traditionell familjebehandling, manualbaserad metod eller båda.', en: 'Share of the cases in each municipality given traditional family treatment, a manual-based method or both.' }
  },
  {
    id: 'manual-methods', table: 'manual-methods', scopes: 'both', chart: { kind: 'scopes', column: 'cases', measure: 'share' }, source: 'Tabell 2',
    title: { sv: 'Manualbaserade metoder', en: 'Manual-based methods' },
    caption: { sv: 'Ärenden per metod, som andel av ärendena med någon manualbaserad metod. Ett ärende kan ha flera metoder.', en: 'Cases per method, as a share of the cases with any manual-based method. A case may use several.' }
  },
  {
    id: 'interventions-by-problem', table: 'interventions-by-problem', scopes: 'both', chart: { kind: 'columns' }, source: 'Diagram 5',
    title: { sv: 'Insatser per problemområde', en: 'Interventions by problem' },
    caption: { sv: 'Andel av ärendena med respektive problemområde per typ av insats.', en: 'Share of the cases with each problem by type of intervention.' }
  },
  {
    id: 'closure-reasons', table: 'closure-reasons', scopes: 'both', chart: { kind: 'scopes', column: 'cases', measure: 'share' }, source: 'Diagram 6',
    title: { sv: 'Avslutsorsaker', en: 'Reasons for closure' },
    caption: { sv: 'Andel av samtliga avslutade ärenden.', en: 'Share of all closed cases.' }
  },
  {
    id: 'closure-by-intervention', table: 'closure-by-intervention', scopes: 'both', chart: { kind: 'columns' }, source: 'Diagram 7',
    title: { sv: 'Avslutsorsak per insats', en: 'Reason for closure by intervention' },
    caption: { sv: 'Andel av ärendena i respektive insatsgrupp.', en: 'Share of the cases in each intervention group.' }
  },
  {
    id: 'durations-by-problem', table: 'durations-by-problem', scopes: 'both', chart: { kind: 'scopes', column: 'median', measure: 'value' }, source: 'Diagram 8, Bilaga 3 X.2',
    title: { sv: 'Insatsens längd per problemområde', en: 'Duration by problem' },
    caption: { sv: 'Mediantid i dagar från första mötet till avslut. Tabellen visar även medel-, min- och maxvärde.', en: 'Median days from the first meeting to closure. The table also gives the mean, minimum and maximum.' }
  },
  {
    id: 'durations-by-intervention', table: 'durations-by-intervention', scopes: 'both', chart: { kind: 'scopes', column: 'median', measure: 'value' }, source: 'Diagram 9',
    title: { sv: 'Insatsens längd per insats', en: 'Duration by intervention' },
    caption: { sv: 'Mediantid i dagar från första mötet till avslut.', en: 'Median days from the first meeting to closure.' }
  },
  {
    id: 'previously-known', table: 'previously-known', scopes: 'both', source: 'Tabell 3',
    title: { sv: 'Nya och återkommande ärenden', en: 'New and returning cases' },
    caption: { sv: 'Antal ärenden, genomsnittlig inskrivningstid (dagar) och medelålder vid aktualisering efter om barnet varit aktuellt i öppenvården tidigare.', en: 'Cases, mean duration (days) and mean age at referral by whether the child had been in outpatient care before.' }
  },
  {
    id: 'trends', table: 'trends', scopes: 'both', period: 'upTo', chart: { kind: 'scopes', column: 'goalsMet', measure: 'share' }, source: 'Webbkollen',
    title: { sv: 'Utveckling över tid', en: 'Over time' },
    caption: { sv: 'Andel ärenden där målen med insatsen uppnåtts helt eller delvis, per avslutsår. Tabellen visar även insatsgrupperna.', en: 'Share of cases whose goals were fully or partly met, per year of closure. The table also gives the intervention groups.' }
  },
  {
    id: 'problems-alone', table: 'problems-alone', scopes: 'both', appendix: true, source: 'Bilaga 3 X.1',
    title: { sv: 'Ensamförekommande problemområden', en: 'Problems occurring alone' },
    caption: { sv: 'Hur många gånger varje problemområde anges, hur många gånger det anges ensamt och andelen ensamförekommande.', en: 'How often each problem is recorded, how often it is the only one, and the share occurring alone.' }
  }
]

export interface Scope {
  id: 'municipality' | 'county'
  label: string
  /** How the caller's tables for this scope are protected (access.ts statsProtection). */
  protection: StatsProtection
  exact: boolean
}

export interface SectionData {
  plan: SectionPlan
  /** "Diagram 3", "Tabell 2". */
  number: string
  tables: Array<{ scope: Scope, table: PublishedTable }>
}

export interface AnnualReport {
  year: number
  lang: Lang
  municipality: string | null
  scopes: Scope[]
  sections: SectionData[]
  /** Municipalities in the county scope (those with records in the year). */
  countyMembers: string[]
  /** Each scope's overview (Tabell 1), for the key figures. */
  overviews: Array<{ scope: Scope, table: PublishedTable }>
  /** YYYY-MM-DD */
  generated: string
}

export interface ReportQuestion {
  year: number
  municipality: string | null
  actor: Actor
  /** Roles whose protected tables use the cell key method (CELL_KEY_ROLES). */
  cellKeyRoles: readonly Role[]
  lang: Lang
  today: string
}

export type ReportOutcome =
  | { kind: 'report', report: AnnualReport }
  /** The county (or the chosen municipality) has no records the caller may count in the year. */
  | { kind: 'no_data', scope: 'county' | 'municipality' }

const NUMBER_WORD = { table: { sv: 'Tabell', en: 'Table' }, figure: { sv: 'Diagram', en: 'Figure' } }

/** No records, or fewer than the threshold for a protected caller (the table is then withheld). */
const empty = (t: PublishedTable): boolean => t.population === null || t.population === 0

export async function buildAnnualReport (stats: StatsService, q: ReportQuestion): Promise<ReportOutcome> {
  const scopeOf = (id: Scope['id'], label: string, municipalities: string[] | undefined): Scope => {
    const protection = statsProtection(q.actor, municipalities, q.cellKeyRoles)
    return { id, label, protection, exact: protection === 'none' }
  }
  const county = scopeOf('county', q.lang === 'sv' ? 'Länet' : 'County', undefined)
  const local = q.municipality === null ? null : scopeOf('municipality', municipalityName(q.municipality), [q.municipality])

  const filterOf = (scope: Scope, plan: SectionPlan): StatsFilter => {
    const period: StatsFilter = plan.period === 'upTo' ? { to: `${q.year}-12-31` } : { year: q.year }
    return scope.id === 'municipality' && q.municipality !== null ? { ...period, municipality: [q.municipality] } : period
  }
  const ask = (plan: SectionPlan, scope: Scope) => stats.table({
    table: plan.table,
    filter: filterOf(scope, plan),
    params: {},
    exact: scope.exact,
    protection: scope.protection === 'perturbed' ? 'perturbed' : 'suppressed',
    lang: q.lang
  })

  const countyOverview = await ask(SECTIONS[0], county)
  if (empty(countyOverview)) return { kind: 'no_data', scope: 'county' }
  const localOverview = local ? await ask(SECTIONS[0], local) : null
  if (localOverview && empty(localOverview)) return { kind: 'no_data', scope: 'municipality' }

  const scopes = local ? [local, county] : [county]
  const counters = { table: 0, figure: 0 }
  const sections: SectionData[] = []
  for (const plan of SECTIONS) {
    const kind = plan.chart ? 'figure' : 'table'
    counters[kind]++
    const wanted = plan.scopes === 'county' ? [county] : scopes
    const tables = []
    for (const scope of wanted) tables.push({ scope, table: await ask(plan, scope) })
    sections.push({ plan, number: `${NUMBER_WORD[kind][q.lang]} ${counters[kind]}`, tables })
  }
  const countyMembers = countyOverview.rows.filter((r) => r.key !== 'all').map((r) => r.key)
  return {
    kind: 'report',
    report: {
      year: q.year,
      lang: q.lang,
      municipality: q.municipality,
      scopes,
      sections,
      countyMembers,
      overviews: local && localOverview ? [{ scope: local, table: localOverview }, { scope: county, table: countyOverview }] : [{ scope: county, table: countyOverview }],
      generated: q.today
    }
  }
}
