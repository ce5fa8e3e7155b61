import type { Labels, Lang } from '../domain/types.js'

// The words of the report that are not labels of codes (those come from the code lists).

export const TEXTS = {
  kicker: { sv: 'ISU Register · Uppföljning med SU-X', en: 'ISU Register · Follow-up with SU-X' },
  title: {
    sv: (year: number) => `Öppenvård för barn och unga ${year}`,
    en: (year: number) => `Outpatient services for children and young people ${year}`
  },
  subtitleCompared: {
    sv: (m: string) => `${m} jämfört med länet`,
    en: (m: string) => `${m} compared with the county`
  },
  subtitleCounty: { sv: 'Samtliga kommuner i länet', en: 'All municipalities in the county' },
  lead: {
    sv: (year: number) => `Ärenden inom socialtjänstens behovsprövade öppenvård för barn och unga som avslutades under ${year}, registrerade med formuläret SU-X. Rapporten följer kapitel 5 i FoU Välfärds rapport om SU-X.`,
    en: (year: number) => `Cases in the social services' outpatient care for children and young people that closed in ${year}, recorded with the SU-X form. The report follows chapter 5 of FoU Välfärd's SU-X report.`
  },
  county: { sv: 'Länet', en: 'County' },
  countyMembers: {
    sv: (names: string) => `Länet omfattar de kommuner som har avslutade ärenden i registret: ${names}.`,
    en: (names: string) => `The county covers the municipalities with closed cases in the register: ${names}.`
  },
  generated: { sv: 'Framtagen', en: 'Produced' },
  cases: { sv: 'Avslutade ärenden', en: 'Closed cases' },
  girlsBoys: { sv: 'Flickor / pojkar', en: 'Girls / boys' },
  meanAge: { sv: 'Medelålder vid aktualisering', en: 'Mean age at referral' },
  meanDuration: { sv: 'Genomsnittlig inskrivningstid', en: 'Mean duration' },
  days: { sv: 'dagar', en: 'days' },
  goalsMet: { sv: 'Målen uppnådda helt eller delvis', en: 'Goals fully or partly met' },
  keyFigures: { sv: 'I korthet', en: 'At a glance' },
  contents: { sv: 'Innehåll', en: 'Contents' },
  appendix: { sv: 'Bilaga', en: 'Appendix' },
  table: { sv: 'Tabell', en: 'Table' },
  figure: { sv: 'Diagram', en: 'Figure' },
  source: { sv: 'Motsvarar i FoU-rapporten', en: 'Corresponds in the FoU report to' },
  dataTable: { sv: 'Tabell till diagrammet', en: 'Data of the figure' },
  total: { sv: 'Totalt', en: 'Total' },
  share: { sv: 'Andel', en: 'Share' },
  count: { sv: 'Antal', en: 'Count' },
  interval: { sv: '95 % KI', en: '95% CI' },
  exact: { sv: 'exakta uppgifter', en: 'exact figures' },
  protectedScope: { sv: 'skyddade uppgifter', en: 'protected figures' },
  perturbedScope: { sv: 'skyddade uppgifter (med brus)', en: 'protected figures (with noise)' },
  perturbationText: {
    sv: 'Antalen i rapporten har fått ett litet brus (högst ±2) enligt cell key-metoden: samma ärenden ger alltid samma svar, men skillnader mellan tabeller avslöjar inga små antal. Antal mellan 1 och 4 visas som ”≤4”, och andelar räknas från de publicerade antalen.',
    en: 'The counts in this report carry a small noise (at most ±2) by the cell key method: the same cases always give the same answer, but differences between tables give no small count away. Counts between 1 and 4 are shown as "≤4", and shares are computed from the published counts.'
  },
  protection: { sv: 'Skydd av små tal', en: 'Protection of small counts' },
  protectionText: {
    sv: 'För att ingen enskild ska kunna identifieras visas antal mellan 1 och 4 som ”≤4”. Antal som skulle kunna räknas fram ur summor visas som ”..”, och andelar och medelvärden som bygger på färre än fem ärenden visas som ”–”. I diagrammen markeras sådana värden med en romb och sin markering, aldrig med en stapel.',
    en: 'So that no individual can be identified, counts between 1 and 4 are shown as "≤4". Counts that could be worked out from totals are shown as "..", and shares and means based on fewer than five cases as "–". In the figures such values are drawn as a diamond with their marker, never as a bar.'
  },
  exactNotice: {
    sv: 'Uppgifterna i rapporten är exakta; sprid dem inte utan att skydda små tal.',
    en: 'The figures in this report are exact; protect small counts before passing them on.'
  },
  method: { sv: 'Om siffrorna', en: 'About the figures' },
  methodText: {
    sv: 'Andelar redovisas med 95 % konfidensintervall (Wilson), som visar hur säkert ett värde är givet antalet ärenden. Insatsens längd är tiden från första mötet till avslut. Ett barn kan ha upp till tre problemområden och flera metoder, så andelarna i sådana tabeller summerar till mer än 100 %. 2020 års ”psykisk ohälsa/intellektuell funktionsnedsättning hos förälder” redovisas tillsammans med 2021 års ”psykisk ohälsa hos förälder”.',
    en: 'Shares carry 95% confidence intervals (Wilson), which show how certain a value is given the number of cases. Duration is the time from the first meeting to closure. A child may have up to three problems and several methods, so shares in such tables add up to more than 100%. The 2020 category "parental mental illness or intellectual disability" is reported together with 2021\'s "parental mental illness".'
  },
  omittedRows: { sv: 'Utan ärenden (visas inte)', en: 'Without cases (not shown)' },
  withheld: { sv: 'Uppgifterna visas inte', en: 'Not shown' },
  noChart: { sv: 'Diagrammet visas inte: inga uppgifter att rita.', en: 'No figure: nothing to draw.' },
  markerLegend: {
    sv: '◇ ≤4: antal 1–4 (visas inte exakt) · ◇ ..: dolt för att skydda ett litet antal · ◇ –: värdet bygger på för få ärenden',
    en: '◇ ≤4: a count of 1–4 (not shown exactly) · ◇ ..: hidden to protect a small count · ◇ –: value based on too few cases'
  },
  intervalLegend: { sv: 'Linjen visar 95 % konfidensintervall.', en: 'The line shows the 95% confidence interval.' },
  footer: {
    sv: (year: number, scope: string) => `SU-X årsrapport ${year} · ${scope}`,
    en: (year: number, scope: string) => `SU-X annual report ${year} · ${scope}`
  },
  page: { sv: 'Sida', en: 'Page' },
  of: { sv: 'av', en: 'of' },
  about: { sv: 'Om rapporten', en: 'About the report' },
  year: { sv: 'År', en: 'Year' },
  municipality: { sv: 'Kommun', en: 'Municipality' },
  code: { sv: 'Kod', en: 'Code' },
  row: { sv: 'Rad', en: 'Row' },
  value: { sv: 'Värde', en: 'Value' },
  intervalLow: { sv: '95 % KI, nedre', en: '95% CI, lower' },
  intervalHigh: { sv: '95 % KI, övre', en: '95% CI, upper' },
  population: { sv: 'Ärenden i urvalet', en: 'Records matching the filters' },
  filters: { sv: 'Urval', en: 'Filters' },
  protectionLevel: { sv: 'Skydd', en: 'Protection' },
  protectionNone: { sv: 'inget (exakta uppgifter)', en: 'none (exact figures)' },
  protectionSuppressed: { sv: 'små tal skyddade', en: 'small counts protected' },
  protectionPerturbed: { sv: 'antal med brus (cell key-metoden)', en: 'counts with noise (cell key method)' },
  notes: { sv: 'Anmärkningar', en: 'Notes' }
} as const

export function t (labels: Labels, lang: Lang): string {
  return labels[lang]
}

/** How a scope's figures are protected, in words ("exakta uppgifter"). */
export function scopeStatus (s: { protection: 'none' | 'suppressed' | 'perturbed' }, lang: Lang): string {
  if (s.protection === 'none') return TEXTS.exact[lang]
  return s.protection === 'perturbed' ? TEXTS.perturbedScope[lang] : TEXTS.protectedScope[lang]
}
