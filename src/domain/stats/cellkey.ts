import type { Lang } from '../types.js'
import { primaryDisplay, REASONS, tableHead, VALUE_DISPLAY, type PresentOptions } from './present.js'
import { MAX_NOISE, NOISE_VARIANCE, perturbCount } from './ptable.js'
import type { ExactCountCell, ExactTable, ExactValueCell, PublishedCell, PublishedRow, PublishedTable } from './types.js'
import { wilson } from './wilson.js'

// A table protected by the cell key method (`protection: "perturbed"`), the alternative to ≤4
// suppression for callers who may ask many overlapping questions. Every count (cells, row totals,
// the population) is published with the noise that ptable.ts gives its true value and cell key,
// so the same records always get the same answer and two overlapping answers differ by the true
// difference plus two independent noises. Nothing is withheld to keep totals from giving a cell
// away (no secondary suppression): totals carry their own noise.
//
// Kept from suppression, so that a dashboard sees the same kinds of markers in either mode:
//   - a published count of 1 to threshold − 1 shows "≤4" (its noisy value is not shown either);
//   - a table whose published population is below the threshold is withheld whole;
//   - a value (mean, median, min, max, ratio) of fewer than `threshold` records is withheld.
// Derived figures are computed from the published counts, never the true ones, since an exact
// figure next to a noisy count would undo the noise:
//   - a share is published count / published denominator, clamped to [0, 1], with the Wilson
//     interval of those two numbers; withheld when the denominator is published below the threshold;
//   - a ratio of two counts of the row (problems-alone) is recomputed from the published counts;
//   - means and medians are rounded to whole units (years, days): the sum of n whole numbers over
//     n has a fraction that can name n exactly (37/6 = 6.1667 fits no n but multiples of 6), and
//     an exact n is what the noise hides. A mean rounded to a whole number fits every n.

export interface PerturbOptions extends PresentOptions {
  threshold: number
}

const NOTE = {
  sv: (t: number) => `Skyddad med cellnyckelmetoden: varje antal har ett litet, fast brus (högst ±${MAX_NOISE}, varians ${NOISE_VARIANCE}), ` +
    `så samma uppgifter ger alltid samma svar; antal 1–${t - 1} visas som ≤${t - 1}. Andelar räknas på de publicerade antalen, ` +
    'delarna summerar inte alltid till totalen, och medelvärden och medianer är avrundade till hela enheter.',
  en: (t: number) => `Protected by the cell key method: every count carries a small fixed noise (at most ±${MAX_NOISE}, variance ${NOISE_VARIANCE}), ` +
    `so the same records always give the same answer; counts of 1–${t - 1} are shown as ≤${t - 1}. Shares are computed from the published ` +
    'counts, parts need not add up to their total, and means and medians are rounded to whole units.'
}

/** The note a perturbed table carries, with the published parameters. */
export function perturbationNote (lang: Lang, threshold: number): string {
  return NOTE[lang](threshold)
}

function keySum (sum: number | undefined, table: ExactTable, what: string): number {
  // A table computed without keys cannot be perturbed; publishing it unperturbed would be a leak.
  if (sum === undefined) throw new Error(`${table.table}: ${what} has no key sum; compute the table with keys`)
  return sum
}

/** The published form of `table` under the cell key method; the table must be computed with keys. */
export function presentPerturbed (table: ExactTable, opts: PerturbOptions): PublishedTable {
  const { threshold } = opts
  const head = tableHead(table, opts)
  const lang = opts.lang ?? 'sv'
  const notes = { notes: [...(table.notes ?? []), perturbationNote(lang, threshold)] }
  const population = perturbCount(table.population, keySum(table.populationKeySum, table, 'the population'))
  if (population < threshold) {
    return { ...head, population: null, protection: 'perturbed', withheld: true, reason: REASONS.population[lang](threshold), rows: [], ...notes }
  }
  const small = (n: number): boolean => n > 0 && n < threshold
  const rows = table.rows.map((row): PublishedRow => {
    const published = new Map<string, number>()
    for (const cell of row.cells) {
      if (cell.kind === 'count') published.set(cell.column, perturbCount(cell.count, keySum(cell.keySum, table, `${row.key}/${cell.column}`)))
    }
    const count = (cell: ExactCountCell): PublishedCell => {
      const n = published.get(cell.column) as number
      const noShare = cell.denominator === null ? {} : { share: null, ci95: null }
      if (small(n)) return { column: cell.column, count: null, ...noShare, display: primaryDisplay(threshold), suppressed: 'primary' }
      if (cell.denominator === null) return { column: cell.column, count: n }
      const d = perturbCount(cell.denominator, keySum(cell.denominatorKeySum, table, `${row.key}/${cell.column} denominator`))
      if (d < threshold) return { column: cell.column, count: n, ...noShare }
      const part = Math.min(n, d)
      return { column: cell.column, count: n, share: part / d, ci95: wilson(part, d) }
    }
    const value = (cell: ExactValueCell): PublishedCell => {
      if (cell.value === null || cell.n === 0) return { column: cell.column, value: null }
      if (cell.n < threshold) return { column: cell.column, value: null, display: VALUE_DISPLAY, suppressed: 'primary' }
      if (cell.ratio) {
        const num = published.get(cell.ratio.numerator)
        const den = published.get(cell.ratio.denominator)
        if (num === undefined || den === undefined) throw new Error(`${table.table}: ratio ${cell.column} names a column that is not a count of its row`)
        // A ratio beside a "≤4" numerator would give that numerator away (ratio × denominator).
        if (small(num) || den < threshold) return { column: cell.column, value: null, display: VALUE_DISPLAY, suppressed: 'secondary' }
        return { column: cell.column, value: Math.min(num, den) / den }
      }
      return { column: cell.column, value: Math.round(cell.value) }
    }
    const cells = row.cells.map((cell) => (cell.kind === 'count' ? count(cell) : value(cell)))
    const label = opts.label(row.keyKind ?? table.rowKind, row.key)
    if (row.total === null) return { key: row.key, label, cells }
    const total = perturbCount(row.total, keySum(row.totalKeySum, table, `${row.key}/total`))
    if (small(total)) return { key: row.key, label, cells, total: null, totalDisplay: primaryDisplay(threshold), totalSuppressed: 'primary' }
    return { key: row.key, label, cells, total }
  })
  return { ...head, population, protection: 'perturbed', rows, ...notes }
}
